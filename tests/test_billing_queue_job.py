"""The batches of a large billing run really run at the same time, in a real
Odoo server: prefork workers and OCA queue_job's job runner, as production
starts it (config/odoo.local.conf).

A transaction of the test database is invisible to another process, so the
test works on a scratch database of its own: a copy of the one where
``property_billing`` is installed by ``odoo`` once per test session
(``--stop-after-init``, a few minutes; tests/odoo_processes.py), a
server started on it (``--workers=2``, ``--load=base,web,queue_job``, the
billing channel at capacity 2, free ports of its own), a run of 40 payers
generated in batches of 10; the run must end generated with every payer
invoiced once, and two batches must have run at the same time in two
different workers (queue_job's ``date_started``/``date_done`` and
``worker_pid``).  The database and its filestore are dropped at the end."""

import time
from itertools import combinations

from odoo_processes import BILLING_RUN_SETUP, OdooServerCase

PAYERS = 40
BATCH = 10
RUN_TIMEOUT = 300


class TestBillingBatchesInParallel(OdooServerCase):
    PREFIX = "test_qj"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = cls.copy_template(cls.addClassCleanup)

    def _query(self, sql, params=()):
        return self.db.query(sql, params)

    def test_batches_overlap_in_two_workers(self):
        server = self.server(
            self.db, "server", channels="root:2,root.property_billing:2"
        )
        self._server_log = server.log_tail
        started = self.db.run_script(BILLING_RUN_SETUP, PAYERS, BATCH)
        run_id = started["run"]
        self.assertEqual(started["state"], "generating", "the batches are queued")
        self.assertEqual(started["lines"], PAYERS)

        deadline = time.monotonic() + RUN_TIMEOUT
        while time.monotonic() < deadline:
            [[state]] = self._query(
                "SELECT state FROM property_billing_run WHERE id = %s", [run_id]
            )
            failed = self._query(
                "SELECT exc_info FROM queue_job WHERE state = 'failed'"
                " AND property_billing_run_id = %s",
                [run_id],
            )
            self.assertFalse(failed, self._server_log(f"failed jobs: {failed}"))
            if state == "generated":
                break
            time.sleep(1)
        self.assertEqual(state, "generated", self._server_log("the run did not end"))

        batches = self._query(
            """SELECT date_started, date_done, worker_pid, channel FROM queue_job
                WHERE property_billing_run_id = %s AND method_name = '_job_bill_batch'
                  AND state = 'done'""",
            [run_id],
        )
        self.assertEqual(len(batches), PAYERS // BATCH)
        self.assertEqual({b[3] for b in batches}, {"root.property_billing"})
        overlapping = [
            (a, b)
            for a, b in combinations(batches, 2)
            if a[0] < b[1] and b[0] < a[1] and a[2] != b[2]
        ]
        self.assertTrue(
            overlapping,
            f"no two batches ran at the same time in two workers: {batches}",
        )
        # every payer invoiced once, every charge billed once
        [[invoices, partners]] = self._query(
            "SELECT count(*), count(DISTINCT partner_id) FROM account_move"
            " WHERE property_billing_run_id = %s",
            [run_id],
        )
        self.assertEqual((invoices, partners), (PAYERS, PAYERS))
        [[keys, lines_billed, lines]] = self._query(
            """SELECT (SELECT count(*) FROM property_billing_key WHERE run_id = %s),
                      count(*) FILTER (WHERE state = 'billed'), count(*)
                 FROM property_billing_run_line WHERE run_id = %s""",
            [run_id, run_id],
        )
        self.assertEqual((keys, lines_billed, lines), (PAYERS, PAYERS, PAYERS))
        # the server ran cleanly: its evented process (websocket) started
        # and nothing failed in its log
        log = server.log.read_text(encoding="utf-8", errors="replace")
        self.assertIn("Evented Service (longpolling) running", log)
        self.assertNotIn("Traceback", log, self._server_log("a traceback"))
