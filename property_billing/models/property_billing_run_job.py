import logging

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

JOB_STATES = [
    ("pending", "Pending"),
    ("done", "Done"),
]


class PropertyBillingRunJob(models.Model):
    """A batch of a large billing run, invoiced (or posted) in the
    background.  Cron workers take pending batches with ``SKIP LOCKED``:
    several workers process one run in parallel and never the same batch;
    each batch commits on its own, so the run's progress shows and a
    server restart loses at most the batch in hand."""

    _name = "property.billing.run.job"
    _description = "Billing Run Batch"
    _order = "run_id, sequence, id"

    run_id = fields.Many2one(
        "property.billing.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    sequence = fields.Integer()
    post = fields.Boolean(help="Post the invoices of the batch as well.")
    move_ids = fields.Many2many(
        "account.move", string="Invoices to Post", help="Posting batches only."
    )
    state = fields.Selection(JOB_STATES, default="pending", required=True, index=True)

    @api.model
    def _lock_next(self):
        self.env.cr.execute(
            """SELECT id FROM property_billing_run_job
                WHERE state = 'pending'
             ORDER BY id
                LIMIT 1
           FOR UPDATE SKIP LOCKED"""
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0] if row else [])

    def _process(self):
        self.ensure_one()
        run = self.run_id
        if self.move_ids:
            run._post_moves(self.move_ids.filtered(lambda m: m.state == "draft"))
        else:
            run._bill_groups(
                run._payer_groups([("job_id", "=", self.id)]), post=self.post
            )
        self.browse(self.id).state = "done"

    @api.model
    def _finish_runs(self):
        """Close the runs whose batches are all done."""
        runs = self.env["property.billing.run"].search(
            [("state", "in", ("generating", "posting"))]
        )
        pending = {
            run.id
            for [run] in self._read_group(
                [("run_id", "in", runs.ids), ("state", "=", "pending")], ["run_id"]
            )
        }
        for run in runs.filtered(lambda r: r.id not in pending):
            if run.state == "posting":
                run.state = "posted"
                run.message_post(body=self.env._("Invoices of the run posted."))
            else:
                run._finish_billing(post=any(run.job_ids.mapped("post")))

    @api.model
    def _cron_process(self):
        """One batch per call; the cron calls back while batches remain (and
        once more to close the finished runs)."""
        self._finish_runs()
        job = self._lock_next()
        if job:
            job._process()
        remaining = self.search_count([("state", "=", "pending")]) + bool(job)
        self.env["ir.cron"]._notify_progress(done=int(bool(job)), remaining=remaining)
        return bool(job)
