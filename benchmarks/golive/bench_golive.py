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

Fifth session, ``--server`` (the apply as production runs it: odoo-bin
--workers=3, queue_job's runner with channels root:2, production's limits
600 s CPU / 1200 s real / 2 GiB per request; same data), full size (10,000
units, 10,000 archives, 120,000 arrears lines, 3.7 MB): dry run 18.3 s in
one request; apply 1,334 s wall (22 min) from the button to "Applied",
1,258 s of the Odoo server's CPU (PostgreSQL's not counted): the file job
64.5 s (units, archives, deposits; 31,405 queries), then 300 batches of
400 opening invoices, 4.5-8.5 s each, two at a time, and the close;
largest worker 508 MB; 120,000 opening invoices posted.  Two shared cores,
other tests running part of the time (load 2-3).  Before (one job for the
whole file) a large file could not be applied in production: 2,000 units
took 1,562 s in one process (fourth session), past limit_time_real
(1,200 s), and the job's progress writes on the import's row made its last
write fail to serialize (retried for ever; found by this mode).

    cd /tmp && python3 -u benchmarks/golive/bench_golive.py -d DB \\
        --addons-path=... --units 10000 --server
"""

import argparse
import base64
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

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
    parser.add_argument(
        "--server",
        action="store_true",
        help="apply as production does: a copy of the database served by "
        "odoo-bin with --workers and queue_job's runner, production's time "
        "and memory limits, the import driven over JSON-RPC",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--channels", default="root:2")
    parser.add_argument(
        "--data-dir",
        default=str(Path.home() / ".local/share/Odoo"),
        help="Odoo's data dir holding the database's filestore",
    )
    args = parser.parse_args()
    if args.server:
        return serve(args)
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


# production's limits (config/odoo.prod.conf)
PROD_LIMITS = (
    "--limit-time-cpu=600",
    "--limit-time-real=1200",
    "--limit-memory-soft=2147483648",
    "--limit-memory-hard=2684354560",
)


def server_cpu(process):
    """CPU seconds of an Odoo server: its master, the workers it reaped and
    those alive."""
    import psutil  # noqa: PLC0415 - Odoo's requirement

    master = psutil.Process(process.pid)
    times = master.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in master.children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def worker_rss_mb(process):
    import psutil  # noqa: PLC0415

    peak = 0.0
    for child in psutil.Process(process.pid).children(recursive=True):
        try:
            peak = max(peak, child.memory_info().rss / 2**20)
        except psutil.NoSuchProcess:
            pass
    return peak


def serve(args):
    """The apply as production runs it, on a copy of ``args.database``."""
    repo = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(repo / "tests"))
    from odoo_processes import Database, OdooServer, odoo_command  # noqa: PLC0415

    config.parse_config(
        ["-d", args.database, f"--addons-path={args.addons_path}", "--log-level=warn"]
    )
    from odoo.addons.property_golive.workbook import workbook_content  # noqa: PLC0415

    content = workbook_content(tables(args.units))
    print(
        f"workbook: {args.units} units, {args.units * MONTHS} arrears lines, "
        f"{len(content) / 1e6:.1f} MB"
    )
    template = Database(args.database, args.data_dir)
    database = Database.scratch("bench_golive", args.data_dir).create(template)
    log = Path(tempfile.mkdtemp(prefix="bench_golive_")) / "odoo.log"
    server = OdooServer(
        odoo_command(), database, log, workers=args.workers,
        channels=args.channels, extra=PROD_LIMITS,
    )  # fmt: skip
    try:
        server.start()
        print(
            f"server: --workers={args.workers}, channels {args.channels}, "
            f"production limits; log {log}"
        )
        record_id = server.rpc(
            "property.golive.import", "create",
            {"name": "bench", "file": base64.b64encode(content).decode(),
             "filename": "bench.xlsx"},
        )  # fmt: skip
        start = time.time()
        server.rpc("property.golive.import", "action_dry_run", [record_id])
        print(f"dry run (one request): {time.time() - start:.1f} s")
        cpu_start, start = server_cpu(server.process), time.time()
        server.rpc("property.golive.import", "action_apply", [record_id])
        peak, state = 0.0, "applying"
        while state == "applying":
            time.sleep(5)
            peak = max(peak, worker_rss_mb(server.process))
            [values] = server.rpc(
                "property.golive.import", "read", [record_id],
                ["state", "progress", "job_failed_count", "summary"],
            )  # fmt: skip
            state = values["state"]
            if values["job_failed_count"]:
                print(f"failed jobs: {values['job_failed_count']}")
                break
            print(
                f"  {time.time() - start:7.0f} s  {values['progress']:5.1f} %  "
                f"worker RSS {peak:.0f} MB", flush=True,
            )  # fmt: skip
        wall, cpu = time.time() - start, server_cpu(server.process) - cpu_start
        invoices = server.rpc(
            "account.move", "search_count",
            [("property_golive_import_id", "=", record_id),
             ("move_type", "=", "out_invoice"), ("state", "=", "posted")],
        )  # fmt: skip
        print(
            f"apply: {state} in {wall:.0f} s wall, {cpu:.0f} s of the server's "
            f"CPU, largest worker {peak:.0f} MB, {invoices} opening invoices "
            f"posted; {values['summary'] if state == 'failed' else ''}"
        )
        return 0 if state == "applied" else 1
    finally:
        server.stop()
        database.drop()


if __name__ == "__main__":
    sys.exit(main())
