from datetime import date
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import property_billing_run as run_module
from .common import PropertyBillingCase


@tagged("-at_install", "post_install")
class TestBillingRun(PropertyBillingCase):
    def _billed(self, run):
        """{unit code: untaxed amount of its lines} of the run's invoices."""
        result = {}
        for line in run.move_ids.invoice_line_ids:
            code = line.property_occupancy_id.unit_id.code
            result[code] = round(result.get(code, 0.0) + line.price_subtotal, 2)
        return result

    def test_preview_generate_post(self):
        run = self._run()
        run.action_preview()
        self.assertEqual(run.state, "previewed")
        self.assertEqual(
            {(ln.unit_code, ln.amount) for ln in run.line_ids},
            {("T-101", 780.0), ("T-201", 386.4), ("T-301", 266.0)},
        )
        self.assertFalse(run.error_ids)
        run.action_generate()
        self.assertEqual(run.state, "generated")
        self.assertEqual(len(run.move_ids), 3, "one invoice per payer")
        self.assertTrue(all(m.state == "draft" for m in run.move_ids))
        run.action_post()
        self.assertEqual(run.state, "posted")
        self.assertTrue(all(m.state == "posted" for m in run.move_ids))
        shop = run.move_ids.filtered(lambda m: m.partner_id == self.tenant_c)
        self.assertEqual(shop.amount_untaxed, 780.0)
        self.assertEqual(shop.amount_total, 826.8, "6% VAT of the product")
        self.assertEqual(shop.invoice_date, date(2026, 3, 1))
        self.assertEqual(shop.invoice_date_due, date(2026, 3, 16))
        line = shop.invoice_line_ids
        self.assertEqual(line.property_occupancy_id, self.occ_shop)
        self.assertEqual(line.property_fee_item_id, self.item_fee)
        self.assertEqual(line.property_period_start, date(2026, 3, 1))
        self.assertIn("2026-03-01~2026-03-31", line.name)
        self.assertIn("T-101", line.name)
        self.assertEqual(
            line.analytic_distribution,
            {str(self.site.analytic_account_id.id): 100.0},
            "revenue lands on the site's analytic account",
        )
        self.assertEqual(
            self.env["property.billing.key"].search_count(
                [
                    (
                        "occupancy_id",
                        "in",
                        (self.occ_shop | self.occ_office | self.occ_home).ids,
                    )
                ]
            ),
            3,
        )

    def test_never_billed_twice(self):
        first = self._run()
        first.action_preview()
        first.action_generate()
        second = self._run()
        second.action_preview()
        self.assertEqual(set(second.line_ids.mapped("state")), {"duplicate"})
        second.action_generate()
        self.assertFalse(second.move_ids, "a second run of the month bills nothing")
        with self.assertRaises(UserError):
            first.action_generate()
        # the database refuses a duplicate key even when the code is bypassed
        key = first.move_ids.property_billing_key_ids[:1]
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            with self.cr.savepoint():
                key.copy()

    def test_duplicate_found_at_generation(self):
        """A run previewed before another run billed the same month marks
        the charges already billed instead of invoicing them twice."""
        early, late = self._run(), self._run()
        early.action_preview()
        late.action_preview()
        late.action_generate()
        early.action_generate()
        self.assertFalse(early.move_ids)
        self.assertEqual(set(early.line_ids.mapped("state")), {"duplicate"})
        self.assertEqual(len(late.move_ids), 3)

    def test_credit_note_releases_keys(self):
        run = self._run()
        run.action_preview()
        run.action_generate()
        run.action_post()
        invoice = run.move_ids.filtered(lambda m: m.partner_id == self.tenant_a)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "wrong area", "journal_id": invoice.journal_id.id})
        )
        reversal.refund_moves()
        refund = invoice.reversal_move_ids
        self.assertTrue(refund)
        self.assertTrue(
            invoice.property_billing_key_ids, "a draft credit note keeps the keys"
        )
        refund.action_post()
        self.assertFalse(invoice.property_billing_key_ids)
        again = self._run()
        again.action_preview()
        self.assertEqual(
            again.line_ids.filtered(lambda ln: ln.state == "to_bill").occupancy_id,
            self.occ_office,
        )
        again.action_generate()
        self.assertEqual(again.move_ids.partner_id, self.tenant_a)

    def test_cancelled_draft_invoice_releases_keys(self):
        run = self._run()
        run.action_preview()
        run.action_generate()
        invoice = run.move_ids.filtered(lambda m: m.partner_id == self.tenant_b)
        invoice.button_cancel()
        self.assertFalse(invoice.property_billing_key_ids)

    def test_failing_occupancy_does_not_stop_the_run(self):
        unit = self.env["property.unit"].create(
            {"code": "T-901", "site_id": self.site.id, "area": 50.0, "usage": "other"}
        )
        tenant = self.env["res.partner"].create({"name": "Test No Standard"})
        occupancy = self._occupancy(unit, tenant)
        self._plan(occupancy, [self.item_fee])
        run = self._run()
        run.action_preview()
        self.assertEqual(len(run.error_ids), 1)
        self.assertEqual(run.error_ids.occupancy_id, occupancy)
        self.assertIn("No approved fee standard", run.error_ids.message)
        run.action_generate()
        run.action_post()
        self.assertEqual(len(run.move_ids), 3, "the three others are billed")
        self.assertNotIn(tenant, run.move_ids.partner_id)

    def test_one_invoice_per_payer(self):
        owner = self.env["res.partner"].create({"name": "Test Owner Co"})
        self.plan_office.payer_id = owner
        self.plan_home.payer_id = owner
        run = self._run()
        run.action_preview()
        run.action_generate()
        invoice = run.move_ids.filtered(lambda m: m.partner_id == owner)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(len(invoice.invoice_line_ids), 2)
        self.assertEqual(invoice.amount_untaxed, 652.4)

    def test_move_in_mid_month_is_prorated(self):
        unit = self.env["property.unit"].create(
            {"code": "T-102", "site_id": self.site.id, "area": 120.0, "usage": "shop"}
        )
        tenant = self.env["res.partner"].create({"name": "Test Newcomer"})
        occupancy = self._occupancy(unit, tenant, move_in=date(2026, 3, 16))
        self._plan(occupancy, [self.item_fee])
        run = self._run()
        run.action_preview()
        line = run.line_ids.filtered(lambda ln: ln.occupancy_id == occupancy)
        self.assertEqual(line.amount, 402.58, "780 × 16/31")
        self.assertEqual(
            (line.billed_start, line.billed_end), (date(2026, 3, 16), date(2026, 3, 31))
        )
        self.assertIn("2026-03-16~2026-03-31", line.name)

    def test_move_out_mid_month_is_prorated(self):
        self.plan_home.date_end = date(2026, 3, 10)
        run = self._run()
        run.action_preview()
        line = run.line_ids.filtered(lambda ln: ln.occupancy_id == self.occ_home)
        self.assertEqual(line.amount, 85.81, "266 × 10/31")
        april = self._run(date(2026, 4, 1))
        april.action_preview()
        self.assertFalse(
            april.line_ids.filtered(lambda ln: ln.occupancy_id == self.occ_home)
        )

    def test_quarterly_in_advance_and_in_arrears(self):
        self.plan_shop.write({"cycle": "quarterly", "timing": "advance"})
        self.plan_office.write({"cycle": "quarterly", "timing": "arrears"})
        amounts = {}
        for month in (4, 5, 6):
            run = self._run(date(2026, month, 1))
            run.action_preview()
            amounts[month] = {ln.unit_code: ln.amount for ln in run.line_ids}
        self.assertEqual(amounts[4]["T-101"], 2340.0, "Apr-Jun billed in April")
        self.assertNotIn("T-101", amounts[5])
        self.assertNotIn("T-101", amounts[6])
        self.assertNotIn("T-201", amounts[4])
        self.assertEqual(amounts[6]["T-201"], 1159.2, "Apr-Jun billed in June")
        self.assertEqual(amounts[5]["T-301"], 266.0, "monthly plans every month")

    def test_rate_change_is_a_new_version(self):
        with self.assertRaises(UserError):
            self.standard_home.rate = 3.0
        action = self.standard_home.with_user(self.manager).action_new_version()
        new = self.env["property.fee.standard"].browse(action["res_id"])
        new.write({"rate": 3.0, "date_from": date(2026, 3, 16)})
        new.action_submit()
        new.with_user(self.manager).action_approve()
        self.assertEqual(self.standard_home.date_to, date(2026, 3, 15))
        self.assertEqual(new.version, 2)
        self.assertEqual(new.previous_id, self.standard_home)
        run = self._run()
        run.action_preview()
        line = run.line_ids.filtered(lambda ln: ln.occupancy_id == self.occ_home)
        # 95 m² × (2.80 × 15/31 + 3.00 × 16/31)
        self.assertEqual(line.amount, 275.81)
        with self.assertRaises(UserError):
            self.standard_home.unlink()

    def test_only_approved_standards_are_billed(self):
        self.plan_home.action_close()
        unit = self.env["property.unit"].create(
            {"code": "T-902", "site_id": self.site.id, "area": 40.0, "usage": "other"}
        )
        occupancy = self._occupancy(
            unit, self.env["res.partner"].create({"name": "Test Other"})
        )
        self._plan(occupancy, [self.item_fee])
        draft = self._standard(self.item_fee, 9.9, usage="other", approve=False)
        run = self._run()
        run.action_preview()
        self.assertEqual(run.error_ids.occupancy_id, occupancy)
        draft.action_submit()
        with self.assertRaises(UserError):
            draft.with_user(self.collector).action_approve()
        draft.with_user(self.manager).action_approve()
        run.action_preview()
        self.assertFalse(run.error_ids)
        self.assertEqual(
            run.line_ids.filtered(lambda ln: ln.occupancy_id == occupancy).amount, 396.0
        )

    def test_overlapping_approved_standards_refused(self):
        standard = self._standard(self.item_fee, 7.0, usage="shop", approve=False)
        standard.action_submit()
        with self.assertRaises(ValidationError):
            standard.with_user(self.manager).action_approve()

    def test_most_specific_standard_wins(self):
        self._standard(self.item_fee, 8.0, usage="shop", tenant_kind="anchor")
        run = self._run()
        run.action_preview()
        self.assertEqual(
            run.line_ids.filtered(lambda ln: ln.occupancy_id == self.occ_shop).amount,
            960.0,
        )

    def test_waiver_needs_approval(self):
        waiver = self.env["property.fee.waiver"].create(
            {
                "occupancy_id": self.occ_office.id,
                "item_id": self.item_fee.id,
                "date_from": date(2026, 3, 1),
                "date_to": date(2026, 3, 31),
                "percent": 50.0,
                "reason": "Test renovation of the lobby",
            }
        )
        run = self._run()
        run.action_preview()
        office = run.line_ids.filtered(lambda ln: ln.occupancy_id == self.occ_office)
        self.assertEqual(office.amount, 386.4, "a draft waiver reduces nothing")
        waiver.action_submit()
        with self.assertRaises(UserError):
            waiver.with_user(self.collector).action_approve()
        waiver.with_user(self.manager).action_approve()
        run.action_preview()
        office = run.line_ids.filtered(lambda ln: ln.occupancy_id == self.occ_office)
        self.assertEqual((office.discount, office.amount), (50.0, 193.2))
        run.action_generate()
        invoice = run.move_ids.filtered(lambda m: m.partner_id == self.tenant_a)
        self.assertEqual(invoice.amount_untaxed, 193.2)
        with self.assertRaises(UserError):
            waiver.percent = 100.0

    def test_roles(self):
        run = self._run(user=self.collector)
        run.action_preview()
        with self.assertRaises(UserError):
            run.action_generate()
        run.with_user(self.manager).action_generate()
        with self.assertRaises(AccessError):
            self.env["property.billing.run"].with_user(self.agent).browse(run.id).read(
                ["name"]
            )
        with self.assertRaises(AccessError):
            self.standard_home.with_user(self.agent).write(
                {"date_to": date(2027, 1, 1)}
            )

    def test_large_run_in_background_batches(self):
        """Above the synchronous limit a run is split into batches that the
        cron workers process; the run closes when the last one is done."""
        self.env["ir.config_parameter"].set_param("property_billing.sync_limit", 1)
        Job = self.env["property.billing.run.job"]
        run = self._run()
        run.action_preview()
        with patch.object(run_module, "GENERATE_BATCH", 2):
            run.action_generate_post()
        self.assertEqual(run.state, "generating")
        self.assertEqual(len(run.job_ids), 2, "3 payers in batches of 2")
        self.assertFalse(run.move_ids)
        # the site's analytic account exists before the batches run: parallel
        # workers never race to create it (a serialisation failure)
        self.assertTrue(self.site.analytic_account_id)
        with patch.object(type(self.env["ir.cron"]), "_notify_progress") as progress:
            while Job._cron_process():
                pass
            Job._cron_process()  # the call that closes the run
        self.assertEqual(progress.call_args_list[0].kwargs, {"done": 1, "remaining": 2})
        self.assertEqual(run.state, "posted")
        self.assertEqual(len(run.move_ids), 3)
        self.assertTrue(all(m.state == "posted" for m in run.move_ids))
        self.assertEqual(run.progress, 100.0)

    def test_scheduled_run(self):
        manager = self.manager
        self.site.write(
            {
                "billing_auto_run": True,
                "billing_run_day": 3,
                "billing_auto_post": True,
                "billing_manager_id": manager.id,
            }
        )
        Run = self.env["property.billing.run"]
        Run._cron_scheduled_runs(date_ref=date(2026, 3, 2))
        self.assertFalse(Run.search([("site_id", "=", self.site.id)]))
        Run._cron_scheduled_runs(date_ref=date(2026, 3, 3))
        run = Run.search([("site_id", "=", self.site.id)])
        self.assertEqual(run.state, "posted")
        self.assertTrue(run.scheduled)
        self.assertEqual(len(run.move_ids), 3)
        Run._cron_scheduled_runs(date_ref=date(2026, 3, 20))
        self.assertEqual(len(Run.search([("site_id", "=", self.site.id)])), 1)

    def test_plan_fill_items(self):
        occupancy = self._occupancy(
            self.env["property.unit"].create(
                {
                    "code": "T-103",
                    "site_id": self.site.id,
                    "area": 30.0,
                    "usage": "shop",
                }
            ),
            self.env["res.partner"].create({"name": "Test Filler"}),
        )
        with freeze_time("2026-03-05"):
            action = occupancy.action_create_billing_plan()
        plan = self.env["property.billing.plan"].browse(action["res_id"])
        self.assertEqual(plan.payer_id, occupancy.tenant_id)
        self.assertEqual(plan.date_start, date(2025, 6, 1))
        self.assertEqual(
            set(plan.line_ids.item_id.ids), {self.item_fee.id, self.item_fixed.id}
        )
        with self.assertRaises(ValidationError):
            plan.line_ids = [
                Command.create(
                    {"item_id": self.env.ref("property_billing.fee_item_decoration").id}
                )
            ]

    def test_deposit_must_be_a_liability(self):
        income = self.env["account.account"].search(
            [("company_ids", "in", self.company.id), ("account_type", "=", "income")],
            limit=1,
        )
        product = self.env["product.product"].create(
            {
                "name": "Test deposit",
                "type": "service",
                "property_account_income_id": income.id,
            }
        )
        with self.assertRaises(ValidationError):
            self.env["property.fee.item"].create(
                {
                    "name": "Test Deposit",
                    "code": "T-DEP",
                    "kind": "deposit",
                    "product_id": product.id,
                }
            )
        liability = self.env["account.account"].search(
            [
                ("company_ids", "in", self.company.id),
                ("account_type", "=", "liability_current"),
            ],
            limit=1,
        )
        product.property_account_income_id = liability
        item = self.env["property.fee.item"].create(
            {
                "name": "Test Deposit",
                "code": "T-DEP",
                "kind": "deposit",
                "product_id": product.id,
            }
        )
        self.assertEqual(item.kind, "deposit")
