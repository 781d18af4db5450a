#!/usr/bin/env python3
"""Benchmark of notices at scale (run on demand, not in CI).

Builds a throwaway database with property_community (no demo data), one site
of N units over 20 buildings with N active tenants who all have an e-mail
address (default 10,000), then measures:

1. publishing a notice to the whole site: the time to put one e-mail per
   tenant in the mail queue (``mail.mail`` created in batches, nothing sent);
2. the portal "Notices" page of a tenant to whom M notices are addressed
   (default 500), over HTTP from a real Odoo server on 127.0.0.1, and the
   page of one notice.

Usage (from any directory where ``import odoo`` works):

    python3 benchmarks/community/bench_notices.py [--tenants 10000]
        [--notices 500] [--runs 10] [--db property_bench_notices] [--keep]

The database is dropped at the end unless --keep is given.
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

BENCH_TENANT = Path(__file__).resolve().parents[1] / "tenant"
sys.path.insert(0, str(BENCH_TENANT))

from bench_archive import (  # noqa: E402
    odoo_addons_path,
    odoo_cmd,
    time_portal_page,
    timer,
)

CATEGORIES = ("reminder", "safety", "hygiene", "outage", "finance", "activity")


def generate(env, n_tenants, n_notices):
    """One site of N units over 20 buildings, N active tenants with e-mail,
    a portal login for the first tenant and M published notices addressed
    to that tenant (whole site, their building, their kind)."""
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    env = env(context=ctx)
    site = env["property.site"].create({"name": "Bench Plaza", "code": "BNOT"})
    buildings = env["property.building"].create(
        [
            {"name": f"Building {i}", "code": f"B{i}", "site_id": site.id}
            for i in range(20)
        ]
    )
    per_building = -(-n_tenants // len(buildings))
    kinds = ("anchor", "small", "resident", "resident")
    start = date(2025, 1, 1)
    for offset in range(0, n_tenants, 1000):
        chunk = range(offset, min(offset + 1000, n_tenants))
        units = env["property.unit"].create(
            [
                {
                    "code": f"U-{i:05d}",
                    "site_id": site.id,
                    "building_id": buildings[i // per_building].id,
                    "area": 60 + i % 80,
                }
                for i in chunk
            ]
        )
        partners = env["res.partner"].create(
            [
                {"name": f"Tenant {i:05d}", "email": f"tenant{i:05d}@bench.example"}
                for i in chunk
            ]
        )
        occupancies = env["property.occupancy"].create(
            [
                {
                    "unit_id": unit.id,
                    "tenant_id": partner.id,
                    "tenant_kind": kinds[i % 4],
                    "move_in_date": start + timedelta(days=i % 300),
                }
                for i, unit, partner in zip(chunk, units, partners, strict=True)
            ]
        )
        occupancies.action_activate()
        if offset == 0:
            portal_partner = partners[2]  # a resident of building 0
        env.flush_all()
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "name": "Bench Tenant",
            "login": "bench.tenant",
            "password": "bench.tenant",
            "partner_id": portal_partner.id,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )
    officer = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Bench Officer",
                "login": "bench.officer",
                "email": "officer@bench.example",
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            env.ref(
                                "property_community.group_property_community_officer"
                            ).id
                        ],
                    )
                ],
            }
        )
    )
    published = datetime(2026, 1, 1)
    values = []
    for i in range(n_notices):
        vals = {
            "name": f"Bench notice {i:04d}",
            "category": CATEGORIES[i % len(CATEGORIES)],
            "site_id": site.id,
            "body": f"<p>Notice {i} to the tenants of Bench Plaza.</p>",
            "state": "published",
            "important": not i % 10,
            "publish_from": published + timedelta(hours=i),
        }
        if i % 3 == 1:  # some for the tenant's building only
            vals["building_ids"] = [(6, 0, buildings[:2].ids)]
        if i % 3 == 2:  # some for residents only
            vals.update(tenant_kind_anchor=False, tenant_kind_small=False)
        values.append(vals)
    notices = env["property.notice"].create(values)
    env.flush_all()
    return site, officer, notices


def bench_in_process(db, addons_path, n_tenants, n_notices):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([f"--addons-path={addons_path}", "-d", db])
    registry = Registry(db)
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        with timer(
            results, f"generate {n_tenants} tenants, {n_notices} notices (setup)"
        ):
            site, officer, notices = generate(env, n_tenants, n_notices)
        cr.commit()

        notice = (
            env(user=officer)["property.notice"]
            .with_context(tracking_disable=True)
            .create(
                {
                    "name": "Water supply interrupted on Saturday",
                    "category": "outage",
                    "site_id": site.id,
                    "important": True,
                    "body": "<p>From 8:00 to 12:00, for pipe maintenance.</p>",
                }
            )
        )
        env.flush_all()
        env.invalidate_all()
        with timer(results, f"publish to {n_tenants} tenants: queue the e-mails"):
            notice.action_publish()
            env.flush_all()
        queued = env["mail.mail"].search_count(
            [("model", "=", "property.notice"), ("res_id", "=", notice.id)]
        )
        sent = env["mail.mail"].search_count(
            [
                ("model", "=", "property.notice"),
                ("res_id", "=", notice.id),
                ("state", "!=", "outgoing"),
            ]
        )
        print(f"  queued e-mails = {queued} (not outgoing: {sent})")
        with timer(results, "read / unread counts of the notice"):
            notice.invalidate_recordset()
            figures = (notice.read_count, notice.unread_count)
        print(f"  read / unread = {figures}")
        cr.commit()
        env.invalidate_all()
        first_id = notices[0].id
    odoo.sql_db.close_all()
    return results, first_id


def bench_portal(db, addons_path, runs, n_notices, notice_id):
    results = []
    med, worst = time_portal_page(
        db,
        addons_path,
        "bench.tenant",
        "bench.tenant",
        "/my/notices",
        b"o_property_notice_row",
        runs,
    )
    results.append(
        (f"portal /my/notices, {n_notices} addressed (median of {runs})", med)
    )
    results.append(("portal /my/notices (worst)", worst))
    med, worst = time_portal_page(
        db,
        addons_path,
        "bench.tenant",
        "bench.tenant",
        f"/my/notices/{notice_id}",
        b"o_property_notice_detail",
        runs,
    )
    results.append((f"portal /my/notices/<id> (median of {runs})", med))
    results.append(("portal /my/notices/<id> (worst)", worst))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="property_bench_notices")
    parser.add_argument("--tenants", type=int, default=10000)
    parser.add_argument("--notices", type=int, default=500)
    parser.add_argument("--runs", type=int, default=10)
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
                "property_community",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
            ),
            check=True,
        )
        results.append(
            ("install property_community (setup)", time.perf_counter() - start)
        )
        in_process, notice_id = bench_in_process(
            args.db, addons_path, args.tenants, args.notices
        )
        results += in_process
        results += bench_portal(
            args.db, addons_path, args.runs, args.notices, notice_id
        )
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    print(f"\nproperty_community notices benchmark, {args.tenants} tenants")
    for label, seconds in results:
        print(f"  {label:<62} {seconds * 1000:>10.1f} ms")


if __name__ == "__main__":
    main()
