import logging

from odoo import api, fields, models

from odoo.addons.queue_job.job import DONE, WAIT_DEPENDENCIES, Job

_logger = logging.getLogger(__name__)

PHASES = [
    ("generate", "Generate"),
    ("post", "Post"),
]


class QueueJob(models.Model):
    """A background batch of a billing run or of a payment file import is a
    queue_job job: the run (or import) finds its jobs (progress, failures,
    requeue) through its link, which its ``_job_store_values`` fills when
    the job is stored."""

    _inherit = "queue.job"

    property_billing_run_id = fields.Many2one(
        "property.billing.run",
        string="Billing Run",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
    property_payment_import_id = fields.Many2one(
        "property.payment.import",
        string="Payment Import",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
    property_billing_phase = fields.Selection(
        PHASES, string="Billing Run Phase", readonly=True
    )

    @api.model
    def _property_release_waiting(self):
        """Queue the jobs still waiting for parents that are all done.

        queue_job queues a job's dependents in a last step after the job's
        commit; if the worker dies or loses its database right then, or the
        step meets too many concurrent batches, the closing job (of a
        billing run, a payment import, a go-live import) waits for ever and
        its record with it.  Queued from here (scheduled every few
        minutes), with queue_job's own query, which checks every parent is
        done."""
        released = 0
        for waiting in self.sudo().search([("state", "=", WAIT_DEPENDENCIES)]):
            parents = (waiting.dependencies or {}).get("depends_on") or []
            if not parents:
                continue
            done = self.sudo().search_count(
                [("uuid", "in", parents), ("state", "=", DONE)]
            )
            if done == len(parents):
                Job.load(self.env, parents[0]).enqueue_waiting()
                released += 1
        if released:
            _logger.info("queued %s jobs whose parents were all done", released)
        return released
