from datetime import date
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..billing import (
    apportion,
    cycle_bounds,
    days_late,
    late_fee,
    prorate,
    tiered_amount,
)


@tagged("-at_install", "post_install")
class TestProration(BaseCase):
    def test_proration_table(self):
        # (monthly amount, start, end, expected) — the rule of billing.py
        cases = [
            (780.00, date(2026, 3, 1), date(2026, 3, 31), "780.00"),  # full month
            (780.00, date(2026, 11, 16), date(2026, 11, 30), "390.00"),  # 15/30
            (780.00, date(2026, 3, 16), date(2026, 3, 31), "402.58"),  # 16/31
            (386.40, date(2026, 2, 10), date(2026, 2, 28), "262.20"),  # 19/28
            (386.40, date(2028, 2, 10), date(2028, 2, 29), "266.48"),  # leap: 20/29
            (266.00, date(2026, 1, 1), date(2026, 3, 31), "798.00"),  # a quarter
            (266.00, date(2026, 2, 15), date(2026, 3, 31), "399.00"),  # 14/28 + 1
            (100.00, date(2026, 1, 31), date(2026, 1, 31), "3.23"),  # one day
            (0.01, date(2026, 1, 1), date(2026, 1, 15), "0.00"),  # below a cent
            (1000.00, date(2026, 12, 20), date(2027, 1, 10), "709.68"),  # 12/31+10/31
        ]
        for amount, start, end, expected in cases:
            with self.subTest(amount=amount, start=start, end=end):
                self.assertEqual(prorate(amount, start, end), Decimal(expected))

    def test_rate_change_inside_period(self):
        # 2.80/m² until the 15th, 3.00 from the 16th of a 30-day month, 100 m²
        def rate_on(day):
            return 100 * (2.8 if day < date(2026, 11, 16) else 3.0)

        # 280 × 15/30 + 300 × 15/30 = 140 + 150
        self.assertEqual(
            prorate(None, date(2026, 11, 1), date(2026, 11, 30), rate_on=rate_on),
            Decimal("290.00"),
        )

    def test_cycles_follow_the_calendar(self):
        self.assertEqual(
            cycle_bounds(date(2026, 5, 17), "quarterly"),
            (date(2026, 4, 1), date(2026, 6, 30)),
        )
        self.assertEqual(
            cycle_bounds(date(2026, 9, 1), "half_yearly"),
            (date(2026, 7, 1), date(2026, 12, 31)),
        )
        self.assertEqual(
            cycle_bounds(date(2026, 2, 28), "yearly"),
            (date(2026, 1, 1), date(2026, 12, 31)),
        )


@tagged("-at_install", "post_install")
class TestTiers(BaseCase):
    TIERS = [(0, 3.5), (20, 4.5), (30, 7.0)]  # 阶梯水价 per m³

    def test_tier_table(self):
        cases = [
            (0, "0.00"),
            (12.5, "43.75"),
            (20, "70.00"),
            (25, "92.50"),  # 20 × 3.5 + 5 × 4.5
            (30, "115.00"),
            (31.3, "124.10"),  # + 1.3 × 7
            (100, "605.00"),
        ]
        for quantity, expected in cases:
            with self.subTest(quantity=quantity):
                self.assertEqual(tiered_amount(quantity, self.TIERS), Decimal(expected))

    def test_tiers_must_start_at_zero(self):
        with self.assertRaises(ValueError):
            tiered_amount(10, [(5, 1.0)])


@tagged("-at_install", "post_install")
class TestApportion(BaseCase):
    def test_parts_sum_exactly(self):
        cases = [
            (100.00, [1, 1, 1]),
            (1000.00, [120.0, 80.5, 95.0]),
            (0.05, [1, 1, 1, 1, 1, 1, 1]),
            (98765.43, [87.3, 112.4, 64.0, 64.0, 201.9, 33.3]),
            (1.00, [3, 3, 3]),
        ]
        for total, weights in cases:
            with self.subTest(total=total, weights=weights):
                parts = apportion(total, weights)
                self.assertEqual(len(parts), len(weights))
                self.assertEqual(
                    sum(parts), Decimal(str(total)).quantize(Decimal("0.01"))
                )

    def test_remainder_is_deterministic(self):
        self.assertEqual(
            apportion(100, [1, 1, 1]),
            [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")],
        )
        # 1000 over 295.5 m²: 406.09/272.42/321.49 before the remainder cent
        self.assertEqual(
            apportion(1000, [120.0, 80.5, 95.0]),
            [Decimal("406.09"), Decimal("272.42"), Decimal("321.49")],
        )
        # the largest remainder wins, not the first weight
        self.assertEqual(apportion(0.10, [1, 2]), [Decimal("0.03"), Decimal("0.07")])

    def test_nothing_to_apportion_over(self):
        with self.assertRaises(ValueError):
            apportion(10, [0, 0])
        with self.assertRaises(ValueError):
            apportion(10, [])


@tagged("-at_install", "post_install")
class TestLateFee(BaseCase):
    def test_days_late_after_grace(self):
        self.assertEqual(days_late(date(2026, 3, 15), date(2026, 3, 20), 10), 0)
        self.assertEqual(days_late(date(2026, 3, 15), date(2026, 3, 30), 10), 5)
        self.assertEqual(days_late(date(2026, 3, 15), date(2026, 3, 10)), 0)

    def test_late_fee_table(self):
        cases = [
            (1000.00, 10, 0.5, None, "5.00"),  # 0.5‰ × 10 days
            (1234.56, 31, 0.3, None, "11.48"),
            (1000.00, 400, 0.5, 10.0, "100.00"),  # capped at 10 %
            (1000.00, 0, 0.5, 10.0, "0.00"),
            (0.00, 30, 0.5, None, "0.00"),
        ]
        for residual, days, rate, cap, expected in cases:
            with self.subTest(residual=residual, days=days):
                self.assertEqual(late_fee(residual, days, rate, cap), Decimal(expected))
