import base64
import io
import zipfile

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.property_tenant.tests.spreadsheet_checks import FORMULA_TEXT

from ..sheets import SHEETS
from ..workbook import read_tables, template_content
from .common import GoliveCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15")
class TestGoliveFiles(GoliveCase):
    def test_template(self):
        content = template_content()
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        self.assertEqual(
            book.sheetnames, [f"{s.zh} {s.en}" for s in SHEETS] + ["说明 Rules"]
        )
        rows = list(book["历史欠费 Arrears"].iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("项目编码", "单元编码", "租户名称"))
        self.assertEqual(rows[1][:3], ("Site Code", "Unit Code", "Tenant"))
        self.assertTrue(rows[2][0].startswith("# "))
        self.assertEqual(rows[3][5], "2026-09")
        # the rules and example rows are not imported
        tables = read_tables(content)
        self.assertEqual(
            {key: rows for key, (_h, rows) in tables.items()},
            {sheet.key: [] for sheet in SHEETS},
        )
        action = self._import().action_download_template()
        self.assertIn("/web/content/", action["url"])

    def test_report_lists_every_row(self):
        tables = self.tables()
        tables["arrears"][1]["amount"] = 0
        record = self._import(tables)
        record.action_dry_run()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(record.report_file)))
        summary, rows = book.worksheets
        by_sheet = {
            row[0]: row[1:6] for row in summary.iter_rows(min_row=2, values_only=True)
        }
        self.assertEqual(by_sheet["历史欠费 Arrears"], (3, 0, 0, 1, 1050.0 - 250.0))
        lines = list(rows.iter_rows(min_row=2, values_only=True))
        self.assertEqual(len(lines), 17)
        errors = [line for line in lines if line[2] == "error"]
        self.assertEqual([(e[0], e[1]) for e in errors], [("历史欠费 Arrears", 4)])
        self.assertIn("greater than zero", errors[0][3])

    def test_report_keeps_a_formula_name_as_text(self):
        """A tenant named like a formula in the file comes back as text in
        the import report, never as a formula or a link."""
        tables = self.tables()
        for rows in tables.values():
            for row in rows:
                if "tenant_name" in row:
                    row["tenant_name"] = FORMULA_TEXT
        record = self._import(tables)
        record.action_dry_run()
        content = base64.b64decode(record.report_file)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [
                archive.read(name)
                for name in archive.namelist()
                if name.startswith("xl/worksheets/")
            ]
        for xml in sheets:
            self.assertNotIn(b"<f>", xml)
            self.assertNotIn(b"<hyperlink", xml)
        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = [
            cell
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and "HYPERLINK" in cell.value
        ]
        self.assertTrue(cells, "the name is in the report")
        self.assertEqual({cell.data_type for cell in cells}, {"s"})

    def test_only_billing_managers_import(self):
        record = self._import()
        with self.assertRaises(AccessError):
            record.with_user(self.collector).read(["state"])
        with self.assertRaises(AccessError):
            self.env["property.golive.import"].with_user(self.collector).create(
                {"name": "x"}
            )

    def test_other_company_imports_are_hidden(self):
        other = self.env["res.company"].create({"name": "Test Other Property Co"})
        record = self._import()
        record.sudo().company_id = other
        self.assertFalse(
            self.env["property.golive.import"]
            .with_user(self.manager)
            .search([("id", "=", record.id)])
        )

    def test_preview_first_billing_run(self):
        record = self._import()
        record.action_dry_run()
        record.action_apply()
        site = self.env["property.site"].search([("code", "=", "GL")])
        action = site.action_golive_preview_billing()
        run = self.env["property.billing.run"].browse(action["res_id"])
        self.assertEqual((run.site_id, run.state), (site, "previewed"))
