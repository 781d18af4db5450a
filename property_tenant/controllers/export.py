"""Odoo's own list export (Export button: /web/export/xlsx, /web/export/csv)
kept from turning the suite's user text into formulas.

Staff export tenants, items and bills with Odoo's export; a tenant who calls
themselves ``=HYPERLINK("http://…","open me")`` must not become a live
formula in the office's spreadsheet.  Odoo writes an xlsx cell with
xlsxwriter's ``write``, which makes a formula of a string beginning with
``=`` (and a hyperlink of one that looks like a URL); its csv quotes a cell
beginning with ``=``, ``+`` or ``-`` but not ``@``, tab or carriage return.
Here every string of an xlsx export is a text cell, and a csv cell gets the
suite's escape (property_tenant/spreadsheet.py, OWASP's list); numbers stay
numbers in both.
"""

from odoo.addons.web.controllers.export import (
    CSVExport,
    ExcelExport,
    ExportXlsxWriter,
    GroupExportXlsxWriter,
)

from ..spreadsheet import csv_safe_cell


class _TextCellsMixin:
    """An export writer whose strings are always text cells."""

    def write(self, row, column, cell_value, style=None):
        if isinstance(cell_value, str):
            return self.worksheet.write_string(row, column, cell_value, style)
        return super().write(row, column, cell_value, style)


class TextExportXlsxWriter(_TextCellsMixin, ExportXlsxWriter):
    pass


class TextGroupExportXlsxWriter(_TextCellsMixin, GroupExportXlsxWriter):
    pass


class PropertyExcelExport(ExcelExport):
    def from_group_data(self, fields, columns_headers, groups):
        with TextGroupExportXlsxWriter(
            fields, columns_headers, groups.count
        ) as xlsx_writer:
            x, y = 1, 0
            for group_name, group in groups.children.items():
                x, y = xlsx_writer.write_group(x, y, group_name, group)
        return xlsx_writer.value

    def from_data(self, fields, columns_headers, rows):
        with TextExportXlsxWriter(fields, columns_headers, len(rows)) as xlsx_writer:
            for row_index, row in enumerate(rows):
                for cell_index, cell_value in enumerate(row):
                    xlsx_writer.write_cell(row_index + 1, cell_index, cell_value)
        return xlsx_writer.value


class PropertyCSVExport(CSVExport):
    def from_data(self, fields, columns_headers, rows):
        # Odoo quotes = + - itself; the suite's escape adds @, tab and CR
        # (a cell escaped here begins with an apostrophe: Odoo leaves it)
        rows = [[csv_safe_cell(value) for value in row] for row in rows]
        return super().from_data(fields, columns_headers, rows)
