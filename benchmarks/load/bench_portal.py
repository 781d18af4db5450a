#!/usr/bin/env python3
"""Load benchmark of the tenant portal and the back office (issue 16, Load).

A server started as production runs it (``odoo-bin --workers``, cron
processes apart, no proxy) on a database with a site of ``--tenants``
tenants, each with a portal login, posted bills, a ledger, desk items,
notices and events; then simulated users at once, each with its own real
session (``/web/login`` with its CSRF token, keep-alive like a browser):

1. the portal: at each concurrency level of ``--levels`` (default 20 and
   50 tenants at once), for ``--duration`` seconds, every tenant loops over
   /my/home, the bills, the ledger, the requests list and one request, the
   notices, the events, the new-request form and its POST (a real item is
   registered), and Odoo's own /my/invoices in the same loop: the reference;
2. the back office: ``--staff`` staff users at once, for
   ``--staff-duration`` seconds, loop over the JSON-RPC calls the web client
   makes for the service desk list with the SLA filters, the morning
   meeting board and the service-target dashboard, and for Odoo's own list
   of customer invoices: the reference.

It reports per page the count, errors (a status other than the expected
one, or an error page), p50/p95/p99 latency and the ratio of its p95 to the
reference's p95 (target: at most 1.2, and no error), with ``uptime``'s load
averages (the figures depend on what else runs on the machine); writes
``result.json`` and ``result.md`` into ``--out``; exits 1 when a request
failed (``--fail-on-ratio`` also when a ratio is over its target).

The database:

- default: a new scratch database ``--db`` (``bench_portal`` unless given)
  with property_management and payment_demo installed (``odoo -i``, without
  demo data, some minutes), dropped at the end unless ``--keep``;
- ``--template DB``: the scratch database is a copy of DB
  (``createdb -T``), for a quicker start;
- ``--reuse``: ``--db`` exists already and is used as it is (its data is
  added once; later runs find it).

Usage (from any directory where ``import odoo`` works):

    python3 benchmarks/load/bench_portal.py [--db NAME] [--template DB]
        [--reuse] [--keep] [--tenants 60] [--levels 20,50] [--duration 60]
        [--staff 10] [--staff-duration 60] [--workers 4] [--port 8161]
        [--proxy [--servers N]] [--out DIR] [--fail-on-ratio]
"""

import argparse
import ast
import configparser
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TENANT_PASSWORD = "bench-tenant-1"
STAFF_PASSWORD = "bench-staff-1"
TENANT_LOGIN = "bench.tenant.%03d"
STAFF_LOGIN = "bench.staff.%02d"
SITE_CODE = "LB"
RATIO_TARGET = 1.2
# What tells an error page from a page: Odoo's error templates and the login
# form (a session lost).
ERROR_MARKERS = (
    "Traceback",
    "o_error_detail",
    "Internal Server Error",
    'name="login"',
)
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
FORM_ACTION_RE = re.compile(r'<form[^>]*action="([^"]*/my/requests/new)"')
COUNTER_RE = re.compile(r'data-placeholder_count="([^"]+)"')
REQUEST_LINK_RE = re.compile(r'href="(?:/[a-z]{2}_[A-Z]{2})?(/my/requests/\d+)[?"]')
UNIT_SELECT_RE = re.compile(r'<select[^>]*name="unit_id".*?</select>', re.S)
PORTAL_REFERENCE = "/my/invoices"
BACKOFFICE_REFERENCE = "invoices list (account.move)"


# ----------------------------------------------------------------------
# Odoo: command, database, data
# ----------------------------------------------------------------------
def odoo_bin():
    """The odoo-bin of the importable Odoo, run with this Python (workers
    re-execute the command line, which ``python -m odoo`` cannot be)."""
    code = "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))"
    root = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd="/tmp",
    ).stdout.strip()
    script = Path(root) / "odoo-bin"
    if script.is_file():
        return [sys.executable, str(script)], root
    found = shutil.which("odoo") or shutil.which("odoo-bin")
    if not found:
        sys.exit("Odoo cannot be started: no odoo-bin next to the odoo package")
    return [found], root


def default_addons_path(odoo_root):
    paths = [Path(odoo_root) / "odoo" / "addons", Path(odoo_root) / "addons"]
    paths = [p for p in paths if p.is_dir()] + [REPO / "addons", REPO]
    return ",".join(str(p) for p in paths)


def db_args():
    """Odoo's connection options, from the libpq environment variables."""
    names = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user"}
    names["PGPASSWORD"] = "password"
    return [f"--db_{o}={os.environ[v]}" for v, o in names.items() if v in os.environ]


def copy_database(template, name, wait=120):
    """``createdb -T``, retried while another session briefly uses the
    template (PostgreSQL refuses the copy then: a scheduler or an HTTP thread
    of the process that owns the template may connect for a moment)."""
    deadline = time.monotonic() + wait
    while True:
        proc = subprocess.run(
            ["createdb", "-T", template, name],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0:
            return
        busy = "is being accessed by other users" in proc.stderr
        if not busy or time.monotonic() > deadline:
            sessions = subprocess.run(
                [
                    "psql",
                    "-d",
                    "postgres",
                    "-Atc",
                    "SELECT pid, application_name, state, query_start, "
                    "left(query, 120) FROM pg_stat_activity "
                    f"WHERE datname = '{template}'",
                ],
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            raise SystemExit(
                f"createdb -T {template} {name} failed: {proc.stderr.strip()}\n"
                f"sessions on {template}:\n{sessions}"
            )
        time.sleep(1)


def prepare_database(args, odoo, base):
    """The scratch database, created and installed (or copied)."""
    if args.reuse:
        return
    quiet = os.environ | {"PGOPTIONS": "-c client_min_messages=warning"}
    subprocess.run(["dropdb", "--if-exists", "--force", args.db], check=True, env=quiet)
    if args.template:
        print(f"==> copying {args.template} into {args.db}", flush=True)
        copy_database(args.template, args.db)
        copy_filestore(args.template, args.db, args.data_dir)
        return
    print(f"==> installing property_management + payment_demo into {args.db}")
    start = time.monotonic()
    subprocess.run(["createdb", args.db], check=True)
    log = args.out / "install.log"
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.run(
            [
                *odoo,
                *base,
                "-i",
                "property_management,payment_demo",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
                *([f"--load-language={args.lang}"] if args.lang != "en_US" else []),
            ],
            cwd=tempfile.gettempdir(),
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if proc.returncode:
        sys.exit(f"install failed, see {log}:\n{log.read_text()[-3000:]}")
    print(f"    installed in {time.monotonic() - start:.0f} s", flush=True)


def copy_filestore(source, target, data_dir):
    root = Path(data_dir or Path.home() / ".local/share/Odoo") / "filestore"
    if (root / source).is_dir() and not (root / target).exists():
        shutil.copytree(root / source, root / target)


def drop_database(args):
    quiet = os.environ | {"PGOPTIONS": "-c client_min_messages=warning"}
    subprocess.run(
        ["dropdb", "--if-exists", "--force", args.db], check=False, env=quiet
    )
    root = Path(args.data_dir or Path.home() / ".local/share/Odoo") / "filestore"
    shutil.rmtree(root / args.db, ignore_errors=True)


def populate(args, base):
    """Run the data builder (``populate_world``) in a separate Python with
    Odoo's options; returns what it prints: the logins and a few ids."""
    print(f"==> data: {args.tenants} tenants, {args.staff} staff", flush=True)
    start = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "_populate",
            str(args.tenants),
            str(args.staff),
            str(args.months),
            args.lang,
            *base,
            "--log-level=warn",
        ],
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        sys.exit(f"the data could not be built:\n{proc.stderr[-4000:]}")
    world = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"    ready in {time.monotonic() - start:.0f} s: {world['summary']}",
        flush=True,
    )
    return world


def populate_world(argv):
    """In the database (Odoo's options in argv): the site of the demo
    scenario with its tenants' bills and desk items (built once), a portal
    login for each tenant, a request of their own, notices and events of the
    site, and the staff logins; all with known passwords."""
    tenants, staff, months, lang = int(argv[0]), int(argv[1]), int(argv[2]), argv[3]
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(argv[4:], setup_logging=False)
    registry = Registry(odoo.tools.config["db_name"])
    sys.path.insert(0, str(REPO / "tools" / "demo"))
    from property_demo_scenario import QUIET, DemoScenario  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, dict(QUIET, tz="Asia/Shanghai"))
        if lang != "en_US" and not env["res.lang"]._lang_get(lang):
            env["res.lang"]._activate_lang(lang)
        site = env["property.site"].search([("code", "=", SITE_CODE)], limit=1)
        if not site:
            # a few units more than tenants: some stay vacant
            units = max(10, int(tenants / 0.85) + 2)
            DemoScenario(env).build(
                units=units, months=months, site_code=SITE_CODE, seed=16
            )
            site = env["property.site"].search([("code", "=", SITE_CODE)], limit=1)
        world = {
            "site_id": site.id,
            "tenants": _bench_tenants(env, site, tenants, lang),
            "staff": _bench_staff(env, site, staff, lang),
        }
        _bench_notices_and_events(env, site)
        world["summary"] = _bench_summary(env, site, world)
        cr.commit()
    print(json.dumps(world))


def _bench_tenants(env, site, count, lang):
    from odoo import Command  # noqa: PLC0415

    occupancies = env["property.occupancy"].search(
        [("site_id", "=", site.id), ("state", "=", "active")], order="id"
    )
    partners = []
    for occupancy in occupancies:
        partner = occupancy.tenant_id.commercial_partner_id
        if partner not in partners:
            partners.append(partner)
    if len(partners) < count:
        raise SystemExit(f"the site has {len(partners)} tenants, {count} are asked for")
    Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
    portal = env.ref("base.group_portal")
    logins = []
    for index, partner in enumerate(partners[:count], start=1):
        login = TENANT_LOGIN % index
        user = Users.search([("login", "=", login)], limit=1)
        if not user:
            partner.email = partner.email or f"{login}@bench.example"
            user = Users.create(
                {
                    "login": login,
                    "partner_id": partner.id,
                    "groups_id": [Command.set(portal.ids)],
                    "lang": lang,
                    "tz": "Asia/Shanghai",
                    "password": TENANT_PASSWORD,
                }
            )
        # (a password is hashed slowly on purpose: set once, at creation)
        user.active = True
        occupancy = occupancies.filtered(
            lambda o, p=partner: o.tenant_id.commercial_partner_id == p
        )[:1]
        Ticket = env["property.ticket"]
        if not Ticket.search_count([("commercial_partner_id", "=", partner.id)]):
            Ticket.create(
                {
                    "kind": "service",
                    "channel": "portal",
                    "site_id": site.id,
                    "unit_id": occupancy.unit_id.id,
                    "occupancy_id": occupancy.id,
                    "partner_id": partner.id,
                    "contact_name": partner.name,
                    "summary": "Bench: dripping tap",
                }
            )
        logins.append(login)
    return logins


def _bench_staff(env, site, count, lang):
    from odoo import Command  # noqa: PLC0415

    groups = [
        env.ref("property_tenant.group_property_supervisor").id,
        env.ref("account.group_account_invoice").id,
    ]
    Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
    logins = []
    for index in range(1, count + 1):
        login = STAFF_LOGIN % index
        user = Users.search([("login", "=", login)], limit=1)
        if not user:
            user = Users.create(
                {
                    "login": login,
                    "name": f"Bench Staff {index:02d}",
                    "email": f"{login}@bench.example",
                    "company_id": site.company_id.id,
                    "company_ids": [Command.set(site.company_id.ids)],
                    "groups_id": [Command.set(groups)],
                    "lang": lang,
                    "tz": "Asia/Shanghai",
                    "password": STAFF_PASSWORD,
                }
            )
        user.active = True
        logins.append(login)
    # the boards open on the site the staff serves at
    if not site.agent_id:
        site.agent_id = Users.search([("login", "=", STAFF_LOGIN % 1)])
    return logins


def _bench_notices_and_events(env, site):
    from datetime import timedelta  # noqa: PLC0415

    from odoo import fields  # noqa: PLC0415

    now = fields.Datetime.now()
    Notice = env["property.notice"]
    if not Notice.search_count([("site_id", "=", site.id)]):
        Notice.create(
            [
                {
                    "name": f"Bench notice {index}",
                    "category": "reminder",
                    "site_id": site.id,
                    "body": f"<p>Bench notice {index}: water off on Friday.</p>",
                    "state": "published",
                    "publish_from": now - timedelta(days=index),
                    "important": index == 1,
                }
                for index in range(1, 9)
            ]
        )
    Event = env["event.event"]
    if not Event.search_count([("property_site_id", "=", site.id)]):
        Event.create(
            [
                {
                    "name": f"Bench event {index}",
                    "property_site_id": site.id,
                    "property_audience": "all",
                    "date_begin": now + timedelta(days=7 * index),
                    "date_end": now + timedelta(days=7 * index, hours=2),
                    "date_tz": "Asia/Shanghai",
                }
                for index in range(1, 7)
            ]
        )


def _bench_summary(env, site, world):
    partners = env["res.users"].search([("login", "in", world["tenants"])]).partner_id
    invoices = env["account.move"].search_count(
        [
            ("partner_id", "in", partners.ids),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
        ]
    )
    tickets = env["property.ticket"].search_count([("site_id", "=", site.id)])
    return (
        f"{len(world['tenants'])} portal tenants with {invoices} posted bills, "
        f"{tickets} desk items at the site, "
        f"{env['property.notice'].search_count([('site_id', '=', site.id)])} "
        f"notices, "
        f"{env['event.event'].search_count([('property_site_id', '=', site.id)])}"
        f" events"
    )


# ----------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------
def server_ports(args, index=0):
    """The HTTP and gevent ports of the ``index``-th server."""
    return (
        args.port + 2 * index,
        (args.gevent_port or args.port + 1) + 2 * index,
    )


def start_server(args, odoo, base, profile=False, index=0):
    """The server as production starts it (the ``index``-th of
    ``--servers``, as the containers of docker compose's ``--scale``); with
    ``profile``, one threaded process logging every query (``debug_sql``)
    into queries.log."""
    name = f"server-{index + 1}.log" if index else "server.log"
    log = open(args.out / name, "a", encoding="utf-8")  # noqa: SIM115
    http_port, gevent_port = server_ports(args, index)
    command = [
        *odoo,
        *base,
        f"--db-filter=^{re.escape(args.db)}$",
        f"--workers={0 if profile else args.workers}",
        f"--max-cron-threads={0 if profile else args.max_cron_threads}",
        "--http-interface=127.0.0.1",
        f"--http-port={http_port}",
        f"--gevent-port={gevent_port}",
        "--limit-time-real=600",
        "--limit-time-cpu=300",
        *(["--proxy-mode"] if args.proxy and not profile else []),
    ]
    if profile:
        command += ["--log-level=debug_sql", f"--logfile={args.out / 'queries.log'}"]
    else:
        command.append(f"--log-level={args.server_log_level}")
    print(f"==> server: {' '.join(command[1:])}", flush=True)
    env = dict(os.environ)
    if args.proxy and not profile:
        env["ODOO_HTTP_SOCKET_TIMEOUT"] = prod_socket_timeout()
    server = subprocess.Popen(  # noqa: S603
        command,
        env=env,
        cwd=tempfile.gettempdir(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server.log_file = log
    if answers(f"http://127.0.0.1:{http_port}", server, 180):
        return server
    if server.poll() is not None:
        sys.exit(f"the server stopped, see {args.out / name}")
    stop_server(server)
    sys.exit("the server did not answer within 180 s")


def answers(url, process, timeout):
    """Whether ``url``'s /web/health answers within ``timeout`` seconds
    (False at once if ``process`` stops)."""
    import requests  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{url}/web/health", timeout=5).ok:
                return True
        except requests.RequestException:
            pass
        time.sleep(0.5)
    return False


def prod_option(name):
    """An option of the production servers' config (config/odoo.prod.conf)."""
    conf = configparser.ConfigParser()
    conf.read(REPO / "config" / "odoo.prod.conf")
    return conf["options"][name]


def prod_socket_timeout():
    """The workers' socket timeout of the prod profile (docker-compose.yml)."""
    compose = (REPO / "docker-compose.yml").read_text()
    return re.search(r'ODOO_HTTP_SOCKET_TIMEOUT: "(\d+)"', compose).group(1)


def start_proxy(args):
    """nginx in front of the servers, as the "prod" profile of
    docker-compose.yml runs it: config/nginx.prod.conf with its upstreams on
    the servers' ports (one line each, as Docker's DNS gives one address per
    container), listening on ``--proxy-port``."""
    site = (REPO / "config" / "nginx.prod.conf").read_text()
    ports = [server_ports(args, index) for index in range(args.servers)]
    for upstream, which in (("prod-odoo:8069", 0), ("prod-odoo:8072", 1)):
        site = site.replace(
            f"server {upstream};",
            "\n    ".join(f"server 127.0.0.1:{port[which]};" for port in ports),
        )
    site = site.replace("listen 80;", f"listen 127.0.0.1:{args.proxy_port};")
    folder = args.out / "nginx"
    folder.mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(
        f"""daemon off;
worker_processes auto;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""
    )
    command = [args.nginx, "-c", str(folder / "nginx.conf"), "-p", str(folder)]
    print(f"==> proxy: {' '.join(command)}", flush=True)
    proxy = subprocess.Popen(  # noqa: S603
        command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    if answers(args.url, proxy, 30):
        return proxy
    if proxy.poll() is not None:
        sys.exit(f"nginx stopped, see {folder / 'error.log'}")
    proxy.kill()
    sys.exit("nginx did not answer within 30 s")


def stop_proxy(proxy):
    if proxy and proxy.poll() is None:
        proxy.terminate()
        try:
            proxy.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proxy.kill()


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
    server.log_file.close()


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------
class Recorder:
    """Latencies and errors per page, from every thread; with a ``probe``
    (one client only), the queries of each request too."""

    def __init__(self, probe=None):
        self.lock = threading.Lock()
        self.times = {}
        self.errors = {}
        self.samples = {}
        self.probe = probe
        self.queries = {}

    def add(self, page, seconds, error=None):
        with self.lock:
            if self.probe:
                self.queries.setdefault(page, []).append(self.probe.take())
            self.times.setdefault(page, []).append(seconds)
            if error:
                self.errors[page] = self.errors.get(page, 0) + 1
                self.samples.setdefault(page, error)

    def table(self, reference):
        rows = {}
        for page, times in self.times.items():
            rows[page] = {
                "count": len(times),
                "errors": self.errors.get(page, 0),
                "p50_ms": percentile(times, 50),
                "p95_ms": percentile(times, 95),
                "p99_ms": percentile(times, 99),
                "mean_ms": round(statistics.fmean(times) * 1000, 1),
            }
        ref = rows.get(reference, {}).get("p95_ms")
        for page, row in rows.items():
            row["ratio_p95"] = round(row["p95_ms"] / ref, 2) if ref else None
            row["reference"] = page == reference
        return rows


class QueryProbe:
    """The queries the server logged (``debug_sql``) since the last take."""

    def __init__(self, path):
        self.path = path
        self.offset = 0

    def take(self):
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            data = log.read()
        self.offset += len(data)
        return data.count(b"] query: ")


def count_queries(args, odoo, base, world):
    """Queries and time per page of one tenant and one staff user alone on a
    threaded server: what each request costs, without the noise of load.
    Each page is measured ``--profile-passes`` times after a warm pass."""
    server = start_server(args, odoo, base, profile=True)
    try:
        users = [Tenant(args.server_url, world["tenants"][0], Recorder())]
        if world["staff"]:
            users.append(Staff(args.server_url, args.db, world["staff"][0], Recorder()))
        probe = QueryProbe(args.out / "queries.log")
        rows = {}
        for user in users:
            user.sign_in()
            user.loop(0, once=True)
            probe.take()
            user.recorder = Recorder(probe)
            for _index in range(args.profile_passes):
                user.loop(0, once=True)
            for page, counts in user.recorder.queries.items():
                rows[page] = {
                    "queries": int(statistics.median(counts)),
                    "p50_ms_alone": percentile(user.recorder.times[page], 50),
                    "errors": user.recorder.errors.get(page, 0),
                }
        return rows
    finally:
        stop_server(server)


def percentile(values, pct):
    """Nearest-rank percentile, in milliseconds."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return round(ordered[int(rank) - 1] * 1000, 1)


def check_page(response, expected=200):
    """None when the answer is the page asked for, else what is wrong."""
    if response.status_code != expected:
        where = response.headers.get("Location", "")
        return f"HTTP {response.status_code} {where}".strip()
    if expected == 200:
        text = response.text
        for marker in ERROR_MARKERS:
            if marker in text:
                return f"error page ({marker})"
    return None


# ----------------------------------------------------------------------
# Portal tenants
# ----------------------------------------------------------------------
class Tenant:
    def __init__(self, url, login, recorder):
        import requests  # noqa: PLC0415

        self.url = url
        self.login = login
        self.recorder = recorder
        self.session = requests.Session()  # keep-alive, like a browser
        self.request_url = None
        self.submitted = 0
        self.prefix = ""
        # where the visit starts: spread over the tenants, so that every
        # page is measured as often, even in a level shorter than a visit
        self.start = 0

    def sign_in(self):
        page = self.session.get(f"{self.url}/web/login", timeout=120)
        token = CSRF_RE.search(page.text)
        if not token:
            raise RuntimeError(f"{self.login}: no CSRF token on /web/login")
        response = self.session.post(
            f"{self.url}/web/login",
            data={
                "login": self.login,
                "password": TENANT_PASSWORD,
                "csrf_token": token.group(1),
                "redirect": "/my/home",
            },
            allow_redirects=False,
            timeout=120,
        )
        if response.status_code != 303 or "/web/login" in response.headers.get(
            "Location", ""
        ):
            raise RuntimeError(f"{self.login}: login refused ({response.status_code})")
        # like a browser, follow the redirect to the tenant's language
        # (/zh_CN/my/home where the website's default language is another)
        # and stay on its URLs
        home = self.session.get(f"{self.url}/my/home", timeout=120)
        path = urlsplit(home.url).path
        if home.status_code != 200 or not path.endswith("/my/home"):
            raise RuntimeError(f"{self.login}: /my/home answers {home.status_code}")
        self.prefix = path.removesuffix("/my/home")

    def get(self, page, path=None):
        start = time.perf_counter()
        error = None
        try:
            response = self.session.get(
                f"{self.url}{self.prefix}{path or page}",
                allow_redirects=False,
                timeout=300,
            )
            error = check_page(response)
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            response, error = None, f"{type(exc).__name__}: {exc}"
        self.recorder.add(page, time.perf_counter() - start, error)
        return response if not error else None

    def counters(self, names):
        """What the home page's script asks for: the counters of its cards,
        in at most 3 calls of up to 5 (portal.js ``_updateCounters``)."""
        calls = min(-(-len(names) // 5), 3)
        size = -(-len(names) // calls) if calls else 0
        for index in range(calls):
            start = time.perf_counter()
            try:
                response = self.session.post(
                    f"{self.url}/my/counters",
                    json={
                        "jsonrpc": "2.0",
                        "method": "call",
                        "id": index,
                        "params": {
                            "counters": names[index * size : (index + 1) * size]
                        },
                    },
                    timeout=300,
                )
                error = check_page(response)
                if not error and "error" in response.json():
                    error = str(response.json()["error"])[:300]
            except Exception as exc:  # noqa: BLE001 - every failure is counted
                error = f"{type(exc).__name__}: {exc}"
            self.recorder.add("/my/counters", time.perf_counter() - start, error)

    def submit_request(self):
        form = self.get("/my/requests/new")
        if form is None:
            return
        token = CSRF_RE.search(form.text)
        action = FORM_ACTION_RE.search(form.text)
        select = UNIT_SELECT_RE.search(form.text)
        unit_ids = re.findall(r'value="(\d+)"', select.group(0)) if select else []
        self.submitted += 1
        data = {
            "csrf_token": token.group(1) if token else "",
            "kind": "service",
            "unit_id": unit_ids[0] if unit_ids else "",
            "summary": f"Bench {self.login} #{self.submitted}: lamp out",
            "description": "The corridor lamp is out.",
        }
        page = "POST /my/requests/new"
        start = time.perf_counter()
        try:
            response = self.session.post(
                f"{self.url}{action.group(1) if action else '/my/requests/new'}",
                data=data,
                files={"photos": ("", b"", "application/octet-stream")},
                allow_redirects=False,
                timeout=300,
            )
            error = check_page(response, expected=303)
            if not error and "message=created" not in response.headers["Location"]:
                error = f"not registered: {response.headers['Location']}"
        except Exception as exc:  # noqa: BLE001
            error = f"{type(exc).__name__}: {exc}"
        self.recorder.add(page, time.perf_counter() - start, error)

    def home(self):
        home = self.get("/my/home")
        if home is not None:
            self.counters(COUNTER_RE.findall(home.text))

    def requests_list(self):
        listing = self.get("/my/requests")
        if listing is not None:
            found = REQUEST_LINK_RE.search(listing.text)
            self.request_url = found.group(1) if found else self.request_url

    def request_detail(self):
        if self.request_url:
            self.get("/my/requests/<id>", self.request_url)

    def steps(self):
        """A tenant's visit, in order; /my/invoices in the same loop."""
        return (
            self.home,
            lambda: self.get("/my/property-bills"),
            lambda: self.get("/my/property-bills/ledger"),
            self.requests_list,
            self.request_detail,
            lambda: self.get("/my/notices"),
            lambda: self.get("/my/events"),
            self.submit_request,
            lambda: self.get(PORTAL_REFERENCE),
        )

    def loop(self, deadline, once=False):
        """The visit over and over until the deadline (checked before each
        page: no request starts after it), or once."""
        steps = self.steps()
        steps = steps[self.start :] + steps[: self.start]
        while once or time.monotonic() < deadline:
            for step in steps:
                if not once and time.monotonic() >= deadline:
                    return
                step()
            once = False


def run_threads(workers, deadline):
    """Run ``worker.loop(deadline)`` of each in its own thread; the first
    exception of a thread is re-raised."""
    failures = []

    def target(worker):
        try:
            worker.loop(deadline)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=target, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def sign_in_all(users):
    """Log every simulated user in, a few at a time (as they arrive)."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda user: user.sign_in(), users))


def warm_up(users, workers):
    """One pass of a few users, not measured: a server in production is
    warm (each worker's registry, caches and compiled templates)."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    recorder = users[0].recorder
    users[0].recorder = Recorder()
    for user in users[: 2 * workers]:
        user.recorder = users[0].recorder
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda user: user.loop(0, once=True), users[: 2 * workers]))
    for user in users:
        user.recorder = recorder


def portal_level(args, logins, level):
    recorder = Recorder()
    tenants = [Tenant(args.url, login, recorder) for login in logins[:level]]
    sign_in_all(tenants)
    warm_up(tenants, args.workers)
    for index, tenant in enumerate(tenants):
        tenant.submitted = 0
        tenant.start = index % len(tenant.steps())
    load_before = os.getloadavg()
    run_threads(tenants, time.monotonic() + args.duration)
    return {
        "level": level,
        "duration_s": args.duration,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "items_submitted": sum(t.submitted for t in tenants),
        "pages": recorder.table(PORTAL_REFERENCE),
        "error_samples": recorder.samples,
    }


# ----------------------------------------------------------------------
# Back office staff (JSON-RPC as the web client)
# ----------------------------------------------------------------------
class Staff:
    def __init__(self, url, db, login, recorder):
        import requests  # noqa: PLC0415

        self.url = url
        self.db = db
        self.login = login
        self.recorder = recorder
        self.session = requests.Session()
        self.context = {}
        self.screens = {}
        self.start = 0

    def rpc(self, route, params):
        response = self.session.post(
            f"{self.url}{route}",
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=300,
        )
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code} on {route}")
        answer = response.json()
        if "error" in answer:
            data = answer["error"].get("data", {})
            raise RuntimeError(f"{route}: {data.get('message') or answer['error']}")
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def sign_in(self):
        self.rpc(
            "/web/session/authenticate",
            {"db": self.db, "login": self.login, "password": STAFF_PASSWORD},
        )
        info = self.rpc("/web/session/get_session_info", {})
        self.context = dict(
            info["user_context"],
            allowed_company_ids=[info["user_companies"]["current_company"]],
        )
        self.screens = {
            "desk list, SLA filters (property.ticket)": self._list_screen(
                "property_helpdesk.property_ticket_action",
                ("open", "sla_response_overdue", "sla_resolution_overdue"),
            ),
            "morning meeting board": self._board_screen(
                "property_helpdesk.property_morning_meeting_action"
            ),
            "service-target dashboard": self._board_screen(
                "property_management.property_management_dashboard_action"
            ),
            BACKOFFICE_REFERENCE: self._list_screen(
                "account.action_move_out_invoice_type", ()
            ),
        }

    def _views(self, model, view_id, view_type):
        result = self.call(
            model, "get_views", [[view_id, view_type], [False, "search"]]
        )
        arch = ET.fromstring(result["views"][view_type]["arch"])
        search = ET.fromstring(result["views"]["search"]["arch"])
        return arch, search, result["models"]

    def _list_screen(self, xmlid, filters):
        action = self.rpc("/web/action/load", {"action_id": xmlid})
        model = action["res_model"]
        view_id = next((v for v, kind in action["views"] if kind == "list"), False)
        arch, search, models = self._views(model, view_id, "list")
        domain = ast.literal_eval(action.get("domain") or "[]")
        chosen = {
            node.get("name"): ast.literal_eval(node.get("domain"))
            for node in search.iter("filter")
            if node.get("name") in filters and node.get("domain")
        }
        if "open" in chosen:
            opened = chosen.pop("open")
            domain = ["&", *opened, *domain] if domain else opened
        if chosen:  # the SLA filters, one group: or-ed
            sla = [term for d in chosen.values() for term in d]
            domain = ["&"] * bool(domain) + [
                *domain,
                *(["|"] * (len(chosen) - 1)),
                *sla,
            ]
        context = dict(self.context)
        action_context = action.get("context") or "{}"
        if isinstance(action_context, str):
            try:
                action_context = ast.literal_eval(action_context)
            except (ValueError, SyntaxError):
                action_context = {}
        context.update(
            {k: v for k, v in action_context.items() if not k.startswith("search_")}
        )
        spec = specification(arch, model, models)
        return ("list", model, spec, domain, context)

    def _board_screen(self, xmlid):
        """A board opens as a new record: the web client asks ``onchange``
        for its values (the lines computed with them), nothing is saved."""
        action = self.rpc("/web/action/load", {"action_id": xmlid})
        model = action["res_model"]
        view_id = next((v for v, kind in action["views"] if kind == "form"), False)
        arch, _search, models = self._views(model, view_id, "form")
        spec = specification(arch, model, models)
        spec.setdefault("display_name", {})
        return ("board", model, spec, None, None)

    def open_screen(self, screen):
        kind, model, spec, target, context = screen
        if kind == "list":
            self.call(
                model,
                "web_search_read",
                specification=spec,
                domain=target,
                offset=0,
                limit=80,
                order="",
                count_limit=10001,
                context=dict(context, bin_size=True),
            )
            return
        self.call(model, "onchange", [], {}, [], spec)

    def loop(self, deadline, once=False):
        screens = list(self.screens.items())
        screens = screens[self.start :] + screens[: self.start]
        while once or time.monotonic() < deadline:
            for name, screen in screens:
                if not once and time.monotonic() >= deadline:
                    return
                start = time.perf_counter()
                error = None
                try:
                    self.open_screen(screen)
                except Exception as exc:  # noqa: BLE001 - every failure counts
                    error = f"{type(exc).__name__}: {exc}"
                self.recorder.add(name, time.perf_counter() - start, error)
            once = False


def specification(node, model, models):
    """The web client's read specification of a view: its fields (not those
    of nested views), many2one with their display name, x2many read through
    their inline list."""
    fields = models.get(model, {}).get("fields", {})
    spec = {}
    for field in _own_fields(node):
        name = field.get("name")
        info = fields.get(name)
        if not info:
            continue
        kind = info["type"]
        if kind == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif kind in ("one2many", "many2many"):
            inline = next(
                (child for child in field if child.tag in ("list", "kanban")), None
            )
            sub = (
                specification(inline, info["relation"], models)
                if inline is not None
                else {"display_name": {}}
            )
            spec[name] = {"fields": sub}
        else:
            spec[name] = {}
    return spec


def _own_fields(node):
    for child in node:
        if child.tag == "field":
            yield child
        elif child.tag not in ("list", "kanban", "form"):
            yield from _own_fields(child)


def backoffice(args, logins):
    recorder = Recorder()
    staff = [Staff(args.url, args.db, login, recorder) for login in logins]
    sign_in_all(staff)
    warm_up(staff, args.workers)
    for index, user in enumerate(staff):
        user.start = index % len(user.screens)
    load_before = os.getloadavg()
    run_threads(staff, time.monotonic() + args.staff_duration)
    return {
        "level": len(staff),
        "duration_s": args.staff_duration,
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "pages": recorder.table(BACKOFFICE_REFERENCE),
        "error_samples": recorder.samples,
    }


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def servers_label(count):
    return f"{count} servers behind the proxy, each " if count > 1 else ""


def markdown(result):
    lines = [
        f"# Load benchmark, {result['date']}",
        "",
        f"Server: {servers_label(result.get('servers', 1))}"
        f"`--workers={result['workers']}` "
        f"`--max-cron-threads={result['max_cron_threads']}` on "
        f"{result['cpus']} CPU(s); {result['data']}.",
        "",
    ]
    for title, run in [
        *((f"Portal, {r['level']} tenants at once", r) for r in result["portal"]),
        *(
            (f"Back office, {r['level']} staff at once", r)
            for r in result["backoffice"]
        ),
    ]:
        lines += [
            f"## {title}, {run['duration_s']} s",
            "",
            f"Load average (1/5/15 min) before {run['loadavg_before']}, "
            f"after {run['loadavg_after']}."
            + (
                f" Items registered: {run['items_submitted']}."
                if "items_submitted" in run
                else ""
            ),
            "",
            "| page | count | errors | p50 ms | p95 ms | p99 ms | p95 / ref |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for page, row in run["pages"].items():
            ratio = "ref" if row["reference"] else row["ratio_p95"]
            flag = (
                " ✗"
                if not row["reference"]
                and row["ratio_p95"]
                and row["ratio_p95"] > RATIO_TARGET
                else ""
            )
            lines.append(
                f"| {page} | {row['count']} | {row['errors']} | {row['p50_ms']} "
                f"| {row['p95_ms']} | {row['p99_ms']} | {ratio}{flag} |"
            )
        for page, sample in run["error_samples"].items():
            lines.append(f"\nFirst error of {page}: `{sample}`")
        lines.append("")
    return "\n".join(lines)


def markdown_queries(rows):
    lines = [
        "## Queries per request, one user alone (threaded server, debug_sql)",
        "",
        "| page | queries | p50 ms alone |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {page} | {row['queries']} | {row['p50_ms_alone']} |"
        for page, row in rows.items()
    ]
    return "\n".join([*lines, ""])


def verdict(result):
    errors = ratios = 0
    for run in [*result["portal"], *result["backoffice"]]:
        for row in run["pages"].values():
            errors += row["errors"]
            if row["ratio_p95"] and row["ratio_p95"] > RATIO_TARGET:
                ratios += 1
    return errors, ratios


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="bench_portal")
    parser.add_argument("--template", help="copy this database (createdb -T)")
    parser.add_argument("--reuse", action="store_true", help="--db exists: use it")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--addons-path", help="default: Odoo's + this repository's")
    parser.add_argument("--data-dir", help="Odoo's data directory (filestore)")
    parser.add_argument("--tenants", type=int, default=60)
    parser.add_argument("--months", type=int, default=3, help="months of bills")
    parser.add_argument("--levels", default="20,50", help="tenants at once")
    parser.add_argument("--duration", type=int, default=60, help="seconds a level")
    parser.add_argument("--staff", type=int, default=10)
    parser.add_argument("--staff-duration", type=int, default=60)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(prod_option("workers")),
        help="default: config/odoo.prod.conf's",
    )
    parser.add_argument(
        "--max-cron-threads",
        type=int,
        default=int(prod_option("max_cron_threads")),
        help="default: config/odoo.prod.conf's (its HTTP servers run no "
        "crons: the job runner's container does)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="Odoo servers behind the proxy, as docker compose --scale "
        "prod-odoo=N (with --proxy; ports --port, --port + 2, ...)",
    )
    parser.add_argument("--port", type=int, default=8161, help="and port+1 (gevent)")
    parser.add_argument("--gevent-port", type=int, help="default: --port + 1")
    parser.add_argument("--lang", default="zh_CN", help="the users' language")
    parser.add_argument("--server-log-level", default="warn")
    parser.add_argument(
        "--queries-only", action="store_true", help="no load: the queries per page"
    )
    parser.add_argument(
        "--profile-passes",
        type=int,
        default=3,
        help="then count the queries per page, alone (0: no)",
    )
    parser.add_argument("--out", type=Path, help="default: a new temporary folder")
    parser.add_argument(
        "--fail-on-ratio", action="store_true", help="exit 1 over the 1.2 target"
    )
    parser.add_argument(
        "--proxy",
        action="store_true",
        help="measure through nginx as production runs (config/nginx.prod.conf)",
    )
    parser.add_argument("--proxy-port", type=int, default=8160)
    parser.add_argument("--nginx", default="nginx", help="the nginx binary")
    args = parser.parse_args(argv)
    args.levels = [int(level) for level in args.levels.split(",") if level]
    if args.servers < 1 or (args.servers > 1 and not args.proxy):
        parser.error("--servers: 1, or more with --proxy")
    if max(args.levels, default=0) > args.tenants:
        parser.error("a level cannot exceed --tenants")
    args.server_url = f"http://127.0.0.1:{args.port}"
    args.url = f"http://127.0.0.1:{args.proxy_port}" if args.proxy else args.server_url
    args.out = args.out or Path(tempfile.mkdtemp(prefix="bench_portal_"))
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_populate"]:
        populate_world(argv[1:])
        return 0
    args = parse_args(argv)
    odoo, odoo_root = odoo_bin()
    base = [
        f"--addons-path={args.addons_path or default_addons_path(odoo_root)}",
        f"--database={args.db}",
        *db_args(),
        *([f"--data-dir={args.data_dir}"] if args.data_dir else []),
    ]
    prepare_database(args, odoo, base)
    servers, proxy = [], None
    try:
        world = populate(args, base)
        for index in range(args.servers):
            # one by one: those started are stopped if the next cannot start
            servers.append(start_server(args, odoo, base, index=index))
        if args.proxy:
            proxy = start_proxy(args)
        result = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "host": platform.node(),
            "cpus": os.cpu_count(),
            "servers": args.servers,
            "workers": args.workers,
            "max_cron_threads": args.max_cron_threads,
            "proxy": "nginx (config/nginx.prod.conf)" if args.proxy else None,
            "data": world["summary"],
            "portal": [],
            "backoffice": [],
        }
        for level in [] if args.queries_only else args.levels:
            print(f"==> portal: {level} tenants for {args.duration} s", flush=True)
            result["portal"].append(portal_level(args, world["tenants"], level))
        if args.staff and not args.queries_only:
            print(f"==> back office: {args.staff} staff", flush=True)
            result["backoffice"].append(backoffice(args, world["staff"]))
        stop_proxy(proxy)
        proxy = None
        while servers:
            stop_server(servers.pop())
        if args.profile_passes:
            print("==> queries per page, one user alone (debug_sql)", flush=True)
            result["queries"] = count_queries(args, odoo, base, world)
    finally:
        stop_proxy(proxy)
        for server in servers:
            stop_server(server)
        if not args.reuse and not args.keep:
            drop_database(args)
    (args.out / "result.json").write_text(json.dumps(result, indent=2))
    report = markdown(result)
    if result.get("queries"):
        report += "\n" + markdown_queries(result["queries"])
    (args.out / "result.md").write_text(report)
    print(report)
    errors, ratios = verdict(result)
    print(f"==> {errors} errors, {ratios} pages over {RATIO_TARGET} x the reference")
    print(f"==> results in {args.out}")
    return 1 if errors or (args.fail_on_ratio and ratios) else 0


if __name__ == "__main__":
    sys.exit(main())
