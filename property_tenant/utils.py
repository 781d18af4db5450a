"""Pure date and percentage rules of the tenant archive, and the small
helpers every app of the suite shares (percent with "no value", month
labels, dates and column titles of imported files).

They take plain values so that they can be tested without a database; the
models call them and stay the only place where each rule is applied.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

# a date written year first: 2026-03-05, 2026/3/5, 2026.03.05, 2026年3月5日,
# followed by anything (a time)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)")
# an Excel serial day between these (1954-2119) is read as a date
_EXCEL_DAYS = (20000, 80000)
_EXCEL_EPOCH = date(1899, 12, 30)
# a trailing remark in brackets: 金额（元）, 收入金额（+元）, 借方发生额（支取）
_TITLE_REMARK = re.compile(r"\([^()]*\)$")
# what a column title is compared without: spaces, underscores, dashes,
# colons, brackets and the required mark
_TITLE_MARKS = re.compile(r"[\s_\-:()*]+")


def periods_overlap(start_a, end_a, start_b, end_b):
    """Tell whether two closed date intervals share at least one day.

    ``None`` as a start means "since always", as an end "open-ended".
    An occupancy that ends on the 31st and one that starts on the 31st
    overlap (the unit cannot be handed to two tenants on the same day).
    """
    lower = date.min
    upper = date.max
    return (start_a or lower) <= (end_b or upper) and (start_b or lower) <= (
        end_a or upper
    )


# The seed's service targets (服务目标), in percent: the one source every
# app, screen, report and the dashboard read them from.
KPI_TARGETS = {
    "complaint_handling": 100.0,
    "major_repair_callback": 100.0,
    "satisfaction": 90.0,
    "archive_completeness": 100.0,
    "collection_rate": 98.0,
    "suggestion_callback": 100.0,
}


def kpi_percent(numerator, denominator):
    """A service target's value (服务目标): ``numerator / denominator`` in
    percent, rounded to two decimals; ``None`` ("no value") when there is
    nothing to measure, never 100 %.  The one rule every KPI of the suite
    (desk, fees, archive, dashboard) is computed with."""
    if not denominator:
        return None
    return round(100.0 * numerator / denominator, 2)


def month_label(day):
    """The month of ``day`` as the suite writes it on bills, reports and
    exports: ``2026-03``; ``""`` without a day."""
    if not day:
        return ""
    return f"{day.year:04d}-{day.month:02d}"


def parse_date(value):
    """A cell of an imported file (csv, xlsx, a bank's export) as a date:
    a date or datetime, an Excel serial day, or text written year first
    (``2026-03-05 14:22``, ``2026/3/5``, ``2026.03.05``, ``2026年3月5日``,
    ``20260305``, full-width digits too, a leading backtick or quote of an
    export ignored); ``None`` when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _EXCEL_DAYS[0] < value < _EXCEL_DAYS[1]:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    text = "" if value is None else str(value).strip().strip("`'").strip()
    text = unicodedata.normalize("NFKC", text)
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def normalize_header(text):
    """A column title of an imported file as it is compared: without
    width, case, spaces, underscores, dashes, colons, the required mark
    ``*`` or a trailing remark in brackets, so that ``金额（元）``,
    ``金额(元)`` and ``金额`` are one title, ``Meter_No`` is ``meterno``
    and ``收入金额（+元）`` is ``收入金额``."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"\s+", "", text.lstrip("\ufeff"))
    return _TITLE_MARKS.sub("", _TITLE_REMARK.sub("", text))


def completeness_percent(satisfied, required):
    """Share of required archive items that are present, in percent.

    An archive with nothing required is complete (100%). The result is
    rounded to two decimals, the precision the reports show.
    """
    if required <= 0:
        return 100.0
    satisfied = max(0, min(satisfied, required))
    return round(100.0 * satisfied / required, 2)


def next_check_date(last_date, interval_months):
    """Date of the next periodic archive check after ``last_date``."""
    if not last_date or interval_months <= 0:
        return False
    return last_date + relativedelta(months=interval_months)


def expiry_state(expiry_date, today, lead_days):
    """Classify a document's validity on ``today``.

    ``none``: no expiry date; ``expired``: the expiry date has passed;
    ``expiring``: it falls within ``lead_days`` days; ``valid`` otherwise.
    """
    if not expiry_date:
        return "none"
    if expiry_date < today:
        return "expired"
    if (expiry_date - today).days <= max(lead_days, 0):
        return "expiring"
    return "valid"
