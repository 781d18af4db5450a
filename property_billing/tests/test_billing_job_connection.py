import psycopg2

from odoo.http import _generate_routing_rules
from odoo.sql_db import connection_info_for
from odoo.tests import TransactionCase, tagged

from odoo.addons.property_billing.controllers.queue_job import (
    BillingRunJobController,
    connection_lost,
)
from odoo.addons.queue_job.controllers.main import RunJobController


class _Cursor:
    """What ``connection_lost`` reads of a cursor: its connection."""

    def __init__(self, cnx):
        self._cnx = cnx


@tagged("-at_install", "post_install")
class TestBatchConnectionLost(TransactionCase):
    """A background batch that loses its database connection is retried,
    never failed (the whole story, with PostgreSQL really restarted under a
    server, is tests/test_faults_billing.py); here: which errors are a lost
    connection, on real connections of their own."""

    def _connect(self):
        _db, info = connection_info_for(self.env.cr.dbname)
        cnx = psycopg2.connect(**info)
        self.addCleanup(cnx.close)
        return cnx

    def _error(self, cnx, query):
        with self.assertRaises(psycopg2.Error) as caught, cnx.cursor() as cr:
            cr.execute(query)
        return caught.exception

    def test_terminated_backend_is_a_lost_connection(self):
        # what PostgreSQL does to every session when it is stopped "fast"
        cnx = self._connect()
        self.env.cr.execute("SELECT pg_terminate_backend(%s)", [cnx.get_backend_pid()])
        error = self._error(cnx, "SELECT 1")
        self.assertIsInstance(error, psycopg2.OperationalError)
        self.assertTrue(connection_lost(_Cursor(cnx), error))
        # and the next statement on that cursor
        error = self._error(cnx, "SELECT 1")
        self.assertIsInstance(error, psycopg2.InterfaceError)
        self.assertTrue(connection_lost(_Cursor(cnx), error))

    def test_errors_of_the_job_are_not(self):
        cnx = self._connect()
        # a statement cancelled (SQLSTATE 57014, class 57 but not 57P)
        error = self._error(cnx, "SET statement_timeout = 1; SELECT pg_sleep(1)")
        self.assertIsInstance(error, psycopg2.OperationalError)
        self.assertFalse(cnx.closed)
        self.assertFalse(connection_lost(_Cursor(cnx), error))
        cnx.rollback()
        error = self._error(cnx, "SELECT 1 / 0")
        self.assertFalse(connection_lost(_Cursor(cnx), error))
        self.assertFalse(connection_lost(_Cursor(cnx), ValueError("no")))

    def test_the_job_runner_controller_is_ours(self):
        """queue_job's /queue_job/runjob route is served by the subclass."""
        self.assertTrue(issubclass(BillingRunJobController, RunJobController))
        modules = self.env["ir.module.module"].search([("state", "=", "installed")])
        endpoint = next(
            endpoint
            for url, endpoint in _generate_routing_rules(
                modules.mapped("name"), nodb_only=False
            )
            if url == "/queue_job/runjob"
        )
        self.assertIsInstance(endpoint.func.__self__, BillingRunJobController)
