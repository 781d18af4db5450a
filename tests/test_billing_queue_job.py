"""The batches of a large billing run really run at the same time, in a real
Odoo server: prefork workers and OCA queue_job's job runner, as production
starts it (config/odoo.local.conf).

A transaction of the test database is invisible to another process, so the
test works on a scratch database of its own: created, ``property_billing``
installed into it by ``odoo`` (``--stop-after-init``, a few minutes), a
server started on it (``--workers=2``, ``--load=base,web,queue_job``, the
billing channel at capacity 2, free ports of its own), a run of 40 payers
generated in batches of 10; the run must end generated with every payer
invoiced once, and two batches must have run at the same time in two
different workers (queue_job's ``date_started``/``date_done`` and
``worker_pid``).  The database and its filestore are dropped at the end."""

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import uuid
from itertools import combinations
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parent.parent
PAYERS = 40
BATCH = 10
INSTALL_TIMEOUT = 1500
RUN_TIMEOUT = 300

# Run in the scratch database by a separate Python (argv: Odoo's options):
# a site of PAYERS tenants, each with a monthly fixed fee, previewed and
# generated above the synchronous limit, so that its batches are queued.
SETUP = """
import json, sys
from datetime import date
import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

payers, batch = int(sys.argv[1]), int(sys.argv[2])
odoo.tools.config.parse_config(sys.argv[3:], setup_logging=False)
registry = Registry(odoo.tools.config["db_name"])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    param = env["ir.config_parameter"]
    param.set_param("property_billing.sync_limit", 1)
    param.set_param("property_billing.job_batch_size", batch)
    product = env["product.product"].create(
        {"name": "QJ fee", "type": "service", "taxes_id": [Command.clear()]}
    )
    item = env["property.fee.item"].create(
        {"name": "QJ Fee", "code": "QJ", "kind": "fixed", "product_id": product.id}
    )
    site = env["property.site"].create({"name": "QJ Plaza", "code": "QJ"})
    standard = env["property.fee.standard"].create(
        {"item_id": item.id, "site_id": site.id, "rate": 100.0,
         "date_from": date(2025, 1, 1)}
    )
    standard.action_submit()
    standard.action_approve()
    units = env["property.unit"].create(
        [{"code": f"QJ-{i:03d}", "site_id": site.id, "area": 50.0, "usage": "shop"}
         for i in range(payers)]
    )
    partners = env["res.partner"].create(
        [{"name": f"QJ Tenant {i}"} for i in range(payers)]
    )
    occupancies = env["property.occupancy"].create(
        [{"unit_id": u.id, "tenant_id": p.id, "move_in_date": date(2025, 1, 1)}
         for u, p in zip(units, partners)]
    )
    occupancies.action_activate()
    plans = env["property.billing.plan"].create(
        [{"occupancy_id": o.id, "line_ids": [Command.create({"item_id": item.id})]}
         for o in occupancies]
    )
    plans.action_start()
    run = env["property.billing.run"].create(
        {"site_id": site.id, "period_start": date(2026, 3, 1)}
    )
    run.action_preview()
    run.action_generate()
    print(json.dumps({"run": run.id, "state": run.state, "lines": len(run.line_ids)}))
"""


def odoo_command():
    """How to start Odoo: the ``odoo-bin`` of the importable Odoo with this
    Python, else an ``odoo``/``odoo-bin`` command; None if there is none.
    Not ``python -m odoo``: in workers mode Odoo re-executes its command line
    for its websocket (gevent) process, which that form cannot be."""
    spec = importlib.util.find_spec("odoo")
    if spec and spec.origin:
        script = Path(spec.origin).resolve().parent.parent / "odoo-bin"
        if script.is_file():
            return [sys.executable, str(script)]
    for name in ("odoo", "odoo-bin"):
        if found := shutil.which(name):
            return [found]
    return None


def addons_path():
    import odoo  # noqa: PLC0415

    odoo_dir = Path(odoo.__file__).resolve().parent
    paths = [p for p in (odoo_dir / "addons", odoo_dir.parent / "addons") if p.is_dir()]
    paths += [REPO, REPO / "addons"]
    return ",".join(str(p) for p in paths)


def db_args():
    """Odoo's connection options, from the libpq environment variables."""
    names = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user"}
    names["PGPASSWORD"] = "password"
    return [f"--db_{o}={os.environ[v]}" for v, o in names.items() if v in os.environ]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestBillingBatchesInParallel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.odoo = odoo_command()
        if not cls.odoo:
            if os.environ.get("CI"):
                raise AssertionError(
                    "Odoo cannot be started (python -m odoo, odoo-bin)"
                )
            raise unittest.SkipTest("Odoo cannot be started (python -m odoo, odoo-bin)")
        cls.db = f"test_qj_{uuid.uuid4().hex[:10]}"
        cls.tmp = Path(tempfile.mkdtemp(prefix="property_qj_"))
        cls.args = [f"--addons-path={addons_path()}", f"--database={cls.db}"]
        cls.args += [*db_args(), f"--data-dir={cls.tmp / 'data'}"]
        subprocess.run(["createdb", cls.db], check=True)
        cls.addClassCleanup(cls._drop)
        cls._odoo(
            "-i", "property_billing", "--stop-after-init", "--no-http",
            "--without-demo=all", timeout=INSTALL_TIMEOUT,
        )  # fmt: skip

    @classmethod
    def _odoo(cls, *args, timeout):
        log = cls.tmp / "install.log"
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.run(
                [*cls.odoo, *cls.args, "--log-level=warn", *args],
                cwd=cls.tmp, stdout=out, stderr=subprocess.STDOUT,
                timeout=timeout, check=False,
            )  # fmt: skip
        if proc.returncode:
            raise AssertionError(f"odoo {args} failed:\n{log.read_text()[-3000:]}")

    @classmethod
    def _drop(cls):
        env = os.environ | {"PGOPTIONS": "-c client_min_messages=warning"}
        subprocess.run(
            ["dropdb", "--if-exists", "--force", cls.db], check=False, env=env
        )
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def _start_server(self):
        port = free_port()
        log = open(self.tmp / "server.log", "w", encoding="utf-8")  # noqa: SIM115
        self.addCleanup(log.close)
        env = os.environ | {
            "ODOO_QUEUE_JOB_CHANNELS": "root:2,root.property_billing:2",
        }
        server = subprocess.Popen(  # noqa: S603
            [
                *self.odoo, *self.args, f"--db-filter=^{self.db}$",
                "--workers=2", "--max-cron-threads=0",
                "--load=base,web,queue_job", "--http-interface=127.0.0.1",
                f"--http-port={port}", f"--gevent-port={free_port()}",
                "--log-level=info",
            ],
            cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )  # fmt: skip
        self.addCleanup(self._stop_server, server)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.assertIsNone(server.poll(), self._server_log("the server stopped"))
            try:
                url = f"http://127.0.0.1:{port}/web/health"
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                    return server
            except OSError:
                time.sleep(1)
        self.fail(self._server_log("the server did not answer"))

    def _stop_server(self, server):
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=30)

    def _server_log(self, message):
        text = (self.tmp / "server.log").read_text(encoding="utf-8", errors="replace")
        return f"{message}; server log:\n{text[-4000:]}"

    def _query(self, sql, params=()):
        conn = psycopg2.connect(dbname=self.db)
        try:
            with conn, conn.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall()
        finally:
            conn.close()

    def test_batches_overlap_in_two_workers(self):
        self._start_server()
        setup = subprocess.run(
            [sys.executable, "-c", SETUP, str(PAYERS), str(BATCH), *self.args],
            cwd=self.tmp, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        self.assertEqual(setup.returncode, 0, setup.stderr[-3000:])
        started = json.loads(setup.stdout.strip().splitlines()[-1])
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
