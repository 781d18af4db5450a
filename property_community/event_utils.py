"""Pure figures of community events (R-COM-2): attendee age groups,
rates and budget variance. Plain values in, plain values out."""

from odoo.addons.property_tenant.utils import kpi_percent

CHILD_MAX_AGE = 13  # up to and including 13: a child (儿童)
ELDERLY_MIN_AGE = 60  # from 60: an elderly resident (老年人)

ATTENDEE_GROUPS = [
    ("child", "Child"),
    ("adult", "Adult"),
    ("elderly", "Elderly"),
]


def attendee_group(birth_year, event_year):
    """'child', 'adult' or 'elderly' by the age reached in the event's year;
    False when the birth year is not known (or not plausible)."""
    if not birth_year or not event_year or birth_year > event_year:
        return False
    age = event_year - birth_year
    if age <= CHILD_MAX_AGE:
        return "child"
    if age >= ELDERLY_MIN_AGE:
        return "elderly"
    return "adult"


def rate_percent(part, whole):
    """``part`` of ``whole`` in percent, rounded to 2 decimals; 0 when there
    is nothing to measure."""
    return kpi_percent(part, whole) or 0.0


def cost_variance(budget, actual):
    """Actual cost minus budget: positive when the event overspent."""
    return round(actual - budget, 2)
