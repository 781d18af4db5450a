from decimal import Decimal

from odoo.tests import BaseCase

from ..costing import group_by_item, line_amount, quote_total, work_order_cost


class TestCosting(BaseCase):
    """The arithmetic of quotes and work order costs, on plain values."""

    def test_line_amount_rounds_half_up_to_the_cent(self):
        self.assertEqual(line_amount(3, 0.35), Decimal("1.05"))
        self.assertEqual(line_amount(1.5, 80), Decimal("120.00"))
        self.assertEqual(line_amount(0.333, 10), Decimal("3.33"))
        self.assertEqual(line_amount(0.125, 1), Decimal("0.13"))
        self.assertEqual(line_amount(0, 99.99), Decimal("0.00"))
        with self.assertRaises(ValueError):
            line_amount(-1, 10)
        with self.assertRaises(ValueError):
            line_amount(1, -10)

    def test_quote_total_sums_rounded_lines(self):
        self.assertEqual(quote_total([(1, 80), (2, 50)]), Decimal("180.00"))
        # each line is rounded before the sum: 0.005 + 0.005 is 0.02, not 0.01
        self.assertEqual(quote_total([(1, 0.005), (1, 0.005)]), Decimal("0.02"))
        self.assertEqual(quote_total([]), Decimal("0.00"))

    def test_work_order_cost(self):
        materials, labour, total = work_order_cost([(2, 12.5), (10, 0.35)], 1.5, 80)
        self.assertEqual(materials, [Decimal("25.00"), Decimal("3.50")])
        self.assertEqual(labour, Decimal("120.00"))
        self.assertEqual(total, Decimal("148.50"))
        self.assertEqual(
            work_order_cost([], 0, 80), ([], Decimal("0.00"), Decimal("0.00"))
        )
        self.assertEqual(work_order_cost([], 2.25, None)[1], Decimal("0.00"))

    def test_group_by_item(self):
        totals = group_by_item([("svc", 1, 80), ("other", 1, 10), ("svc", 2, 50)])
        self.assertEqual(totals, {"svc": Decimal("180.00"), "other": Decimal("10.00")})
        self.assertEqual(list(totals), ["svc", "other"], "order of first appearance")
