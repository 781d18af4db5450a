"""The billing run's flow, derived from the code: every state a billing user
or manager can reach from a draft run — background batches that pass or
fail included — reaches an end (posted or cancelled)."""

from odoo.tests import tagged

from odoo.addons.property_tenant.tests.flow_graph import FlowGraphMixin, never_ending
from odoo.addons.queue_job.job import Job

from . import test_billing_run
from .common import PropertyBillingCase


@tagged("-at_install", "post_install")
class TestBillingRunFlow(FlowGraphMixin, PropertyBillingCase):
    # as a job runner's worker runs the run's jobs
    _perform_jobs = test_billing_run.TestBillingRun._perform_jobs
    # a posted or cancelled run is an end (a cancelled one may be reset to
    # draft: a new run of the same flow)
    flow_terminal = ("posted", "cancel")

    def _flow_situation(self, record):
        # what decides the presses: waiting and failed batches (not how many
        # times a batch failed before)
        states = set(record.queue_job_ids.mapped("state"))
        return (
            record.state,
            bool(states & {"pending", "enqueued"}),
            "failed" in states,
        )

    def _flow_extra_moves(self, record):
        """What the job runner does meanwhile: run the waiting batches, or
        fail one of them."""
        pending = record.queue_job_ids.filtered(
            lambda job: (
                job.state in ("pending", "enqueued")
                and job.method_name != "_job_finish"
            )
        )
        if not pending:
            return []

        def fail():
            job = Job.load(self.env, pending[0].uuid)
            job.set_failed(exc_info="Test: the batch fails")
            job.store()

        return [
            ("jobs run", lambda: self._perform_jobs(record)),
            ("a batch fails", fail),
        ]

    def test_flow_graph(self):
        self.env["ir.config_parameter"].set_param("property_billing.sync_limit", 1)
        self.env["ir.config_parameter"].set_param("property_billing.job_batch_size", 2)
        run = self._run()
        edges = self.flow_graph(run, (self.collector, self.manager))
        states = {state for edge in edges for state in (edge[0], edge[2])}
        self.assertLessEqual(
            {"draft", "previewed", "generating", "generated", "posting", "posted"},
            states,
        )
        self.assertIn(("generating", "Stop Failed Batches", "generated"), edges)
        self.assertIn(("posting", "Stop Failed Batches", "generated"), edges)
        self.assertEqual(never_ending(edges, {"posted", "cancel"}, "draft"), set())
