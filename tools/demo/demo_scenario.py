#!/usr/bin/env python3
"""Build the demo scenario (演示场景) into a database: Wanjia Plaza with twelve
months of activity at a realistic scale, through the apps' own flows.

The database must have property_management installed (e.g. by tools/run.sh).
The site with the given code (default WJ, the demo's Wanjia Plaza) is extended,
or created when the company has none.  Same seed and end date, same records.

Usage (from any directory where ``import odoo`` works):

    python3 tools/demo/demo_scenario.py -d DB
        [--scale 1.0] [--units N] [--items N] [--months 12] [--seed 2026]
        [--date-to YYYY-MM-DD] [--site-code WJ] [-c ODOO_CONF]
        [--addons-path PATHS] [--dry-run]

--scale 1.0 gives 400 units, about 2,400 desk items, 4,000 bills and their
payments (some ten minutes on two cores); --scale 0.1 a small site in a minute.
--dry-run builds, prints the figures and rolls everything back.

A tool run on demand (by tools/run.sh with PROPERTY_DEMO_SCENARIO=SCALE, the
benchmarks, the screenshots), not module demo data: the builder is
property_demo_scenario.py next to this script.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def default_addons_path():
    """Odoo's own addons, the repository root and its addons/ folder."""
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
    return ",".join([base, str(REPO), str(REPO / "addons")])


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument("--addons-path", help="default: Odoo's + this repository's")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--units", type=int, help="default: 400 × scale")
    parser.add_argument(
        "--items", type=int, help="desk items; default: 6 per unit-year"
    )
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--date-to", help="last day of activity; default: yesterday")
    parser.add_argument("--site-code", default="WJ")
    parser.add_argument(
        "--dry-run", action="store_true", help="roll back instead of committing"
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    # a folder named odoo in the working directory would shadow the package
    os.chdir("/tmp")
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    options = [
        f"--addons-path={args.addons_path or default_addons_path()}",
        "--log-handler=property_demo:INFO",
    ]
    if args.config:
        options.insert(0, f"--config={args.config}")
    else:
        options.append("--log-level=warn")
    odoo.tools.config.parse_config([*options, "-d", args.database])
    registry = Registry(args.database)
    if "property.management.kpi" not in registry:
        sys.exit(f"property_management is not installed in {args.database}")
    sys.path.insert(0, str(HERE))
    from property_demo_scenario import DemoScenario

    start = time.perf_counter()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        summary = DemoScenario(env).build(
            seed=args.seed,
            units=args.units,
            months=args.months,
            scale=args.scale,
            date_to=args.date_to,
            site_code=args.site_code,
            items=args.items,
        )
        kpis = env["property.management.kpi"].compute(
            [summary["site_id"]], summary["date_from"], summary["date_to"]
        )
        if args.dry_run:
            cr.rollback()
        else:
            cr.commit()
    seconds = time.perf_counter() - start
    done = "built and rolled back" if args.dry_run else "built"
    print(f"Demo scenario {done} in {seconds:.0f} s:")
    for key, value in summary.items():
        print(f"  {key:<22} {value}")
    print(f"Service targets {summary['date_from']} - {summary['date_to']}:")
    for kpi in kpis:
        value = "-" if kpi["value"] is None else f"{kpi['value']:.2f} %"
        print(
            f"  {kpi['code']:<22} {value:>9}  ({kpi['numerator']} / "
            f"{kpi['denominator']}, target {kpi['target']:g} %)"
        )


if __name__ == "__main__":
    main()
