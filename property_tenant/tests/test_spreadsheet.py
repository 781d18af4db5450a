import csv
import io
from datetime import date, datetime

import openpyxl

from odoo.tests import BaseCase, TransactionCase, tagged

from ..spreadsheet import (
    SUM,
    XLSX_MIMETYPE,
    Cell,
    Column,
    csv_safe_cell,
    csv_safe_rows,
    csv_unquote,
    download_action,
    new_workbook,
)
from .spreadsheet_checks import FORMULA_TEXT, assert_text_not_formula


@tagged("-at_install", "post_install")
class TestSpreadsheet(BaseCase):
    """User text in the suite's spreadsheets is text, never a formula."""

    def test_workbook_writes_strings_as_text(self):
        output = io.BytesIO()
        workbook = new_workbook(output)
        sheet = workbook.add_worksheet("Items")
        sheet.write(0, 0, FORMULA_TEXT)
        sheet.write_row(1, 0, ["http://evil.example", "+1+2", "@SUM(A1)"])
        workbook.close()
        assert_text_not_formula(self, output.getvalue())
        assert_text_not_formula(self, output.getvalue(), "http://evil.example")

    def test_the_check_fails_on_a_formula(self):
        """The check catches what xlsxwriter does by default."""
        import xlsxwriter  # noqa: PLC0415

        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        workbook.add_worksheet().write(0, 0, FORMULA_TEXT)
        workbook.close()
        with self.assertRaises(AssertionError):
            assert_text_not_formula(self, output.getvalue())

    def test_csv_cells(self):
        for text in (FORMULA_TEXT, "+86 138", "-1", "@cmd", "\t=1", "\r=1"):
            self.assertEqual(csv_safe_cell(text), "'" + text)
            self.assertEqual(csv_unquote(csv_safe_cell(text)), text)
        for value in ("张伟", "1-2", "a=b", "", 12, -3.5, None):
            self.assertEqual(csv_safe_cell(value), value)
        self.assertEqual(csv_unquote("'quoted'"), "'quoted'", "not a guard")
        output = io.StringIO()
        csv.writer(output).writerows(csv_safe_rows([["=1+1", 2], ["ok", "-x"]]))
        self.assertEqual(output.getvalue(), "'=1+1,2\r\nok,'-x\r\n")


def _cells(content, sheet_name):
    """{coordinate: cell} of the non-empty cells of a worksheet."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[sheet_name]
    return sheet, {
        cell.coordinate: cell
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }


@tagged("-at_install", "post_install")
class TestWriteTable(BaseCase):
    """The one table layout every export of the suite goes through."""

    def _table(self, **kwargs):
        workbook = new_workbook(io.BytesIO())
        workbook.write_table(
            "Fees",
            [
                ("Unit", "text", 12),
                ("Amount", "money"),
                Column("Rate (%)", "percent"),
                ("Share", "ratio"),
                ("Due", "date"),
                ("Count", "integer"),
                Column("Total", "money", strong=True),
            ],
            [
                [FORMULA_TEXT, 1234.5, 97.125, 0.25, date(2026, 3, 31), 2, 1.1],
                ["+A1", 0.1, Cell(99.0, alert=True), None, False, 0, 2.2],
                ["A-3", 0.2, None, 0.5, None, 1, ""],
            ],
            **kwargs,
        )
        return workbook.content()

    def test_user_text_stays_text(self):
        content = self._table(
            title=FORMULA_TEXT, head=[["Site", "@SUM(A1)"]], totals=["Total"]
        )
        assert_text_not_formula(self, content)
        assert_text_not_formula(self, content, "@SUM(A1)")
        assert_text_not_formula(self, content, "+A1")

    def test_negative_numbers_stay_numbers(self):
        """Only text is kept from being a formula: a negative amount is a
        number a spreadsheet sums, a text beginning with "-" is text."""
        workbook = new_workbook(io.BytesIO())
        workbook.write_table(
            "Refunds",
            [("Memo", "text"), ("Amount", "money"), ("Any", "auto")],
            [["-12.50 refund", -12.5, -3], ["=1+2", 4.0, "-x"]],
        )
        sheet = openpyxl.load_workbook(io.BytesIO(workbook.content())).active
        memo, amount, any_ = sheet[2]
        self.assertEqual((amount.value, amount.data_type), (-12.5, "n"))
        self.assertEqual((any_.value, any_.data_type), (-3, "n"))
        self.assertEqual((memo.value, memo.data_type), ("-12.50 refund", "s"))
        formula, _amount, dash = sheet[3]
        self.assertEqual((formula.value, formula.data_type), ("=1+2", "s"))
        self.assertEqual((dash.value, dash.data_type), ("-x", "s"))

    def test_layout_and_formats(self):
        content = self._table(autofilter=True)
        sheet, cells = _cells(content, "Fees")
        self.assertEqual(
            [cells[f"{col}1"].value for col in "ABCDEFG"],
            ["Unit", "Amount", "Rate (%)", "Share", "Due", "Count", "Total"],
        )
        self.assertTrue(cells["A1"].font.b, "the header is bold")
        self.assertEqual(sheet.freeze_panes, "A2", "the header stays on screen")
        self.assertEqual(sheet.auto_filter.ref, "A1:G4")
        self.assertEqual(sheet.column_dimensions["A"].width, 12.7109375)
        self.assertEqual(cells["B2"].value, 1234.5)
        self.assertEqual(cells["B2"].number_format, "#,##0.00")
        self.assertEqual(cells["C2"].value, 97.125)
        self.assertEqual(cells["C2"].number_format, "0.00", "percent points")
        self.assertEqual(cells["D2"].number_format, "0.00##%", "a fraction")
        self.assertEqual(cells["E2"].value, datetime(2026, 3, 31))
        self.assertEqual(cells["E2"].number_format, "yyyy-mm-dd")
        self.assertEqual(cells["F3"].value, 0, "zero is a figure, not a blank")
        self.assertTrue(cells["G2"].font.b, "a bold column")
        self.assertFalse(cells["B2"].font.b)
        self.assertEqual(cells["C3"].font.color.rgb, "FFC00000", "below target")
        for blank in ("D3", "E3", "C4", "G4"):
            self.assertNotIn(blank, cells, "None, False and '' leave a blank")

    def test_title_head_and_totals(self):
        content = self._table(
            title="Fees of March",
            head=[["Site", "Plaza"], [Cell("Currency", strong=True), "CNY"]],
            totals=["Total", SUM, None, SUM, None, SUM, 9.99],
            freeze_columns=1,
        )
        sheet, cells = _cells(content, "Fees")
        self.assertEqual(cells["A1"].value, "Fees of March")
        self.assertTrue(cells["A1"].font.b)
        self.assertEqual((cells["A2"].value, cells["B2"].value), ("Site", "Plaza"))
        self.assertFalse(cells["A2"].font.b)
        self.assertTrue(cells["A3"].font.b, "a bold fact")
        self.assertNotIn("A4", cells, "an empty row before the table")
        self.assertEqual(cells["A5"].value, "Unit", "the header")
        self.assertEqual(sheet.freeze_panes, "B6")
        self.assertEqual(cells["A9"].value, "Total")
        self.assertEqual(cells["B9"].value, 1234.8, "money summed, no float noise")
        self.assertEqual(cells["B9"].number_format, "#,##0.00")
        self.assertTrue(cells["B9"].font.b, "the totals are bold")
        self.assertNotIn("C9", cells)
        self.assertEqual(cells["D9"].value, 0.75)
        self.assertEqual(cells["F9"].value, 3)
        self.assertEqual(cells["G9"].value, 9.99, "a total given by the export")


@tagged("-at_install", "post_install")
class TestDownload(TransactionCase):
    def test_download_action_keeps_the_file_on_the_record(self):
        partner = self.env["res.partner"].create({"name": "Export Holder"})
        content = self._content()
        action = download_action(partner, "fees.xlsx", content)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        self.assertEqual(attachment.name, "fees.xlsx")
        self.assertEqual(attachment.raw, content)
        self.assertEqual(attachment.mimetype, XLSX_MIMETYPE)
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["url"], f"/web/content/{attachment.id}?download=true")

    def _content(self):
        workbook = new_workbook(io.BytesIO())
        workbook.write_table("Fees", [("Unit",)], [["A-1"]])
        return workbook.content()
