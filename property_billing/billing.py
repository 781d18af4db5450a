"""The money and date arithmetic of property billing, on plain values.

Every amount is a :class:`~decimal.Decimal` rounded half-up to the cent;
callers convert from and to floats at the edge.  The model methods call
these functions and nothing else computes an amount.

Proration rule (documented for tenants and auditors)
----------------------------------------------------
A monthly charge ``M`` (rate × floor area, or a fixed monthly amount) for a
billed range ``[start, end]`` is the sum, over each calendar month the range
touches, of ``M × days billed in that month / days in that month``; the sum
is rounded once, half-up, to the cent.  A full calendar month therefore
costs exactly ``M``, a quarter exactly ``3 × M``, and moving in on the 16th
of a 30-day month costs ``M × 15 / 30``.  When the rate changes inside the
range, each day is priced at the rate in force on that day.
"""

import calendar
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def to_decimal(value):
    """A float, int, str or Decimal as an exact Decimal (floats through
    their shortest repr, so 6.5 is 6.5 and not 6.4999…)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def cents(value):
    """``value`` rounded half-up to the cent."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day, months):
    """First day of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def cycle_bounds(day, cycle):
    """First and last day of the billing cycle containing ``day``.  Cycles
    follow the calendar: quarters start in January, April, July and
    October, half-years in January and July, years in January."""
    months = CYCLE_MONTHS[cycle]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, add_months(start, months) - timedelta(days=1)


def clip(start, end, lower, upper):
    """``[start, end]`` clipped to ``[lower, upper]`` (``None`` bounds are
    open); ``None`` when nothing is left."""
    if lower and lower > start:
        start = lower
    if upper and upper < end:
        end = upper
    return (start, end) if start <= end else None


def month_segments(start, end):
    """``(days billed, days in month)`` for each calendar month that
    ``[start, end]`` touches."""
    segments = []
    current = start
    while current <= end:
        last = min(month_end(current), end)
        days_in_month = calendar.monthrange(current.year, current.month)[1]
        segments.append((current, last, (last - current).days + 1, days_in_month))
        current = last + timedelta(days=1)
    return segments


def prorate(monthly_amount, start, end, rate_on=None):
    """Charge for ``[start, end]`` of a monthly amount, by the proration
    rule of this module.  ``rate_on(day)``, when given, returns the monthly
    amount in force on ``day`` (it is asked for each day where it may
    change: callers pass a function returning the same value for a whole
    month unless a rate starts inside it)."""
    total = Decimal(0)
    for first, last, days, days_in_month in month_segments(start, end):
        if rate_on is None:
            total += to_decimal(monthly_amount) * days / days_in_month
            continue
        day = first
        while day <= last:
            total += to_decimal(rate_on(day)) / days_in_month
            day += timedelta(days=1)
    return cents(total)


def tiered_amount(quantity, tiers):
    """Graduated (阶梯) price of ``quantity``: ``tiers`` is a list of
    ``(from_quantity, unit_price)``; each band from its ``from_quantity``
    to the next band's is priced at its own unit price.  The first band
    must start at 0.  Rounded once to the cent."""
    if not tiers:
        raise ValueError("no tiers")
    bands = sorted((to_decimal(start), to_decimal(price)) for start, price in tiers)
    if bands[0][0] != 0:
        raise ValueError("the first tier must start at 0")
    quantity = to_decimal(quantity)
    total = Decimal(0)
    for index, (start, price) in enumerate(bands):
        if quantity <= start:
            break
        upper = bands[index + 1][0] if index + 1 < len(bands) else quantity
        total += (min(quantity, upper) - start) * price
    return cents(total)


def apportion(total, weights):
    """Split ``total`` over ``weights`` (floor areas, consumptions) so that
    the parts, each in whole cents, sum exactly to ``total``.  Every part
    first gets its share rounded down to the cent; the cents left over go
    one each to the largest remainders, ties to the earlier weight.  The
    result is therefore the same for the same input order."""
    total = cents(total)
    weights = [to_decimal(w) for w in weights]
    if any(w < 0 for w in weights):
        raise ValueError("negative weight")
    weight_sum = sum(weights)
    if not weights or weight_sum == 0:
        raise ValueError("nothing to apportion over")
    total_cents = int(total / CENT)
    raw = [total_cents * w / weight_sum for w in weights]
    floors = [int(r.to_integral_value(rounding=ROUND_DOWN)) for r in raw]
    left = total_cents - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(f) * CENT for f in floors]


def days_late(due_date, as_of, grace_days=0):
    """Days a payment due on ``due_date`` is late on ``as_of`` once the
    grace days have passed (0 while within the grace period)."""
    return max(0, (as_of - due_date).days - (grace_days or 0))


def late_fee(residual, late_days, daily_rate_permille, cap_percent=None):
    """Late fee (滞纳金) on an overdue ``residual``: ``daily_rate_permille``
    ‰ of the residual per late day, capped at ``cap_percent`` % of the
    residual when a cap is set; rounded to the cent."""
    residual = to_decimal(residual)
    if residual <= 0 or late_days <= 0:
        return Decimal("0.00")
    fee = residual * to_decimal(daily_rate_permille) / 1000 * late_days
    if cap_percent:
        fee = min(fee, residual * to_decimal(cap_percent) / 100)
    return cents(fee)
