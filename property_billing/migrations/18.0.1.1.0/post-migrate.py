"""Upgrading to 18.0.1.1.0: the background batches of billing runs are
queue_job jobs; the home-made table of batches (property.billing.run.job)
and its cron are gone.

A run that was generating or posting in the background when the database
was upgraded would wait for batches nobody processes any more: its
remaining work is queued again as jobs (the charges still to bill, or the
draft invoices still to post), with the "post as well" choice read from
the old table while it is still there.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    post_by_run = {}
    cr.execute("SELECT to_regclass('property_billing_run_job')")
    if cr.fetchone()[0]:
        cr.execute(
            "SELECT run_id, bool_or(post) FROM property_billing_run_job GROUP BY run_id"
        )
        post_by_run = dict(cr.fetchall())
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["property.billing.run"]._requeue_orphan_runs(post_by_run)
