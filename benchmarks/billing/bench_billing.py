#!/usr/bin/env python3
"""Benchmark of the billing runs against OCA ``contract`` (run on demand, not in CI).

Issue 4.  For each N (default 1,000, 5,000 and 20,000) a template database is
built with the Chinese chart of accounts (l10n_cn, CNY, 13% output VAT),
``property_billing`` (when present), OCA ``contract`` 18.0, N tenants, units
and active occupancies, and, for the yardstick, N monthly contracts of the
same charges.  Every measurement then runs in its own Odoo process on a fresh
copy of that template (``createdb -T``), so both sides start from identical
data and their peak memories are separate:

- ``oca``: OCA contract's cron (``cron_recurring_create_invoice``) followed
  by ``action_post`` of the invoices it created, end to end;
- ``ours``: a ``property.billing.run`` of the site and month, as a billing
  manager (the admin, with access rights) runs it: create, ``action_preview``,
  ``action_generate``, ``action_post``; the batches a large run sends to the
  background (queue_job jobs) are processed in the same process, one
  committed job at a time, as a job runner's worker would; with
  ``--workers K``, by K processes started beforehand that share the jobs
  with ``SKIP LOCKED`` (stand-ins for K queue_job workers, not a real
  server: their CPU time and memory are counted); with ``--servers S``,
  by S real Odoo servers sharing the database, each in prefork with
  ``--workers`` HTTP workers and queue_job's job runner, as production
  runs it (``--servers 2 --workers 1`` stands in for two machines: as in
  production, a load balancer (``bench_lb.py``) sits in front of both and
  the job runner is pointed at it, so that jobs reach both servers; the
  jobs each server ran are printed; the servers' CPU time, all processes,
  and their database backends' are counted); ``--setups 1x1,1x2,2x1``
  measures several such setups on copies of the same database (one
  command for the production table); ``--one-pass`` uses
  Generate and Post (what a scheduled run does) instead of generate, then
  post;
- both in two variants: ``fee`` (one property fee line per invoice, 13% VAT)
  and ``water`` (the fee plus a metered water line at 9% VAT, from meter
  readings on our side, a second contract line on OCA's).

The sum of the invoices' totals is printed for both sides: equal totals show
that both produced the same invoices.  It prints invoices/s of both sides,
their ratio, the cost per invoice (and how flat it stays from the smallest to
the largest N) and the peak memory (``ru_maxrss`` of the measuring process,
and its growth once its registry is loaded).  Besides wall time it measures
CPU time (of the Odoo process and of its PostgreSQL backend, from /proc):
on a machine shared with other jobs wall time varies with the load, CPU time
much less, so ratios are given for both.  The pre-bill review is timed on
the ``fee`` variant: the run's form and the first page (80 rows) of its
charges, as the web client reads them (``web_read``/``web_search_read``).

``--orm`` measures raw ORM throughput instead: batched ``account.move.create``
and ``action_post`` of the same invoices with context flags, chunking,
flushing, ``check_move_validity`` and ``skip_invoice_sync`` (journal items
computed by the caller) variants; ``--profile N`` runs cProfile
over the creation and posting of N invoices (raw ORM, or our billing run with
``--sides ours``) and lists the top costs.

OCA contract is a yardstick, not a dependency of the suite: its wheel is
downloaded from PyPI (``pip download --no-deps``) into a cache directory
outside the repository and unpacked there; it is put on the addons path of
the benchmark's own Odoo processes and never installed into Python (an
``odoo-addon-*`` wheel installed next to an editable Odoo creates
``site-packages/odoo/``, which shadows the editable install).  If PyPI cannot
be reached and no cached wheel exists, the OCA side is skipped with a note.

Usage (from any directory where ``import odoo`` works):

    python3 benchmarks/billing/bench_billing.py [--sizes 1000,5000,20000]
        [--variants fee,water] [--sides oca,ours] [--keep]
        [--workers 2] [--servers 1|2 --workers 1|2] [--one-pass]
        [--setups 1x1,1x2,2x1] [--sync-limit 0 --batch-size 50]
    python3 benchmarks/billing/bench_billing.py --orm --sizes 1000,5000
    python3 benchmarks/billing/bench_billing.py --profile 1000 [--sides ours]

The production figures (``bench_billing.md`` next to this file: why and how
the two servers are balanced, commands, time and memory):

    python3 benchmarks/billing/bench_billing.py --sizes 5000 \
        --variants fee --sides oca,ours --setups 1x1,1x2,2x1 --no-preview

Databases are named ``bbench_*`` and dropped at the end unless --keep;
--reuse reuses the base and template databases kept by an earlier --keep
(only while the modules' code is unchanged).
"""

import argparse
import ast
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "benchmarks" / "tenant"))

from bench_archive import median_time, odoo_addons_path  # noqa: E402

CONTRACT_SPEC = "odoo-addon-contract>=18.0,<18.1"
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "property_bench"
    / "oca"
)
DB_PREFIX = "bbench_"
PERIOD_START = date(2025, 1, 1)
PERIOD_END = date(2025, 1, 31)
FEE_RATE = 2.5  # CNY per m² per month
WATER_RATE = 3.5  # CNY per m³
QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


# ---------------------------------------------------------------------------
# OCA contract, kept outside the repository and outside Python's site-packages
# ---------------------------------------------------------------------------


def fetch_contract(cache=CACHE):
    """Return (addons_dir, note): the unpacked ``odoo/addons`` folder holding
    OCA contract 18.0, or (None, why) when it cannot be had."""
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    found = sorted(wheels.glob("odoo_addon_contract-18.0.*.whl"))
    note = "cached"
    if not found:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "--timeout",
                "30",
                CONTRACT_SPEC,
                "-d",
                str(wheels),
            ],
            capture_output=True,
            text=True,
            cwd="/tmp",
            check=False,
        )
        found = sorted(wheels.glob("odoo_addon_contract-18.0.*.whl"))
        if proc.returncode or not found:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
            return None, (
                f"could not download {CONTRACT_SPEC} from PyPI "
                f"({' '.join(tail) or 'pip failed'}); the OCA side is skipped. "
                f"Put the wheel in {wheels} to run it offline."
            )
        note = "downloaded"
    wheel = found[-1]
    target = cache / "addons" / wheel.stem
    addons = target / "odoo" / "addons"
    if not (addons / "contract" / "__manifest__.py").exists():
        shutil.rmtree(target, ignore_errors=True)
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(target)
    # OCA dependencies of contract (none for 18.0: base, account, product,
    # portal) would be fetched the same way; fail loudly if that changes.
    manifest = (addons / "contract" / "__manifest__.py").read_text()
    depends = ast.literal_eval(manifest)["depends"]
    missing = [d for d in depends if d not in ("base", "account", "product", "portal")]
    if missing:
        return None, f"OCA contract now depends on {missing}; fetch them too"
    return addons, f"{wheel.name} ({note}, unpacked in {target})"


def odoo_location():
    return subprocess.run(
        [sys.executable, "-c", "import odoo; print(odoo.__file__)"],
        capture_output=True,
        text=True,
        cwd="/tmp",
        check=True,
    ).stdout.strip()


# ---------------------------------------------------------------------------
# Orchestration (this process never imports odoo)
# ---------------------------------------------------------------------------


def odoo(db, addons_path, *args):
    cmd = [
        *odoo_bin(),
        f"--addons-path={addons_path}",
        "-d",
        db,
        "--log-level=warn",
        *args,
    ]
    subprocess.run(cmd, check=True, cwd="/tmp")


# Seconds between the VACUUM (ANALYZE) that stand in for autovacuum when the
# server runs without it (0: none); set by main().
VACUUM_EVERY = [0]
VACUUM_TABLES = (
    "account_move",
    "account_move_line",
    "account_analytic_line",
    "mail_followers",
    "mail_message",
    "res_partner",
    "contract_contract",
    "contract_line",
    "property_billing_run_line",
    "property_billing_key",
    "queue_job",
)


def server_autovacuum():
    return subprocess.run(
        ["psql", "-Atc", "SHOW autovacuum", "postgres"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()


def worker_command(task, db, addons_path, params):
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        task,
        "--db",
        db,
        "--addons-path",
        addons_path,
        "--params",
        json.dumps(params, default=str),
    ]


def worker(task, db, addons_path, **params):
    """Run one task in a fresh Odoo process; return its JSON result."""
    cmd = worker_command(task, db, addons_path, params)
    env = dict(os.environ, BBENCH_VACUUM_EVERY=str(VACUUM_EVERY[0]))
    proc = subprocess.run(
        cmd, cwd="/tmp", capture_output=True, text=True, check=False, env=env
    )
    results = [
        json.loads(line[7:])
        for line in proc.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    for line in proc.stdout.splitlines():
        if not line.startswith("RESULT "):
            print("   ", line)
    if proc.returncode or not results:
        sys.stderr.write(proc.stderr[-6000:])
        raise RuntimeError(f"worker {task} on {db} failed ({proc.returncode})")
    return results[-1]


def dropdb(name):
    assert name.startswith(DB_PREFIX)
    quiet = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run(["dropdb", "--if-exists", name], check=True, env=quiet)


def clone(template, name):
    dropdb(name)
    subprocess.run(["createdb", "-T", template, name], check=True)


REUSE = []  # --reuse: keep databases built by an earlier --keep run


def exists(db):
    names = subprocess.run(
        ["psql", "-Atl"], capture_output=True, text=True, check=True
    ).stdout
    return any(line.split("|")[0] == db for line in names.splitlines())


def build_base(db, addons_path, modules):
    if REUSE and exists(db):
        return {"reused": db}
    dropdb(db)
    odoo(
        db,
        addons_path,
        "-i",
        ",".join(modules),
        "--without-demo=all",
        "--stop-after-init",
        "--no-http",
    )
    return worker("setup_base", db, addons_path)


def build_template(base, db, addons_path, n, variant, with_oca):
    if REUSE and exists(db):
        return {"reused": db}
    clone(base, db)
    return worker("fixtures", db, addons_path, n=n, variant=variant, with_oca=with_oca)


def fmt_rate(result):
    return f"{result['invoices'] / result['total_s']:8.1f}/s"


def cpu_of(res):
    return res["cpu_py"] + res["cpu_db"]


def report_side(label, res):
    per = res["total_s"] / res["invoices"] * 1000
    parts = ", ".join(
        f"{k[:-2]} {v:.1f}s"
        for k, v in res.items()
        if k.endswith("_s") and k != "total_s"
    )
    cpu = res["cpu_py"] + res["cpu_db"]
    print(
        f"  {label:<50} {res['invoices']:>6} inv  wall {res['total_s']:7.1f}s "
        f"{fmt_rate(res)} {per:6.1f} ms/inv | cpu {cpu:6.1f}s "
        f"(py {res['cpu_py']:.1f} + pg {res['cpu_db']:.1f}) "
        f"{res['invoices'] / cpu:6.1f}/cpu-s {cpu / res['invoices'] * 1000:5.1f} "
        f"ms/inv | peak {res['rss_peak_mb']:4.0f} MB (+{res['rss_growth_mb']:.0f}) "
        f"[{parts}] total {res['amount_total']:.2f}"
        + (
            f" | {res['workers']} workers, peak {res['rss_workers_peak_mb']:.0f} MB"
            if res.get("workers")
            else ""
        )
        + (f" | {per_server_cell(res)}" if res.get("per_server") else ""),
        flush=True,
    )


def per_server_cell(res):
    """``jobs 5+4 (runjob 5+4, LB 5+4)``: the run's jobs each server's
    workers ran, the runjob requests in its log, the balancer's connections
    to it (a last ``+N?``: jobs of processes no longer found)."""
    rows = res["per_server"]

    def joined(key):
        return "+".join("-" if r[key] is None else str(r[key]) for r in rows)

    cell = f"jobs per server {joined('jobs')} (runjob requests {joined('runjob')}"
    if any(r["lb"] is not None for r in rows):
        cell += f", LB connections {joined('lb')}"
    cell += f"), at most {res.get('jobs_at_once', '?')} jobs at once"
    if "cpu_lb" in res:
        cell += f", LB cpu {res['cpu_lb']:.1f}s (not counted)"
    return cell


def side_label(side, res):
    if side != "ours" or not res.get("workers"):
        return side  # oca, or one of several --setups: "ours 2x1"
    if "server" in res["workers"]:
        servers = res["workers"].split()[0]
        return f"ours {res['workers'].replace('(s)', 's' if servers != '1' else '')}"
    return f"ours {res['workers']} job procs"


def measurements(args, have_oca, have_ours):
    """(label, task, params) of each measurement of one database: OCA's,
    then ours once per ``--setups`` entry (servers x workers)."""
    out = []
    for side in args.sides:
        if side == "oca" and have_oca:
            out.append(("oca", "oca", {}))
        if side != "ours" or not have_ours:
            continue
        for servers, workers in args.setups:
            label = "ours" if len(args.setups) == 1 else f"ours {servers}x{workers}"
            params = {
                "workers": workers,
                "servers": servers,
                "one_pass": args.one_pass,
                "sync_limit": args.sync_limit,
                "batch_size": args.batch_size,
            }
            out.append((label, "ours", params))
    return out


def print_ratios(summary, n, variant):
    oca = summary.get((n, variant, "oca"))
    for (size, var, label), ours in summary.items():
        if not oca or (size, var) != (n, variant) or label == "oca":
            continue
        ratio = (ours["invoices"] / ours["total_s"]) / (
            oca["invoices"] / oca["total_s"]
        )
        cpu_ratio = (ours["invoices"] / cpu_of(ours)) / (oca["invoices"] / cpu_of(oca))
        print(
            f"  {label} / OCA throughput: {ratio:.2f}x wall, "
            f"{cpu_ratio:.2f}x per CPU second"
        )


def run_compare(args, addons_path, have_oca, have_ours):
    summary = {}
    tag = ("_ours" if have_ours else "") + ("_oca" if have_oca else "")
    base = f"{DB_PREFIX}base{tag}"
    modules = ["l10n_cn", "property_tenant"]
    if have_ours:
        modules.append("property_billing")
    if have_oca:
        modules.append("contract")
    start = time.perf_counter()
    build_base(base, addons_path, modules)
    print(f"base database ({', '.join(modules)}): {time.perf_counter() - start:.0f}s")
    dbs = [base]
    run = f"{DB_PREFIX}run_{os.getpid()}"
    try:
        for n in args.sizes:
            for variant in args.variants:
                tmpl = f"{DB_PREFIX}t{tag}_{variant}_{n}"
                dbs += [tmpl, run]
                start = time.perf_counter()
                info = build_template(base, tmpl, addons_path, n, variant, have_oca)
                print(
                    f"\nN = {n}, {variant}: fixtures in "
                    f"{time.perf_counter() - start:.0f}s {info}"
                )
                for label, task, params in measurements(args, have_oca, have_ours):
                    clone(tmpl, run)
                    if task == "ours":
                        params = dict(params, jobs_db=run, jobs_addons_path=addons_path)
                    res = worker(task, run, addons_path, variant=variant, **params)
                    summary[(n, variant, label)] = res
                    report_side(side_label(label, res), res)
                print_ratios(summary, n, variant)
                if have_ours and args.preview and variant == "fee":
                    clone(tmpl, run)
                    res = worker("preview", run, addons_path, runs=args.runs)
                    print(f"  preview first page: {res}")
                if not args.keep:
                    dropdb(tmpl)
                    dropdb(run)
    finally:
        if not args.keep:
            for db in dbs:
                dropdb(db)
    print_summary(summary, args)


def print_summary(summary, args):
    if not summary:
        return
    print(
        "\nTable (one row per measurement; CPU: every process of the side "
        "and its database backends)"
    )
    print(
        f"  {'N':>6} {'variant':<6} {'side':<22} {'inv':>6} {'inv/s':>7} "
        f"{'CPU s':>8} {'CPU s/inv':>9} {'inv/CPU-s':>9}  jobs per server (at once)"
    )
    for (n, variant, side), res in summary.items():
        cpu = cpu_of(res)
        jobs = "+".join(str(r["jobs"]) for r in res.get("per_server") or [])
        if jobs:
            jobs += f" ({res.get('jobs_at_once', '?')})"
        print(
            f"  {n:>6} {variant:<6} {side_label(side, res):<22} "
            f"{res['invoices']:>6} {res['invoices'] / res['total_s']:>7.1f} "
            f"{cpu:>8.1f} {cpu / res['invoices']:>9.4f} "
            f"{res['invoices'] / cpu:>9.1f}  {jobs or '-'}"
        )
    print(
        "\nSummary (invoices/s end to end, wall ms per invoice, CPU ms per "
        "invoice of the Odoo process and its database backend, peak MB)"
    )
    labels = list(dict.fromkeys(label for _n, _v, label in summary))
    for variant in args.variants:
        for side in labels:
            rows = [
                (n, summary[(n, variant, side)])
                for n in args.sizes
                if (n, variant, side) in summary
            ]
            if not rows:
                continue
            cells = "  ".join(
                f"N={n}: {r['invoices'] / r['total_s']:.1f}/s "
                f"{r['total_s'] / r['invoices'] * 1000:.0f}ms "
                f"(cpu {cpu_of(r) / r['invoices'] * 1000:.0f}ms) "
                f"{r['rss_peak_mb']:.0f}MB"
                for n, r in rows
            )
            first, last = rows[0][1], rows[-1][1]
            drift = (cpu_of(last) / last["invoices"]) / (
                cpu_of(first) / first["invoices"]
            )
            print(f"  {side:<9} {variant:<6} {cells}  cpu cost drift {drift:.2f}x")


ORM_VARIANTS = [
    # label, options
    ("plain: create all + post all", {}),
    ("quiet ctx: create all + post all", {"quiet": True}),
    ("quiet ctx + tax_ids given", {"quiet": True, "taxes": True}),
    ("quiet ctx, post chunks of 100", {"quiet": True, "post_chunk": 100}),
    ("quiet ctx, post chunks of 250", {"quiet": True, "post_chunk": 250}),
    ("quiet ctx, post chunks of 500", {"quiet": True, "post_chunk": 500}),
    ("quiet ctx, post chunks of 1000", {"quiet": True, "post_chunk": 1000}),
    (
        "quiet, create+post chunks of 250, flush+invalidate",
        {"quiet": True, "chunk": 250, "flush": True},
    ),
    (
        "quiet, create+post chunks of 500, flush+invalidate",
        {"quiet": True, "chunk": 500, "flush": True},
    ),
    (
        "quiet, create+post chunks of 500, no flush",
        {"quiet": True, "chunk": 500},
    ),
    (
        "quiet, chunks 500 + flush, check_move_validity=False",
        {"quiet": True, "chunk": 500, "flush": True, "no_validity": True},
    ),
    (
        "quiet, chunks 500 + flush, all items given, skip_invoice_sync",
        {"quiet": True, "chunk": 500, "flush": True, "presync": True},
    ),
]


def run_orm(args, addons_path):
    base = f"{DB_PREFIX}base_orm"
    build_base(base, addons_path, ["l10n_cn", "property_tenant"])
    dbs = [base]
    selected = ORM_VARIANTS
    if args.orm_variants:
        keep = {int(i) for i in args.orm_variants.split(",")}
        selected = [v for i, v in enumerate(ORM_VARIANTS) if i in keep]
    try:
        for n in args.sizes:
            tmpl = f"{DB_PREFIX}t_orm_{n}"
            dbs.append(tmpl)
            build_template(base, tmpl, addons_path, n, "fee", False)
            run = f"{DB_PREFIX}run_{os.getpid()}"
            dbs.append(run)
            print(f"\nraw ORM, N = {n}, one fee line + 13% VAT per invoice")
            for label, options in selected:
                clone(tmpl, run)
                res = worker("orm", run, addons_path, **options)
                report_side(label, res)
            if not args.keep:
                dropdb(tmpl)
    finally:
        if not args.keep:
            for db in dbs:
                dropdb(db)


def run_profile(args, addons_path):
    ours = args.sides == ["ours"]
    base = f"{DB_PREFIX}base_prof"
    tmpl = f"{DB_PREFIX}t_prof"
    modules = ["l10n_cn", "property_tenant"] + (["property_billing"] if ours else [])
    build_base(base, addons_path, modules)
    try:
        # the first of --variants (fee unless told)
        build_template(base, tmpl, addons_path, args.profile, args.variants[0], False)
        out = {"out": args.profile_out} if args.profile_out else {}
        if ours:
            res = worker(
                "profile",
                tmpl,
                addons_path,
                side="ours",
                one_pass=args.one_pass,
                **out,
            )
        else:
            res = worker("profile", tmpl, addons_path, quiet=True, chunk=250, **out)
        report_side(f"profiled run of {args.profile}", res)
    finally:
        if not args.keep:
            dropdb(tmpl)
            dropdb(base)


# ---------------------------------------------------------------------------
# Worker side (imports odoo; one process per measurement)
# ---------------------------------------------------------------------------


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(backend_pid):
    """CPU time of this process and of its PostgreSQL backend: unlike wall
    time, it does not grow when other jobs share the cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    own = usage.ru_utime + usage.ru_stime
    try:
        with open(f"/proc/{backend_pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        db = (int(fields[11]) + int(fields[12])) / ticks
    except OSError:  # the server runs elsewhere: Python's share only
        db = 0.0
    return own, db


def w_setup_base(env, **_params):
    """Chinese chart on the main company, CNY, the fee and water products."""
    company = env.company
    cny = env.ref("base.CNY")
    cny.active = True
    company.write({"country_id": env.ref("base.cn").id, "currency_id": cny.id})
    env["account.chart.template"].try_loading("cn", company, install_demo=False)
    env = env(context=dict(env.context, **QUIET))
    vat13 = env.ref(f"account.{company.id}_l10n_cn_sales_excluded_13")
    vat9 = env.ref(f"account.{company.id}_l10n_cn_sales_excluded_9", False) or vat13
    product = env["product.product"].create(
        [
            {
                "name": "Property management fee",
                "default_code": "BFEE",
                "type": "service",
                "list_price": 0.0,
                "taxes_id": [(6, 0, vat13.ids)],
            },
            {
                "name": "Water",
                "default_code": "BWATER",
                "type": "service",
                "list_price": WATER_RATE,
                "taxes_id": [(6, 0, vat9.ids)],
            },
        ]
    )
    env.cr.commit()
    return {
        "chart": company.chart_template,
        "currency": company.currency_id.name,
        "taxes": [vat13.name, vat9.name],
        "products": product.ids,
    }


def w_fixtures(env, n, variant, with_oca):
    """N tenants, units and active occupancies in one site (SQL bulk insert
    into the property_* fixture tables and partners), and N monthly OCA
    contracts of the same charges through the ORM."""
    env = env(context=dict(env.context, **QUIET))
    cr = env.cr
    company = env.company
    site = env["property.site"].create(
        {"name": "Bench Billing Plaza", "code": "BBILL", "total_area": n * 100}
    )
    buildings = env["property.building"].create(
        [
            {"name": f"Building {i}", "code": f"B{i:02d}", "site_id": site.id}
            for i in range(20)
        ]
    )
    env.flush_all()
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, active, type, is_company,
            lang, autopost_bills, customer_rank, supplier_rank, partner_share,
            invoice_warn, create_uid, write_uid, create_date, write_date)
        SELECT 'Bench Tenant ' || lpad(g::text, 6, '0'),
               'Bench Tenant ' || lpad(g::text, 6, '0'), true, 'contact', false,
               'en_US', 'ask', 1, 0, true, 'no-message', 1, 1, now(), now()
        FROM generate_series(1, %(n)s) g ORDER BY g
        RETURNING id
        """,
        {"n": n},
    )
    partner_ids = sorted(r[0] for r in cr.fetchall())
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)",
        [partner_ids],
    )
    cr.execute(
        """
        INSERT INTO property_unit (site_id, company_id, building_id, floor, code,
            usage, status, area, active, scan_token, create_uid, write_uid,
            create_date, write_date)
        SELECT %(site)s, %(company)s, (%(buildings)s::int[])[1 + (g - 1) %% 20],
               1 + ((g - 1) / 20) %% 30, 'BU-' || lpad(g::text, 6, '0'),
               (ARRAY['home','home','shop','office'])[1 + g %% 4], 'occupied',
               50 + g %% 90, true, replace(gen_random_uuid()::text, '-', ''),
               1, 1, now(), now()
        FROM generate_series(1, %(n)s) g ORDER BY g
        RETURNING id
        """,
        {"n": n, "site": site.id, "company": company.id, "buildings": buildings.ids},
    )
    unit_ids = sorted(r[0] for r in cr.fetchall())
    cr.execute(
        """
        INSERT INTO property_occupancy (unit_id, site_id, building_id, company_id,
            tenant_id, name, state, tenant_kind, handover_date, move_in_date,
            create_uid, write_uid, create_date, write_date)
        SELECT u.id, u.site_id, u.building_id, u.company_id, p.partner,
               'BOCC/' || lpad(p.idx::text, 6, '0'), 'active', 'resident',
               '2024-01-01', '2024-01-05', 1, 1, now(), now()
        FROM unnest(%(units)s::int[], %(partners)s::int[])
             WITH ORDINALITY AS p(unit, partner, idx)
        JOIN property_unit u ON u.id = p.unit
        ORDER BY p.idx
        RETURNING id
        """,
        {"units": unit_ids, "partners": partner_ids},
    )
    occupancy_ids = sorted(r[0] for r in cr.fetchall())
    cr.execute(
        """
        UPDATE property_unit u SET current_occupancy_id = o.id,
               current_tenant_id = o.tenant_id
        FROM property_occupancy o WHERE o.unit_id = u.id AND o.id = ANY(%s)
        """,
        [occupancy_ids],
    )
    env.invalidate_all()
    charges = bench_charges(env, variant)
    info = {"occupancies": len(occupancy_ids)}
    if "property.billing.run" in env:
        info.update(fixtures_ours(env, site, variant))
    if with_oca:
        start = time.perf_counter()
        info["contracts"] = fixtures_oca(env, charges)
        info["contracts_s"] = round(time.perf_counter() - start, 1)
    cr.execute("ANALYZE")
    cr.commit()
    return info


def bench_charges(env, variant):
    """The charges of one month per occupancy, as plain values: the same
    invoice lines are produced by every side of the benchmark."""
    fee = env["product.product"].search([("default_code", "=", "BFEE")])
    water = env["product.product"].search([("default_code", "=", "BWATER")])
    env.cr.execute(
        """
        SELECT o.id, o.tenant_id, u.code, u.area
        FROM property_occupancy o JOIN property_unit u ON u.id = o.unit_id
        WHERE o.name LIKE 'BOCC/%%' ORDER BY o.id
        """
    )
    charges = []
    for occupancy_id, partner_id, code, area in env.cr.fetchall():
        lines = [
            {
                "product_id": fee.id,
                "name": f"Property fee {code} #START# - #END#",
                "quantity": float(area),
                "price_unit": FEE_RATE,
            }
        ]
        if variant == "water":
            lines.append(
                {
                    "product_id": water.id,
                    "name": f"Water {code} #START# - #END#",
                    "quantity": float(10 + occupancy_id % 20),
                    "price_unit": WATER_RATE,
                }
            )
        charges.append(
            {"occupancy_id": occupancy_id, "partner_id": partner_id, "lines": lines}
        )
    return charges


def fixtures_oca(env, charges):
    Contract = env["contract.contract"]
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
    )
    total = 0
    for offset in range(0, len(charges), 500):
        vals_list = []
        for charge in charges[offset : offset + 500]:
            vals_list.append(
                {
                    "name": f"Bench contract {charge['occupancy_id']}",
                    "partner_id": charge["partner_id"],
                    "contract_type": "sale",
                    "journal_id": journal.id,
                    "line_recurrence": True,
                    "contract_line_ids": [
                        (
                            0,
                            0,
                            dict(
                                line,
                                recurring_rule_type="monthly",
                                recurring_interval=1,
                                recurring_invoicing_type="pre-paid",
                                date_start=PERIOD_START,
                            ),
                        )
                        for line in charge["lines"]
                    ],
                }
            )
        total += len(Contract.create(vals_list))
        env.flush_all()
        env.invalidate_all()
    return total


def fixtures_ours(env, site, variant):
    """Fee items, approved standards and one running monthly billing plan per
    occupancy (plans, meters and readings by SQL bulk insert: they are
    property_* fixture tables), and the admin as billing manager."""
    cr = env.cr
    products = {
        p.default_code: p
        for p in env["product.product"].search(
            [("default_code", "in", ("BFEE", "BWATER"))]
        )
    }
    items = env["property.fee.item"].create(
        [
            {
                "name": "Bench property fee",
                "code": "BFEE",
                "kind": "area",
                "product_id": products["BFEE"].id,
            },
            {
                "name": "Bench water",
                "code": "BWATER",
                "kind": "metered",
                "meter_type": "water",
                "product_id": products["BWATER"].id,
            },
        ]
    )
    fee_item, water_item = items
    standards = env["property.fee.standard"].create(
        [
            {
                "item_id": fee_item.id,
                "site_id": site.id,
                "rate": FEE_RATE,
                "date_from": date(2024, 1, 1),
            },
            {
                "item_id": water_item.id,
                "site_id": site.id,
                "rate": WATER_RATE,
                "date_from": date(2024, 1, 1),
            },
        ]
    )
    admin = env.ref("base.user_admin")
    admin.groups_id = [
        (4, env.ref("property_billing.group_property_billing_manager").id)
    ]
    standards.action_submit()
    standards.with_user(admin).action_approve()
    env.flush_all()
    cr.execute(
        """
        INSERT INTO property_billing_plan (occupancy_id, unit_id, site_id,
            building_id, company_id, tenant_id, payer_id, state, cycle, timing,
            date_start, create_uid, write_uid, create_date, write_date)
        SELECT o.id, o.unit_id, o.site_id, o.building_id, o.company_id,
               o.tenant_id, o.tenant_id, 'running', 'monthly', 'advance',
               o.move_in_date, 1, 1, now(), now()
        FROM property_occupancy o
        WHERE o.site_id = %s ORDER BY o.id
        """,
        [site.id],
    )
    item_ids = [fee_item.id] + ([water_item.id] if variant == "water" else [])
    cr.execute(
        """
        INSERT INTO property_billing_plan_line (plan_id, company_id, sequence,
            item_id, quantity, create_uid, write_uid, create_date, write_date)
        SELECT p.id, p.company_id, 10 * i.n, i.item, 0, 1, 1, now(), now()
        FROM property_billing_plan p,
             unnest(%s::int[]) WITH ORDINALITY AS i(item, n)
        WHERE p.site_id = %s
        """,
        [item_ids, site.id],
    )
    info = {"plans": cr.rowcount // len(item_ids)}
    if variant == "water":
        # one water meter per unit, read on Dec 31 and Jan 31: the January
        # consumption is 10 + occupancy id % 20 m³, as in the contracts
        cr.execute(
            """
            INSERT INTO property_meter (unit_id, site_id, building_id,
                company_id, serial, meter_type, state, install_date, multiplier,
                initial_reading, rollover_value, active, create_uid, write_uid,
                create_date, write_date)
            SELECT u.id, u.site_id, u.building_id, u.company_id,
                   'BW-' || u.code, 'water', 'in_service', '2024-01-01', 1, 0,
                   0, true, 1, 1, now(), now()
            FROM property_unit u WHERE u.site_id = %s ORDER BY u.id
            """,
            [site.id],
        )
        cr.execute(
            """
            INSERT INTO property_meter_reading (meter_id, unit_id, site_id,
                building_id, company_id, meter_type, origin, date, value,
                previous_value, consumption, is_rollover, is_anomaly,
                create_uid, write_uid, create_date, write_date)
            SELECT m.id, m.unit_id, m.site_id, m.building_id, m.company_id,
                   'water', 'batch', '2024-12-31', 1000, 0, 1000, false, false,
                   1, 1, now(), now()
            FROM property_meter m WHERE m.site_id = %s
            """,
            [site.id],
        )
        cr.execute(
            """
            INSERT INTO property_meter_reading (meter_id, unit_id, site_id,
                building_id, company_id, meter_type, origin, date, value,
                previous_value, previous_reading_id, consumption, is_rollover,
                is_anomaly, create_uid, write_uid, create_date, write_date)
            SELECT m.id, m.unit_id, m.site_id, m.building_id, m.company_id,
                   'water', 'batch', '2025-01-31', 1010 + o.id %% 20, 1000, r.id,
                   10 + o.id %% 20, false, false, 1, 1, now(), now()
            FROM property_meter m
            JOIN property_occupancy o ON o.unit_id = m.unit_id
            JOIN property_meter_reading r ON r.meter_id = m.id
            WHERE m.site_id = %s
            """,
            [site.id],
        )
        info["readings"] = cr.rowcount
    env.invalidate_all()
    return info


def process_jobs(env, run=None):
    """Process the pending queue_job jobs of the billing runs in this process
    as a job runner's worker does (``RunJobController``: started, performed,
    done, its dependent jobs enqueued), one committed job at a time, taking
    them with ``SKIP LOCKED`` so that several such processes share them;
    the run's closing job becomes pending once its batches are done."""
    from odoo.addons.queue_job.controllers.main import RunJobController
    from odoo.addons.queue_job.job import Job

    batches = 0
    while True:
        env.cr.execute(
            """SELECT uuid FROM queue_job
                WHERE state = 'pending' AND property_billing_run_id IS NOT NULL
             ORDER BY id
                LIMIT 1
           FOR UPDATE SKIP LOCKED"""
        )
        row = env.cr.fetchone()
        if not row:
            break
        job = Job.load(env, row[0])
        job.set_started()
        job.store()
        RunJobController._try_perform_job(job.env, job)
        RunJobController._enqueue_dependent_jobs(job.env, job)
        env.cr.commit()
        batches += 1
    env.invalidate_all()
    return batches


def measure(env, func):
    """Run func(env) -> dict with 'moves'; add timings and memory."""
    env.invalidate_all()
    env.cr.execute("SELECT pg_backend_pid()")
    backend = env.cr.fetchone()[0]
    base = rss_mb()
    py0, db0 = cpu_seconds(backend)
    start = time.perf_counter()
    res = func(env)
    env.flush_all()
    moves = res.pop("moves")
    total = time.perf_counter() - start
    py1, db1 = cpu_seconds(backend)
    env.cr.commit()
    env.invalidate_all()
    env.cr.execute(
        "SELECT count(*), coalesce(sum(amount_total), 0), count(*) FILTER "
        "(WHERE state = 'posted') FROM account_move WHERE id = ANY(%s)",
        [moves.ids],
    )
    count, amount, posted = env.cr.fetchone()
    peak = rss_mb()
    res.update(
        invoices=count,
        posted=posted,
        amount_total=float(amount),
        total_s=total,
        cpu_py=py1 - py0,
        cpu_db=db1 - db0,
        rss_base_mb=base,
        rss_peak_mb=peak,
        rss_growth_mb=peak - base,
    )
    if posted != count:
        raise AssertionError(f"{count - posted} invoices left unposted")
    return res


def w_oca(env, variant):
    def run(env):
        # the cron as ir.cron calls it (superuser, no special context)
        start = time.perf_counter()
        Move = env["account.move"]
        before = Move.search([]).ids
        env["contract.contract"].cron_recurring_create_invoice(PERIOD_START)
        env.flush_all()
        created = time.perf_counter()
        moves = Move.search([("id", "not in", before)])
        moves.action_post()
        env.flush_all()
        return {
            "moves": moves,
            "create_s": created - start,
            "post_s": time.perf_counter() - created,
        }

    return measure(env, run)


def ours_invoices(env, workers=None, one_pass=False):
    """Our billing run of the site's month, as a billing manager (the admin,
    with access rights) does it: create, preview, generate, post (or, with
    ``one_pass``, Generate and Post, as a scheduled run does); the batches
    that go to the background are processed here, in this process, or by
    ``workers``: :class:`JobWorkers` (stand-ins) or :class:`ServerPool`
    (real Odoo servers and queue_job's job runner)."""
    site = env["property.site"].search([("code", "=", "BBILL")])
    env = env(user=env.ref("base.user_admin"))

    def background():
        if not workers:
            return process_jobs(env, billing_run)
        env.cr.commit()
        batches = workers.process(env, billing_run.id)
        env.invalidate_all()
        return batches

    start = time.perf_counter()
    billing_run = env["property.billing.run"].create(
        {"site_id": site.id, "period_start": PERIOD_START}
    )
    billing_run.action_preview()
    env.flush_all()
    previewed = time.perf_counter()
    if one_pass:
        billing_run.action_generate_post()
        batches = background()
        generated = time.perf_counter()
    else:
        billing_run.action_generate()
        batches = background()
        generated = time.perf_counter()
        billing_run.action_post()
        batches += background()
    if billing_run.state != "posted" or billing_run.error_count:
        raise AssertionError(
            f"run {billing_run.state}, {billing_run.error_count} errors"
        )
    return {
        "moves": billing_run.move_ids,
        "preview_s": previewed - start,
        "generate_s": generated - previewed,
        "post_s": time.perf_counter() - generated,
        "batches": batches,
    }


class JobWorkers:
    """``count`` Odoo processes standing in for queue_job workers: started (and
    their registry loaded) before the measurement, each takes batches of
    the run with ``SKIP LOCKED`` when told to go, until none is left.
    Their CPU time (and their database backends') and peak memory are
    added to the measurement's."""

    def __init__(self, count, db, addons_path):
        env = dict(os.environ, BBENCH_VACUUM_EVERY="0")
        self.procs = [
            subprocess.Popen(
                worker_command("jobs", db, addons_path, {}),
                cwd="/tmp",
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _i in range(count)
        ]
        for proc in self.procs:
            line = proc.stdout.readline()
            if not line.startswith("READY"):
                raise RuntimeError(f"job worker failed: {line}{proc.stderr.read()}")
        self.results = []

    def process(self, env, _run_id):
        """Let every worker take batches until none is left, then close the
        run here (the workers may have left its closing job pending);
        return how many jobs were processed."""
        for proc in self.procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in self.procs:
            line = proc.stdout.readline()
            if not line.startswith("DONE "):
                raise RuntimeError(f"job worker failed: {line}{proc.stderr.read()}")
            results.append(json.loads(line[5:]))
        self.results.extend(results)
        return sum(result["batches"] for result in results) + process_jobs(env)

    def close(self):
        for proc in self.procs:
            proc.stdin.close()
            proc.wait(timeout=60)

    def usage(self):
        return {
            "cpu_py": sum(r["cpu_py"] for r in self.results),
            "cpu_db": sum(r["cpu_db"] for r in self.results),
            "rss_peak_mb": max((r["rss_peak_mb"] for r in self.results), default=0),
        }


def w_jobs(env):
    """A stand-in cron worker (see :class:`JobWorkers`)."""
    env.cr.execute("SELECT pg_backend_pid()")
    backend = env.cr.fetchone()[0]
    print("READY", flush=True)
    for _go in sys.stdin:
        # a new transaction: its snapshot shows the batches just queued
        env.cr.rollback()
        py0, db0 = cpu_seconds(backend)
        env.invalidate_all()
        batches = process_jobs(env)
        py1, db1 = cpu_seconds(backend)
        result = {
            "batches": batches,
            "cpu_py": py1 - py0,
            "cpu_db": db1 - db0,
            "rss_peak_mb": rss_mb(),
        }
        print("DONE " + json.dumps(result), flush=True)
    return {}


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_usage(root_pid):
    """(CPU seconds, peak RSS MB) of the processes of ``root_pid``'s session
    (an Odoo server: its master, HTTP workers and job runner)."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu, peak = 0.0, 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[3]) != root_pid:  # session id
                continue
            cpu += (int(fields[11]) + int(fields[12])) / ticks
            with open(f"/proc/{entry}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except (OSError, IndexError, ValueError):
            continue
    return cpu, peak


def odoo_bin():
    """The command of a server: ``odoo-bin`` (or the packaged ``odoo``), not
    ``python -m odoo``, whose command line Odoo cannot re-execute for its
    websocket (gevent) process in workers mode."""
    script = Path(odoo_location()).resolve().parent.parent / "odoo-bin"
    if script.is_file():
        return [sys.executable, str(script)]
    if found := shutil.which("odoo"):
        return [found]
    return [sys.executable, "-m", "odoo"]


class ServerPool:
    """``servers`` real Odoo servers on the database, as production runs
    them: prefork with ``workers`` HTTP workers each, queue_job loaded
    server-wide, its job runner handing the run's batches (queue_job jobs on
    ``root.property_billing``) to the servers' workers; the channel's
    capacity is every worker of every server (``servers x workers``).
    Two servers sharing the database stand in for two machines: as in
    production, they sit behind a load balancer (:mod:`bench_lb`, a local
    process) and the job runner (one active per database, whichever server
    holds its lock) is pointed at it (``ODOO_QUEUE_JOB_HOST``/``_PORT``), so
    its ``/queue_job/runjob`` requests reach both servers' workers.  Which
    server ran each job is counted three ways: the job's ``worker_pid``
    (the process that ran it, mapped to its server), the ``runjob``
    requests in each server's log, the connections the balancer handed it.
    Started, registry preloaded and runner up before the measurement; their
    CPU time (every process of each server, and the database backends other
    than the measuring one's) and peak memory are added to the
    measurement's; the balancer's CPU time is reported apart (in
    production it is another machine)."""

    def __init__(self, servers, workers, db, addons_path):
        self.db = db
        self.procs = []
        self.logs = [
            Path(f"/tmp/{DB_PREFIX}server{i + 1}_{os.getpid()}.log")
            for i in range(servers)
        ]
        self.log = ", ".join(str(log) for log in self.logs)
        self.logfiles = [open(log, "w") for log in self.logs]  # noqa: SIM115
        self.jobs_by_pid = {}
        self.peak_at_once = 0
        ports = [free_port() for _i in range(servers)]
        capacity = servers * workers
        env = dict(
            os.environ,
            ODOO_QUEUE_JOB_CHANNELS=(
                f"root:{capacity},root.property_billing:{capacity}"
            ),
        )
        self.lb = None
        if servers > 1:
            self.lb = Balancer(ports)
            env.update(
                ODOO_QUEUE_JOB_HOST="127.0.0.1",
                ODOO_QUEUE_JOB_PORT=str(self.lb.port),
            )
        for port, log in zip(ports, self.logfiles, strict=True):
            self.procs.append(
                subprocess.Popen(
                    [
                        *odoo_bin(), f"--addons-path={addons_path}",
                        "-d", db, f"--db-filter=^{db}$", f"--workers={workers}",
                        "--max-cron-threads=0", "--load=base,web,queue_job",
                        "--http-interface=127.0.0.1", f"--http-port={port}",
                        f"--gevent-port={free_port()}", "--limit-time-cpu=3600",
                        "--limit-time-real=7200", "--log-level=warn",
                        # one line per request: the runjob requests it served
                        "--log-handler=werkzeug:INFO",
                    ],
                    cwd="/tmp", stdout=log, stderr=subprocess.STDOUT, env=env,
                    start_new_session=True,
                )
            )  # fmt: skip
        for port, proc in zip(ports, self.procs, strict=True):
            self._wait_up(port, proc)
        time.sleep(7)  # queue_job's runner starts 5 s after its server
        self.cpu_py = -sum(tree_usage(p.pid)[0] for p in self.procs)
        self.cpu_db = 0.0

    def _wait_up(self, port, proc):
        import urllib.request

        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"server failed, see {self.log}")
            try:
                url = f"http://127.0.0.1:{port}/web/health"
                with urllib.request.urlopen(url, timeout=5):  # noqa: S310
                    return
            except OSError:
                time.sleep(1)

    def _backend_cpu(self, env):
        env.cr.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = %s AND pid != pg_backend_pid()",
            [self.db],
        )
        return {pid: cpu_seconds(pid)[1] for [pid] in env.cr.fetchall()}

    def process(self, env, run_id):
        """Wait until the run leaves "generating"/"posting" (the servers
        work); return how many of its jobs were done meanwhile."""
        before = self._backend_cpu(env)
        env.cr.rollback()
        done = self._done(env, run_id)
        while True:
            env.cr.execute(
                "SELECT state FROM property_billing_run WHERE id = %s", [run_id]
            )
            [[state]] = env.cr.fetchall()
            env.cr.execute(
                "SELECT count(*) FROM queue_job WHERE state = 'failed'"
                " AND property_billing_run_id = %s",
                [run_id],
            )
            [[failed]] = env.cr.fetchall()
            env.cr.rollback()  # the next query sees the servers' commits
            if failed or any(p.poll() is not None for p in self.procs):
                raise RuntimeError(f"a job failed or a server died, see {self.log}")
            if state not in ("generating", "posting"):
                break
            time.sleep(0.2)
        after = self._backend_cpu(env)
        self.cpu_db += sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
        # the processes that ran the run's jobs, while they are alive
        env.cr.execute(
            "SELECT worker_pid, count(*) FROM queue_job WHERE state = 'done'"
            " AND property_billing_run_id = %s GROUP BY worker_pid",
            [run_id],
        )
        self.jobs_by_pid = {
            pid: (count, session_of(pid)) for pid, count in env.cr.fetchall()
        }
        env.cr.execute(
            "SELECT date_started, date_done FROM queue_job WHERE state = 'done'"
            " AND property_billing_run_id = %s",
            [run_id],
        )
        self.peak_at_once = max(self.peak_at_once, peak_overlap(env.cr.fetchall()))
        env.cr.rollback()
        return self._done(env, run_id) - done

    def _done(self, env, run_id):
        env.cr.execute(
            "SELECT count(*) FROM queue_job WHERE state = 'done'"
            " AND property_billing_run_id = %s",
            [run_id],
        )
        [[count]] = env.cr.fetchall()
        env.cr.rollback()
        return count

    def usage(self):
        return self._usage

    def per_server(self):
        """Per server: the run's jobs its workers ran (``worker_pid``), the
        runjob requests in its log, the connections the balancer gave it."""
        rows = []
        for i, proc in enumerate(self.procs):
            jobs = sum(
                count
                for count, session in self.jobs_by_pid.values()
                if session == proc.pid
            )
            text = self.logs[i].read_text(errors="replace")
            rows.append(
                {
                    "jobs": jobs,
                    "runjob": text.count("/queue_job/runjob"),
                    "lb": self.lb.stats["connections"][i] if self.lb else None,
                }
            )
        elsewhere = sum(
            count
            for count, session in self.jobs_by_pid.values()
            if session not in {p.pid for p in self.procs}
        )
        if elsewhere:
            rows.append({"jobs": elsewhere, "runjob": 0, "lb": None})
        return rows

    def close(self):
        import signal

        usage = [tree_usage(p.pid) for p in self.procs]
        self._usage = {
            "cpu_py": self.cpu_py + sum(cpu for cpu, _peak in usage),
            "cpu_db": self.cpu_db,
            "rss_peak_mb": max((peak for _cpu, peak in usage), default=0),
        }
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if self.lb:
            self._usage["cpu_lb"] = self.lb.close()
        for log in self.logfiles:
            log.close()


def peak_overlap(spans):
    """The most jobs running at the same moment, from (started, done)."""
    spans = [(start, done) for start, done in spans if start and done]
    events = sorted(
        [(start, 1) for start, _done in spans] + [(done, -1) for _start, done in spans]
    )
    peak = running = 0
    for _moment, step in events:
        running += step
        peak = max(peak, running)
    return peak


def session_of(pid):
    """The session id of a process (an Odoo server's processes share their
    master's, see ``start_new_session``), or None once it has exited."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[3])
    except (OSError, TypeError, IndexError, ValueError):
        return None


def process_cpu(pid):
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks
    except (OSError, IndexError, ValueError):
        return 0.0


class Balancer:
    """:mod:`bench_lb` in front of the servers' HTTP ports (see there why a
    small Python process and how it chooses a server)."""

    def __init__(self, ports):
        self.port = free_port()
        self.stats_path = Path(f"/tmp/{DB_PREFIX}lb_{os.getpid()}.json")
        self.stats = {"connections": [0] * len(ports)}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "bench_lb.py"),
                f"--listen={self.port}",
                *(f"--backend=127.0.0.1:{port}" for port in ports),
                f"--stats={self.stats_path}",
            ],
            cwd="/tmp",
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline()
        if not line.startswith("READY"):
            raise RuntimeError(f"the load balancer did not start: {line}")

    def close(self):
        """Stop it; return its CPU seconds (its counts are in ``stats``)."""
        cpu = process_cpu(self.proc.pid)
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.stats = json.loads(self.stats_path.read_text())
        self.stats_path.unlink()
        return cpu


def w_ours(
    env,
    variant,
    workers=0,
    servers=0,
    one_pass=False,
    jobs_db=None,
    jobs_addons_path=None,
    sync_limit=None,
    batch_size=None,
):
    params = env["ir.config_parameter"].sudo()
    if sync_limit is not None:
        params.set_param("property_billing.sync_limit", str(sync_limit))
    if batch_size:
        params.set_param("property_billing.job_batch_size", str(batch_size))
    env.cr.commit()  # seen by the servers and job workers
    if servers:
        pool = ServerPool(servers, max(workers, 1), jobs_db, jobs_addons_path)
    elif workers >= 2:
        pool = JobWorkers(workers, jobs_db, jobs_addons_path)
    else:
        return measure(env, lambda env: ours_invoices(env, one_pass=one_pass))
    try:
        res = measure(
            env, lambda env: ours_invoices(env, workers=pool, one_pass=one_pass)
        )
    finally:
        pool.close()
    usage = pool.usage()
    res["cpu_py"] += usage["cpu_py"]
    res["cpu_db"] += usage["cpu_db"]
    res["rss_workers_peak_mb"] = usage["rss_peak_mb"]
    res["workers"] = (
        f"{servers} server(s) x {max(workers, 1)}" if servers else str(workers)
    )
    if servers:
        res["per_server"] = pool.per_server()
        res["jobs_at_once"] = pool.peak_at_once
        if "cpu_lb" in usage:
            res["cpu_lb"] = usage["cpu_lb"]
    return res


def invoice_vals(env, charges, explicit_taxes):
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
    )
    period = f"{PERIOD_START} - {PERIOD_END}"
    taxes = {}
    if explicit_taxes:
        for product in env["product.product"].search(
            [("default_code", "in", ("BFEE", "BWATER"))]
        ):
            taxes[product.id] = [(6, 0, product.taxes_id.ids)]
    vals_list = []
    for charge in charges:
        lines = []
        for line in charge["lines"]:
            line_vals = dict(line, name=line["name"].replace("#START# - #END#", period))
            if explicit_taxes:
                line_vals["tax_ids"] = taxes[line["product_id"]]
            lines.append((0, 0, line_vals))
        vals_list.append(
            {
                "move_type": "out_invoice",
                "partner_id": charge["partner_id"],
                "journal_id": journal.id,
                "invoice_date": PERIOD_START,
                "invoice_line_ids": lines,
            }
        )
    return vals_list


def presynced_vals(env, charges):
    """Invoices given with all their journal items (product, tax and
    receivable lines), computed here, for ``skip_invoice_sync``: what the
    invoice's own synchronisation of taxes and payment terms costs."""
    from odoo.tools import float_round

    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1
    )
    receivable = env["res.partner"].browse(charges[0]["partner_id"])
    receivable = receivable.property_account_receivable_id
    period = f"{PERIOD_START} - {PERIOD_END}"
    setup = {}
    for product in env["product.product"].search(
        [("default_code", "in", ("BFEE", "BWATER"))]
    ):
        tax = product.taxes_id
        reps = tax.invoice_repartition_line_ids
        base = reps.filtered(lambda r: r.repartition_type == "base")
        rep = reps.filtered(lambda r: r.repartition_type == "tax")
        setup[product.id] = {
            "tax": tax,
            "rep": rep,
            "base_tags": base.tag_ids.ids,
            "account": (
                product.property_account_income_id
                or product.categ_id.property_account_income_categ_id
                or journal.default_account_id
            ).id,
        }
    vals_list = []
    for charge in charges:
        lines, total = [], 0.0
        for line in charge["lines"]:
            conf = setup[line["product_id"]]
            subtotal = float_round(line["quantity"] * line["price_unit"], 2)
            tax_amount = float_round(subtotal * conf["tax"].amount / 100.0, 2)
            total += subtotal + tax_amount
            name = line["name"].replace("#START# - #END#", period)
            lines.append(
                (
                    0,
                    0,
                    {
                        "display_type": "product",
                        "product_id": line["product_id"],
                        "name": name,
                        "quantity": line["quantity"],
                        "price_unit": line["price_unit"],
                        "account_id": conf["account"],
                        "tax_ids": [(6, 0, conf["tax"].ids)],
                        "tax_tag_ids": [(6, 0, conf["base_tags"])],
                        "balance": -subtotal,
                        "amount_currency": -subtotal,
                    },
                )
            )
            lines.append(
                (
                    0,
                    0,
                    {
                        "display_type": "tax",
                        "name": conf["tax"].name,
                        "account_id": conf["rep"].account_id.id,
                        "tax_repartition_line_id": conf["rep"].id,
                        "tax_tag_ids": [(6, 0, conf["rep"].tag_ids.ids)],
                        "tax_base_amount": subtotal,
                        "balance": -tax_amount,
                        "amount_currency": -tax_amount,
                    },
                )
            )
        lines.append(
            (
                0,
                0,
                {
                    "display_type": "payment_term",
                    "name": "",
                    "account_id": receivable.id,
                    "balance": float_round(total, 2),
                    "amount_currency": float_round(total, 2),
                    "date_maturity": PERIOD_START,
                },
            )
        )
        vals_list.append(
            {
                "move_type": "out_invoice",
                "partner_id": charge["partner_id"],
                "journal_id": journal.id,
                "invoice_date": PERIOD_START,
                "line_ids": lines,
            }
        )
    return vals_list


def orm_invoices(
    env,
    quiet=False,
    taxes=False,
    post_chunk=None,
    chunk=None,
    flush=False,
    no_validity=False,
    presync=False,
    variant="fee",
):
    ctx = dict(env.context)
    if quiet:
        ctx.update(QUIET)
    if no_validity:
        ctx["check_move_validity"] = False
    if presync:
        ctx["skip_invoice_sync"] = True
    env = env(context=ctx)
    charges = bench_charges(env, variant)
    if presync:
        vals_list = presynced_vals(env, charges)
    else:
        vals_list = invoice_vals(env, charges, taxes)
    Move = env["account.move"]
    start = time.perf_counter()
    if chunk:
        moves = Move
        for offset in range(0, len(vals_list), chunk):
            batch = Move.create(vals_list[offset : offset + chunk])
            if no_validity:
                batch.with_context(check_move_validity=True)._check_balanced(
                    {"records": batch}
                )
            batch.action_post()
            moves |= batch
            if flush:
                env.flush_all()
                env.invalidate_all()
        return {"moves": moves, "create+post_s": time.perf_counter() - start}
    moves = Move.create(vals_list)
    env.flush_all()
    created = time.perf_counter()
    step = post_chunk or len(moves)
    for offset in range(0, len(moves), step):
        moves[offset : offset + step].action_post()
        if post_chunk:
            env.flush_all()
    return {
        "moves": moves,
        "create_s": created - start,
        "post_s": time.perf_counter() - created,
    }


def w_orm(env, **options):
    return measure(env, lambda env: orm_invoices(env, **options))


def w_profile(env, side="orm", out=None, **options):
    profile = cProfile.Profile()

    def run(env):
        profile.enable()
        try:
            if side == "ours":
                return ours_invoices(env, one_pass=options.get("one_pass", False))
            return orm_invoices(env, **options)
        finally:
            profile.disable()

    res = measure(env, run)
    if out:
        profile.dump_stats(out)
        print(f"--- statistics saved to {out} ---")
    for sort in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.strip_dirs().sort_stats(sort).print_stats(40)
        print(f"--- top by {sort} ---")
        print(out.getvalue().split("\n", 7)[-1])
    stats = pstats.Stats(profile)
    total = max(ct for _cc, _nc, _tt, ct, _callers in stats.stats.values())
    print(f"--- named costs (cumulative, % of {total:.1f}s profiled) ---")
    for label, name in PROFILE_COSTS:
        matched = [
            (ct, nc)
            for (_file, _line, func), (
                _cc,
                nc,
                _tt,
                ct,
                _callers,
            ) in stats.stats.items()
            if func == name
        ]
        if matched:
            ct = max(c for c, _n in matched)
            calls = sum(n for _c, n in matched)
            print(f"  {label:<48} {ct:7.2f}s {ct / total:6.1%} {calls:>8} calls")
    return res


# (label, function name) of the costs worth knowing in invoice create + post
PROFILE_COSTS = [
    ("account.move.create (all)", "create"),
    ("action_post (all)", "action_post"),
    ("_post", "_post"),
    ("sync dynamic lines (taxes, terms)", "_sync_dynamic_lines"),
    ("tax lines sync", "_sync_tax_lines"),
    ("payment term lines sync", "_sync_payment_terms"),
    ("tax computation _compute_taxes", "_compute_taxes"),
    ("tax totals widget _compute_tax_totals", "_compute_tax_totals"),
    ("line tax_ids compute", "_compute_tax_ids"),
    ("line account compute", "_compute_account_id"),
    ("sequence: _compute_name", "_compute_name"),
    ("sequence: _get_last_sequence", "_get_last_sequence"),
    ("balance check _check_balanced", "_check_balanced"),
    ("fiscal lock dates", "_check_fiscal_lock_dates"),
    ("constraints _validate_fields", "_validate_fields"),
    ("reconcile _reconcile_marked", "_reconcile_marked"),
    ("followers message_subscribe", "message_subscribe"),
    ("partner _increase_rank", "_increase_rank"),
    ("analytic lines", "_create_analytic_lines"),
    ("hash _compute_inalterable_hash", "_compute_inalterable_hash"),
    ("chatter message_post", "message_post"),
    ("tracking _track_finalize", "_track_finalize"),
    ("recompute (fields)", "recompute"),
    ("flush_all", "flush_all"),
    ("SQL execute", "execute"),
    ("invalidate", "invalidate_all"),
    ("prefetch _fetch_field", "_fetch_field"),
]


def view_spec(model, view_type):
    """web_read specification of the fields of ``model``'s default view."""
    from lxml import etree

    arch = model.get_views([(False, view_type)])["views"][view_type]["arch"]
    spec = {}
    for node in etree.fromstring(arch).iter("field"):
        name = node.get("name")
        if node.getparent().tag not in (
            "list",
            "form",
            "group",
            "div",
            "h1",
            "header",
            "sheet",
            "button",
            "page",
        ):
            continue
        field = model._fields.get(name)
        if field is None:
            continue
        if field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field.type in ("one2many", "many2many"):
            spec[name] = {"fields": {"display_name": {}}, "limit": 40}
        else:
            spec[name] = {}
    return spec


def w_preview(env, runs):
    """The pre-bill review of a run of every occupancy of the site, as a
    billing manager opens it: the run's form (figures over all its lines),
    then the first page of its charges (the list view's web_search_read of
    80 rows, with the count)."""
    site = env["property.site"].search([("code", "=", "BBILL")])
    env = env(user=env.ref("base.user_admin"))
    billing_run = env["property.billing.run"].create(
        {"site_id": site.id, "period_start": PERIOD_START}
    )
    start = time.perf_counter()
    billing_run.action_preview()
    env.flush_all()
    preview_s = time.perf_counter() - start
    env.cr.commit()
    Run = env["property.billing.run"]
    Line = env["property.billing.run.line"]
    form_spec = view_spec(Run, "form")
    list_spec = view_spec(Line, "list")
    domain = [("run_id", "=", billing_run.id)]

    def form():
        env.invalidate_all()
        Run.browse(billing_run.id).web_read(form_spec)

    def first_page():
        env.invalidate_all()
        page = Line.web_search_read(
            domain=domain, specification=list_spec, limit=80, count_limit=10001
        )
        assert len(page["records"]) == 80, page["length"]

    form_med, form_worst = median_time(form, runs)
    page_med, page_worst = median_time(first_page, runs)
    return {
        "lines": Line.search_count(domain),
        "action_preview_s": round(preview_s, 2),
        "form_median_ms": round(form_med * 1000, 1),
        "form_worst_ms": round(form_worst * 1000, 1),
        "first_page_median_ms": round(page_med * 1000, 1),
        "first_page_worst_ms": round(page_worst * 1000, 1),
    }


TASKS = {
    "setup_base": w_setup_base,
    "fixtures": w_fixtures,
    "oca": w_oca,
    "ours": w_ours,
    "jobs": w_jobs,
    "orm": w_orm,
    "profile": w_profile,
    "preview": w_preview,
}


def worker_main(task, db, addons_path, params):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", "-d", db, "--log-level=warn"]
    )
    registry = Registry(db)
    every = float(os.environ.get("BBENCH_VACUUM_EVERY") or 0)
    stop = None
    if every and task in ("oca", "ours", "orm"):
        stop = start_vacuum(db, every)
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"lang": "en_US"})
            result = TASKS[task](env, **params)
    finally:
        if stop:
            stop.set()
    odoo.sql_db.close_all()
    print("RESULT " + json.dumps(result, default=str), flush=True)


def start_vacuum(db, every):
    """What autovacuum would do during a long run: VACUUM (ANALYZE) the
    tables an invoice run grows, every ``every`` seconds, on a connection of
    its own.  Without it, dead row versions pile up in account_move_line and
    its indexes, and the database's cost per invoice grows with N."""
    import threading

    import psycopg2

    import odoo

    _name, info = odoo.sql_db.connection_info_for(db)
    stop = threading.Event()

    def loop():
        conn = psycopg2.connect(**info)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT relname FROM pg_class WHERE relkind = 'r' "
                    "AND relname = ANY(%s)",
                    [list(VACUUM_TABLES)],
                )
                tables = [row[0] for row in cur.fetchall()]
                while not stop.wait(every):
                    for table in tables:
                        cur.execute(f'VACUUM (ANALYZE) "{table}"')
        finally:
            conn.close()

    threading.Thread(target=loop, daemon=True).start()
    return stop


def build_parser():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--variants", default="fee,water")
    parser.add_argument("--sides", default="oca,ours")
    parser.add_argument("--orm", action="store_true", help="raw ORM variants")
    parser.add_argument("--orm-variants", help="indexes of ORM_VARIANTS to run")
    parser.add_argument("--profile", type=int, help="cProfile N invoices")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="process our run's background batches with this many worker "
        "processes, as that many queue_job workers would (default: in the "
        "measuring process)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=0,
        help="process our run's background batches with this many real Odoo "
        "servers sharing the database (prefork, --workers HTTP workers each, "
        "queue_job's job runner): 1 server x 1 worker, 1 x 2, 2 x 1 (two "
        "machines) are the production figures",
    )
    parser.add_argument(
        "--setups",
        help="measure our run once per setup on copies of the same database, "
        "SERVERSxWORKERS comma-separated: 1x1,1x2,2x1 is one server with one "
        "worker, with two, two servers with one each behind a load balancer "
        "(0x0: batches in the measuring process); replaces --servers/--workers",
    )
    parser.add_argument(
        "--one-pass",
        action="store_true",
        help="our run generates and posts in one pass (Generate and Post, "
        "what a scheduled run does) instead of generate, then post",
    )
    parser.add_argument(
        "--sync-limit",
        type=int,
        help="our runs of more payers than this go to background jobs "
        "(property_billing.sync_limit, default 500; 0: always), to validate "
        "the job path at small sizes",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        help="payers (or invoices) per background job "
        "(property_billing.job_batch_size, default 250)",
    )
    parser.add_argument(
        "--profile-out", help="also save the cProfile statistics to this file"
    )
    parser.add_argument("--no-preview", dest="preview", action="store_false")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--vacuum-every",
        type=float,
        help="seconds between VACUUM (ANALYZE) of the growing tables during a "
        "measurement (default: 30 when the server's autovacuum is off, else 0)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="reuse databases kept by --keep"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--addons-path", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    return parser


def main():
    args = build_parser().parse_args()
    os.chdir("/tmp")  # a folder named odoo in the cwd would shadow the package
    if args.worker:
        worker_main(args.worker, args.db, args.addons_path, json.loads(args.params))
        return
    if args.reuse:
        REUSE.append(True)
    autovacuum = server_autovacuum()
    if args.vacuum_every is None:
        args.vacuum_every = 30.0 if autovacuum == "off" else 0.0
    VACUUM_EVERY[0] = args.vacuum_every
    if autovacuum == "off":
        print(
            "NOTE: the PostgreSQL server runs with autovacuum off; "
            + (
                f"the benchmark vacuums the growing tables every "
                f"{args.vacuum_every:.0f}s during a measurement."
                if args.vacuum_every
                else "dead rows pile up and the cost per invoice grows with N."
            )
        )
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.variants = args.variants.split(",")
    args.sides = args.sides.split(",")
    args.setups = (
        [tuple(int(x) for x in setup.split("x")) for setup in args.setups.split(",")]
        if args.setups
        else [(args.servers, args.workers)]
    )
    before = odoo_location()
    addons_path = odoo_addons_path()
    if args.profile:
        run_profile(args, addons_path)
        return
    if args.orm:
        run_orm(args, addons_path)
        return
    contract_addons, note = fetch_contract() if "oca" in args.sides else (None, "")
    if contract_addons is None and "oca" in args.sides:
        print(f"NOTE: {note}")
    elif contract_addons:
        print(f"OCA contract: {note}")
        addons_path = f"{addons_path},{contract_addons}"
    if odoo_location() != before:
        sys.exit(f"import odoo moved from {before} to {odoo_location()}; stop")
    have_ours = (
        "ours" in args.sides
        and (REPO / "property_billing" / "models" / "property_billing_run.py").exists()
    )
    if not have_ours and "ours" in args.sides:
        print("NOTE: property.billing.run does not exist yet; our side is skipped")
    run_compare(args, addons_path, contract_addons is not None, have_ours)


if __name__ == "__main__":
    main()
