"""The collection-rate arithmetic (收缴率, R-FEE-3) on plain values.

Definitions (documented for the project manager and finance)
------------------------------------------------------------
- Billed for a period: the invoice lines (tax included) of posted customer
  invoices whose billing month is in the period, minus the lines of posted
  credit notes for those months.
- Paid as of a date: what payments reconciled with those invoices by that
  date (the later of the invoice's and the payment's date), allocated to
  the invoice's lines in proportion to their amounts.  A credit note
  reconciled with an invoice is not a payment: it lowers what was billed.
- Collection rate = paid as of the date / billed, in percent; nothing
  billed has no value (not 100 %), as every KPI of the suite.
- Arrears recovery = paid between the first day of the period and the
  date, on bills of earlier months issued before the period, / what those
  bills still owed the day before the period started.
- Aging: the open amount of a bill as of the date by days past its due
  date: not due yet, 0-30, 31-60, 61-90 and over 90 days.
"""

from odoo.addons.property_tenant.utils import KPI_TARGETS, kpi_percent

COLLECTION_TARGET = KPI_TARGETS["collection_rate"]

# (last day overdue of the bucket, bucket); past the last: over 90 days.
AGING_LIMITS = ((30, "0_30"), (60, "31_60"), (90, "61_90"))
AGING_OVER = "90_plus"
NOT_DUE = "not_due"
AGING_BUCKETS = [
    (NOT_DUE, "Not Due"),
    ("0_30", "0-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    (AGING_OVER, "Over 90 Days"),
]


def collection_rate(paid, billed):
    """``paid / billed`` in percent, two decimals: the suite's one KPI rule
    (``kpi_percent``), so ``None`` ("no value") when nothing was billed,
    never 100 %."""
    return kpi_percent(paid, billed)


def aging_bucket(days_overdue):
    """The aging bucket of an amount ``days_overdue`` days past its due
    date (negative: not due yet; the due day itself is day 0)."""
    if days_overdue < 0:
        return NOT_DUE
    for limit, bucket in AGING_LIMITS:
        if days_overdue <= limit:
            return bucket
    return AGING_OVER
