import re
from datetime import date

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged

from .common import GoliveCase


class GoliveAppliedCase(GoliveCase):
    """The test workbook applied on 2026-03-15: 王芳 (unit 1-101) owes
    250.00 of management fee for each of 2025-12, 2026-01 and 2026-02 and
    holds a 2,000.00 deposit; 赵强 (1-102) owes 300.00 of parking for
    2026-02 and holds 1,500.00.  Each opening receivable is due on its
    former bill's date: 王芳's the 16th of each period's month (the site's
    15 days), 赵强's on 2026-02-10 (its own due date in the file)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-15"):
            cls.record = cls._import(cls)
            cls.record.action_dry_run()
            cls.record.action_apply()
        assert cls.record.state == "applied", cls.record.summary
        cls.gl_site = cls.env["property.site"].search([("code", "=", "GL")])
        cls.gl_site.billing_manager_id = cls.manager
        Occupancy = cls.env["property.occupancy"]
        cls.archive_a = Occupancy.search(
            [("unit_id.code", "=", "1-101"), ("site_id", "=", cls.gl_site.id)]
        )
        cls.archive_b = Occupancy.search(
            [("unit_id.code", "=", "1-102"), ("site_id", "=", cls.gl_site.id)]
        )
        invoices = cls.record.move_ids.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.invoice_line_ids.property_fee_item_id.kind != "deposit"
            )
        )
        cls.opening_a = invoices.filtered(
            lambda m: m.partner_id == cls.archive_a.tenant_id
        )
        cls.opening_b = invoices.filtered(
            lambda m: m.partner_id == cls.archive_b.tenant_id
        )


@tagged("post_install", "-at_install")
class TestGoliveAccounting(GoliveAppliedCase):
    def test_opening_totals(self):
        self.assertEqual(
            (
                sum(self.opening_a.mapped("amount_residual")),
                self.opening_b.amount_residual,
            ),
            (750.0, 300.0),
        )
        # each bill of the former system falls due on its own date
        self.assertEqual(
            sorted(self.opening_a.mapped("invoice_date_due")),
            [date(2025, 12, 16), date(2026, 1, 16), date(2026, 2, 16)],
        )
        self.assertEqual(self.opening_b.invoice_date_due, date(2026, 2, 10))
        self.gl_site.golive_control_arrears = 1000.0
        self.gl_site.golive_control_deposits = 3500.0
        self.assertEqual(self.gl_site.golive_opening_arrears, 1050.0)
        self.assertEqual(self.gl_site.golive_opening_deposits, 3500.0)
        self.assertEqual(self.gl_site.golive_arrears_difference, 50.0)
        self.assertEqual(self.gl_site.golive_deposits_difference, 0.0)
        self.assertEqual(self.gl_site.golive_unit_count, 3)
        self.assertEqual(self.gl_site.golive_archive_count, 2)
        self.assertEqual(self.gl_site.golive_unit_missing_count, 1)
        self.assertEqual(self.gl_site.golive_document_count, 2)
        # 王芳's contract is neither scanned nor checked; 赵强 holds nothing
        self.assertEqual(self.gl_site.golive_incomplete_count, 2)
        self.assertEqual(self.gl_site.golive_plan_missing_count, 2)
        self.assertEqual(self.gl_site.golive_reading_missing_count, 0)

    def test_dunning_sees_opening_arrears(self):
        day = date(2026, 4, 20)
        with freeze_time(day):
            done = self.env["property.dunning"]._cron_dunning(date_ref=day)
        done = done.filtered(lambda d: d.site_id == self.gl_site)
        self.assertEqual(done.invoice_id, self.opening_a | self.opening_b)
        self.assertEqual(
            {d.invoice_id: d.level_id for d in done},
            dict.fromkeys(
                self.opening_a | self.opening_b,
                self.env.ref("property_billing.dunning_level_letter"),
            ),
        )

    def test_arrears_list_sees_opening_arrears(self):
        self.env.flush_all()
        with freeze_time("2026-04-20"):
            Report = self.env["property.arrears.report"].with_user(self.collector)
            rows = dict(
                Report._read_group(
                    [("site_id", "=", self.gl_site.id)],
                    ["partner_id"],
                    ["amount_overdue:sum"],
                )
            )
        self.assertEqual(
            rows, {self.archive_a.tenant_id: 750.0, self.archive_b.tenant_id: 300.0}
        )

    def test_collection_counts_them_as_arrears(self):
        Report = self.env["property.collection.report"]
        march = Report.collection_rate(
            self.gl_site.ids, date(2026, 3, 1), date(2026, 3, 31)
        )
        # nothing billed for March: the opening periods are not the current period
        self.assertEqual(march["denominator"], 0.0)
        april = Report.collection_rate(
            self.gl_site.ids, date(2026, 4, 1), date(2026, 4, 30)
        )
        self.assertEqual(april["arrears"]["denominator"], 1050.0)
        self.assertEqual(april["arrears"]["numerator"], 0.0)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.opening_b.ids
        ).create({"payment_date": date(2026, 4, 10)})._create_payments()
        april = Report.collection_rate(
            self.gl_site.ids, date(2026, 4, 1), date(2026, 4, 30)
        )
        self.assertEqual(
            (april["arrears"]["numerator"], april["arrears"]["denominator"]),
            (300.0, 1050.0),
        )

    def _plan_and_run(self, period, items):
        plan = self.env["property.billing.plan"].create(
            {
                "occupancy_id": self.archive_a.id,
                "line_ids": [(0, 0, {"item_id": i.id}) for i in items],
            }
        )
        plan.action_start()
        run = (
            self.env["property.billing.run"]
            .with_user(self.manager)
            .create({"site_id": self.gl_site.id, "period_start": period})
        )
        run.action_preview()
        return run

    def test_run_does_not_bill_imported_periods_again(self):
        with freeze_time("2026-03-16"):
            run = self._plan_and_run(date(2026, 2, 1), self.item_fee)
        # the imported February arrear is the key of the period: not billed again
        february = run.line_ids.filtered(lambda line: line.item_id == self.item_fee)
        self.assertEqual(february.mapped("state"), ["duplicate"])
        run.action_generate()
        self.assertFalse(
            run.move_ids.invoice_line_ids.filtered(
                lambda line: line.property_fee_item_id == self.item_fee
            )
        )
        with freeze_time("2026-03-16"):
            run = (
                self.env["property.billing.run"]
                .with_user(self.manager)
                .create({"site_id": self.gl_site.id, "period_start": date(2026, 3, 1)})
            )
            run.action_preview()
        lines = run.line_ids.filtered(lambda line: line.item_id == self.item_fee)
        # March is billed: 100 m² × 2.50 (the imported standard)
        self.assertEqual(lines.mapped("amount"), [250.0])

    def test_late_fees_on_opening_arrears(self):
        self._standard(
            self.env.ref("property_billing.fee_item_late_fee"),
            0.0,
            site=self.gl_site,
            daily_rate_permille=0.5,
        )
        with freeze_time("2026-04-20"):
            run = self._plan_and_run(date(2026, 4, 1), self.item_fee)
        fees = run.late_fee_ids
        self.assertEqual(fees.invoice_id, self.opening_a)
        # each opening bill of 250.00 × 0.5 ‰ per day from its own due date
        # to 2026-04-01: 106 days (from 2025-12-16), 75 (2026-01-16), 44
        # (2026-02-16) -- not from the go-live date
        self.assertEqual(
            sorted((f.invoice_id.invoice_date_due, f.amount) for f in fees),
            [
                (date(2025, 12, 16), 13.25),
                (date(2026, 1, 16), 9.38),
                (date(2026, 2, 16), 5.5),
            ],
        )


@tagged("post_install", "-at_install")
class TestGoliveLedger(HttpCase, GoliveAppliedCase):
    def test_portal_ledger(self):
        new_test_user(
            self.env,
            login="gl_tenant_a",
            groups="base.group_portal",
            partner_id=self.archive_a.tenant_id.id,
        )
        self.authenticate("gl_tenant_a", "gl_tenant_a")
        html = self.url_open("/my/property-bills/ledger").text
        self.assertEqual(len(self.opening_a), 3)
        for bill in self.opening_a:
            self.assertIn(bill.name, html)
        balances = [float(v) for v in re.findall(r'data-balance="(-?[\d.]+)"', html)]
        # the deposit invoice and its settlement net to nought: 750.00 owed
        self.assertEqual(balances[-1], 750.0)
        self.assertIn(750.0, balances)
