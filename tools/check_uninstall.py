#!/usr/bin/env python3
"""Install -> uninstall -> reinstall check of every module of the suite
(issue 17).

Uninstalling a module must not log an ERROR nor leave broken data behind,
and installing it again must not duplicate what the uninstall kept.  On a
scratch database of its own (never the test database: uninstalling would
break the other tests) this script:

1. installs every installable module of the repository with demo data (and
   payment_demo, as tools/test.sh does); or copies the installed database
   given with --from-db; or, with --installed, uses the database given
   with --db as it is (tools/test.sh copies its freshly installed one);
2. adds community events of its own: one whose cost account holds an
   analytic line, one whose cost account holds nothing;
3. uninstalls the modules one at a time, in reverse dependency order;
4. installs them all again, and gives the event with costs its site back
   and asks for its cost account;

and fails (exit code 1, listing the offending log records) on any ERROR or
CRITICAL log record, on a WARNING naming one of our modules or a property.*
model, or when after the reinstall the "Community Events" analytic plan or a
cost account exists twice, the account holding data was deleted (or lost its
line), or the account holding nothing was kept.  It takes some six minutes on
two cores, two and a half without the install (--from-db, --installed).

Usage (from any directory where ``import odoo`` works):

    python3 tools/check_uninstall.py [--db property_uninstall_check]
        [--from-db INSTALLED_DB | --installed] [--keep-db]

The database (and its filestore) is dropped at start (unless --installed)
and at the end (unless --keep-db).  PGHOST PGPORT PGUSER PGPASSWORD are
forwarded to Odoo.
"""

import argparse
import ast
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEST_TOOLS = ["payment_demo"]
PLAN_XMLID = "property_community.analytic_plan_community_events"
MARK = "check_uninstall:"

_logger = logging.getLogger("check_uninstall")


# ----------------------------------------------------------------------
# Modules, addons path, database
# ----------------------------------------------------------------------
def repo_modules():
    """{name: dependencies among the repository's modules} of every
    installable module of the repository (root and addons/)."""
    manifests = [
        *REPO.glob("*/__manifest__.py"),
        *REPO.glob("addons/*/__manifest__.py"),
    ]
    found = {}
    for path in manifests:
        data = ast.literal_eval(path.read_text(encoding="utf-8"))
        if data.get("installable", True):
            found[path.parent.name] = data.get("depends", [])
    return {name: {d for d in deps if d in found} for name, deps in found.items()}


def install_order(modules):
    """The modules, each after its dependencies (ties by name)."""
    order, done = [], set()
    while len(order) < len(modules):
        ready = sorted(m for m in modules if m not in done and modules[m] <= done)
        if not ready:
            sys.exit(f"circular dependencies among {sorted(set(modules) - done)}")
        order.append(ready[0])
        done.add(ready[0])
    return order


def addons_path():
    import odoo  # noqa: PLC0415  (imported here: the orchestrator needs no Odoo)

    odoo_dir = Path(odoo.__file__).resolve().parent
    paths = [p for p in (odoo_dir / "addons", odoo_dir.parent / "addons") if p.is_dir()]
    paths.append(REPO)
    if any((REPO / "addons").glob("*/__manifest__.py")):
        paths.append(REPO / "addons")
    return ",".join(str(p) for p in paths)


def db_args():
    """Odoo's connection options, from the libpq environment variables."""
    names = {"PGHOST": "host", "PGPORT": "port", "PGUSER": "user"}
    names["PGPASSWORD"] = "password"
    return [
        f"--db_{opt}={os.environ[var]}"
        for var, opt in names.items()
        if var in os.environ
    ]


def filestore(db):
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config([], setup_logging=False)
    return config.filestore(db)


def drop_db(db):
    quiet = {
        "PGOPTIONS": f"{os.environ.get('PGOPTIONS', '')} -c client_min_messages=warning"
    }
    subprocess.run(
        ["dropdb", "--if-exists", "--force", db], check=True, env=os.environ | quiet
    )
    shutil.rmtree(filestore(db), ignore_errors=True)


# ----------------------------------------------------------------------
# Log records
# ----------------------------------------------------------------------
RECORD_START = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
)


def bad_records(log_path, modules):
    """[(step, record)] of the log's records of level ERROR/CRITICAL, and of
    level WARNING that name one of our modules or a property.* model (with
    their continuation lines, e.g. tracebacks); step: the last step marker
    logged before the record."""
    names = "|".join(sorted(modules))
    ours = re.compile(rf"(?<!\w)(?:{names})\b|(?<![\w.])property\.[a-z]")
    step, bad, current = "install", [], None
    with open(log_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = RECORD_START.match(line)
            if match:
                current = None
                if MARK in line:
                    step = line.rsplit(MARK, 1)[1].strip()
                    continue
                level = match.group(1)
                if level in ("ERROR", "CRITICAL") or level == "WARNING":
                    current = [level, step, line]
                    bad.append(current)
            elif current is not None:
                current[2] += line
    return [
        (step, text)
        for level, step, text in bad
        if level != "WARNING" or ours.search(text)
    ]


# ----------------------------------------------------------------------
# Worker: runs inside Odoo (python3 check_uninstall.py --worker ...)
# ----------------------------------------------------------------------
def worker(db, log_path, order):
    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [
            f"--addons-path={addons_path()}",
            *db_args(),
            "-d",
            db,
            "--no-http",
            "--log-level=info",
            f"--logfile={log_path}",
        ]
    )

    def run(func, *args):
        """func(env, *args) in a transaction on the current registry (module
        operations replace it)."""
        with Registry(db).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return func(env, *args)

    result = {"timings": {}}

    def step(name, func, *args):
        _logger.info("%s %s", MARK, name)
        start = time.monotonic()
        try:
            value = run(func, *args)
        except Exception:
            _logger.exception("%s failed", name)
            raise
        finally:
            result["timings"][name] = round(time.monotonic() - start, 1)
        return value

    result["seed"] = step("add community events", seed)
    for module in reversed(order):
        step(f"uninstall {module}", uninstall, module)
    step("reinstall", reinstall, order)
    result["problems"] = step("verify", verify, result["seed"])
    return result


def seed(env):
    """Two community events of a demo site, each with its cost account; the
    first account holds an analytic line (a cost booked on it)."""
    site = env["property.site"].search([], limit=1)
    events = env["event.event"].create(
        [
            {
                "name": f"Uninstall check {label}",
                "property_site_id": site.id,
                "date_begin": "2026-06-01 09:00:00",
                "date_end": "2026-06-01 11:00:00",
            }
            for label in ("with costs", "without costs")
        ]
    )
    events.action_property_create_cost_account()
    used, unused = events.mapped("property_analytic_account_id")
    plan = env.ref(PLAN_XMLID)
    line = env["account.analytic.line"].create(
        {
            "name": "Uninstall check: tea",
            "amount": -120.0,
            "company_id": used.company_id.id or env.company.id,
            plan._column_name(): used.id,
        }
    )
    return {
        "site": site.id,
        "plan": plan.id,
        "events": events.ids,
        "used_account": used.id,
        "unused_account": unused.id,
        "line": line.id,
    }


def uninstall(env, module):
    record = env["ir.module.module"].search([("name", "=", module)])
    if record.state != "installed":
        raise RuntimeError(f"{module} is {record.state}, not installed")
    record.button_immediate_uninstall()
    if record.state != "uninstalled":
        raise RuntimeError(f"{module} is {record.state} after its uninstall")


def reinstall(env, order):
    records = env["ir.module.module"].search([("name", "in", order)])
    records.button_immediate_install()
    missing = records.filtered(lambda m: m.state != "installed").mapped("name")
    if missing:
        raise RuntimeError(f"not installed again: {missing}")


def verify(env, seed):
    """What the reinstall left: one plan, the account holding data kept (and
    reused by its event), the unused one deleted, no account twice."""
    problems = []
    Plan = env["account.analytic.plan"]
    Account = env["account.analytic.account"].with_context(active_test=False)
    plans = Plan.search([("name", "=", "Community Events")])
    if len(plans) != 1:
        problems.append(f"{len(plans)} analytic plans 'Community Events': {plans.ids}")
    plan = env.ref(PLAN_XMLID, raise_if_not_found=False)
    if not plan or plan.id != seed["plan"]:
        problems.append(f"{PLAN_XMLID} is {plan}, not the kept plan {seed['plan']}")
    used = Account.browse(seed["used_account"]).exists()
    line = env["account.analytic.line"].browse(seed["line"]).exists()
    if not used:
        problems.append("the cost account holding an analytic line was deleted")
    elif not (line and plan) or line[plan._column_name()] != used:
        problems.append("the analytic line of the kept cost account was lost")
    elif used.active:
        problems.append("the kept cost account was not archived")
    if Account.browse(seed["unused_account"]).exists():
        problems.append("the cost account holding nothing was kept")
    # the event with costs made a community event again: its kept account
    # comes back, no second one is created
    event = env["event.event"].browse(seed["events"][0])
    event.property_site_id = seed["site"]
    event.action_property_create_cost_account()
    if used and event.property_analytic_account_id != used:
        problems.append(
            f"the event got the cost account {event.property_analytic_account_id}"
            f" instead of its kept account {used}"
        )
    groups = Account._read_group(
        [("root_plan_id", "in", plans.ids)],
        ["code", "company_id"],
        ["__count"],
        having=[("__count", ">", 1)],
    )
    for code, company, count in groups:
        problems.append(f"{count} cost accounts {code!r} ({company.name})")
    return problems


# ----------------------------------------------------------------------
# Orchestrator
# ----------------------------------------------------------------------
def main():  # noqa: C901, PLR0915 - over budget before it existed, to split
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="property_uninstall_check")
    parser.add_argument("--from-db", help="copy this installed database")
    parser.add_argument(
        "--installed", action="store_true", help="--db is installed: use it"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    modules = repo_modules()
    order = install_order(modules)
    if args.worker:  # --worker LOG: the steps inside Odoo, result in LOG.json
        result = worker(args.db, args.worker, order)
        Path(f"{args.worker}.json").write_text(json.dumps(result), encoding="utf-8")
        return 0

    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", args.db):
        sys.exit(f"invalid database name {args.db!r}")
    if args.db == args.from_db:
        sys.exit("--db and --from-db must differ: the database is dropped")
    work = Path(tempfile.mkdtemp(prefix="check-uninstall."))
    os.chdir(work)  # never run Odoo from a directory with a folder "odoo"
    install_log, steps_log = work / "install.log", work / "steps.log"
    start = time.monotonic()
    keep_logs = False
    if not args.installed:
        drop_db(args.db)
    try:
        if args.installed:
            install_log.touch()
        elif args.from_db:
            print(f"==> copy of the installed database {args.from_db!r}")
            subprocess.run(["createdb", "-T", args.from_db, args.db], check=True)
            if os.path.isdir(filestore(args.from_db)):
                shutil.copytree(filestore(args.from_db), filestore(args.db))
            install_log.touch()
        else:
            print(f"==> install (demo data): {', '.join(order)}")
            install = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "odoo",
                    f"--addons-path={addons_path()}",
                    *db_args(),
                    "-d",
                    args.db,
                    "-i",
                    ",".join(order + TEST_TOOLS),
                    "--stop-after-init",
                    "--no-http",
                    "--log-level=info",
                    f"--logfile={install_log}",
                ],
                check=False,
            )
            if install.returncode:
                keep_logs = True
                sys.exit(
                    f"check_uninstall: the install failed (exit code "
                    f"{install.returncode}); log: {install_log}"
                )
        print(f"==> uninstall one by one: {', '.join(reversed(order))}; reinstall")
        proc = subprocess.run(
            [sys.executable, __file__, "--db", args.db, "--worker", str(steps_log)],
            check=False,
        )
        result_file = Path(f"{steps_log}.json")
        result = {}
        if proc.returncode == 0 and result_file.exists():
            result = json.loads(result_file.read_text(encoding="utf-8"))
        bad = bad_records(install_log, modules) + bad_records(steps_log, modules)
        for name, seconds in result.get("timings", {}).items():
            print(f"    {name}: {seconds:.0f}s")
        failures = [f"{step}: {text.rstrip()}" for step, text in bad]
        failures += result.get("problems", [])
        if proc.returncode:
            failures.append(f"the steps failed (exit code {proc.returncode})")
        elapsed = time.monotonic() - start
        if failures:
            print("\n".join(failures), file=sys.stderr)
            print(
                f"check_uninstall: FAILED ({len(failures)} problem(s), "
                f"{elapsed:.0f}s); logs: {install_log} {steps_log}",
                file=sys.stderr,
            )
            keep_logs = True
            return 1
        print(f"check_uninstall: OK ({elapsed:.0f}s)")
        return 0
    finally:
        if not args.keep_db:
            drop_db(args.db)
        if not keep_logs:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
