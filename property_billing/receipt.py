"""Pure helpers of the counter receipt (收据) and of the tenant's bills.

Plain values in, plain values out: nothing of the Odoo framework, tested
directly in ``tests/test_receipt_amounts.py``.
"""

import calendar
from datetime import date
from decimal import Decimal

from odoo.addons.property_tenant.utils import month_label

from .billing import cents as to_cent

DIGITS = "零壹贰叁肆伍陆柒捌玖"
# units of the four positions inside a group of four digits
POSITION_UNITS = ("", "拾", "佰", "仟")
# units of the groups of four digits: yuan, ten-thousands, hundred-millions
GROUP_UNITS = ("", "万", "亿")
# the largest amount written by rmb_capitals: below one trillion (万亿)
MAX_AMOUNT = Decimal("999999999999.99")


def rmb_capitals(amount):
    """An amount of yuan in Chinese financial capitals (人民币大写), as
    written on receipts and cheques under the PBOC payment rules
    (《支付结算办法》附一)::

        1234.56  -> 壹仟贰佰叁拾肆元伍角陆分
        100      -> 壹佰元整
        1005.01  -> 壹仟零伍元零壹分
        0.5      -> 伍角

    ``amount`` (int, float, str or Decimal) is rounded half-up to the fen.
    A run of zeros inside the yuan is written as one 零; when the jiao is
    zero and the fen is not, 零 follows 元; a whole amount ends in 整.
    A negative amount is prefixed with 负.  Amounts of a trillion yuan or
    more raise ``ValueError``.
    """
    value = to_cent(amount)
    if value < 0:
        return "负" + rmb_capitals(-value)
    if value > MAX_AMOUNT:
        raise ValueError(f"Amount too large to write in capitals: {amount}")
    fen_total = int(value * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)

    words = _yuan_capitals(yuan)
    if yuan:
        words += "元"
    if not jiao and not fen:
        return (words or DIGITS[0] + "元") + "整"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += DIGITS[0]
    if fen:
        words += DIGITS[fen] + "分"
    return words


def _yuan_capitals(yuan):
    """The whole yuan in capitals, without the 元 (empty for zero)."""
    digits = str(yuan) if yuan else ""
    words = []
    pending_zero = False
    group_has_digit = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        digit = int(char)
        if digit:
            if pending_zero and words:
                words.append(DIGITS[0])
            words.append(DIGITS[digit] + POSITION_UNITS[position % 4])
            pending_zero = False
            group_has_digit = True
        else:
            pending_zero = True
        if position % 4 == 0:
            if group_has_digit:
                words.append(GROUP_UNITS[position // 4])
            group_has_digit = False
    return "".join(words)


def period_label(date_from, date_to):
    """A short label of a billed period for tenants and receipts::

        2026-03-01 .. 2026-03-31  -> "2026-03"
        2026-01-01 .. 2026-03-31  -> "2026-01 ~ 2026-03"
        2026-03-10 .. 2026-03-31  -> "2026-03-10 ~ 2026-03-31"

    Whole calendar months are written as months, any other span with its
    days.  A missing end gives the start alone; no start gives "".
    """
    if not date_from:
        return ""
    if not date_to or date_to == date_from:
        return date_from.isoformat()
    if date_from.day == 1 and date_to.day == _month_length(date_to):
        first, last = month_label(date_from), month_label(date_to)
        return first if first == last else f"{first} ~ {last}"
    return f"{date_from.isoformat()} ~ {date_to.isoformat()}"


def _month_length(day: date):
    return calendar.monthrange(day.year, day.month)[1]
