from odoo import fields, models

PHASES = [
    ("generate", "Generate"),
    ("post", "Post"),
]


class QueueJob(models.Model):
    """A background batch of a billing run is a queue_job job: the run finds
    its jobs (progress, failures, requeue) through this link, which
    ``property.billing.run._job_store_values`` fills when the job is
    stored."""

    _inherit = "queue.job"

    property_billing_run_id = fields.Many2one(
        "property.billing.run",
        string="Billing Run",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
    property_billing_phase = fields.Selection(
        PHASES, string="Billing Run Phase", readonly=True
    )
