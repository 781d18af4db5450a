"""Pure rules of the decoration process, tested without a database."""

from datetime import timedelta


def periods_overlap(start_a, end_a, start_b, end_b):
    """Whether two closed date periods share at least one day."""
    return start_a <= end_b and start_b <= end_a


def fee_quantity(basis, area):
    """Quantity of the decoration management fee: the decorated area (m²)
    when the fee is by area, one when it is fixed."""
    if basis == "area":
        return round(area or 0.0, 2)
    return 1.0


def kept_amount(deposit, deductions):
    """The part of the deposit that is kept: the approved deductions, never
    more than the deposit itself."""
    return round(min(max(sum(deductions), 0.0), deposit), 2)


def refund_date(accepted_on, waiting_days):
    """The day from which the deposit can be refunded after acceptance."""
    return accepted_on + timedelta(days=max(waiting_days or 0, 0))
