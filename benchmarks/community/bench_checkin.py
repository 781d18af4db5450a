#!/usr/bin/env python3
"""Benchmark of the community-event check-in (run on demand, not in CI).

Builds a throwaway database with property_community (without demo), one
site with 250 households of four (the tenant and three members) and one
community event with 1,000 registrations; then checks in all 1,000
attendees through the check-in screen (``property.event.checkin``, one
screen kept open as at the door, one transaction per scan as in the
browser) as a community officer, and measures:

1. the 1,000 first scans (each a check-in);
2. the same 1,000 codes scanned again (each answered "already checked in");
3. the attendance figures of the event afterwards.

Usage (from any directory where ``import odoo`` works):

    python3 benchmarks/community/bench_checkin.py [--households 250]
        [--db property_bench_checkin] [--keep]

The database is dropped at the end unless --keep is given.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

BENCH_TENANT = Path(__file__).resolve().parents[1] / "tenant"
sys.path.insert(0, str(BENCH_TENANT))

from bench_archive import odoo_addons_path, odoo_cmd, timer  # noqa: E402

MEMBERS = (("spouse", 1985), ("child", 2016), ("parent", 1952))


def setup_world(env, n_households):
    """One site, ``n_households`` active tenancies of four people, a
    community officer and one upcoming event with everybody registered."""
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    env = env(context=ctx)
    site = env["property.site"].create({"name": "Bench Plaza", "code": "BCHK"})
    units = env["property.unit"].create(
        [
            {"code": f"C-{i:04d}", "site_id": site.id, "area": 90, "usage": "home"}
            for i in range(n_households)
        ]
    )
    partners = env["res.partner"].create(
        [{"name": f"Resident {i:04d}"} for i in range(n_households)]
    )
    occupancies = env["property.occupancy"].create(
        [
            {
                "unit_id": unit.id,
                "tenant_id": partner.id,
                "move_in_date": date(2025, 1, 1),
                "member_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{partner.name} {relation}",
                            "relation": relation,
                            "birth_year": year,
                        },
                    )
                    for relation, year in MEMBERS
                ],
            }
            for unit, partner in zip(units, partners, strict=True)
        ]
    )
    occupancies.action_activate()
    officer = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Bench Officer",
                "login": "bench.officer",
                "groups_id": [
                    (
                        6,
                        0,
                        env.ref(
                            "property_community.group_property_community_officer"
                        ).ids,
                    )
                ],
            }
        )
    )
    begin = datetime.now().replace(microsecond=0) + timedelta(days=1)
    event = env["event.event"].create(
        {
            "name": "Bench Mid-Autumn evening",
            "property_site_id": site.id,
            "property_audience": "all",
            "date_begin": begin,
            "date_end": begin + timedelta(hours=3),
            # no confirmation mails: the benchmark is about the door
            "event_mail_ids": [(5, 0, 0)],
        }
    )
    Registration = env["event.registration"]
    for occupancy in occupancies:
        Registration._property_register_household(
            event, occupancy, occupancy.member_ids.ids, occupancy.tenant_id
        )
    env.flush_all()
    return event, officer


def scan_all(env, wizard, codes):
    """Scan every code on the check-in screen, one transaction per scan
    (the browser sends one request per scan); per-scan durations."""
    samples = []
    for code in codes:
        start = time.perf_counter()
        wizard.code = code
        wizard.action_check_in()
        env.flush_all()
        env.cr.commit()
        samples.append(time.perf_counter() - start)
    return samples


def describe(label, samples):
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return [
        (f"{label}: all {len(samples)} scans", sum(samples)),
        (f"{label}: per scan, median", statistics.median(samples)),
        (f"{label}: per scan, 95th percentile", p95),
        (f"{label}: per scan, worst", ordered[-1]),
    ]


def bench_in_process(db, addons_path, n_households):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([f"--addons-path={addons_path}", "-d", db])
    registry = Registry(db)
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tz": "Asia/Shanghai"})
        with timer(results, f"generate {n_households * 4} registrations (setup)"):
            event, officer = setup_world(env, n_households)
        cr.commit()
        codes = event.registration_ids.sorted("id").mapped("barcode")
        officer_env = api.Environment(cr, officer.id, {"tz": "Asia/Shanghai"})
        wizard = officer_env["property.event.checkin"].create({"event_id": event.id})
        cr.commit()

        first = scan_all(officer_env, wizard, codes)
        results += describe("check-in", first)
        event.invalidate_recordset()
        attended = event.property_attended_count
        print(f"  attended after the first pass: {attended} of {len(codes)}")
        assert attended == len(codes), "every attendee is checked in once"

        again = scan_all(officer_env, wizard, codes)
        results += describe("scanned again (already checked in)", again)
        event.invalidate_recordset()
        assert event.property_attended_count == len(codes), "counted once"
        assert wizard.result_status == "already_checked_in"

        env.invalidate_all()
        with timer(results, "attendance by audience and by age group"):
            by_audience = env["event.event"]._property_attendance_by_audience(
                [("id", "=", event.id)]
            )
            by_group = env["event.registration"]._property_attendance_by_group(
                [("event_id", "=", event.id)]
            )
        print(f"  by audience: {by_audience}")
        print(f"  by age group: {by_group}")
    odoo.sql_db.close_all()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="property_bench_checkin")
    parser.add_argument("--households", type=int, default=250)
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
        results += bench_in_process(args.db, addons_path, args.households)
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    print(
        f"\nproperty_community check-in benchmark, {args.households * 4} registrations"
    )
    for label, seconds in results:
        print(f"  {label:<62} {seconds * 1000:>10.1f} ms")


if __name__ == "__main__":
    main()
