import importlib.util
import os
from datetime import date
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

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

    def _perform_jobs(self, run):
        """Run the run's queue_job jobs as a job runner's worker does
        (queue_job's RunJobController: started, performed, done, dependent
        jobs enqueued), in dependency order; return the jobs performed."""
        performed = []
        while True:
            record = run.queue_job_ids.filtered(
                lambda job: job.state in ("pending", "enqueued")
            )[:1]
            if not record:
                return performed
            job = Job.load(self.env, record.uuid)
            job.set_started()
            job.store()
            RunJobController._try_perform_job(self.env, job)
            RunJobController._enqueue_dependent_jobs(self.env, job)
            performed.append(record)
            self.env.invalidate_all()

    def test_large_run_in_background_batches(self):
        """Above the synchronous limit a run is split into batches, queue_job
        jobs on the billing channel; a last job, waiting for them all,
        closes the run.  With ``queue_job__no_delay`` (in-process, no job
        runner) the same graph runs at once, in order."""
        self.env["ir.config_parameter"].set_param("property_billing.sync_limit", 1)
        self.env["ir.config_parameter"].set_param("property_billing.job_batch_size", 2)
        run = self._run()
        run.action_preview()
        with patch.object(
            type(run),
            "_job_bill_batch",
            autospec=True,
            side_effect=type(run)._job_bill_batch,
        ) as bill_batch:
            run.with_context(queue_job__no_delay=True).action_generate_post()
        self.assertEqual(
            sorted(len(call.args[1]) for call in bill_batch.call_args_list),
            [1, 2],
            "3 payers in batches of 2",
        )
        # the site's analytic account exists before the batches run:
        # parallel workers never race to create it (a serialisation failure)
        self.assertTrue(self.site.analytic_account_id)
        self.assertEqual(run.state, "posted")
        self.assertEqual(len(run.move_ids), 3)
        self.assertTrue(all(m.state == "posted" for m in run.move_ids))
        self.assertEqual(run.progress, 100.0)
        self.assertFalse(run.queue_job_ids, "run at once: no job stored")

    def test_background_jobs_on_the_run(self):
        """The stored jobs: linked to the run with their phase, on the billing
        channel; the closing job waits for the batches; the run's progress
        is the share of its phase's jobs done; generation then posting."""
        self.env["ir.config_parameter"].set_param("property_billing.sync_limit", 1)
        self.env["ir.config_parameter"].set_param("property_billing.job_batch_size", 2)
        run = self._run()
        run.action_preview()
        run.action_generate()
        jobs = run.queue_job_ids
        self.assertEqual(len(jobs), 3, "3 payers in batches of 2, and the closing")
        self.assertFalse(run.move_ids)
        self.assertEqual(set(jobs.mapped("channel")), {"root.property_billing"})
        self.assertEqual(set(jobs.mapped("property_billing_phase")), {"generate"})
        closing = jobs.filtered(lambda job: job.method_name == "_job_finish")
        self.assertEqual(closing.state, "wait_dependencies")
        self.assertEqual(
            sorted(jobs.filtered(lambda j: j != closing).mapped("state")),
            ["pending", "pending"],
        )
        self.assertEqual((run.job_count, run.job_failed_count), (3, 0))
        self.assertEqual((run.state, run.progress), ("generating", 0.0))
        performed = self._perform_jobs(run)
        self.assertEqual(performed[-1], closing, "the closing job runs last")
        self.assertEqual(run.state, "generated")
        self.assertEqual(len(run.move_ids), 3)
        self.assertEqual(set(run.queue_job_ids.mapped("state")), {"done"})
        run.action_post()
        self.assertEqual(run.state, "posting")
        posting = run.queue_job_ids.filtered(
            lambda job: job.property_billing_phase == "post"
        )
        self.assertEqual(len(posting), 3)
        # the generation jobs (all done) do not count in the posting's progress
        self.assertEqual(run.progress, 0.0)
        first = posting.filtered(lambda job: job.state == "pending")[:1]
        job = Job.load(self.env, first.uuid)
        job.set_started()
        job.store()
        RunJobController._try_perform_job(self.env, job)
        self.env.invalidate_all()
        self.assertAlmostEqual(run.progress, 100.0 / 3)
        self._perform_jobs(run)
        self.assertEqual(run.state, "posted")
        self.assertTrue(all(m.state == "posted" for m in run.move_ids))
        self.assertEqual(run.progress, 100.0)

    def test_failed_batch_shown_and_requeued(self):
        """A batch that fails is shown on the run and retried from queue_job's
        own Requeue; the retried batch bills what is left, once."""
        self.env["ir.config_parameter"].set_param("property_billing.sync_limit", 1)
        self.env["ir.config_parameter"].set_param("property_billing.job_batch_size", 2)
        run = self._run()
        run.action_preview()
        run.action_generate()
        batch = run.queue_job_ids.filtered(
            lambda job: job.method_name == "_job_bill_batch"
        )[:1]
        job = Job.load(self.env, batch.uuid)
        job.set_failed(exc_info="Test: the batch failed")
        job.store()
        self.env.invalidate_all()
        self.assertEqual(run.job_failed_count, 1)
        action = run.with_user(self.manager).action_view_jobs()
        self.assertEqual(
            self.env["queue.job"].with_user(self.manager).search(action["domain"]),
            run.queue_job_ids,
        )
        self._perform_jobs(run)
        self.assertEqual(run.state, "generating", "the run waits for its batch")
        batch.with_user(self.manager).requeue()
        self._perform_jobs(run)
        self.assertEqual(run.state, "generated")
        self.assertEqual(len(run.move_ids), 3)
        # every charge billed once
        self.assertEqual(run.line_ids.mapped("state"), ["billed"] * 3)
        self.assertEqual(
            self.env["property.billing.key"].search_count([("run_id", "=", run.id)]),
            3,
        )
        self.assertEqual(run.job_failed_count, 0)

    def test_failed_batch_given_up(self):
        """A batch that keeps failing does not leave the run stuck in
        "Generating": the manager stops the failed batches (refused while
        others still wait), the run keeps what was invoiced and can be
        cancelled and billed again."""
        self.env["ir.config_parameter"].set_param("property_billing.sync_limit", 1)
        self.env["ir.config_parameter"].set_param("property_billing.job_batch_size", 2)
        run = self._run()
        run.action_preview()
        run.action_generate()
        batch = run.queue_job_ids.filtered(
            lambda job: job.method_name == "_job_bill_batch"
        )[:1]
        with self.assertRaises(UserError, msg="other batches still pending"):
            run.with_user(self.manager).action_stop_jobs()
        job = Job.load(self.env, batch.uuid)
        job.set_failed(exc_info="Test: the batch fails every time")
        job.store()
        self._perform_jobs(run)
        self.env.invalidate_all()
        self.assertEqual(run.state, "generating")
        with self.assertRaises(UserError, msg="billing managers only"):
            run.with_user(self.collector).action_stop_jobs()
        run.with_user(self.manager).action_stop_jobs()
        self.assertEqual(run.state, "generated")
        self.assertEqual(set(run.queue_job_ids.mapped("state")), {"done", "cancelled"})
        failed_payers = job.args[0]
        self.assertTrue(failed_payers)
        self.assertEqual(
            set(run.move_ids.partner_id.ids),
            set(run.line_ids.payer_id.ids) - set(failed_payers),
            "the batches that passed stay invoiced",
        )
        self.assertEqual(
            set(
                run.line_ids.filtered(lambda line: line.state == "to_bill").payer_id.ids
            ),
            set(failed_payers),
        )
        run.action_cancel()
        self.assertEqual(run.state, "cancel")
        self.assertFalse(
            self.env["property.billing.key"].search([("run_id", "=", run.id)]),
            "the keys of the deleted invoices are released",
        )

    def test_upgrade_requeues_batches_of_the_old_table(self):
        """A run generating in the background when the database is upgraded
        from the version with its own table of batches gets its remaining
        work queued as jobs (with the old table's "post as well"), and
        completes."""
        self.env["ir.config_parameter"].set_param("property_billing.job_batch_size", 2)
        run = self._run()
        run.action_preview()
        run.state = "generating"  # as the old version left it
        self.env.cr.execute(
            "CREATE TABLE property_billing_run_job "
            "(id serial, run_id int, post boolean, state varchar)"
        )
        self.env.cr.execute(
            "INSERT INTO property_billing_run_job (run_id, post, state) "
            "VALUES (%s, true, 'pending')",
            [run.id],
        )
        path = os.path.join(
            os.path.dirname(os.path.dirname(__file__)),
            "migrations",
            "18.0.1.1.0",
            "post-migrate.py",
        )
        spec = importlib.util.spec_from_file_location("billing_post_migrate", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(len(run.queue_job_ids), 3, "2 batches and the closing job")
        self._perform_jobs(run)
        self.assertEqual(run.state, "posted", "post as well, as the old batch said")
        self.assertEqual(len(run.move_ids), 3)
        self.assertEqual(set(run.move_ids.mapped("state")), {"posted"})

    def test_concurrency_error_retries_the_batch(self):
        """A serialization failure or a lock not available in a batch is
        queue_job's RetryableJobError (the job is tried again later), not a
        tenant's error."""
        self.env["ir.config_parameter"].set_param("property_billing.sync_limit", 1)
        run = self._run()
        run.action_preview()
        payers = run.line_ids.payer_id.ids
        for error in (
            psycopg2.errors.SerializationFailure("Test: could not serialize"),
            psycopg2.errors.LockNotAvailable("Test: lock not available"),
        ):
            with (
                patch.object(
                    type(run), "_create_invoices", autospec=True, side_effect=error
                ),
                self.assertRaises(RetryableJobError),
            ):
                run._job_bill_batch(payers, False)
        self.assertFalse(run.error_ids)
        self.assertFalse(run.move_ids)
        self.assertEqual(set(run.line_ids.mapped("state")), {"to_bill"})

    def test_database_error_is_not_a_tenant_error(self):
        """In the preview only a tenant archive's own data error (UserError,
        ValidationError) is listed as the tenant's error; a database error
        stops the preview instead of skipping the tenant."""
        run = self._run()
        Run = type(run)
        original = Run._collect_charges
        occ_id = self.occ_office.id

        def failing(self, plan, ctx):
            if plan.occupancy_id.id == occ_id:
                raise psycopg2.errors.SerializationFailure("Test: could not serialize")
            return original(self, plan, ctx)

        with (
            patch.object(Run, "_collect_charges", failing),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            run.action_preview()
        self.assertFalse(run.error_ids)

        def invalid(self, plan, ctx):
            if plan.occupancy_id.id == occ_id:
                # a test's own message: nothing to translate
                raise ValidationError("Test: no unit area")  # pylint: disable=translation-required
            return original(self, plan, ctx)

        with patch.object(Run, "_collect_charges", invalid):
            run.action_preview()
        self.assertEqual(run.error_ids.occupancy_id, self.occ_office)
        self.assertEqual(len(run.line_ids.occupancy_id), 2)

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
        # a one-off item is not billed every cycle: the plan refuses it and
        # points to one-off charges, which bill it (issue 13)
        decoration = self.env.ref("property_billing.fee_item_decoration")
        with self.assertRaisesRegex(ValidationError, "one-off charge"):
            plan.line_ids = [Command.create({"item_id": decoration.id})]
        self._standard(decoration, 10.0)
        charge = self.env["property.charge.one.off"].create(
            {
                "occupancy_id": occupancy.id,
                "item_id": decoration.id,
                "date": date(2026, 3, 5),
                "quantity": 30.0,
            }
        )
        self.assertEqual(charge.amount, 300.0, "30 m² × 10.00")
        charge.action_confirm()
        with freeze_time("2026-03-05"):
            invoice = charge.action_bill_now()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_untaxed, 300.0)

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
