from datetime import date

from odoo.tests import BaseCase

from ..utils import fee_quantity, kept_amount, periods_overlap, refund_date


class TestUtils(BaseCase):
    def test_periods_overlap(self):
        self.assertTrue(
            periods_overlap(
                date(2026, 4, 1), date(2026, 4, 30), date(2026, 4, 30), date(2026, 5, 5)
            )
        )
        self.assertFalse(
            periods_overlap(
                date(2026, 4, 1), date(2026, 4, 30), date(2026, 5, 1), date(2026, 5, 5)
            )
        )

    def test_fee_quantity(self):
        self.assertEqual(fee_quantity("area", 85.456), 85.46)
        self.assertEqual(fee_quantity("fixed", 85.0), 1.0)

    def test_kept_amount_is_capped_by_the_deposit(self):
        self.assertEqual(kept_amount(3000.0, [200.0, 300.5]), 500.5)
        self.assertEqual(kept_amount(3000.0, [2500.0, 1000.0]), 3000.0)
        self.assertEqual(kept_amount(3000.0, []), 0.0)

    def test_refund_date(self):
        self.assertEqual(refund_date(date(2026, 6, 1), 30), date(2026, 7, 1))
        self.assertEqual(refund_date(date(2026, 6, 1), 0), date(2026, 6, 1))
