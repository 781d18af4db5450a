"""Meter arithmetic and the parsing of imported readings, on plain values.

Quantities are :class:`~decimal.Decimal` rounded half-up to the thousandth
(the precision of a register); callers convert from and to floats at the
edge.  The meter and reading models call these functions and nothing else
computes a consumption.

Consumption rule (documented for readers and tenants)
-----------------------------------------------------
The consumption of a reading is the register's advance since the previous
reading of the same meter (or since the meter's initial reading), times the
meter's multiplier (倍率, e.g. the ratio of a current transformer)::

    (value - previous) × multiplier

A reading lower than the previous one is refused, unless it is recorded as a
rollover: the register passed its largest value ``R`` (99999 on five digits)
and started again at zero, so it advanced ``R - previous`` up to its largest
value, one more step to zero, then ``value``::

    (R - previous + 1 + value) × multiplier

A replaced meter ends with its final reading and the new meter starts from
its initial reading, so the consumption across a replacement is
``old final - old last + new current - new initial`` (each × its own
multiplier).  The consumption of a period is the sum of the consumptions of
the readings dated in it, which is the last reading on or before its end
minus the last reading before its start (or the initial reading).

Anomaly rule
------------
A reading is anomalous when its consumption is above ``factor`` times the
average consumption of the unit's ``count`` previous readings of the same
meter type (as many as there are, if fewer; never when there are none or
their average is zero), or when it is zero on a unit occupied on the
reading's date.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from odoo.addons.property_tenant.utils import parse_date as parse_cell_date

from .billing import to_decimal

QUANTUM = Decimal("0.001")

# Why a reading cannot follow the previous one (see ``reading_problem``).
NEGATIVE = "negative"
LOWER = "lower"
ROLLOVER_NOT_LOWER = "rollover_not_lower"
ROLLOVER_NO_REGISTER = "rollover_no_register"
ABOVE_REGISTER = "above_register"

# Anomaly kinds.
HIGH = "high"
ZERO = "zero"


def quantity(value):
    """``value`` as a Decimal rounded half-up to the thousandth."""
    return to_decimal(value).quantize(QUANTUM, rounding=ROUND_HALF_UP)


def reading_problem(previous, value, is_rollover=False, rollover_value=None):
    """Why register reading ``value`` cannot follow ``previous``, as one of
    the codes of this module, or ``None`` when it can."""
    previous, value = quantity(previous or 0), quantity(value or 0)
    register = quantity(rollover_value) if rollover_value else None
    if value < 0:
        return NEGATIVE
    if register is not None and value > register:
        return ABOVE_REGISTER
    if is_rollover:
        if register is None:
            return ROLLOVER_NO_REGISTER
        if value >= previous:
            return ROLLOVER_NOT_LOWER
        return None
    if value < previous:
        return LOWER
    return None


def reading_consumption(
    previous, value, multiplier=1, is_rollover=False, rollover_value=None
):
    """Consumption of a reading by the consumption rule of this module;
    ``ValueError`` when the reading cannot follow ``previous``."""
    problem = reading_problem(previous, value, is_rollover, rollover_value)
    if problem:
        raise ValueError(problem)
    previous, value = quantity(previous or 0), quantity(value)
    if is_rollover:
        advance = quantity(rollover_value) - previous + 1 + value
    else:
        advance = value - previous
    return quantity(advance * to_decimal(multiplier))


def trailing_average(consumptions, count):
    """Average of the last ``count`` of ``consumptions`` (oldest first), or
    ``None`` when there is none."""
    if count <= 0:
        return None
    window = [to_decimal(c) for c in list(consumptions)[-count:]]
    if not window:
        return None
    return quantity(sum(window) / len(window))


def anomaly(consumption, history, factor, count, occupied):
    """``(kind, average)`` of a reading consuming ``consumption`` after the
    unit's earlier consumptions ``history`` (oldest first): kind ``ZERO``
    when nothing was consumed on an occupied unit, ``HIGH`` when more than
    ``factor`` × the trailing average of ``count`` readings was consumed,
    else ``None``."""
    consumption = quantity(consumption)
    average = trailing_average(history, count)
    if consumption == 0:
        return (ZERO if occupied else None), average
    if average and average > 0 and consumption > average * to_decimal(factor):
        return HIGH, average
    return None, average


# ----------------------------------------------------------------------
# Parsing of imported cells
# ----------------------------------------------------------------------
TRUE_WORDS = {"1", "y", "yes", "true", "x", "✓", "√", "是", "翻表", "rollover"}
FALSE_WORDS = {"", "0", "n", "no", "false", "否", "-"}


def parse_number(cell):
    """A register value from a cell (number or text, thousands separators
    and full-width digits tolerated); ``ValueError`` when it is not a
    number."""
    if isinstance(cell, bool):
        raise ValueError(cell)
    if isinstance(cell, int | float | Decimal):
        return quantity(cell)
    text = str(cell or "").strip()
    text = text.translate(_FULL_WIDTH).replace(",", "").replace(" ", "")
    if not text:
        raise ValueError(cell)
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(cell) from error
    if not number.is_finite():
        raise ValueError(cell)
    return quantity(number)


def parse_date(cell):
    """A reading date from a cell (see
    :func:`~odoo.addons.property_tenant.utils.parse_date`); ``ValueError``
    when it is not a date."""
    day = parse_cell_date(cell)
    if day is None:
        raise ValueError(cell)
    return day


def parse_flag(cell):
    """A yes/no cell (1/0, yes/no, true/false, x, 是/否, empty = no);
    ``ValueError`` otherwise."""
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float):
        if cell in (0, 1):
            return bool(cell)
        raise ValueError(cell)
    text = str(cell or "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(cell)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－／", "0123456789.,-/")
