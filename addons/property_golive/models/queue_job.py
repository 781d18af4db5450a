from odoo import fields, models


class QueueJob(models.Model):
    """A background job of a go-live import (the file, a batch of its
    opening invoices, the close): the import finds its jobs (progress,
    failures, requeue) through this link, filled by
    ``property.golive.import._job_store_values`` when the job is stored."""

    _inherit = "queue.job"

    property_golive_import_id = fields.Many2one(
        "property.golive.import",
        string="Go-live Import",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
