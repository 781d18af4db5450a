"""Benchmark of the go-live import: a workbook of N units, N archives and
12 × N opening arrears lines (one year of management fee per archive),
dry run then apply on a real database, each timed with its peak memory
(the process's peak RSS, reset between the steps).  Nothing is kept: the
transaction is rolled back at the end.

Run from a directory without an ``odoo`` folder, on a database where
property_golive is installed (fee item PMF of kind area):

    cd /tmp && python3 benchmarks/golive/bench_golive.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,/opt/odoo18/addons,REPO/addons,REPO \\
        --units 10000

Measured on 2026-12-07, third session (2 shared cores, load ~6, this
process got 37 % of a core; PostgreSQL on the same machine), with one
opening invoice per archive: full size (10,000 units, 10,000 archives,
120,000 arrears lines, a 3.7 MB workbook): dry run 86.9 s, peak RSS 547 MB;
apply 1,212 s (491 s of this process's CPU), peak RSS 1,366 MB, 10,000
opening invoices posted.

Fourth session: opening invoices are one per archive and due date (one per
bill of the former system: 12 per archive here) and the apply empties its
record cache after each batch.  Same data, same machine, load ~10-13,
``/usr/bin/time`` around the script:

- 500 units (6,000 lines): one invoice per archive (f60ec97) 500 invoices,
  apply 101 s, 33 s CPU, peak 239 MB; per due date 6,000 invoices, apply
  807 s, 157 s CPU, peak 195 MB.
- 2,000 units (24,000 lines): dry run 35.1 s, 253 MB; apply 1,562 s wall,
  531 s CPU, peak RSS 256 MB (flat: it no longer grows with the file),
  24,000 opening invoices posted (22 ms of CPU per invoice).
- full size, dry run only: 561 s under load ~12, peak RSS 560 MB.  The
  full-size apply (120,000 invoices) was not re-measured.
"""

import argparse
import base64
import sys
import time
from datetime import date

import odoo
from odoo.tools import config

MONTHS = 12


def peak_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def tables(units, site="BENCH"):
    unit_rows, archive_rows, arrear_rows = [], [], []
    periods = [
        date(2025, 3 + m, 1) if m < 10 else date(2026, m - 9, 1) for m in range(MONTHS)
    ]
    for n in range(units):
        code = f"B{n // 500:02d}-{n:05d}"
        unit_rows.append(
            {
                "site_code": site,
                "site_name": "基准花园",
                "building_code": f"B{n // 500:02d}",
                "unit_code": code,
                "floor": 1 + n % 30,
                "usage": "住宅",
                "area": 80.0 + n % 40,
            }
        )
        ref = {
            "site_code": site,
            "unit_code": code,
            "tenant_name": f"租户{n:05d}",
            "move_in_date": "2024-01-01",
        }
        archive_rows.append({**ref, "tenant_phone": f"139{n:08d}"})
        arrear_rows.extend(
            {
                **ref,
                "item_code": "PMF",
                "period": f"{p:%Y-%m}",
                "amount": 180.0 + n % 40,
            }
            for p in periods
        )
    return {"units": unit_rows, "archives": archive_rows, "arrears": arrear_rows}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--profile", help="write a cProfile of the apply to this file")
    args = parser.parse_args()
    config.parse_config(
        ["-d", args.database, f"--addons-path={args.addons_path}", "--log-level=warn"]
    )
    from odoo.addons.property_golive.workbook import workbook_content

    start = time.time()
    content = workbook_content(tables(args.units))
    print(
        f"workbook: {args.units} units, {args.units} archives, {args.units * MONTHS} "
        "arrears "
        f"lines, {len(content) / 1e6:.1f} MB, written in {time.time() - start:.1f} s"
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "zh_CN"})
        env = env(user=env.ref("base.user_admin"))
        record = env["property.golive.import"].create(
            {
                "name": "bench",
                "file": base64.b64encode(content),
                "filename": "bench.xlsx",
            }
        )
        for step, method in (
            ("dry run", record.action_dry_run),
            ("apply", record._apply),
        ):
            reset_peak()
            start = time.time()
            if args.profile and step == "apply":
                import cProfile  # noqa: PLC0415 - only when asked

                cProfile.runctx(
                    "method(); env.flush_all()", globals(), locals(), args.profile
                )
            else:
                method()
                env.flush_all()
            print(
                f"{step}: {time.time() - start:.1f} s, peak RSS {peak_rss_mb():.0f} "
                "MB, "
                f"state {record.state}, rows {record.row_count}, errors "
                f"{record.error_count}"
            )
            if record.error_count:
                print(record.summary[:2000])
                break
        print(
            f"opening invoices: {len(record.move_ids)}, arrears "
            f"{record.arrears_total:.2f}"
        )
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
