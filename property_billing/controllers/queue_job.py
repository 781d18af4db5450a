"""A background batch that loses its database connection
(PostgreSQL restarted, the network between Odoo and the database cut) is
tried again, never recorded as failed.

OCA queue_job marks a job failed on any error other than a concurrency one,
the lost connection included: the batch's work was rolled back with the
connection, yet its run waited forever for a batch "failed" that a user had
to requeue by hand.  Here the lost connection is queue_job's own
:class:`RetryableJobError`, once the database answers again (waited for up
to RECONNECT_TIMEOUT seconds): the job is postponed, pending, tried again in
a few seconds.  If the database is still away, the job stays "started"
without its lock and queue_job's runner requeues it as a dead job after it
reconnects (within its minute of sleep).  Either way the batch runs again, and a batch
run again does only what is left (``property.billing.run._job_bill_batch``,
``property.golive.import._job_post_arrears``,
``property.payment.import._job_match_batch``): the models whose jobs are
retried so set ``_property_retry_lost_connection``.
"""

import time

import psycopg2

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError

from ..models.property_billing_run import RETRY_SECONDS

# SQLSTATE classes of a lost connection: 08 connection exception, 57P
# operator intervention (admin/crash shutdown, cannot connect now)
CONNECTION_LOST_CLASSES = ("08", "57P")
# a restarted PostgreSQL answers again within seconds
RECONNECT_TIMEOUT = 30


def connection_lost(cr, error):
    """Whether ``error`` (raised on the cursor ``cr``) is the loss of the
    connection to the database rather than an error of the job."""
    if not isinstance(error, psycopg2.InterfaceError | psycopg2.OperationalError):
        return False
    cnx = getattr(cr, "_cnx", None)
    if cnx is not None and cnx.closed:
        return True
    return bool(error.pgcode and error.pgcode.startswith(CONNECTION_LOST_CLASSES))


def wait_for_database(registry, timeout=RECONNECT_TIMEOUT):
    """Wait until the database accepts connections again; False if it does
    not within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with registry.cursor() as cr:
                cr.execute("SELECT 1")
            return True
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                return False
            time.sleep(1)


def retried_on_lost_connection(env, job):
    """Whether the job's model asks for it (``_property_retry_lost_connection``:
    its jobs can be run again safely, each doing only what is left)."""
    model = env.registry.get(job.model_name)
    return bool(getattr(model, "_property_retry_lost_connection", False))


class BillingRunJobController(RunJobController):
    @classmethod
    def _try_perform_job(cls, env, job):
        cr = env.cr
        try:
            return super()._try_perform_job(env, job)
        except (psycopg2.InterfaceError, psycopg2.OperationalError) as error:
            if not retried_on_lost_connection(env, job) or not connection_lost(
                cr, error
            ):
                raise
            wait_for_database(env.registry)
            raise RetryableJobError(
                f"database connection lost: {error}", seconds=RETRY_SECONDS
            ) from error
