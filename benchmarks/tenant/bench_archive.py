#!/usr/bin/env python3
"""Benchmark of the tenant archive at scale (run on demand, not in CI).

Builds a database with one site of N units and N active occupancies (default
10,000 each, with members and documents), then measures:

1. the archive completeness computation of the whole site (recomputing every
   occupancy's completeness, then the site's figure);
2. the unit list view: ``web_search_read`` of the first 80 rows as a service
   agent, the call the list view makes;
3. the portal "My Units" page of a tenant, over HTTP from a real Odoo server
   on 127.0.0.1.

Usage (from any directory where ``import odoo`` works):

    python3 benchmarks/tenant/bench_archive.py [--units 10000]
        [--runs 20] [--db property_bench] [--keep]

The database is dropped at the end unless --keep is given.
"""

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def odoo_addons_path():
    code = (
        "import odoo, os; d = os.path.dirname(odoo.__file__); "
        "print(','.join(p for p in (os.path.join(d, 'addons'), "
        "os.path.join(os.path.dirname(d), 'addons')) if os.path.isdir(p)))"
    )
    base = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd="/tmp",
    ).stdout.strip()
    ours = [str(REPO)]
    if any((REPO / "addons").glob("*/__manifest__.py")):
        ours.append(str(REPO / "addons"))
    return ",".join([base, *ours])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def timer(results, label):
    start = time.perf_counter()
    yield
    results.append((label, time.perf_counter() - start))


def odoo_cmd(db, addons_path, *args):
    return [
        sys.executable,
        "-m",
        "odoo",
        f"--addons-path={addons_path}",
        "-d",
        db,
        "--log-level=warn",
        *args,
    ]


def generate(env, n_units):
    """One site, N units over 20 buildings, N active occupancies with a
    member each and documents (some missing, so completeness varies)."""
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    env = env(context=ctx)
    site = env["property.site"].create(
        {"name": "Bench Plaza", "code": "BENCH", "total_area": n_units * 100}
    )
    buildings = env["property.building"].create(
        [
            {"name": f"Building {i}", "code": f"B{i}", "site_id": site.id}
            for i in range(20)
        ]
    )
    per_building = -(-n_units // len(buildings))
    units = env["property.unit"]
    batch = []
    for i in range(n_units):
        building = buildings[i // per_building]
        batch.append(
            {
                "code": f"{building.code}-{i:05d}",
                "site_id": site.id,
                "building_id": building.id,
                "floor": (i % per_building) // 10 + 1,
                "usage": ("shop", "office", "home", "home")[i % 4],
                "area": 50 + (i % 90),
            }
        )
        if len(batch) == 1000:
            units |= units.create(batch)
            batch = []
            env.flush_all()
    if batch:
        units |= units.create(batch)
    partners = env["res.partner"].create(
        [
            {"name": f"Tenant {i:05d}", "phone": f"+86 135 {i:08d}" if i % 3 else False}
            for i in range(n_units)
        ]
    )
    scan = env["ir.attachment"].create(
        {"name": "scan.pdf", "datas": base64.b64encode(b"%PDF-1.4 bench")}
    )
    contract = env.ref("property_tenant.document_type_contract")
    id_card = env.ref("property_tenant.document_type_id_card")
    kinds = ("anchor", "small", "resident", "resident")
    start = date(2024, 1, 1)
    occupancies = env["property.occupancy"]
    for offset in range(0, n_units, 1000):
        chunk = range(offset, min(offset + 1000, n_units))
        created = occupancies.create(
            [
                {
                    "unit_id": units[i].id,
                    "tenant_id": partners[i].id,
                    "tenant_kind": kinds[i % 4],
                    "handover_date": start + timedelta(days=i % 300),
                    "move_in_date": start + timedelta(days=i % 300 + 5),
                    "member_ids": [
                        (0, 0, {"name": f"Member {i}", "relation": "spouse"})
                    ]
                    if i % 5
                    else [],
                }
                for i in chunk
            ]
        )
        created.action_activate()
        docs = []
        for i, occupancy in zip(chunk, created, strict=True):
            if i % 7:
                docs.append(
                    {
                        "name": "Contract",
                        "document_type_id": contract.id,
                        "occupancy_id": occupancy.id,
                        "portal_visible": True,
                        "attachment_ids": [(6, 0, scan.ids)],
                    }
                )
            if i % 2:
                docs.append(
                    {
                        "name": "ID",
                        "document_type_id": id_card.id,
                        "occupancy_id": occupancy.id,
                        "expiry_date": date(2030, 1, 1),
                        "attachment_ids": [(6, 0, scan.ids)],
                    }
                )
        env["property.document"].create(docs)
        occupancies |= created
        env.flush_all()
    # the portal tenant of the benchmark: an anchor tenant with 20 units
    portal_partner = partners[0]
    occupancies.filtered(lambda o: o.unit_id in units[:20]).write(
        {"tenant_id": portal_partner.id}
    )
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "name": "Bench Tenant",
            "login": "bench.tenant",
            "password": "bench.tenant",
            "partner_id": portal_partner.id,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )
    agent = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Bench Agent",
                "login": "bench.agent",
                "password": "bench.agent",
                "groups_id": [
                    (6, 0, [env.ref("property_tenant.group_property_agent").id])
                ],
            }
        )
    )
    env.flush_all()
    return site, agent


def median_time(func, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), max(samples)


def bench_in_process(db, addons_path, n_units, runs):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([f"--addons-path={addons_path}", "-d", db])
    registry = Registry(db)
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        with timer(results, f"generate {n_units} units + occupancies (setup)"):
            site, agent = generate(env, n_units)
        cr.commit()

        occupancies = env["property.occupancy"].search([("site_id", "=", site.id)])
        names = (
            "required_item_count",
            "present_item_count",
            "completeness",
            "is_archive_complete",
            "missing_items",
        )
        env.invalidate_all()
        with timer(results, f"completeness: recompute {len(occupancies)} archives"):
            for name in names:
                env.add_to_compute(occupancies._fields[name], occupancies)
            occupancies._recompute_recordset()
            env.flush_all()
        env.invalidate_all()
        with timer(results, "completeness: site figure (grouped query)"):
            figure = site.archive_completeness
        print(
            f"  site completeness = {figure}% "
            f"({site.incomplete_archive_count} incomplete archives)"
        )
        cr.rollback()

        Unit = env(user=agent)["property.unit"]
        spec = {
            name: {}
            for name in (
                "code",
                "site_id",
                "building_id",
                "floor",
                "usage",
                "area",
                "current_tenant_id",
                "status",
                "company_id",
            )
        }
        for key in ("site_id", "building_id", "current_tenant_id", "company_id"):
            spec[key] = {"fields": {"display_name": {}}}

        def list_first_page():
            env.invalidate_all()
            Unit.web_search_read(domain=[], specification=spec, limit=80)

        med, worst = median_time(list_first_page, runs)
        results.append((f"unit list web_search_read 80 rows (median of {runs})", med))
        results.append(("unit list web_search_read 80 rows (worst)", worst))
    odoo.sql_db.close_all()
    return results


def time_portal_page(db, addons_path, login, password, path, marker, runs):
    """Median and worst time of a portal page over HTTP, for a logged-in
    user, from a real Odoo server on 127.0.0.1 (caches warmed first)."""
    port = free_port()
    server = subprocess.Popen(
        odoo_cmd(
            db,
            addons_path,
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            "--workers=0",
            "--max-cron-threads=0",
            f"--db-filter=^{db}$",
        ),
        cwd="/tmp",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar())
    )
    try:
        for _ in range(120):
            try:
                opener.open(f"{base}/web/login", timeout=5)
                break
            except OSError:
                time.sleep(1)
        else:
            raise RuntimeError("the Odoo server did not start")
        payload = json.dumps(
            {
                "jsonrpc": "2.0",
                "params": {"db": db, "login": login, "password": password},
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/web/session/authenticate",
            data=payload,
            headers={"Content-Type": "application/json"},
        )
        answer = json.loads(opener.open(request, timeout=30).read())
        if answer.get("error"):
            raise RuntimeError(answer["error"])
        opener.open(f"{base}{path}", timeout=60).read()  # warm the caches

        def page():
            body = opener.open(f"{base}{path}", timeout=60).read()
            assert marker in body, f"{path} does not show {marker!r}"

        return median_time(page, runs)
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_portal(db, addons_path, runs, n_units):
    med, worst = time_portal_page(
        db,
        addons_path,
        "bench.tenant",
        "bench.tenant",
        "/my/units",
        b"o_property_unit_row",
        runs,
    )
    return [
        (f"portal /my/units, 20 of {n_units} units (median of {runs})", med),
        ("portal /my/units (worst)", worst),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="property_bench")
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.chdir("/tmp")  # a folder named odoo in the cwd would shadow the package
    addons_path = odoo_addons_path()
    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    results = []
    try:
        start = time.perf_counter()
        subprocess.run(
            odoo_cmd(
                args.db,
                addons_path,
                "-i",
                "property_tenant",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
            ),
            check=True,
        )
        results.append(("install property_tenant (setup)", time.perf_counter() - start))
        results += bench_in_process(args.db, addons_path, args.units, args.runs)
        results += bench_portal(args.db, addons_path, args.runs, args.units)
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    print(f"\nproperty_tenant benchmark, {args.units} units / occupancies")
    for label, seconds in results:
        print(f"  {label:<62} {seconds * 1000:>10.1f} ms")


if __name__ == "__main__":
    main()
