from datetime import date

from odoo.tests import TransactionCase, tagged

from odoo.addons.property_tenant.utils import (
    completeness_percent,
    expiry_state,
    kpi_percent,
    next_check_date,
    periods_overlap,
)


@tagged("post_install", "-at_install")
class TestArchiveRules(TransactionCase):
    def test_periods_overlap(self):
        jan, feb, mar, apr = (date(2026, m, 1) for m in (1, 2, 3, 4))
        self.assertTrue(periods_overlap(jan, mar, feb, apr))
        self.assertTrue(periods_overlap(jan, None, apr, None), "open-ended overlaps")
        self.assertFalse(periods_overlap(jan, feb, mar, apr))
        # the same day at both ends counts as an overlap
        self.assertTrue(periods_overlap(jan, feb, feb, mar))
        self.assertFalse(periods_overlap(jan, date(2026, 1, 31), feb, None))
        self.assertTrue(periods_overlap(None, None, mar, apr))

    def test_completeness_percent(self):
        self.assertEqual(completeness_percent(0, 0), 100.0)
        self.assertEqual(completeness_percent(2, 3), 66.67)
        self.assertEqual(completeness_percent(3, 3), 100.0)
        self.assertEqual(completeness_percent(5, 3), 100.0)
        self.assertEqual(completeness_percent(0, 7), 0.0)

    def test_next_check_date(self):
        self.assertEqual(next_check_date(date(2026, 1, 31), 1), date(2026, 2, 28))
        self.assertEqual(next_check_date(date(2026, 11, 15), 3), date(2027, 2, 15))
        self.assertFalse(next_check_date(date(2026, 1, 1), 0))
        self.assertFalse(next_check_date(False, 3))

    def test_expiry_state(self):
        today = date(2026, 6, 1)
        self.assertEqual(expiry_state(False, today, 30), "none")
        self.assertEqual(expiry_state(date(2026, 5, 31), today, 30), "expired")
        self.assertEqual(expiry_state(today, today, 30), "expiring")
        self.assertEqual(expiry_state(date(2026, 7, 1), today, 30), "expiring")
        self.assertEqual(expiry_state(date(2026, 7, 2), today, 30), "valid")
        self.assertEqual(expiry_state(date(2026, 6, 2), today, 0), "valid")

    def test_kpi_percent(self):
        """The one rule of every service target: a percent to two decimals,
        no value when there is nothing to measure."""
        self.assertEqual(kpi_percent(2, 3), 66.67)
        self.assertEqual(kpi_percent(0, 5), 0.0)
        self.assertEqual(kpi_percent(5, 5), 100.0)
        self.assertIsNone(kpi_percent(0, 0))
