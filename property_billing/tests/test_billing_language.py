from datetime import date

from odoo.tests import tagged

from .common import PropertyBillingCase


@tagged("-at_install", "post_install")
class TestBillingLanguage(PropertyBillingCase):
    """A bill line is labelled in its payer's language: a Chinese-speaking
    tenant reads 管理费 on the bill, an English-speaking one Management Fee,
    whoever runs the billing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.item_fee.with_context(lang="zh_CN").name = "测试管理费"
        cls.tenant_b.lang = "zh_CN"  # the home
        cls.tenant_a.lang = "en_US"  # the office

    def _line(self, run, unit):
        return run.line_ids.filtered(lambda line: line.unit_code == unit.code)

    def _label(self, line):
        """The label without its detail (area × rate)."""
        return line.name.split(" (")[0]

    def test_label_in_payer_language(self):
        run = self._run()
        run.action_preview()
        self.assertFalse(run.error_ids)
        home = self._line(run, self.unit_home)
        office = self._line(run, self.unit_office)
        self.assertEqual(self._label(home), "测试管理费 T-301 2026-03-01~2026-03-31")
        self.assertEqual(
            self._label(office), "Test Management Fee T-201 2026-03-01~2026-03-31"
        )
        run.action_generate()
        bills = run.move_ids.invoice_line_ids
        home_bill = bills.filtered(lambda line: line.partner_id == self.tenant_b)
        office_bill = bills.filtered(lambda line: line.partner_id == self.tenant_a)
        self.assertEqual(home_bill.name, home.name)
        self.assertEqual(office_bill.name, office.name)

    def test_label_does_not_follow_the_user(self):
        """A billing manager working in Chinese still bills the
        English-speaking tenant in English."""
        run = self._run().with_context(lang="zh_CN")
        run.action_preview()
        office = self._line(run, self.unit_office)
        home = self._line(run, self.unit_home)
        self.assertEqual(
            self._label(office), "Test Management Fee T-201 2026-03-01~2026-03-31"
        )
        self.assertEqual(self._label(home), "测试管理费 T-301 2026-03-01~2026-03-31")

    def test_errors_in_the_user_language(self):
        """A charge that cannot be computed is reported to the user who runs
        the billing, in their language, not in the payer's."""
        unit = self.env["property.unit"].create(
            {"code": "T-902", "site_id": self.site.id, "area": 50.0, "usage": "other"}
        )
        tenant = self.env["res.partner"].create(
            {"name": "Test Chinese No Standard", "lang": "zh_CN"}
        )
        self._plan(self._occupancy(unit, tenant), [self.item_fee])
        run = self._run()
        run.action_preview()
        self.assertEqual(len(run.error_ids), 1)
        self.assertIn("No approved fee standard", run.error_ids.message)
        # and a user working in Chinese reads it in Chinese
        chinese = self._run(period=date(2026, 4, 1)).with_context(lang="zh_CN")
        chinese.action_preview()
        self.assertNotIn("No approved fee standard", chinese.error_ids.message)
        self.assertIn("T-902", chinese.error_ids.message)
