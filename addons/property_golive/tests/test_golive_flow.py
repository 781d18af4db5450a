from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.property_tenant.tests.flow_graph import FlowGraphMixin, never_ending

from .common import GoliveCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15")
class TestGoliveFlow(FlowGraphMixin, GoliveCase):
    flow_terminal = ("applied",)

    def _flow_extra_moves(self, record):
        """The opening-balance account closed between the dry run and the
        apply: the apply fails and keeps nothing.  A file applied in the
        background: its jobs run (the account closed before the file job,
        or before the batches of opening invoices), failed jobs requeued."""
        if record.state == "applying":
            return self._background_moves(record)
        if record.state != "checked" or not record.check_ok:
            return []

        def apply_after_account_closed():
            self.opening_account.deprecated = True
            record.with_user(self.manager).action_apply()

        return [("Apply (account closed)", apply_after_account_closed)]

    def _background_moves(self, record):
        def close_account():
            self.opening_account.deprecated = True

        def jobs():
            self._run_jobs(record)

        def jobs_account_closed():
            close_account()
            self._run_jobs(record)

        def batches_account_closed():
            self._run_jobs(record, rounds=1)
            close_account()
            self._run_jobs(record)

        def requeue():
            self.opening_account.deprecated = False
            record.queue_job_ids.filtered(lambda job: job.state == "failed").requeue()
            self._run_jobs(record)

        moves = [
            ("Background jobs", jobs),
            ("Background jobs (account closed)", jobs_account_closed),
            ("Opening invoices (account closed)", batches_account_closed),
        ]
        if record.job_failed_count:
            moves.append(("Requeue failed jobs", requeue))
        return moves

    def _flow_situation(self, record):
        return (record.state, record.check_ok, bool(record.job_failed_count))

    def test_flow_graph(self):
        record = self._import()
        edges = self.flow_graph(record, (self.manager,))
        self.assertIn(("draft", "Dry Run", "checked"), edges)
        self.assertIn(("checked", "Apply", "applied"), edges)
        self.assertIn(("checked", "Back to Draft", "draft"), edges)
        self.assertIn(("checked", "Apply (account closed)", "failed"), edges)
        self.assertIn(("failed", "Back to Draft", "draft"), edges)
        self.assertIn(("failed", "Dry Run", "checked"), edges)
        self.assertEqual(never_ending(edges, {"applied"}, "draft"), set())

    def test_flow_graph_in_the_background(self):
        """A file above the row limit: Apply leads to Applying, which ends
        applied by its jobs, failed by an error of the file job (nothing
        kept), or waits with failed batches until they are requeued."""
        self._background(threshold=1, batch=2)
        record = self._import()
        edges = self.flow_graph(record, (self.manager,))
        self.assertIn(("checked", "Apply", "applying"), edges)
        self.assertIn(("applying", "Background jobs", "applied"), edges)
        self.assertIn(("applying", "Background jobs (account closed)", "failed"), edges)
        self.assertIn(
            ("applying", "Opening invoices (account closed)", "applying"), edges
        )
        self.assertIn(("applying", "Requeue failed jobs", "applied"), edges)
        self.assertEqual(never_ending(edges, {"applied"}, "draft"), set())

    def test_file_with_errors_cannot_be_applied(self):
        tables = self.tables()
        tables["units"][0]["area"] = -1
        record = self._import(tables)
        edges = self.flow_graph(record, (self.manager,))
        states = {e[0] for e in edges} | {e[2] for e in edges}
        self.assertNotIn("applied", states)
