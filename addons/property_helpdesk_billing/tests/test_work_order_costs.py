from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PaidServiceCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-10 02:00:00")
class TestWorkOrderCosts(PaidServiceCase):
    """Completed work orders book their materials and labour on the site's
    analytic account, so that the site's revenue-vs-cost view (R-FEE-7)
    includes them."""

    def _cost_lines(self, work_order):
        return self.env["account.analytic.line"].search(
            [("property_work_order_id", "=", work_order.id)], order="id"
        )

    def test_free_work_order_costed_on_the_site(self):
        work_order = self._work_order()
        self.assertEqual(work_order.charge_type, "free")
        self._complete(
            work_order, hours=1.5, materials=[(self.pipe, 2), (self.washer, 10)]
        )
        analytic = self.site.analytic_account_id
        self.assertTrue(analytic, "the site's analytic account is created")
        column = analytic.plan_id._column_name()
        lines = self._cost_lines(work_order)
        self.assertEqual(
            [
                (
                    line.amount,
                    line.unit_amount,
                    line.product_id,
                    line[column],
                    line.category,
                )
                for line in lines
            ],
            [
                (-25.0, 2.0, self.pipe, analytic, "property_work_order"),
                (-3.5, 10.0, self.washer, analytic, "property_work_order"),
                (
                    -120.0,
                    1.5,
                    self.env["product.product"],
                    analytic,
                    "property_work_order",
                ),
            ],
        )
        self.assertEqual(lines.mapped("date"), [date(2026, 3, 10)] * 3)
        self.assertEqual(
            lines[2].name,
            f"{work_order.name}: labour 1.5 h × "
            f"{self.company.currency_id.format(80.0)}",
        )
        self.assertEqual(work_order.material_cost, 28.5)
        self.assertEqual(work_order.labour_cost, 120.0)
        self.assertEqual(work_order.cost_total, 148.5)
        self.assertTrue(work_order.cost_posted)
        self.assertFalse(work_order.service_state, "a free order is not billed")

        # the site's revenue-vs-cost view shows them
        action = self.site.action_view_revenue_cost()
        shown = self.env["account.analytic.line"].search(action["domain"])
        self.assertLessEqual(lines, shown)
        self.assertEqual(
            sum(
                shown.filtered(lambda ln: ln.category == "property_work_order").mapped(
                    "amount"
                )
            ),
            -148.5,
        )
        # the materials are locked once costed
        with self.assertRaises(UserError):
            work_order.material_ids[0].quantity = 3
        with self.assertRaises(UserError):
            work_order.material_ids[0].unlink()

    def test_company_hourly_cost_when_the_department_has_none(self):
        work_order = self._work_order(category=self.category_cleaning)
        work_order = work_order.with_user(self.cleaner)
        self._complete(work_order, hours=2.0)
        self.assertEqual(self._cost_lines(work_order).mapped("amount"), [-100.0])
        self.assertEqual(work_order.cost_total, 100.0)

    def test_nothing_to_cost_is_said_not_hidden(self):
        self.engineering.hourly_cost = 0.0
        self.company.property_labour_hourly_cost = 0.0
        costless = self.env["product.product"].create(
            {"name": "Test leftover sealant", "type": "consu", "standard_price": 0.0}
        )
        work_order = self._work_order()
        self._complete(work_order, hours=1.0, materials=[(costless, 1)])
        self.assertFalse(self._cost_lines(work_order))
        self.assertEqual(work_order.cost_total, 0.0)
        body = " ".join(work_order.message_ids.mapped("body"))
        self.assertIn("time spent is not costed", body)
        self.assertIn("Test leftover sealant", body)

    def test_cost_price_fixed_at_completion(self):
        work_order = self._work_order()
        work_order.write(
            {"material_ids": [(0, 0, {"product_id": self.pipe.id, "quantity": 1})]}
        )
        self.pipe.standard_price = 14.0
        self._complete(work_order, hours=0.0)
        self.assertEqual(work_order.material_ids.unit_cost, 14.0)
        self.assertEqual(self._cost_lines(work_order).amount, -14.0)
        self.pipe.standard_price = 20.0
        self.assertEqual(work_order.material_ids.unit_cost, 14.0)

    def test_paid_work_order_costed_too(self):
        self.site.paid_service_billing = "immediate"
        work_order = self._quoted()
        self._accept_on_site(work_order)
        self._complete(work_order, hours=0.5, materials=[(self.washer, 2)])
        self.assertEqual(self._cost_lines(work_order).mapped("amount"), [-0.7, -40.0])
        # revenue and cost of the site side by side
        analytic = self.site.analytic_account_id
        column = analytic.plan_id._column_name()
        revenue = self.env["account.analytic.line"].search(
            [
                (column, "=", analytic.id),
                ("move_line_id.move_id", "=", work_order.service_invoice_id.id),
                ("move_line_id.display_type", "=", "product"),
            ]
        )
        self.assertEqual(sum(revenue.mapped("amount")), 180.0)

    def test_technicians_cannot_read_cost_entries(self):
        work_order = self._work_order()
        self._complete(work_order, hours=1.0)
        with self.assertRaises(AccessError):
            self._cost_lines(work_order).with_user(self.plumber).read(["amount"])
        # the technician still reads the order's own cost summary
        self.assertEqual(work_order.with_user(self.plumber).cost_total, 80.0)
