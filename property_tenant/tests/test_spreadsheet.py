import csv
import io

from odoo.tests import BaseCase, tagged

from ..spreadsheet import csv_safe_cell, csv_safe_rows, csv_unquote, new_workbook
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
