#!/usr/bin/env python3
"""Assemble each module's README.rst from its readme/ fragments.

    python3 tools/gen_readme.py [MODULE_DIR...]   (default: every module)

The fragments (readme/DESCRIPTION.md, optional CONFIGURE.md, USAGE.md) are
written in the subset of Markdown that is also valid reStructuredText
(bullets, numbered lists, **bold**, *italic*); the result is checked with
docutils and the script fails on any warning, so a broken README never
lands.
"""

import ast
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BADGE = """|license|

.. |license| image:: https://img.shields.io/badge/licence-LGPL--3-blue.png
    :target: http://www.gnu.org/licenses/lgpl-3.0-standalone.html
    :alt: License: LGPL-3
"""


def modules():
    for manifest in sorted(
        [*ROOT.glob("*/__manifest__.py"), *ROOT.glob("addons/*/__manifest__.py")]
    ):
        yield manifest.parent


def fragment(path):
    """A readme fragment; its ``## Headings`` become bold paragraphs (the
    README's section levels belong to the assembler)."""
    lines = []
    for line in path.read_text("utf-8").strip().splitlines():
        if line.startswith("## "):
            line = f"**{line[3:].strip()}**"
        lines.append(line)
    return "\n".join(lines) + "\n"


def assemble(module):
    manifest = ast.literal_eval((module / "__manifest__.py").read_text("utf-8"))
    name = manifest["name"]
    rule = "=" * len(name)
    parts = [
        f"{rule}\n{name}\n{rule}\n",
        "..\n   This file is assembled from the fragments in readme/ by\n"
        "   tools/gen_readme.py.\n",
        BADGE,
        fragment(module / "readme/DESCRIPTION.md"),
    ]
    parts.append("**Table of contents**\n\n.. contents::\n   :local:\n")
    configure = module / "readme/CONFIGURE.md"
    if configure.is_file():
        parts.append("Configuration\n=============\n\n" + fragment(configure))
    usage = module / "readme/USAGE.md"
    if usage.is_file():
        parts.append("Usage\n=====\n\n" + fragment(usage))
    parts.append(f"Credits\n=======\n\nAuthors\n-------\n\n* {manifest['author']}\n")
    return "\n".join(parts)


def check(text, module):
    from docutils.core import publish_doctree

    errors = io.StringIO()
    publish_doctree(
        text,
        settings_overrides={
            "warning_stream": errors,
            "report_level": 2,
            "halt_level": 5,
        },
    )
    if errors.getvalue():
        sys.exit(
            f"{module.name}/README.rst: reStructuredText problems:\n{errors.getvalue()}"
        )


def main(argv):
    targets = [Path(a).resolve() for a in argv] or list(modules())
    for module in targets:
        text = assemble(module)
        check(text, module)
        (module / "README.rst").write_text(text, "utf-8")
        print(f"{module.relative_to(ROOT)}/README.rst")


if __name__ == "__main__":
    main(sys.argv[1:])
