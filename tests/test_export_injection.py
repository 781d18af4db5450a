"""Every spreadsheet export of the suite is proven to keep user text from
being a formula (formula / CSV injection).

The exports are found in the code, not listed by hand: any module file that
writes a workbook or a csv (``new_workbook(``, ``csv.writer(``, xlsxwriter
or openpyxl workbooks) must be in ``EXPORTS`` with the tests that push a
formula-like text (``=HYPERLINK(...)``, ``@SUM``, ``-``/``+`` starts)
through it, and each of those tests must still exist and check it
(``assert_text_not_formula`` or ``FORMULA_TEXT``).  A new export cannot ship
without its check; Odoo's own list export is covered by
property_tenant/tests/test_export.py.
"""

import ast
import re
from pathlib import Path

from odoo.tests import BaseCase, tagged

REPO = Path(__file__).resolve().parents[1]
# what writes a spreadsheet file
WRITER_RE = re.compile(
    r"new_workbook\(|csv\.writer\(|csv\.DictWriter\(|xlsxwriter\.Workbook\("
    r"|openpyxl\.Workbook\("
)
# what a test pushes through an export or checks of it
CHECK_RE = re.compile(r"assert_text_not_formula\(|FORMULA_TEXT")
# folders that hold no installable code
SKIPPED_PARTS = {"tests", "benchmarks", "tools", ".state", ".git"}

# export (the file that writes it) -> the tests that prove it, as
# "path::Class::method"
EXPORTS = {
    "property_tenant/spreadsheet.py": [
        "property_tenant/tests/test_spreadsheet.py::TestSpreadsheet"
        "::test_workbook_writes_strings_as_text",
        "property_tenant/tests/test_spreadsheet.py::TestSpreadsheet::test_csv_cells",
        "property_tenant/tests/test_spreadsheet.py::TestWriteTable"
        "::test_user_text_stays_text",
    ],
    "property_tenant/controllers/export.py": [
        "property_tenant/tests/test_export.py::TestListExport"
        "::test_xlsx_export_writes_names_as_text",
        "property_tenant/tests/test_export.py::TestListExport"
        "::test_csv_export_escapes_every_formula_start",
    ],
    "addons/property_golive/workbook.py": [
        "addons/property_golive/tests/test_golive_files.py::TestGoliveFiles"
        "::test_report_keeps_a_formula_name_as_text",
    ],
    "addons/property_management/models/property_management_dashboard.py": [
        "tests/test_kpi_dashboard.py::TestDashboard::test_xlsx_report_user_text",
    ],
    "property_helpdesk/wizards/property_complaint_export.py": [
        "property_helpdesk/tests/test_team.py::TestTeamViews"
        "::test_complaint_xlsx_export_user_text",
    ],
    "property_billing/models/property_billing_run.py": [
        "property_billing/tests/test_collection_rate.py::TestCollectionRate"
        "::test_run_preview_xlsx_user_text",
    ],
    "property_billing/models/property_financial_disclosure.py": [
        "property_billing/tests/test_disclosure.py::TestDisclosure"
        "::test_xlsx_export_user_text",
    ],
    "property_billing/models/property_shared_cost.py": [
        "property_billing/tests/test_shared_costs.py::TestSharedCostWorkflow"
        "::test_xlsx_export_user_text",
    ],
    "property_billing/wizards/property_arrears_export.py": [
        "property_billing/tests/test_dunning.py::TestDunning"
        "::test_arrears_export_user_text",
    ],
    "property_billing/wizards/property_collection_report_wizard.py": [
        "property_billing/tests/test_collection_rate.py::TestCollectionRate"
        "::test_collection_xlsx_user_text",
    ],
    "property_billing/wizards/property_meter_reading_import.py": [
        "property_billing/tests/test_meters.py::TestMeterReadingImport"
        "::test_import_report_user_text",
    ],
}


def export_files():
    """The module files of the repository that write a spreadsheet."""
    found = set()
    for path in REPO.rglob("*.py"):
        relative = path.relative_to(REPO)
        if SKIPPED_PARTS & set(relative.parts):
            continue
        if WRITER_RE.search(path.read_text(encoding="utf-8")):
            found.add(str(relative))
    return found


def method_source(test_id):
    """The source of the test method ``path::Class::method``, or None."""
    path, class_name, method = test_id.split("::")
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method:
                    return ast.get_source_segment(
                        (REPO / path).read_text(encoding="utf-8"), item
                    )
    return None


@tagged("post_install", "-at_install")
class TestExportInjection(BaseCase):
    # outside odoo.addons, Odoo cannot infer these
    test_module = "property_suite"

    def test_every_export_is_listed(self):
        self.assertEqual(
            sorted(export_files() | {"property_tenant/controllers/export.py"}),
            sorted(EXPORTS),
            "a file writes a spreadsheet without its formula-injection test "
            "in EXPORTS (or a listed export is gone)",
        )

    def test_every_listed_test_checks_user_text(self):
        for export, tests in EXPORTS.items():
            for test_id in tests:
                with self.subTest(export=export, test=test_id):
                    source = method_source(test_id)
                    self.assertIsNotNone(source, f"{test_id} does not exist")
                    self.assertRegex(source, CHECK_RE)
