"""The arithmetic of the service targets (服务目标, R-KPI) on plain values.

- A KPI value is ``numerator / denominator`` in percent, two decimals; with
  nothing to measure (denominator 0) there is no value (``None``).
- A target is met when the value reaches it; a period with nothing to
  measure does not miss its target.
- Periods are calendar months, quarters and years; the trend walks back
  from the period that holds a given day.
"""

from dateutil.relativedelta import relativedelta

from odoo.addons.property_tenant.utils import (  # noqa: F401 - one rule, one source
    KPI_TARGETS,
    kpi_percent,
    month_label,
)

# The five KPIs of the seed, in the order of the dashboard (targets:
# property_tenant/utils.py).
KPI_CODES = (
    "complaint_handling",
    "major_repair_callback",
    "satisfaction",
    "archive_completeness",
    "collection_rate",
)
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def target_met(value, target):
    """Whether a KPI value reaches its target (no value: nothing missed)."""
    return value is None or value >= target


def period_bounds(period, day):
    """First and last day of the month, quarter or year holding ``day``."""
    months = PERIOD_MONTHS[period]
    first_month = months * ((day.month - 1) // months) + 1
    start = day.replace(month=first_month, day=1)
    return start, start + relativedelta(months=months, days=-1)


def period_label(period, start):
    """How a period reads in the trend: ``2026-03``, ``2026 Q1``, ``2026``
    (these sort in time order)."""
    if period == "year":
        return f"{start.year}"
    if period == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return month_label(start)


def trend_periods(period, day, count):
    """The ``count`` periods up to the one holding ``day``, oldest first,
    as ``(start, end)`` pairs."""
    if count < 1:
        return []
    start, _end = period_bounds(period, day)
    months = PERIOD_MONTHS[period]
    periods = []
    for back in range(count - 1, -1, -1):
        first = start - relativedelta(months=months * back)
        periods.append((first, first + relativedelta(months=months, days=-1)))
    return periods
