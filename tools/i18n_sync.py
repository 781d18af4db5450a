#!/usr/bin/env python3
"""Refresh a module's translation template and its zh_CN catalogue.

Usage: python3 tools/i18n_sync.py -d DB MODULE [MODULE ...] [--add FILE.json]

For each module: exports the template (``i18n/<module>.pot``) from database
DB, where the module must be installed and up to date (``-u``); rewrites
``i18n/zh_CN.po`` from it, keeping every existing translation and adding
the missing ones from ``--add`` (a JSON object ``{"English msgid": "中文"}``);
terms that no longer exist are dropped. Exits 1 and lists the msgids still untranslated
(the catalogue is written anyway, so that they can be filled in).

Run it from anywhere; Odoo must be importable (``python3 -c "import odoo"``).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parents[1]


def module_dir(name):
    for base in (REPO, REPO / "addons"):
        if (base / name / "__manifest__.py").is_file():
            return base / name
    sys.exit(f"i18n_sync: no module {name} in {REPO} or {REPO / 'addons'}")


def odoo_dir():
    out = subprocess.run(
        [sys.executable, "-c", "import odoo; print(odoo.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),
    )
    return Path(out.stdout.strip()).parent.parent


def export(db, name, target):
    root = odoo_dir()
    # addons/ before the repository root: Odoo attributes a code term to the
    # first addons path that contains its file (else "addons" is the module).
    addons = [root / "odoo" / "addons", root / "addons", REPO / "addons", REPO]
    subprocess.run(
        [
            sys.executable,
            str(root / "odoo-bin"),
            "--addons-path=" + ",".join(str(p) for p in addons if p.is_dir()),
            "-d",
            db,
            f"--i18n-export={target}",
            f"--modules={name}",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        check=True,
        cwd=tempfile.gettempdir(),
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )


def sync(db, name, added):
    path = module_dir(name)
    i18n = path / "i18n"
    i18n.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / f"{name}.pot"
        export(db, name, fresh)
        pot = polib.pofile(str(fresh))
    for entry in pot:
        # the repository root is an addons path too: the same file is also
        # listed as addons/addons/<module>/...
        entry.occurrences = [
            occ for occ in entry.occurrences if "addons/addons/" not in occ[0]
        ]
    pot.save(str(i18n / f"{name}.pot"))
    po_path = i18n / "zh_CN.po"
    known = {}
    header = None
    if po_path.is_file():
        old = polib.pofile(str(po_path))
        header = old.metadata
        known = {e.msgid: e.msgstr for e in old if not e.obsolete and e.msgstr}
    # existing translations win: --add only fills what is missing
    known = {**added, **known}
    po = polib.POFile()
    po.header = pot.header
    po.metadata = header or {
        **pot.metadata,
        "Language": "zh_CN",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    missing = []
    for entry in pot:
        entry.msgstr = known.get(entry.msgid, "")
        if not entry.msgstr:
            missing.append(entry.msgid)
        po.append(entry)
    po.save(str(po_path))
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--add", help="JSON file of new translations")
    args = parser.parse_args()
    added = {}
    if args.add:
        added = json.loads(Path(args.add).read_text(encoding="utf-8"))
    failed = False
    for name in args.modules:
        missing = sync(args.database, name, added)
        if missing:
            failed = True
            print(f"{name}: {len(missing)} untranslated:")
            for msgid in missing:
                print("  " + json.dumps(msgid, ensure_ascii=False))
        else:
            print(f"{name}: complete")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
