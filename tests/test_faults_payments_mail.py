"""Faults in real processes: a payment-file import whose server worker is
killed in the middle of the reconciliation, and a notice published while
the outgoing mail server is down (issue 16, "Faults").

Both run on one scratch database (a copy of one where ``property_billing``
and ``property_community`` are installed, no demo data) with Odoo servers
started as production runs them (``--workers=2``), see
tests/odoo_processes.py.

1. The payment file pays bills by their reference and holds the rows a bank
   file holds besides (a bill paid in two halves, a row repeated, a refund,
   a zero amount, rows that cannot be read, a payer nobody knows).  Its
   import runs in a server worker (JSON-RPC, as the Import button does); the
   worker is killed with SIGKILL once the import's transaction has begun
   reconciling, then the whole server, and a new server is started: the
   import is still a draft with nothing paid; imported again, every row of
   the file is there once (a payment line, or a row of the report with its
   reason), every bill is paid exactly once and its residual is exact.  The
   same file imported again in a new import pays nothing twice.
2. A real SMTP server (a small one in a subprocess, on loopback) is
   Odoo's outgoing mail server.  A notice is published while it is down:
   the server's mail queue (its cron worker) cannot connect, the e-mails
   wait as connection failures; once the SMTP server is up, the queue runs
   again: every tenant receives the notice once, and running the queue
   twice more sends nothing again."""

import collections
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

from odoo_processes import (
    CONNECTION_LOST,
    OdooServerCase,
    free_port,
    stop_group,
    wait_until,
)

TENANTS = 12
# bills paid by the file: enough for its import to take several seconds,
# so that the worker is killed while it reconciles
BILLS = 60
KILL_AFTER = 3  # seconds the import's transaction has run when killed
PHASE_TIMEOUT = 180
# The file is imported in one request (the synchronous limit of payment
# imports raised above its size, so that the worker killed is the one
# reconciling; a larger file is matched in queue_job batches, see
# property_billing/tests/test_payment_import_jobs.py), longer than Odoo's
# default CPU limit of a worker allows on a loaded machine: raised (see the
# closing note).  No cron worker, nor queue_job's runner: without a preloaded
# registry they would poll every database of the PostgreSQL server.
SERVER_OPTIONS = {
    "extra": ("--limit-time-cpu=1200", "--limit-time-real=2400"),
    "cron_workers": 0,
    "job_runner": False,
    "preload": False,
}
# a request to a server (an import in one request on a loaded machine)
RPC_TIMEOUT = 600

PAYMENTS_SETUP = """
import base64
from datetime import date

bills = int(ARGS[0])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["ir.config_parameter"].set_param(
        "property_billing.payment_sync_limit", bills + 10
    )
    product = env["product.product"].create(
        {"name": "PF fee", "type": "service", "taxes_id": [Command.clear()]}
    )
    partners = env["res.partner"].create(
        [{"name": f"PF Payer {i:03d}"} for i in range(bills + 2)]
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2026, 3, 1),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": 100.0 + i + (i % 7) / 100,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for i, partner in enumerate(partners)
        ]
    )
    moves.action_post()
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1
    )
    paid, halves, untouched = moves[:bills], moves[bills], moves[bills + 1]
    rows = ["date,amount,payer,memo,transaction id"]
    rows += [
        f"2026-03-05,{m.amount_total:.2f},{m.partner_id.name},"
        f"Fee {m.name},PF{i:06d}"
        for i, m in enumerate(paid)
    ]
    half = halves.amount_total / 2
    rows += [
        f"2026-03-06,{half:.2f},{halves.partner_id.name},{halves.name} 1/2,PFH1",
        f"2026-03-07,{halves.amount_total - half:.2f},{halves.partner_id.name},"
        f"{halves.name} 2/2,PFH2",
        rows[1],  # the first payment, repeated in the file
        f"2026-03-08,-50.00,{paid[0].partner_id.name},refund,PFR1",
        f"2026-03-08,0.00,{paid[1].partner_id.name},nothing,PFZ1",
        f"2026-03-08,abc,{paid[2].partner_id.name},{paid[2].name},PFE1",
        f"someday,10.00,{paid[3].partner_id.name},{paid[3].name},PFE2",
        "2026-03-09,77.00,Nobody Known,,PFU1",
    ]
    content = ("\\n".join(rows) + "\\n").encode()
    imp = env["property.payment.import"].create(
        {"journal_id": journal.id, "file": base64.b64encode(content),
         "filename": "bank.csv"}
    )
    print(json.dumps({
        "import": imp.id, "journal": journal.id, "rows": len(rows) - 1,
        "paid": paid.ids, "halves": halves.id, "untouched": untouched.id,
        "file": base64.b64encode(content).decode(),
        "last_payment": max(env["account.payment"].search([]).ids, default=0),
        "totals": {m.id: m.amount_total for m in moves},
    }))
"""

MAIL_SETUP = """
from datetime import date

tenants, smtp_port = int(ARGS[0]), int(ARGS[1])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["ir.mail_server"].create(
        {"name": "Loopback SMTP", "smtp_host": "127.0.0.1",
         "smtp_port": smtp_port, "smtp_encryption": "none"}
    )
    env.company.email = "service@wanjia.faults2.example"
    env["ir.config_parameter"].set_param("mail.catchall.domain", False)
    site = env["property.site"].create({"name": "MF Plaza", "code": "MF"})
    units = env["property.unit"].create(
        [{"code": f"MF-{i:03d}", "site_id": site.id, "area": 50.0,
          "usage": "shop"} for i in range(tenants)]
    )
    partners = env["res.partner"].create(
        [{"name": f"MF Tenant {i}", "email": f"tenant{i}@tenants.faults2.example"}
         for i in range(tenants)]
    )
    env["property.occupancy"].create(
        [{"unit_id": u.id, "tenant_id": p.id, "move_in_date": date(2025, 1, 1)}
         for u, p in zip(units, partners)]
    ).action_activate()
    notice = env["property.notice"].create(
        {"name": "Water off on Friday", "site_id": site.id,
         "body": "<p>The water is off on Friday from 9 to 12.</p>"}
    )
    # the other crons wait: the cron worker runs the mail queue when asked
    queue = env.ref("mail.ir_cron_mail_scheduler_action")
    env["ir.cron"].search([("id", "!=", queue.id)]).nextcall = "2099-01-01"
    print(json.dumps({"notice": notice.id, "emails": partners.mapped("email")}))
"""

TRIGGER_MAIL_QUEUE = """
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
print(json.dumps(True))
"""

RUN_MAIL_QUEUE = """
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["mail.mail"].process_email_queue()
print(json.dumps(True))
"""

# A small SMTP server (argv: port, file): each message it accepts is
# appended to the file as a JSON line {"from", "to": [...], "subject"}.
SMTP_SINK = r"""
import email, email.policy, json, socketserver, sys

port, path = int(sys.argv[1]), sys.argv[2]

class Handler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        sender, recipients = None, []
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == "HELO":
                self.reply("250 sink")
            elif verb == "MAIL":
                sender, recipients = line.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                data = []
                for raw in self.rfile:
                    if raw in (b".\r\n", b".\n"):
                        break
                    data.append(raw[1:] if raw.startswith(b"..") else raw)
                message = email.message_from_bytes(
                    b"".join(data), policy=email.policy.default
                )
                with open(path, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"from": sender, "to": recipients,
                                          "subject": str(message["Subject"])}) + "\n")
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # RSET, NOOP, ...
                self.reply("250 OK")

class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

Server(("127.0.0.1", port), Handler).serve_forever()
"""


class TestFaultsPaymentsMail(OdooServerCase):
    MODULES = ("property_billing", "property_community")
    PREFIX = "test_faults2"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = cls.copy_template(cls.addClassCleanup)

    # ------------------------------------------------------------------
    # 1. Payment-file import killed mid-way
    # ------------------------------------------------------------------
    def _import_backend(self, server):
        """``(worker pid, reconciling)`` of the worker whose transaction has
        run KILL_AFTER seconds; ``reconciling``: it has written partial
        reconciliations (bills paid in its uncommitted transaction)."""
        rows = self.db.query(
            """SELECT a.application_name,
                      EXISTS (SELECT 1 FROM pg_locks l
                                JOIN pg_class c ON c.oid = l.relation
                               WHERE l.pid = a.pid
                                 AND c.relname = 'account_partial_reconcile'
                                 AND l.mode = 'RowExclusiveLock')
                 FROM pg_stat_activity a
                WHERE a.datname = %s AND a.pid <> pg_backend_pid()
                  AND a.xact_start < now() - make_interval(secs => %s)""",
            [self.db.name, KILL_AFTER],
        )
        workers = set(server.worker_pids())
        for name, reconciling in rows:
            match = re.fullmatch(r"odoo-(\d+)", name or "")
            if match and int(match[1]) in workers and reconciling:
                return int(match[1])
        return None

    def _assert_nothing_imported(self, data):
        [[state, lines]] = self.db.query(
            """SELECT i.state, (SELECT count(*) FROM property_payment_import_line
                                 WHERE import_id = i.id)
                 FROM property_payment_import i WHERE i.id = %s""",
            [data["import"]],
        )
        self.assertEqual((state, lines), ("draft", 0), "nothing half-imported")
        [[payments]] = self.db.query(
            "SELECT count(*) FROM account_payment WHERE id > %s",
            [data["last_payment"]],
        )
        self.assertEqual(payments, 0, "nothing paid by the killed import")
        residuals = dict(
            self.db.query(
                "SELECT id, amount_residual FROM account_move WHERE id = ANY(%s)",
                [[int(i) for i in data["totals"]]],
            )
        )
        self.assertEqual(
            {str(k): float(v) for k, v in residuals.items()},
            {k: round(v, 2) for k, v in data["totals"].items()},
        )

    def _kill_import_mid_way(self, server, data):
        outcome = {}

        def import_file():
            try:
                outcome["result"] = server.rpc(
                    "property.payment.import", "action_import", [data["import"]],
                    timeout=RPC_TIMEOUT,
                )  # fmt: skip
            except CONNECTION_LOST as error:
                outcome["error"] = error

        thread = threading.Thread(target=import_file, daemon=True)
        thread.start()
        pid = wait_until(
            lambda: outcome or self._import_backend(server),
            PHASE_TIMEOUT,
            0.2,
            lambda: server.log_tail("the import never reached reconciliation"),
        )
        self.assertFalse(outcome, f"the import ended before it was killed: {outcome}")
        os.kill(pid, signal.SIGKILL)
        thread.join(60)
        self.assertFalse(thread.is_alive(), "the client still waits for the import")
        self.assertIn("error", outcome, "the killed import answered")
        # PostgreSQL ends the killed worker's transaction
        wait_until(
            lambda: (
                not self.db.query(
                    "SELECT 1 FROM pg_stat_activity WHERE application_name = %s",
                    [f"odoo-{pid}"],
                )
            ),
            60,
            message="the killed worker's transaction is still open",
        )

    def _import_figures(self, import_id):
        [[state, lines, duplicates, errors, skipped, report]] = self.db.query(
            """SELECT state, line_count, duplicate_count, error_count,
                      skipped_count, report
                 FROM property_payment_import WHERE id = %s""",
            [import_id],
        )
        return state, lines, duplicates, errors, skipped, report or ""

    def test_payment_import_killed_then_imported_again(self):
        data = self.db.run_script(PAYMENTS_SETUP, BILLS)
        self.assertEqual(data["rows"], BILLS + 8)
        server = self.server(self.db, "server", **SERVER_OPTIONS)
        started = time.monotonic()
        self._kill_import_mid_way(server, data)
        self._assert_nothing_imported(data)
        # the server crashes as a whole, and is started again
        server.kill()
        server = self.server(self.db, "server", **SERVER_OPTIONS)
        self._assert_nothing_imported(data)

        imported = server.rpc(
            "property.payment.import", "action_import", [data["import"]],
            timeout=RPC_TIMEOUT,
        )  # fmt: skip
        self.assertTrue(imported)
        imported_in = time.monotonic() - started
        state, lines, duplicates, errors, skipped, report = self._import_figures(
            data["import"]
        )
        self.assertEqual(
            (state, lines, duplicates, errors, skipped),
            ("imported", BILLS + 3, 1, 2, 2),
            report,
        )
        # every row of the file once: a payment line or a row of the report
        line_rows = self.db.query(
            "SELECT row, state, note FROM property_payment_import_line"
            " WHERE import_id = %s",
            [data["import"]],
        )
        report_rows = [int(r) for r in re.findall(r"^Row (\d+):", report, re.M)]
        self.assertEqual(
            sorted([row for row, _state, _note in line_rows] + report_rows),
            list(range(2, data["rows"] + 2)),
        )
        states = collections.Counter(state for _row, state, _note in line_rows)
        self.assertEqual(states, {"reconciled": BILLS + 2, "unmatched": 1})
        [note] = [note for _row, state, note in line_rows if state == "unmatched"]
        self.assertIn("Nobody Known", note)
        self._assert_paid_once(data)

        # the same file in a new import: all duplicates, nothing paid again
        again = server.rpc(
            "property.payment.import", "create",
            {"journal_id": data["journal"], "file": data["file"], "filename": "b.csv"},
            timeout=RPC_TIMEOUT,
        )  # fmt: skip
        server.rpc(
            "property.payment.import", "action_import", [again], timeout=RPC_TIMEOUT
        )
        state, lines, duplicates, errors, skipped, _report = self._import_figures(again)
        self.assertEqual(
            (state, lines, duplicates, errors, skipped), ("done", 0, BILLS + 4, 2, 2)
        )
        self._assert_paid_once(data)
        print(f"payment import: killed and imported again in {imported_in:.0f}s")

    def _assert_paid_once(self, data):
        totals = {int(k): round(v, 2) for k, v in data["totals"].items()}
        payments = self.db.query(
            "SELECT amount FROM account_payment WHERE id > %s AND journal_id = %s"
            " AND state <> 'canceled'",
            [data["last_payment"], data["journal"]],
        )
        paid_ids = [*data["paid"], data["halves"]]
        self.assertEqual(len(payments), BILLS + 2)
        self.assertAlmostEqual(
            sum(float(amount) for (amount,) in payments),
            sum(totals[i] for i in paid_ids),
            places=2,
        )
        residuals = dict(
            self.db.query(
                "SELECT id, amount_residual FROM account_move WHERE id = ANY(%s)",
                [list(totals)],
            )
        )
        expected = dict.fromkeys(paid_ids, 0.0)
        expected[data["untouched"]] = totals[data["untouched"]]
        self.assertEqual({i: float(v) for i, v in residuals.items()}, expected)
        # each bill reconciled by one line (the halves by two)
        by_bill = dict(
            self.db.query(
                """SELECT rel.move_id, count(*)
                     FROM property_payment_import_line_move_rel rel
                     JOIN property_payment_import_line line ON line.id = rel.line_id
                    WHERE line.state = 'reconciled' AND rel.move_id = ANY(%s)
                    GROUP BY rel.move_id""",
                [list(totals)],
            )
        )
        self.assertEqual(by_bill, dict.fromkeys(data["paid"], 1) | {data["halves"]: 2})

    # ------------------------------------------------------------------
    # 2. Notice published while the mail server is down
    # ------------------------------------------------------------------
    def _start_smtp(self, port, path):
        sink = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", SMTP_SINK, str(port), str(path)],
            cwd=self.tmp,
            start_new_session=True,
        )
        self.addCleanup(stop_group, sink, 10)

        def listening():
            self.assertIsNone(sink.poll(), "the SMTP server stopped")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    return True
            except OSError:
                return False

        wait_until(listening, 30, message="the SMTP server does not listen")
        return sink

    def _mails(self):
        rows = self.db.query(
            """SELECT state, failure_type, count(*) FROM mail_mail
                WHERE email_to LIKE %s GROUP BY state, failure_type""",
            ["%@tenants.faults2.example%"],
        )
        return {(state, failure): count for state, failure, count in rows}

    def _received(self, path):
        """Messages the SMTP server received, per tenant address."""
        if not path.exists():
            return collections.Counter()
        lines = path.read_text(encoding="utf-8").splitlines()
        return collections.Counter(
            rcpt
            for line in lines
            for rcpt in json.loads(line)["to"]
            if rcpt.endswith("@tenants.faults2.example")
        )

    def _queue_runs(self):
        [[lastcall]] = self.db.query(
            """SELECT lastcall FROM ir_cron c JOIN ir_model_data d
                   ON d.res_id = c.id AND d.model = 'ir.cron'
                WHERE d.module = 'mail' AND d.name = 'ir_cron_mail_scheduler_action'"""
        )
        return lastcall

    def test_notice_published_while_mail_server_down(self):
        smtp_port = free_port()
        data = self.db.run_script(MAIL_SETUP, TENANTS, smtp_port)
        emails = data["emails"]
        received = self.tmp / "smtp.jsonl"
        started = time.monotonic()
        server = self.server(self.db, "mail_server", cron_workers=1, job_runner=False)

        # published while nothing listens on the SMTP port: the queue (its
        # cron, triggered by the publication) cannot connect
        server.rpc(
            "property.notice", "action_publish", [data["notice"]], timeout=RPC_TIMEOUT
        )
        wait_until(
            lambda: self._mails() == {("exception", "mail_smtp"): TENANTS},
            PHASE_TIMEOUT,
            message=lambda: server.log_tail(f"mails: {self._mails()}"),
        )
        self.assertFalse(self._received(received))

        # the mail server is back: the next run of the queue sends them all
        self._start_smtp(smtp_port, received)
        before = self._queue_runs()
        self.db.run_script(TRIGGER_MAIL_QUEUE)
        wait_until(
            lambda: (
                sum(self._received(received).values()) >= TENANTS
                and not self._mails()
                and self._queue_runs() != before
            ),
            PHASE_TIMEOUT,
            message=lambda: server.log_tail(
                f"mails: {self._mails()}, received: {self._received(received)}"
            ),
        )
        # the queue runs twice more (its cron, and by hand): nothing again
        before = self._queue_runs()
        self.db.run_script(TRIGGER_MAIL_QUEUE)
        self.db.run_script(RUN_MAIL_QUEUE)
        wait_until(
            lambda: self._queue_runs() != before,
            PHASE_TIMEOUT,
            message=lambda: server.log_tail("the queue did not run again"),
        )
        self.assertEqual(self._received(received), dict.fromkeys(emails, 1))
        [[mailed]] = self.db.query(
            "SELECT mailed_count FROM property_notice WHERE id = %s", [data["notice"]]
        )
        self.assertEqual(mailed, TENANTS)
        elapsed = time.monotonic() - started
        print(f"notice mails: queued, then sent once in {elapsed:.0f}s")
