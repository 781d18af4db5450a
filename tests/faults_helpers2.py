"""Real Odoo server processes for the fault tests of payment imports and
mail (tests/test_faults_payments_mail.py).

A transaction of the test database is invisible to another process, so the
tests work on a scratch database of their own: created, the modules
installed into it by ``odoo --stop-after-init``, servers started on it as
production starts them (prefork workers), on free loopback ports, in a
process group of their own that is killed at the end; the database and its
filestore are dropped at the end.  Scripts run in the scratch database by a
separate Python (``run_script``); actions a user clicks run in a server
worker through XML-RPC (``call``).

(Kept apart from tests/test_billing_queue_job.py's helpers on purpose while
another branch moves those into a shared module: to be unified.)"""

import http.client
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
import xmlrpc.client
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT = 1500
SERVER_START_TIMEOUT = 180

# Prologue of every script: Odoo's options come after the script's own
# arguments, separated by "--"; ``env`` is a superuser environment on a
# cursor committed at the end of the script.
SCRIPT_PROLOGUE = """
import json, sys
import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry

_split = sys.argv.index("--")
ARGS, _odoo_args = sys.argv[1:_split], sys.argv[_split + 1:]
odoo.tools.config.parse_config(_odoo_args, setup_logging=False)
registry = Registry(odoo.tools.config["db_name"])
"""


def odoo_command():
    """How to start Odoo: the ``odoo-bin`` of the importable Odoo with this
    Python, else an ``odoo``/``odoo-bin`` command; None if there is none."""
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


def wait_for(predicate, timeout, message, interval=0.5):
    """Call ``predicate`` until it returns a true value (returned), at most
    ``timeout`` seconds; AssertionError with ``message()`` after that."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)


def kill_group(proc, timeout=30):
    """Stop a process started in a session of its own, and its children:
    SIGTERM to the group, SIGKILL if it is still there after ``timeout``."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        proc.wait(timeout=timeout)


class TimeoutTransport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout, sending each request once:
    Python's transport sends it again when the connection is lost, which
    would hide a killed worker (the request runs again in another)."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self.timeout
        return conn

    def request(self, host, handler, request_body, verbose=False):
        return self.single_request(host, handler, request_body, verbose)


class ScratchOdooCase(unittest.TestCase):
    """A scratch database with ``MODULES`` installed (without demo data),
    for the whole class; servers started on it by ``start_server``."""

    MODULES = ()
    PREFIX = "test_faults2"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.odoo = odoo_command()
        if not cls.odoo:
            if os.environ.get("CI"):
                raise AssertionError("Odoo cannot be started (odoo-bin)")
            raise unittest.SkipTest("Odoo cannot be started (odoo-bin)")
        cls.db = f"{cls.PREFIX}_{uuid.uuid4().hex[:10]}"
        cls.tmp = Path(tempfile.mkdtemp(prefix=f"{cls.PREFIX}_"))
        cls.args = [f"--addons-path={addons_path()}", f"--database={cls.db}"]
        cls.args += [*db_args(), f"--data-dir={cls.tmp / 'data'}"]
        subprocess.run(["createdb", cls.db], check=True, timeout=120)
        cls.addClassCleanup(cls._drop)
        log = cls.tmp / "install.log"
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.run(
                [*cls.odoo, *cls.args, "--log-level=warn", "--stop-after-init",
                 "--no-http", "--without-demo=all", "-i", ",".join(cls.MODULES)],
                cwd=cls.tmp, stdout=out, stderr=subprocess.STDOUT,
                timeout=INSTALL_TIMEOUT, check=False,
            )  # fmt: skip
        if proc.returncode:
            raise AssertionError(f"install failed:\n{log.read_text()[-3000:]}")

    @classmethod
    def _drop(cls):
        env = os.environ | {"PGOPTIONS": "-c client_min_messages=warning"}
        subprocess.run(
            ["dropdb", "--if-exists", "--force", cls.db],
            check=False,
            env=env,
            timeout=120,
        )
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # ------------------------------------------------------------------
    # Processes
    # ------------------------------------------------------------------
    def start_server(self, *extra, name="server", preload=True):
        """An Odoo server on the scratch database (``--workers=2``, free
        ports), answering ``/web/health``; stopped at the end of the test.
        Returns ``(process, http port)``.

        ``preload=False``: without ``--database`` the master does not load
        the registry before it forks, so each worker opens connections of
        its own, named after its pid (``application_name`` ``odoo-<pid>``
        in ``pg_stat_activity``); a cron worker would then poll every
        database: use it with ``--max-cron-threads=0``."""
        port = free_port()
        args = self.args
        if not preload:
            args = [arg for arg in args if not arg.startswith("--database=")]
        log_path = self.tmp / f"{name}.log"
        log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115
        self.addCleanup(log.close)
        server = subprocess.Popen(  # noqa: S603
            [
                *self.odoo, *args, f"--db-filter=^{self.db}$",
                "--workers=2", "--http-interface=127.0.0.1",
                f"--http-port={port}", f"--gevent-port={free_port()}",
                "--log-level=info", *extra,
            ],
            cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.addCleanup(kill_group, server)

        def healthy():
            self.assertIsNone(server.poll(), self.log_tail(name, "the server stopped"))
            try:
                url = f"http://127.0.0.1:{port}/web/health"
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                    return True
            except OSError:
                return False

        wait_for(
            healthy,
            SERVER_START_TIMEOUT,
            lambda: self.log_tail(name, "the server did not answer"),
            interval=1,
        )
        return server, port

    def log_tail(self, name, message, size=4000):
        path = self.tmp / f"{name}.log"
        text = ""
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace")
        return f"{message}; {name} log:\n{text[-size:]}"

    def run_script(self, script, *args, timeout=600):
        """Run ``script`` (after SCRIPT_PROLOGUE) in the scratch database in
        a separate Python; return the JSON its last output line holds."""
        proc = subprocess.run(
            [sys.executable, "-c", SCRIPT_PROLOGUE + script, *map(str, args),
             "--", *self.args],
            cwd=self.tmp, capture_output=True, text=True, timeout=timeout,
            check=False,
        )  # fmt: skip
        self.assertEqual(proc.returncode, 0, proc.stderr[-4000:])
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def call(self, port, model, method, *args, timeout=600):
        """``model.method(*args)`` as the administrator, through XML-RPC in a
        worker of the server on ``port``."""
        common = xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{port}/xmlrpc/2/common",
            transport=TimeoutTransport(60),
        )
        uid = common.authenticate(self.db, "admin", "admin", {})
        self.assertTrue(uid, "the administrator could not log in")
        models = xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{port}/xmlrpc/2/object",
            transport=TimeoutTransport(timeout),
            allow_none=True,
        )
        return models.execute_kw(self.db, uid, "admin", model, method, list(args))

    def query(self, sql, params=()):
        conn = psycopg2.connect(dbname=self.db)
        try:
            with conn, conn.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall()
        finally:
            conn.close()

    def worker_pids(self, server):
        """The processes the server's master started (its workers)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid ...": comm may hold spaces
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == server.pid:
                pids.append(int(entry.name))
        return pids


# Errors an XML-RPC client sees when the worker serving it is killed.
CONNECTION_LOST = (
    ConnectionError,
    http.client.HTTPException,
    xmlrpc.client.ProtocolError,
    OSError,
)
