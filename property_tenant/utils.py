"""Pure date and percentage rules of the tenant archive.

They take plain values so that they can be tested without a database; the
models call them and stay the only place where each rule is applied.
"""

from datetime import date

from dateutil.relativedelta import relativedelta


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
