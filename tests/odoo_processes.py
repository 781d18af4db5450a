"""Real processes for the suite-level tests that need them: a scratch
database with modules installed by ``odoo``, an Odoo server started as
production runs it (prefork workers and OCA queue_job's job runner), a
private PostgreSQL cluster that a test may restart, a billing run large
enough to be processed in queued batches, and a FaultPoint where a batch
waits, half-written, for the test to inject its fault.  OdooServerCase is
the test class of those tests: a template database installed once per
session, copies of it, servers on them.

Every wait is bounded; what is started is stopped by the caller's cleanups
(process groups killed, databases dropped, temporary directories removed).
Not a test module: the test modules of this folder import it."""

import atexit
import contextlib
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
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parent.parent
INSTALL_TIMEOUT = 1500

# Prologue of the scripts Database.run_script runs in a database by a
# separate Python: the script's own arguments are ``ARGS`` (strings), Odoo's
# options follow them after "--"; ``registry`` is the database's.
SCRIPT_PROLOGUE = """
import json, sys
import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry

_split = sys.argv.index("--")
ARGS, _odoo_args = sys.argv[1:_split], sys.argv[_split + 1:]
odoo.tools.config.parse_config(_odoo_args, setup_logging=False)
registry = Registry(odoo.tools.config["db_name"])
"""

# A script (ARGS: payers, batch size): a site of ``payers`` tenants, each
# with a monthly fixed fee, previewed and generated above the synchronous
# limit, so that its batches are queued; the administrator is made a
# billing manager (the tests post the run through RPC as him).  Prints the
# run as JSON.
BILLING_RUN_SETUP = """
from datetime import date

payers, batch = int(ARGS[0]), int(ARGS[1])
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.ref("base.user_admin").groups_id = [
        Command.link(env.ref("property_billing.group_property_billing_manager").id)
    ]
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

# the job's lock row is free: no transaction is running the job any more
JOB_UNLOCKED = """
SELECT 1 FROM queue_job_lock WHERE queue_job_id = %s
   FOR NO KEY UPDATE SKIP LOCKED
"""
# queue_job's runner requeues, when it starts, the dead jobs enqueued more
# than 10 seconds ago: true once every running job is that old
REQUEUE_AGE_REACHED = """
SELECT coalesce(max(date_enqueued) < now() AT TIME ZONE 'utc' - INTERVAL '11 sec',
                true)
  FROM queue_job WHERE state IN ('enqueued', 'started')
"""
# Errors an RPC client sees when the worker serving it is killed (the
# connection's errors and urllib's are OSErrors)
CONNECTION_LOST = (OSError, http.client.HTTPException)


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


def require_odoo(test_class):
    """The Odoo command, or skip ``test_class`` (fail it in CI)."""
    command = odoo_command()
    if not command:
        message = "Odoo cannot be started (python -m odoo, odoo-bin)"
        if os.environ.get("CI"):
            raise AssertionError(message)
        import unittest  # noqa: PLC0415

        raise unittest.SkipTest(message)
    return command


def _signal_group(process, signum):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def stop_group(process, timeout=30):
    """Stop a process started in a session of its own, and its children:
    SIGTERM to its process group, SIGKILL if it lingers after ``timeout``
    seconds; children orphaned by a killed parent die with the group."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait(timeout=timeout)
    _signal_group(process, signal.SIGKILL)


def tail(path, chars=4000):
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return ""


def wait_until(predicate, timeout, interval=0.5, message="timed out"):
    """Call ``predicate`` until it returns a true value (returned), at most
    ``timeout`` seconds; raise AssertionError(``message()``) after."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(message() if callable(message) else message)
        time.sleep(interval)


class Database:
    """A scratch database of a PostgreSQL server (``conn``: libpq keyword
    arguments, e.g. host and port; empty: the environment's server) and its
    filestore under ``data_dir``."""

    def __init__(self, name, data_dir, conn=None):
        self.name = name
        self.data_dir = Path(data_dir)
        self.conn = dict(conn or {})

    @classmethod
    def scratch(cls, prefix, data_dir, conn=None):
        return cls(f"{prefix}_{uuid.uuid4().hex[:10]}", data_dir, conn)

    def _client_env(self):
        env = os.environ | {"PGOPTIONS": "-c client_min_messages=warning"}
        if "host" in self.conn:
            env["PGHOST"] = str(self.conn["host"])
        if "port" in self.conn:
            env["PGPORT"] = str(self.conn["port"])
        return env

    def odoo_args(self):
        """Odoo's options for this database."""
        if self.conn:
            conn = [f"--db_{key}={value}" for key, value in self.conn.items()]
        else:
            conn = db_args()
        return [
            f"--addons-path={addons_path()}",
            f"--database={self.name}",
            f"--db-filter=^{self.name}$",
            f"--data-dir={self.data_dir}",
            *conn,
        ]

    @property
    def filestore(self):
        return self.data_dir / "filestore" / self.name

    def create(self, template=None):
        command = ["createdb", *(["-T", template.name] if template else []), self.name]
        subprocess.run(
            command, check=True, env=self._client_env(), timeout=300
        )  # fmt: skip
        if template and template.filestore.is_dir():
            shutil.copytree(template.filestore, self.filestore)
        return self

    def restore_from(self, other):
        """Create this database as a copy of ``other``, possibly on another
        PostgreSQL server (``pg_dump | pg_restore``), with its filestore."""
        self.create()
        dump = subprocess.Popen(  # noqa: S603
            ["pg_dump", "-Fc", "--no-owner", other.name],
            stdout=subprocess.PIPE, env=other._client_env(),
        )  # fmt: skip
        try:
            subprocess.run(
                ["pg_restore", "--no-owner", "--exit-on-error", "-d", self.name],
                stdin=dump.stdout, check=True, env=self._client_env(), timeout=600,
            )  # fmt: skip
        finally:
            dump.stdout.close()
            if dump.wait(timeout=60):
                raise AssertionError(f"pg_dump {other.name} failed")
        if other.filestore.is_dir():
            shutil.copytree(other.filestore, self.filestore)
        return self

    def drop(self):
        subprocess.run(
            ["dropdb", "--if-exists", "--force", self.name],
            check=False, env=self._client_env(), timeout=120,
        )  # fmt: skip
        shutil.rmtree(self.filestore, ignore_errors=True)

    def connect(self):
        return psycopg2.connect(dbname=self.name, **self.conn)

    def query(self, sql, params=()):
        conn = self.connect()
        try:
            with conn, conn.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall()
        finally:
            conn.close()

    def run_odoo(self, odoo, *args, log, timeout):
        """Run Odoo on this database to its end (e.g. ``-i MODULE
        --stop-after-init``); AssertionError with the log's end if it
        fails."""
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.run(  # noqa: S603
                [*odoo, *self.odoo_args(), "--log-level=warn", *args],
                cwd=self.data_dir.parent, stdout=out, stderr=subprocess.STDOUT,
                timeout=timeout, check=False,
            )  # fmt: skip
        if proc.returncode:
            raise AssertionError(f"odoo {args} failed:\n{tail(log, 3000)}")

    def run_script(self, code, *argv, timeout=600):
        """Run Python ``code`` (after SCRIPT_PROLOGUE: ``argv`` is its
        ``ARGS``) in this database by a separate Python; the JSON its last
        line of output holds is returned."""
        proc = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SCRIPT_PROLOGUE + code, *map(str, argv), "--",
             *self.odoo_args()],
            cwd=self.data_dir.parent, capture_output=True, text=True,
            timeout=timeout, check=False,
        )  # fmt: skip
        if proc.returncode:
            raise AssertionError(f"script failed:\n{proc.stderr[-3000:]}")
        return json.loads(proc.stdout.strip().splitlines()[-1])


_TEMPLATES = {}


def installed_template(odoo, modules):
    """A scratch database where ``modules`` are installed without demo
    data, once per test session and set of modules (a few minutes): the
    tests work on copies of it (:meth:`Database.create` with ``template``).
    Dropped when the session ends.  ``PROPERTY_TEST_BILLING_TEMPLATE=
    <database>:<data dir>`` names one where ``property_billing`` alone is
    installed already (a developer aid; left as it is)."""
    key = ",".join(modules)
    reuse = os.environ.get("PROPERTY_TEST_BILLING_TEMPLATE")
    if reuse and key == "property_billing":
        name, data_dir = reuse.split(":", 1)
        return Database(name, data_dir)
    if key not in _TEMPLATES:
        tmp = Path(tempfile.mkdtemp(prefix="property_template_"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        template = Database.scratch("test_template", tmp / "data").create()
        atexit.register(template.drop)
        started = time.monotonic()
        try:
            template.run_odoo(
                odoo, "-i", key, "--stop-after-init", "--no-http",
                "--without-demo=all", log=tmp / "install.log",
                timeout=INSTALL_TIMEOUT,
            )  # fmt: skip
        except (AssertionError, subprocess.TimeoutExpired) as error:
            # the next test class fails at once, not after another install
            _TEMPLATES[key] = error
            raise
        print(f"{key} installed in {time.monotonic() - started:.0f}s")
        _TEMPLATES[key] = template
    if isinstance(_TEMPLATES[key], Exception):
        raise AssertionError(f"{key} could not be installed, see above")
    return _TEMPLATES[key]


class OdooServer:
    """An Odoo server on ``database`` as production starts it: ``workers``
    prefork workers, ``cron_workers`` cron workers, queue_job's runner
    loaded server-wide on ``channels`` (``job_runner``), on free loopback
    ports; its log in ``log``.

    ``preload=False``: without ``--database`` the master does not load the
    registry before it forks, so each worker opens connections of its own,
    named after its pid (``application_name`` ``odoo-<pid>`` in
    ``pg_stat_activity``); a cron worker or the job runner would then poll
    every database: use it with neither."""

    def __init__(
        self, odoo, database, log, workers=2, channels="root:2", extra=(),
        cron_workers=0, job_runner=True, preload=True,
    ):  # fmt: skip
        self.odoo = odoo
        self.database = database
        self.log = Path(log)
        self.workers = workers
        self.channels = channels
        self.extra = list(extra)
        self.cron_workers = cron_workers
        self.job_runner = job_runner
        self.preload = preload
        self.process = None
        self.port = None

    def start(self, timeout=180):
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "ODOO_PGAPPNAME"}
        args = self.database.odoo_args()
        if not self.preload:
            args = [arg for arg in args if not arg.startswith("--database=")]
        load = "base,web"
        if self.job_runner:
            load += ",queue_job"
            env["ODOO_QUEUE_JOB_CHANNELS"] = self.channels
        with open(self.log, "a", encoding="utf-8") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    *self.odoo, *args, f"--workers={self.workers}",
                    f"--max-cron-threads={self.cron_workers}",
                    f"--load={load}", "--http-interface=127.0.0.1",
                    f"--http-port={self.port}", f"--gevent-port={free_port()}",
                    "--log-level=info", *self.extra,
                ],
                cwd=self.database.data_dir.parent, stdout=out,
                stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )  # fmt: skip

        def answers():
            if self.process.poll() is not None:
                raise AssertionError(self.log_tail("the server stopped"))
            try:
                url = f"http://127.0.0.1:{self.port}/web/health"
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                    return True
            except OSError:
                return False

        wait_until(
            answers, timeout, 1, lambda: self.log_tail("the server did not answer")
        )
        return self

    def stop(self):
        """SIGTERM the server's process group, SIGKILL it if it lingers."""
        if self.process:
            stop_group(self.process)

    def kill(self):
        """SIGKILL the whole server (master, workers, evented process): a
        crash, nothing is finished cleanly."""
        if self.process:
            _signal_group(self.process, signal.SIGKILL)
            self.process.wait(timeout=30)

    def worker_pids(self):
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
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def log_tail(self, message, chars=4000):
        return f"{message}; server log:\n{tail(self.log, chars)}"

    def rpc(
        self, model, method, *args, login="admin", password="admin",  # noqa: S107
        timeout=120, **kwargs,
    ):  # fmt: skip
        """``execute_kw`` through /jsonrpc as ``login``, each request waited
        for ``timeout`` seconds at most.  A request is sent once: a worker
        killed while it serves one raises one of CONNECTION_LOST here (not
        sent again to another worker, as Python's XML-RPC client would)."""
        db = self.database.name
        uid = self._jsonrpc("common", "login", db, login, password, timeout=timeout)
        if not uid:
            raise AssertionError(f"cannot log in as {login}")
        return self._jsonrpc(
            "object", "execute_kw", db, uid, password, model, method, list(args),
            kwargs, timeout=timeout,
        )  # fmt: skip

    def _jsonrpc(self, service, method, *args, timeout):
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"service": service, "method": method, "args": args},
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310
            f"http://127.0.0.1:{self.port}/jsonrpc",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            # the server answered, with an error: not a lost connection
            raise AssertionError(
                self.log_tail(f"RPC {method}: HTTP {error.code} {error.reason}", 12000)
            ) from error
        if "error" in answer:
            raise AssertionError(f"RPC {method}: {answer['error']}")
        return answer["result"]


class FaultPoint:
    """A point where a background job is caught, on purpose rather than by
    luck: once installed in a test's database (a trigger), every
    transaction writing to ``table`` waits, at its ``after + 1``-th row
    written there, for as long as the test holds the point (:meth:`hold`,
    an advisory lock ``key`` of this database) -- half-written,
    uncommitted, its locks held -- until :meth:`release` or the holding
    session's end (PostgreSQL restarted).  Polled for instead, a job of a
    tenth of a second was missed, or ended between being seen and the
    fault, whenever the machine was busy."""

    def __init__(self, db, table, after, key):
        self.db = db
        self.table = table
        self.after = after
        self.key = key
        self.holder = None

    def install(self):
        name = f"property_test_fault_point_{self.table}"
        setting = f"property_test.{self.table}_written"
        self.db.query(
            f"""
            CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                written integer := coalesce(
                    nullif(current_setting('{setting}', true), ''), '0'
                )::integer + 1;
            BEGIN
                PERFORM set_config('{setting}', written::text, true);
                IF written = {self.after + 1} THEN
                    PERFORM pg_advisory_xact_lock_shared({self.key});
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {self.table}
                FOR EACH ROW EXECUTE FUNCTION {name}();
            SELECT 1
            """
        )
        return self

    def hold(self):
        """From now on, the writers of the table wait at the point."""
        self.holder = self.db.connect()
        self.holder.autocommit = True
        with self.holder.cursor() as cr:
            cr.execute("SELECT pg_advisory_lock(%s)", [self.key])
        return self

    def held_job(self, condition, params=()):
        """``(uuid, id, worker_pid)`` of a started queue job (``condition``
        on ``job``, a queue_job row, with ``params``) whose transaction waits
        at the point, or None.  A running job's transaction locks its
        queue_job_lock row: that row's ``xmax`` is the transaction's id.
        (Odoo's workers inherit the master's connection settings: their
        sessions' ``application_name`` names the master, not the worker.)"""
        rows = self.db.query(
            f"""
            SELECT job.uuid, job.id, job.worker_pid
              FROM pg_locks point
              JOIN pg_stat_activity backend ON backend.pid = point.pid
              JOIN queue_job_lock job_lock
                ON job_lock.xmax = backend.backend_xid
              JOIN queue_job job ON job.id = job_lock.queue_job_id
             WHERE point.locktype = 'advisory' AND point.objid = %s
               AND NOT point.granted
               AND point.database = (
                   SELECT oid FROM pg_database WHERE datname = current_database())
               AND job.state = 'started' AND ({condition})
             ORDER BY job.id LIMIT 1
            """,
            [self.key, *params],
        )
        return rows[0] if rows else None

    def release(self):
        """Let them go on (nothing if released already, or if PostgreSQL
        restarted and ended the holding session)."""
        if self.holder is not None:
            with contextlib.suppress(psycopg2.Error):
                self.holder.close()
            self.holder = None


class PrivateCluster:
    """A PostgreSQL cluster of the test's own, in a temporary directory
    (data, Unix socket, log), on ``port``: a test may restart it without
    disturbing the machine's server.  ``initdb`` and ``pg_ctl`` refuse to
    run as root: as root they run as the ``postgres`` system user, the
    bootstrap role being named after the current user (``trust`` on the
    socket), so that clients connect as themselves."""

    def __init__(self, port):
        self.port = port
        self.bin = None
        self.dir = None

    @staticmethod
    def find_bin():
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        if initdb := shutil.which("initdb"):
            found.append(Path(initdb))
        return found[-1].parent if found else None

    def _as_owner(self, *command, timeout=120):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        proc = subprocess.run(  # noqa: S603
            [*prefix, *map(str, command)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
        if proc.returncode:
            raise AssertionError(
                f"{command[0]} failed: {proc.stdout}{proc.stderr}"
                f"\n{tail(self.dir / 'server.log', 2000)}"
            )

    @property
    def conn(self):
        return {"host": str(self.dir), "port": self.port}

    def start(self):
        self.bin = self.find_bin()
        if not self.bin:
            raise AssertionError("no PostgreSQL server binaries (initdb)")
        self.dir = Path(tempfile.mkdtemp(prefix="property_pg_"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        import getpass  # noqa: PLC0415

        self._as_owner(
            self.bin / "initdb", "-D", self.dir / "data", "-U", getpass.getuser(),
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, action, *options):
        # fsync off: the tests crash processes, not the machine (the OS
        # keeps what was written); commits stay synchronous
        server = f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._as_owner(
            self.bin / "pg_ctl", "-D", self.dir / "data", "-l",
            self.dir / "server.log", "-w", "-t", "60", action, *options,
            "-o", server,
        )  # fmt: skip

    def restart(self, mode="fast"):
        """Restart the server: every connection is lost (``fast``: the
        backends are told to stop; ``immediate``: killed, crash recovery at
        start)."""
        self._pg_ctl("restart", "-m", mode)

    def destroy(self):
        if not self.dir:
            return
        if (self.dir / "data" / "postmaster.pid").exists():
            try:
                self._as_owner(
                    self.bin / "pg_ctl", "-D", self.dir / "data", "-w", "-t", "60",
                    "stop", "-m", "immediate",
                )  # fmt: skip
            except AssertionError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


class OdooServerCase(unittest.TestCase):
    """Tests of real Odoo servers: ``MODULES`` installed once per session
    (installed_template), copies of that database (``copy_template``) and
    servers on them (``server``), stopped and dropped at the end; logs and
    filestores in the class's ``tmp``."""

    MODULES = ("property_billing",)
    PREFIX = "test_server"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.odoo = require_odoo(cls)
        cls.template = installed_template(cls.odoo, cls.MODULES)
        cls.tmp = Path(tempfile.mkdtemp(prefix=f"property_{cls.PREFIX}_"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)

    @classmethod
    def copy_template(cls, cleanup, conn=None):
        """A copy of the template, on ``conn``'s PostgreSQL server if given
        (a PrivateCluster's); ``cleanup`` (``addCleanup`` or
        ``addClassCleanup``) drops it."""
        db = Database.scratch(cls.PREFIX, cls.tmp / "data", conn)
        cleanup(db.drop)
        if conn:
            return db.restore_from(cls.template)
        return db.create(template=cls.template)

    def server(self, db, name, **options):
        """An OdooServer (``options``) on ``db``, started, its log
        ``<name>.log``; stopped at the end of the test."""
        server = OdooServer(self.odoo, db, self.tmp / f"{name}.log", **options)
        self.addCleanup(server.stop)
        return server.start()

    def crash_in_job(self, db, server, job, name, killed=None, **options):
        """SIGKILL the worker running a queue job (``job``: its uuid, id and
        ``worker_pid``), then the whole ``server``: a crash.  Once queue_job's
        runner will requeue the dead job when it starts, a new server
        ``name`` (``options``) is started and returned.  ``killed()`` is
        called once the worker is dead: a job made to wait on a lock must be
        let go then (PostgreSQL sees its client gone only when it answers)."""
        _uuid, job_id, worker_pid = job
        os.kill(worker_pid, signal.SIGKILL)
        if killed:
            killed()
        # the worker's death alone ends its transaction
        wait_until(
            lambda: db.query(JOB_UNLOCKED, [job_id]),
            30,
            0.2,
            "the killed worker's transaction still holds the job",
        )
        server.kill()
        wait_until(lambda: db.query(REQUEUE_AGE_REACHED)[0][0], 30, 0.5)
        return self.server(db, name, **options)
