"""The load benchmark (benchmarks/load/bench_portal.py) runs, in small: a
server started as production runs it (config/odoo.prod.conf's workers and
no cron process, no proxy), three tenants logged in at once browsing every
portal page of the suite and Odoo's own /my/invoices, registering requests
through the real form, and two staff users opening the desk list, the
morning meeting and the dashboard through JSON-RPC, ten seconds each; not
one error.

The server is a separate process: it cannot see this test's transaction, so
the benchmark works in a copy of the test database (``createdb -T``, the
modules as installed; the copy needs no other session on the database, so
this process's connections are closed before each try, retried a while),
its own data added by the script, dropped at the end.  The figures are
not asserted (two cores shared by other jobs): the full benchmark and its
figures are in benchmarks/load/bench_portal.md."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid
from pathlib import Path

import odoo
from odoo.tools import config

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "benchmarks" / "load" / "bench_portal.py"
TIMEOUT = 900


def free_ports(count):
    """``count`` consecutive free ports on the loopback."""
    for _attempt in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            first = sock.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise AssertionError("no free ports on 127.0.0.1")


class TestLoadSmoke(unittest.TestCase):
    def _snapshot(self, source):
        """A copy of the test database no other process uses, dropped at the
        end.  createdb -T refuses a template with other sessions: this
        process's pooled connections are closed before each try (a thread of
        this process -- the scheduler, an HTTP thread -- may open one again
        for a moment)."""
        name = f"{source}_snap_{uuid.uuid4().hex[:6]}"
        deadline = time.monotonic() + 120
        while True:
            odoo.sql_db.close_db(source)
            proc = subprocess.run(
                ["createdb", "-T", source, name],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode == 0:
                break
            if time.monotonic() > deadline:
                self.fail(f"createdb -T {source} {name}: {proc.stderr}")
            # a session still open on the test database (in CI: one that
            # outlived close_db) is ended; Odoo's pool drops a connection
            # found broken when it is next borrowed
            subprocess.run(
                [
                    "psql",
                    "-d",
                    "postgres",
                    "-XAtc",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{source}' AND pid <> pg_backend_pid()",
                ],
                capture_output=True,
                check=False,
            )
            time.sleep(1)
        self.addCleanup(
            subprocess.run, ["dropdb", "--if-exists", "--force", name], check=False
        )
        root = Path(config["data_dir"]) / "filestore"
        if (root / source).is_dir():
            shutil.copytree(root / source, root / name)
            self.addCleanup(shutil.rmtree, root / name, ignore_errors=True)
        return name

    def test_portal_and_back_office_under_load_without_error(self):
        source = config["db_name"]
        if isinstance(source, list):
            source = source[0]
        scratch = f"{source}_load_{uuid.uuid4().hex[:6]}"
        out = Path(tempfile.mkdtemp(prefix="property_load_smoke_"))
        template = self._snapshot(source)
        port = free_ports(2)
        command = [
            sys.executable,
            str(SCRIPT),
            "--template",
            template,
            "--db",
            scratch,
            f"--addons-path={config['addons_path']}",
            f"--data-dir={config['data_dir']}",
            "--tenants=3",
            "--levels=3",
            "--duration=10",
            "--staff=2",
            "--staff-duration=10",
            "--months=1",
            "--profile-passes=1",
            f"--port={port}",
            f"--gevent-port={port + 1}",
            f"--out={out}",
        ]
        proc = subprocess.run(  # noqa: S603
            command,
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            env=os.environ | {"PYTHONUNBUFFERED": "1"},
        )
        server_log = out / "server.log"
        detail = f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}\nserver log:\n" + (
            server_log.read_text(errors="replace")[-3000:]
            if server_log.exists()
            else ""
        )
        self.assertEqual(proc.returncode, 0, detail)
        result = json.loads((out / "result.json").read_text())

        [portal] = result["portal"]
        self.assertEqual(portal["level"], 3)
        pages = portal["pages"]
        expected = {
            "/my/home",
            "/my/counters",
            "/my/property-bills",
            "/my/property-bills/ledger",
            "/my/requests",
            "/my/requests/<id>",
            "/my/notices",
            "/my/events",
            "/my/requests/new",
            "POST /my/requests/new",
            "/my/invoices",
        }
        self.assertEqual(set(pages), expected, detail)
        for page, row in pages.items():
            self.assertGreater(row["count"], 0, page)
            self.assertEqual(row["errors"], 0, f"{page}: {portal['error_samples']}")
        self.assertTrue(pages["/my/invoices"]["reference"])
        # each submission registered a real desk item
        self.assertEqual(
            portal["items_submitted"], pages["POST /my/requests/new"]["count"]
        )
        self.assertGreater(portal["items_submitted"], 0)

        [office] = result["backoffice"]
        self.assertEqual(office["level"], 2)
        self.assertEqual(len(office["pages"]), 4, detail)
        for page, row in office["pages"].items():
            self.assertGreater(row["count"], 0, page)
            self.assertEqual(row["errors"], 0, f"{page}: {office['error_samples']}")
        # the scratch database is gone
        listed = subprocess.run(
            ["psql", "-XAtl"], capture_output=True, text=True, check=True
        ).stdout
        self.assertNotIn(scratch, {line.split("|")[0] for line in listed.splitlines()})
