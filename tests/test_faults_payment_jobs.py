"""A payment file matched in background batches survives the worker of a
batch killed while it reconciles, and the whole server crashed and started
again (issue 16, "Faults"): queue_job's runner requeues the dead batch,
which matches only the payments it has not processed; every invoice is
paid exactly once, nothing is lost, the import closes by itself.

Real processes, as production runs them (tests/odoo_processes.py, as
tests/test_faults_billing.py): an Odoo server with prefork workers and
queue_job's runner, on a copy of a scratch database where
``property_billing`` is installed.  The batch is caught at a fixed point
(odoo_processes' FaultPoint): half-way through its reconciliations, held
until its worker is killed."""

import time

from odoo_processes import FaultPoint, OdooServerCase, wait_until

PAYMENTS = 90
BATCH = 30
IMPORT_TIMEOUT = 240
CATCH_TIMEOUT = 180
CHANNELS = "root:2,root.property_billing:2"
# the advisory lock of the batches' fault point
FAULT_POINT_LOCK = 55412

# A script run in the database (ARGS: payments, batch size): PAYMENTS posted
# invoices of as many customers and the import of a bank file paying each by
# its number, above the synchronous limit; the administrator is made a
# billing manager (the test imports the file through RPC as him).  Prints
# the ids as JSON.
SETUP = """
import base64
from datetime import date

payments, batch = int(ARGS[0]), int(ARGS[1])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.ref("base.user_admin").groups_id = [
        Command.link(env.ref("property_billing.group_property_billing_manager").id)
    ]
    param = env["ir.config_parameter"]
    param.set_param("property_billing.payment_sync_limit", 1)
    param.set_param("property_billing.payment_batch_size", batch)
    product = env["product.product"].create(
        {"name": "PJ fee", "type": "service", "taxes_id": [Command.clear()]}
    )
    partners = env["res.partner"].create(
        [{"name": f"PJ Payer {i:03d}"} for i in range(payments)]
    )
    moves = env["account.move"].create(
        [{"move_type": "out_invoice", "partner_id": p.id,
          "invoice_date": date(2026, 3, 1),
          "invoice_line_ids": [Command.create(
              {"product_id": product.id, "price_unit": 100.0 + i,
               "tax_ids": [Command.clear()]})]}
         for i, p in enumerate(partners)]
    )
    moves.action_post()
    journal = env["account.journal"].create(
        {"name": "PJ Bank", "type": "bank", "code": "PJB"}
    )
    rows = ["date,amount,payer,memo,transaction id"] + [
        f"2026-03-05,{m.amount_total:.2f},{m.partner_id.name},Fee {m.name},PJ{i:05d}"
        for i, m in enumerate(moves)
    ]
    record = env["property.payment.import"].create(
        {"journal_id": journal.id, "filename": "bank.csv",
         "file": base64.b64encode(("\\n".join(rows) + "\\n").encode())}
    )
    print(json.dumps({"import": record.id, "journal": journal.id,
                      "moves": moves.ids}))
"""


class TestPaymentImportSurvivesFaults(OdooServerCase):
    PREFIX = "test_faults_pay"

    def _jobs(self, db, import_id):
        return db.query(
            "SELECT method_name, state, retry, exc_name FROM queue_job"
            " WHERE property_payment_import_id = %s ORDER BY id",
            [import_id],
        )

    def test_batch_worker_killed_then_server_restarted(self):
        db = self.copy_template(self.addCleanup)
        data = db.run_script(SETUP, PAYMENTS, BATCH)
        import_id = data["import"]
        server = self.server(db, "server-0", channels=CHANNELS)
        point = FaultPoint(
            db, "account_partial_reconcile", BATCH // 2, FAULT_POINT_LOCK
        )
        point.install().hold()
        self.addCleanup(point.release)
        # the Import button: the lines stored, the batches queued
        server.rpc("property.payment.import", "action_import", [import_id])
        [[state]] = db.query(
            "SELECT state FROM property_payment_import WHERE id = %s", [import_id]
        )
        self.assertEqual(state, "matching")

        # a batch caught reconciling (held at the point; another may wait
        # for it, both paying through the same bank journal)
        job = wait_until(
            lambda: point.held_job(
                "job.property_payment_import_id = %s"
                " AND job.method_name = '_job_match_batch'",
                [import_id],
            ),
            CATCH_TIMEOUT,
            0.1,
            lambda: server.log_tail("no batch caught reconciling"),
        )
        server = self.crash_in_job(
            db, server, job, "server-1", killed=point.release, channels=CHANNELS
        )
        started = time.monotonic()

        def closed():
            jobs = self._jobs(db, import_id)
            self.assertNotIn("failed", [job[1] for job in jobs], jobs)
            return db.query(
                "SELECT 1 FROM property_payment_import WHERE id = %s"
                " AND state <> 'matching'",
                [import_id],
            )

        wait_until(
            closed,
            IMPORT_TIMEOUT,
            1,
            lambda: server.log_tail(f"not closed; jobs {self._jobs(db, import_id)}"),
        )
        print(f"payment import closed {time.monotonic() - started:.0f}s after restart")

        jobs = self._jobs(db, import_id)
        self.assertEqual({job[1] for job in jobs}, {"done"}, jobs)
        [[state, retry]] = db.query(
            "SELECT state, retry FROM queue_job WHERE uuid = %s", [job[0]]
        )
        self.assertEqual(state, "done")
        self.assertGreaterEqual(retry, 2, "the killed batch was not run again")
        [[state, match_total]] = db.query(
            "SELECT state, match_total FROM property_payment_import WHERE id = %s",
            [import_id],
        )
        self.assertEqual((state, match_total), ("done", PAYMENTS))
        lines = db.query(
            "SELECT state, match_pending, count(*) FROM property_payment_import_line"
            " WHERE import_id = %s GROUP BY state, match_pending",
            [import_id],
        )
        self.assertEqual(lines, [("reconciled", False, PAYMENTS)])
        # every invoice paid once, by one payment of its amount
        [[payments, paid_moves, residual]] = db.query(
            """SELECT (SELECT count(*) FROM account_payment
                        WHERE journal_id = %s AND state <> 'canceled'),
                      count(*) FILTER (WHERE payment_state IN ('paid', 'in_payment')),
                      sum(amount_residual)
                 FROM account_move WHERE id = ANY(%s)""",
            [data["journal"], data["moves"]],
        )
        self.assertEqual(
            (payments, paid_moves, float(residual)), (PAYMENTS,) * 2 + (0.0,)
        )
        [[closing]] = db.query(
            "SELECT count(*) FROM mail_message WHERE model = 'property.payment.import'"
            " AND res_id = %s AND body::text LIKE %s",
            [import_id, f"%{PAYMENTS} payments imported%"],
        )
        self.assertEqual(closing, 1, "the import closed once")
        log = server.log.read_text(encoding="utf-8", errors="replace")
        self.assertNotIn("Traceback", log, server.log_tail("a traceback"))
