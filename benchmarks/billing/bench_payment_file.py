"""Benchmark of reading a large payment file (run on demand, not in CI).

Issue 16 ("a 200,000-row file, memory bounded").  Writes a bank statement of
N incoming payments (default 200,000) as GBK csv and as xlsx into a scratch
folder, then reads each with ``payment_file.parse_file`` (the reader of the
payment import: the file checked, then streamed row by row) in a process of
its own, and prints the time, the process's peak RSS and, with
``--tracemalloc``, what the parse held beyond the payments it returns.
``--whole`` adds the yardstick: the same rows first read into a list (as the
reader did before it streamed), then parsed.

Run from a directory without an ``odoo`` folder:
    cd /tmp && python3 REPO/benchmarks/billing/bench_payment_file.py \\
        --addons-path=/opt/odoo18/odoo/addons,/opt/odoo18/addons,REPO/addons,REPO

Measured on 2026-12-07 (2 shared cores, load ~6), 200,000 rows:

- GBK csv (15.3 MB): streamed 23.2 s, peak RSS +156 MB over the loaded
  process; whole 22.1 s, +218 MB;
- xlsx (7.2 MB, 70 MB of sheet XML): streamed 175 s, +176 MB; whole 173 s,
  +227 MB (openpyxl's read-only parser: about 1,100 rows a second here).

What stays is the 200,000 payments the import then creates (about 800 bytes
each); the rows themselves cost nothing beyond one row (csv) or openpyxl's
buffers (xlsx).  With ``--tracemalloc`` at 50,000 rows, what the parse held
beyond its result: csv 0.0 MB (the reader before this one: 11.6 MB), xlsx
4.1 MB (before: 9.3 MB), growing with the file before, not now.  The test
``test_hostile_files.py`` asserts the bound (3 MB) on 30,000 csv rows.
"""

import argparse
import csv
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HEADER = ["交易日期", "金额", "付款人", "付款账号", "备注", "交易单号"]


def rows(count):
    for i in range(count):
        yield [
            f"2026-11-{i % 28 + 1:02d}",
            f"{i % 5000 + 1}.{i % 100:02d}",
            f"租户{i % 9973}",
            f"6222{i:012d}",
            f"物业费 INV/2026/{i:05d}",
            f"TX{i:09d}",
        ]


def write_files(folder, count):
    import xlsxwriter  # noqa: PLC0415 - only where files are written

    paths = {"csv": folder / f"payments-{count}.csv"}
    with paths["csv"].open("w", encoding="gbk", newline="") as output:
        writer = csv.writer(output)
        writer.writerow(HEADER)
        writer.writerows(rows(count))
    paths["xlsx"] = folder / f"payments-{count}.xlsx"
    book = xlsxwriter.Workbook(str(paths["xlsx"]), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(rows(count), 1):
        row[1] = float(row[1])
        sheet.write_row(number, 0, row)
    book.close()
    return paths


def measure(path, addons_path, whole, trace):
    """In this process: read ``path`` and print one line of figures."""
    import odoo  # noqa: PLC0415 - the child process only
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config([f"--addons-path={addons_path}", "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()
    import openpyxl  # noqa: F401, PLC0415 - loaded before measuring

    from odoo.addons.property_billing import payment_file  # noqa: PLC0415
    from odoo.addons.property_billing.table_file import open_table  # noqa: PLC0415

    content = Path(path).read_bytes()

    def parse():
        if not whole:
            return payment_file.parse_file(content, path)
        with open_table(content, path, payment_file.map_columns) as table:
            everything = list(table.rows)
            return table.format, payment_file.parse_table(table.mapping, everything)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    file_format, parsed = parse()
    seconds = time.perf_counter() - start
    held = ""
    if trace:
        retained, peak = tracemalloc.get_traced_memory()
        held = f", held beyond the result {(peak - retained) / 2**20:.1f} MB"
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'whole' if whole else 'streamed'} {file_format}: "
        f"{len(parsed['records'])} payments, {len(content) / 2**20:.1f} MB file, "
        f"{seconds:.1f} s, peak RSS {after:.0f} MB (+{after - before:.0f} MB "
        f"over the loaded process){held}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--rows", type=int, default=200000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--whole", action="store_true", help="add the yardstick")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--whole-one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.addons_path, args.whole_one, args.tracemalloc)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench_payment_file_") as folder:
        paths = write_files(Path(folder), args.rows)
        for file_format in args.formats.split(","):
            for whole in (False, True) if args.whole else (False,):
                command = [
                    sys.executable,
                    __file__,
                    f"--addons-path={args.addons_path}",
                    f"--measure={paths[file_format]}",
                ]
                command += ["--whole-one"] if whole else []
                command += ["--tracemalloc"] if args.tracemalloc else []
                subprocess.run(command, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
