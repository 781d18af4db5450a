from unittest.mock import patch

import psycopg2

from odoo.sql_db import connection_info_for
from odoo.tests import tagged

from odoo.addons.property_billing.controllers.queue_job import (
    BillingRunJobController,
)
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

from .common import GoliveCase


@tagged("post_install", "-at_install")
class TestGoliveJobConnection(GoliveCase):
    """A go-live job that loses its database connection (PostgreSQL
    restarted) is postponed and tried again, never failed: its model asks
    for it (``_property_retry_lost_connection``) and its batches redo only
    what is left."""

    def _lost_connection_error(self):
        _db, info = connection_info_for(self.env.cr.dbname)
        cnx = psycopg2.connect(**info)
        self.addCleanup(cnx.close)
        self.env.cr.execute("SELECT pg_terminate_backend(%s)", [cnx.get_backend_pid()])
        with self.assertRaises(psycopg2.OperationalError) as caught, cnx.cursor() as cr:
            cr.execute("SELECT 1")
        return caught.exception

    def _job(self):
        self._background(threshold=1, batch=1)
        record = self._import()
        record.action_dry_run()
        record.with_user(self.manager).action_apply()
        return Job.load(self.env, record.job_uuid)

    def _perform_losing_connection(self, job):
        """The job loses its connection while performed (the error is a real
        one of a terminated session; that it is recognised as a lost
        connection on the job's own cursor is proven in property_billing's
        test_billing_job_connection)."""
        error = self._lost_connection_error()
        with (
            patch.object(RunJobController, "_try_perform_job", side_effect=error),
            patch(
                "odoo.addons.property_billing.controllers.queue_job.connection_lost",
                return_value=True,
            ),
        ):
            BillingRunJobController._try_perform_job(self.env, job)

    def test_lost_connection_postpones_the_job(self):
        with self.assertRaises(RetryableJobError):
            self._perform_losing_connection(self._job())

    def test_other_models_jobs_are_not_retried(self):
        """A job of a model that did not ask fails as queue_job does."""
        job = self.env["res.users"].with_delay().search_count([])
        with self.assertRaises(psycopg2.OperationalError):
            self._perform_losing_connection(job)
