"""Reading and writing the go-live workbook (plain values, no database).

The template and the dry-run report are written by the suite's one xlsx
helper (:mod:`odoo.addons.property_tenant.spreadsheet`); the upload is read
with openpyxl in read-only mode, so a file of 150,000 rows streams."""

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl

from odoo.addons.property_billing.table_file import TableFileError, check_archive
from odoo.addons.property_tenant.spreadsheet import new_workbook

from .sheets import SHEETS, col_title, sheet_title

PERIOD_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")
DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; ``args[0]`` names
    the expected shape (``date``, ``period``, ``number``, ``integer``)."""


def template_content():
    """The downloadable template: one sheet per kind with a Chinese and an
    English header row, a rules row and an example row (both start with
    ``#`` and are skipped on upload), and a sheet of rules."""
    output = io.BytesIO()
    book = new_workbook(output)
    for sheet in SHEETS:
        ws = book.add_worksheet(sheet_title(sheet))
        for index, col in enumerate(sheet.cols):
            ws.set_column(index, index, 18)
            book.write_cell(ws, 0, index, col.zh, "header")
            book.write_cell(ws, 1, index, col.en, "header")
            rule = ("*" if col.required else "") + (col.rule or "")
            book.write_cell(ws, 2, index, ("# " if not index else "") + rule, "warning")
            example = col.example
            if not index:
                example = f"# {example}"
            book.write_cell(ws, 3, index, example)
        ws.freeze_panes(2, 0)
    rows = [
        (sheet_title(sheet), col_title(col), "*" if col.required else "", col.rule)
        for sheet in SHEETS
        for col in sheet.cols
    ]
    book.write_table(
        "说明 Rules",
        [
            ("工作表 / Sheet", "text", 22),
            ("列 / Column", "text", 30),
            ("必填 / Required", "text", 10),
            ("规则 / Rule", "text", 60),
        ],
        rows,
        title="物业上线导入模板 / Go-live import template",
        head=[["以 # 开头的行不导入 / Rows starting with # are not imported."]],
    )
    return book.content()


def _header_map(sheet, cells):
    """{column key: index} when ``cells`` is a header row of ``sheet``."""
    names = {}
    for col in sheet.cols:
        for name in (col.zh, col.en, col_title(col)):
            names[name.strip().lower()] = col.key
    found = {}
    for index, cell in enumerate(cells):
        key = names.get(str(cell).strip().lower()) if cell is not None else None
        if key and key not in found:
            found[key] = index
    return found


def _find_sheet(book, sheet):
    for ws in book.worksheets:
        title = ws.title.strip().lower()
        if title in (sheet.zh.lower(), sheet.en.lower(), sheet_title(sheet).lower()):
            return ws
    return None


def read_tables(content):
    """``{sheet key: (header found, [(row number, {column key: raw value})])}``
    for the sheets present in the workbook; raises ValueError when the file
    is not an xlsx workbook, is damaged or would inflate too much (a zip
    bomb: checked from the archive's directory before openpyxl opens it)."""
    try:
        check_archive(content)
    except TableFileError as error:
        raise ValueError("not xlsx") from error
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ValueError("not xlsx") from error
    tables = {}
    try:
        for sheet in SHEETS:
            ws = _find_sheet(book, sheet)
            if ws is not None:
                tables[sheet.key] = _read_sheet(sheet, ws)
    finally:
        book.close()
    return tables


def _read_sheet(sheet, ws):
    header = None
    rows = []
    for number, cells in enumerate(ws.iter_rows(values_only=True), 1):
        if not any(cell not in (None, "") for cell in cells):
            continue
        first = cells[0]
        if isinstance(first, str) and first.lstrip().startswith("#"):
            continue
        mapping = _header_map(sheet, cells)
        if header is None or len(mapping) >= len(header):
            if len(mapping) >= max(2, len(sheet.cols) // 2):
                header = mapping
                continue
        if header is None:
            continue
        rows.append(
            (
                number,
                {
                    key: cells[index] if index < len(cells) else None
                    for key, index in header.items()
                },
            )
        )
    return header or {}, rows


def to_code(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def to_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_RE.match(str(value).strip())
    if not match:
        raise CellError("date")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise CellError("date") from error


def to_period(value):
    """The first day of the month ``YYYY-MM`` names."""
    if value in (None, ""):
        return None
    if isinstance(value, (datetime, date)):
        return date(value.year, value.month, 1)
    match = PERIOD_RE.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise CellError("period")
    return date(int(match.group(1)), int(match.group(2)), 1)


def to_number(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise CellError("number")
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", ""))
    except ValueError as error:
        raise CellError("number") from error


def to_integer(value):
    number = to_number(value)
    if number is None:
        return None
    if not float(number).is_integer():
        raise CellError("integer")
    return int(number)


CONVERTERS = {
    "code": to_code,
    "text": lambda value: "" if value is None else str(value).strip(),
    "date": to_date,
    "period": to_period,
    "number": to_number,
    "integer": to_integer,
}


def report_content(columns, rows, summary):
    """The dry-run report: a summary sheet and one sheet of every row."""
    output = io.BytesIO()
    book = new_workbook(output)
    book.write_table(summary["title"], summary["columns"], summary["rows"])
    book.write_table(
        summary["rows_title"], columns, rows, freeze_columns=3, autofilter=True
    )
    return book.content()


def workbook_content(tables):
    """A go-live workbook from ``{sheet key: [row dicts]}`` (demo, tests and
    the benchmark write their files with it)."""
    output = io.BytesIO()
    book = new_workbook(output)
    for sheet in SHEETS:
        ws = book.add_worksheet(sheet_title(sheet))
        for index, col in enumerate(sheet.cols):
            book.write_cell(ws, 0, index, col.zh, "header")
            book.write_cell(ws, 1, index, col.en, "header")
        for number, row in enumerate(tables.get(sheet.key, ()), 2):
            for index, col in enumerate(sheet.cols):
                value = row.get(col.key)
                if isinstance(value, date):
                    value = value.isoformat()
                book.write_cell(ws, number, index, value)
    return book.content()
