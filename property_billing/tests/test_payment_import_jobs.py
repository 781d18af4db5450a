"""A payment file above the synchronous limit is matched and reconciled in
queue_job batches: the lines are stored in the user's request, the
payments registered by the batches, the import closed by a last job."""

import base64
from datetime import date
from unittest.mock import patch

import psycopg2
from psycopg2 import errors as pg_errors

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import common as odoo_common
from odoo.tests import new_test_user, tagged

from odoo.addons.property_billing.controllers import queue_job as job_controller
from odoo.addons.property_tenant.tests.flow_graph import FlowGraphMixin, never_ending
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

from .common import PropertyBillingCase
from .test_payment_import import CSV_HEADER

# queue_job's test helper registers itself in a table of later Odoo 18
# releases than the one installed here: give it an empty one
if not hasattr(odoo_common, "SETATTR_SOURCES"):
    odoo_common.SETATTR_SOURCES = {}
from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402


@tagged("-at_install", "post_install")
class TestPaymentImportJobs(FlowGraphMixin, PropertyBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance = new_test_user(
            cls.env,
            login="pb_finance",
            groups="account.group_account_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Test WeChat Pay", "type": "bank", "code": "TWXP"}
        )
        run = cls._run(date(2026, 3, 1))
        run.action_preview()
        run.action_generate()
        run.action_post()
        cls.inv_shop = run.move_ids.filtered(lambda m: m.partner_id == cls.tenant_c)
        cls.inv_office = run.move_ids.filtered(lambda m: m.partner_id == cls.tenant_a)
        cls.inv_home = run.move_ids.filtered(lambda m: m.partner_id == cls.tenant_b)
        cls.env["res.partner.bank"].create(
            {"partner_id": cls.tenant_c.id, "acc_number": "6222 0000 1111 2222"}
        )
        param = cls.env["ir.config_parameter"]
        param.set_param("property_billing.payment_sync_limit", 2)
        param.set_param("property_billing.payment_batch_size", 2)

    def _file(self):
        """Five payments, three batches of two; the office's bill is paid
        twice, in two batches: the second payment waits to be matched."""
        return (
            CSV_HEADER
            + f"2026-03-10,409.58,Zhang Wei,,物业费 {self.inv_office.name},TX-1\n"
            + "2026-03-11,826.80,测试商户,6222000011112222,,TX-2\n"
            + f"2026-03-12,409.58,Zhang Wei,,{self.inv_office.name},TX-3\n"
            + "2026-03-12,281.96,Liu Fang,,,TX-4\n"
            + "2026-03-13,5.00,Nobody,,,TX-5\n"
        )

    def _import(self, content):
        record = (
            self.env["property.payment.import"]
            .with_user(self.finance)
            .create(
                {
                    "journal_id": self.journal.id,
                    "file": base64.b64encode(content.encode()),
                    "filename": "payments.csv",
                }
            )
        )
        record.action_import()
        return record

    def _payments(self):
        return self.env["account.payment"].search(
            [("journal_id", "=", self.journal.id)]
        )

    def _perform(self, records):
        """Run stored jobs as a job runner's worker does."""
        for record in records:
            job = Job.load(self.env, record.uuid)
            job.set_started()
            job.store()
            RunJobController._try_perform_job(self.env, job)
            RunJobController._enqueue_dependent_jobs(self.env, job)
        self.env.invalidate_all()

    def _assert_paid_once(self, record):
        """The office's bill paid by one of its two payments, whichever
        batch ran first; the other waits to be matched."""
        office, shop, office_again, home, nobody = record.line_ids.sorted("row")
        paid, waiting = (office | office_again).sorted(
            lambda line: line.state != "reconciled"
        )
        self.assertEqual(
            (paid.state, waiting.state, shop.state, home.state, nobody.state),
            ("reconciled", "unmatched", "reconciled", "reconciled", "unmatched"),
        )
        self.assertEqual(
            (paid.match_rule, shop.match_rule, home.match_rule),
            ("reference", "payer_amount", "payer_amount"),
        )
        self.assertIn("No open invoice", waiting.note)
        self.assertEqual(paid.payment_id.amount, 409.58)
        self.assertEqual(paid.payment_id.date, paid.date)
        self.assertEqual(len(self._payments()), 3)
        self.assertEqual(len(self.inv_office.matched_payment_ids), 1)
        self.assertEqual(
            (
                self.inv_office.amount_residual,
                self.inv_shop.amount_residual,
                self.inv_home.amount_residual,
            ),
            (0.0, 0.0, 0.0),
        )
        self.assertEqual(shop.payment_id.journal_id, self.journal)
        self.assertEqual(record.state, "imported")
        self.assertEqual((record.reconciled_count, record.to_match_count), (3, 2))

    def test_large_file_matched_in_batches(self):
        with trap_jobs() as trap:
            record = self._import(self._file())
            self.assertEqual(record.state, "matching")
            self.assertEqual(record.line_count, 5, "lines stored in the request")
            self.assertEqual(set(record.line_ids.mapped("state")), {"unmatched"})
            self.assertFalse(self._payments())
            trap.assert_jobs_count(3, only=record._job_match_batch)
            trap.assert_jobs_count(1, only=record._job_match_finish)
            trap.assert_enqueued_job(
                record._job_match_batch,
                args=(record.line_ids.sorted("row")[4:].ids,),
                properties={"channel": "root.property_billing"},
            )
            trap.perform_enqueued_jobs()
        self._assert_paid_once(record)
        self.assertIn(
            "5 payments imported, 0 duplicates, 0 rows in error, 0 not incoming; "
            "3 reconciled, 2 to match.",
            record.message_ids[:1].body,
        )

    def test_batch_performed_twice_creates_nothing(self):
        """A batch retried or requeued after it ran (or after a crash rolled
        it back) processes only the lines still unmatched: nothing paid
        twice, nothing closed twice."""
        with trap_jobs() as trap:
            record = self._import(self._file())
            jobs = list(trap.enqueued_jobs)
            trap.perform_enqueued_jobs()
        messages = record.message_ids
        notes = record.line_ids.mapped("note")
        for job in jobs:
            job.perform()
        self._assert_paid_once(record)
        self.assertEqual(record.message_ids, messages)
        self.assertEqual(record.line_ids.mapped("note"), notes)

    def test_concurrent_payment_retried(self):
        """Two batches paying the same invoice at once: the payment wizard
        serializes on the invoice, the second batch meets a serialization
        failure, which retries the job (on the first one's result) instead
        of leaving the line with an error note."""
        with trap_jobs():
            record = self._import(self._file())
        line_ids = record.line_ids.sorted("row")[:2].ids
        Line = type(self.env["property.payment.import.line"])
        with (
            patch.object(
                Line,
                "_register_payment",
                side_effect=pg_errors.SerializationFailure("concurrent update"),
            ),
            self.assertRaises(RetryableJobError),
        ):
            record._job_match_batch(line_ids)

    def test_lost_connection_retried(self):
        """A batch that loses its database connection is tried again, as a
        billing run's (the controller's check, see
        test_billing_job_connection.py), not failed."""
        record = self._import(self._file())
        batch = record.sudo().queue_job_ids.filtered(
            lambda job: job.method_name == "_job_match_batch"
        )[:1]
        job = Job.load(self.env, batch.uuid)
        with (
            patch.object(
                type(record),
                "_job_match_batch",
                side_effect=psycopg2.OperationalError("server closed the connection"),
            ),
            patch.object(job_controller, "connection_lost", return_value=True),
            patch.object(job_controller, "wait_for_database", return_value=True),
            self.assertRaises(RetryableJobError),
        ):
            job_controller.BillingRunJobController._try_perform_job(self.env, job)

    def test_stored_jobs_progress_and_state(self):
        """The stored jobs: linked to the import, on the billing channel, the
        closing one waiting for the batches; progress counts the lines of
        the batches done."""
        record = self._import(self._file())
        jobs = record.sudo().queue_job_ids
        self.assertEqual(len(jobs), 4, "3 batches and the closing job")
        self.assertEqual(set(jobs.mapped("channel")), {"root.property_billing"})
        closing = jobs.filtered(lambda job: job.method_name == "_job_match_finish")
        self.assertEqual(closing.state, "wait_dependencies")
        self.assertEqual((record.job_count, record.job_failed_count), (4, 0))
        self.assertEqual(
            (record.state, record.match_done, record.match_total), ("matching", 0, 5)
        )
        self.assertEqual(record.match_progress, 0.0)
        batches = (jobs - closing).sorted(lambda job: job.args[0][0])
        self._perform(batches[0])
        self.assertEqual((record.match_done, record.match_progress), (2, 40.0))
        self.assertEqual(record.state, "matching")
        failed = Job.load(self.env, batches[1].uuid)
        failed.set_failed(exc_info="Test: the batch failed")
        failed.store()
        self.env.invalidate_all()
        self.assertEqual(record.job_failed_count, 1)
        action = record.with_user(self.manager).action_view_jobs()
        self.assertEqual(
            self.env["queue.job"].with_user(self.manager).search(action["domain"]),
            jobs,
        )
        self._perform(batches[2])
        self.assertEqual(record.state, "matching", "waits for the failed batch")
        batches[1].with_user(self.manager).requeue()
        self._perform(batches[1])
        self._perform(closing)
        self.assertEqual(closing.state, "done")
        self._assert_paid_once(record)
        self.assertEqual((record.match_done, record.match_progress), (5, 100.0))
        self.assertEqual(record.job_failed_count, 0)

    def test_failed_batch_stopped_then_matched_again(self):
        """A batch that keeps failing does not leave the import "Being
        Matched": its failed batches are stopped (refused while others
        still wait), its payments wait to be matched again; matched again,
        more of them than the synchronous limit go to batches again."""
        record = self._import(self._file())
        jobs = record.sudo().queue_job_ids
        closing = jobs.filtered(lambda job: job.method_name == "_job_match_finish")
        batches = (jobs - closing).sorted(lambda job: job.args[0][0])
        with self.assertRaises(UserError, msg="other batches still pending"):
            record.action_stop_jobs()
        self._perform(batches[0])
        failed = Job.load(self.env, batches[1].uuid)
        failed.set_failed(exc_info="Test: the batch fails every time")
        failed.store()
        self._perform(batches[2])
        self.assertEqual(record.state, "matching")
        self.assertEqual((record.match_done, record.match_total), (3, 5))
        record.action_stop_jobs()
        self.assertEqual(record.state, "imported")
        self.assertEqual((batches[1].state, closing.state), ("cancelled", "cancelled"))
        self.assertEqual(record.to_match_count, 3, "the failed batch's two, Nobody")
        self.assertFalse(record.line_ids.filtered("match_pending"))
        self.assertIn("Failed background batches stopped.", record.message_ids[0].body)

        record.action_match_again()
        self.assertEqual((record.state, record.match_total), ("matching", 3))
        again = record.sudo().queue_job_ids - jobs
        self.assertEqual(len(again), 3, "3 payments in batches of 2, and the closing")
        self._perform(again.filtered(lambda job: job.state == "pending"))
        self._perform(again.filtered(lambda job: job.state == "pending"))
        self._assert_paid_once(record)

    # ------------------------------------------------------------------
    # The import's flow, background branch included
    # ------------------------------------------------------------------
    def _flow_extra_moves(self, record):
        """Besides the import's buttons: its background batches run (all,
        or one failing as the runner fails it), and the payments left to
        match ignored with their reason (the lines' wizard)."""
        moves = []
        jobs = record.sudo().queue_job_ids

        def pending():
            return jobs.filtered(lambda job: job.state == "pending")

        if record.state == "matching":

            def run_batches():
                for _round in range(5):
                    if not pending():
                        break
                    self._perform(pending())

            moves.append(("Background batches", run_batches))
            # the file's first batch (two payments: three left once stopped)
            batch = (
                pending()
                .filtered(lambda job: job.method_name == "_job_match_batch")
                .sorted(lambda job: job.args[0][0])[:1]
            )
            if batch:

                def batch_fails():
                    failed = Job.load(self.env, batch.uuid)
                    failed.set_failed(exc_info="Test: the batch failed")
                    failed.store()
                    run_batches()

                moves.append(("A batch fails", batch_fails))
        if record.state == "imported":

            def ignore_the_rest():
                lines = record.line_ids.filtered(
                    lambda line: line.state in ("unmatched", "matched")
                )
                self.env["property.payment.ignore"].with_user(self.finance).create(
                    {"line_ids": [Command.set(lines.ids)], "reason": "Not ours"}
                ).action_confirm()

            moves.append(("Ignore the rest", ignore_the_rest))
        return moves

    def _flow_situation(self, record):
        # more payments left than the synchronous limit (2 here) go to
        # batches again when matched again
        return (record.state, bool(record.job_failed_count), record.to_match_count > 2)

    def test_flow_graph(self):
        """Every state of an import reached from a new one (a file above
        the synchronous limit) reaches Done: its batches run, or one fails
        and is stopped; the payments left are matched again or ignored."""
        record = (
            self.env["property.payment.import"]
            .with_user(self.finance)
            .create(
                {
                    "journal_id": self.journal.id,
                    "file": base64.b64encode(self._file().encode()),
                    "filename": "payments.csv",
                }
            )
        )
        edges = self.flow_graph(record, (self.finance,))
        self.assertIn(("draft", "Import and Match", "matching"), edges)
        self.assertIn(("matching", "Background batches", "imported"), edges)
        self.assertIn(("matching", "A batch fails", "matching"), edges)
        self.assertIn(("matching", "Stop Failed Batches", "imported"), edges)
        self.assertIn(("imported", "Match Again", "matching"), edges)
        self.assertIn(("imported", "Match Again", "imported"), edges)
        self.assertIn(("imported", "Ignore the rest", "done"), edges)
        self.assertEqual(never_ending(edges, {"done"}, "draft"), set())

    def test_small_file_in_the_request(self):
        with trap_jobs() as trap:
            record = self._import(
                CSV_HEADER
                + f"2026-03-10,409.58,Someone Else,,{self.inv_office.name},TX-1\n"
                + "2026-03-12,281.96,Liu Fang,,,TX-4\n"
            )
            trap.assert_jobs_count(0)
        self.assertEqual(record.state, "done")
        self.assertFalse(record.queue_job_ids)
        self.assertEqual((record.match_done, record.match_total), (0, 0))
        self.assertEqual(len(self._payments()), 2)
        self.assertEqual(self.inv_office.payment_state, "paid")
        self.assertEqual(self.inv_home.payment_state, "paid")
