"""Spreadsheets the suite writes: one declarative helper, user text kept as text.

Every export of the suite (complaint analysis, billing-run preview, arrears,
collection report, apportionment, financial disclosure, KPI report, meter
import report) is a few tables: an optional title and lines of facts, a
header row, one row per record, a totals row.  They are all written by
:meth:`Workbook.write_table` from a list of columns (title, kind, width)
and rows of plain values; the kind of a column gives its cell type and
number format (text, integer, number, money, percent, ratio, date,
datetime), so that the same figure looks the same in every export, and a
builder says what it exports, not where each cell goes.

Why our own helper rather than OCA ``report_xlsx``: ``report_xlsx`` only
changes how a workbook is delivered (an ``ir.actions.report`` of type xlsx
per export, a report class per export) while each report still places
its cells by hand with xlsxwriter; it adds a dependency and one report
record per export, replaces ``xlsxwriter.Workbook`` for the whole process
when imported, and opens its workbooks with xlsxwriter's default options
(``get_workbook_options`` returns ``{}``), which write a string beginning
with ``=`` as a live formula.  The exports here are downloaded from
buttons, portal routes and wizards that already exist; what they lacked
was one way to lay out a table.

Formula injection: names, summaries and memos that tenants and staff typed
are written in these workbooks.  xlsxwriter turns a string that begins
with ``=`` into a formula and one that looks like a URL into a hyperlink by
default, so a service item summarised ``=HYPERLINK("http://…","open me")``
would become a clickable formula in the office's spreadsheet.  The
workbooks made here write every string as a plain text cell; formulas are
never written from data.  A csv file has no text type: there,
:func:`csv_safe_cell` quotes a cell that a spreadsheet program would read
as a formula.
"""

import base64
from collections import namedtuple

import xlsxwriter

from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A column of a table: its header, its kind (a key of KINDS), its width in
# characters (None: the spreadsheet's default) and whether its cells are
# bold (a total per row).  A plain tuple (title, kind, width) works too.
Column = namedtuple("Column", "title kind width strong", defaults=("text", None, False))

# A cell that differs from its column: another kind (a fact of the head),
# bold, or in red (a figure below its target).
Cell = namedtuple("Cell", "value kind strong alert", defaults=(None, False, False))


class _Sum:
    """In a totals row: the sum of the column's values."""

    def __repr__(self):
        return "SUM"


SUM = _Sum()

# Kind -> (how the value is written, its format).  Percent is in percent
# points (98.5 means 98.5 %, the header says "(%)"); ratio is a fraction
# shown as a percentage (0.985 shows 98.5%).  "auto" lets xlsxwriter pick
# the type from the value (strings stay text: see Workbook).
KINDS = {
    "text": ("write_string", {}),
    "warning": ("write_string", {"text_wrap": True, "font_color": "#9C5700"}),
    "auto": ("write", {}),
    "integer": ("write_number", {}),
    "number": ("write_number", {"num_format": "#,##0.00##"}),
    "money": ("write_number", {"num_format": "#,##0.00"}),
    "percent": ("write_number", {"num_format": "0.00"}),
    "ratio": ("write_number", {"num_format": "0.00##%"}),
    "date": ("write_datetime", {"num_format": "yyyy-mm-dd"}),
    "datetime": ("write_datetime", {"num_format": "yyyy-mm-dd hh:mm"}),
    "title": ("write_string", {"bold": True, "font_size": 13}),
    "header": ("write_string", {"bold": True, "bg_color": "#DDEBF7", "border": 1}),
}


def _is_blank(value):
    return value is None or value is False or value == ""


class Workbook(xlsxwriter.Workbook):
    """An in-memory xlsx workbook of tables whose strings are always text
    cells: never formulas, never hyperlinks."""

    def __init__(self, output):
        super().__init__(
            output,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self._output = output
        self._styles = {}

    def content(self):
        """Close the workbook and return its bytes."""
        self.close()
        return self._output.getvalue()

    def _style(self, kind, strong, alert):
        key = (kind, strong, alert)
        if key not in self._styles:
            props = dict(KINDS[kind][1])
            if strong:
                props["bold"] = True
            if alert:
                props["font_color"] = "#C00000"
            self._styles[key] = self.add_format(props) if props else None
        return self._styles[key]

    def write_cell(self, sheet, row, col, value, kind="auto", strong=False):
        """Write ``value`` (a plain value or a :class:`Cell`) as ``kind``;
        None, False and "" leave the cell empty."""
        alert = False
        if isinstance(value, Cell):
            kind = value.kind or kind
            strong = strong or value.strong
            alert = value.alert
            value = value.value
        if _is_blank(value):
            return
        method, _props = KINDS[kind]
        if method == "write_string":
            value = str(value)
        getattr(sheet, method)(row, col, value, self._style(kind, strong, alert))

    def write_table(
        self,
        name,
        columns,
        rows,
        title=None,
        head=(),
        totals=None,
        freeze_columns=0,
        autofilter=False,
    ):
        """A worksheet ``name`` holding one table, and return it.

        From the top: ``title`` (bold, large), the ``head`` rows (lists of
        values: the facts of the export), an empty row if there was a title
        or a head, the header row (the titles of ``columns``, frozen), the
        ``rows`` (lists of values in the order of ``columns``) and the
        ``totals`` row (bold, its label in a text column; :data:`SUM` sums
        the column).  ``freeze_columns`` columns stay on screen beside the
        header; ``autofilter`` puts filters on the header."""
        columns = [Column(*column) for column in columns]
        rows = list(rows)
        sheet = self.add_worksheet(name)
        row = 0
        if title:
            self.write_cell(sheet, row, 0, title, "title")
            row += 1
        for line in head:
            for col, value in enumerate(line):
                self.write_cell(sheet, row, col, value)
            row += 1
        header = row + 1 if row else 0
        for col, column in enumerate(columns):
            self.write_cell(sheet, header, col, column.title, "header")
            if column.width:
                sheet.set_column(col, col, column.width)
        for row, line in enumerate(rows, header + 1):
            for col, (column, value) in enumerate(zip(columns, line, strict=False)):
                self.write_cell(sheet, row, col, value, column.kind, column.strong)
        last = header + len(rows)
        if totals is not None:
            for col, (column, value) in enumerate(zip(columns, totals, strict=False)):
                if value is SUM:
                    value = _column_sum(rows, col)
                self.write_cell(sheet, last + 1, col, value, column.kind, True)
        sheet.freeze_panes(header + 1, freeze_columns)
        if autofilter:
            sheet.autofilter(header, 0, last, len(columns) - 1)
        return sheet


def _column_sum(rows, col):
    values = [line[col] for line in rows if len(line) > col]
    values = [value.value if isinstance(value, Cell) else value for value in values]
    # rounded past any currency's decimals: no float noise in the file
    return round(sum(value for value in values if not _is_blank(value)), 6)


def new_workbook(output):
    """An in-memory :class:`Workbook` writing into ``output`` (a binary file
    object, e.g. ``io.BytesIO()``) whose strings are always text cells."""
    return Workbook(output)


def download_action(record, filename, content):
    """The action downloading ``content`` (xlsx bytes) as ``filename``.  A
    wizard keeps the file in its own ``file``/``filename`` fields (it goes
    with the wizard); a business record keeps it as an attachment, so that
    what was exported stays on it."""
    record.ensure_one()
    if record._transient:
        record.write({"file": base64.b64encode(content), "filename": filename})
        url = (
            f"/web/content/?model={record._name}&id={record.id}&field=file"
            f"&filename_field=filename&download=true"
        )
    else:
        attachment = record.env["ir.attachment"].create(
            {
                "name": filename,
                "datas": base64.b64encode(content),
                "res_model": record._name,
                "res_id": record.id,
                "mimetype": XLSX_MIMETYPE,
            }
        )
        url = f"/web/content/{attachment.id}?download=true"
    return {"type": "ir.actions.act_url", "target": "self", "url": url}


def xlsx_response(content, filename):
    """The HTTP response of a controller downloading ``content`` (xlsx
    bytes) as ``filename``."""
    return request.make_response(
        content,
        headers=[
            ("Content-Type", XLSX_MIMETYPE),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(filename)),
        ],
    )


# What a spreadsheet program takes as the start of a formula in a csv cell
# (OWASP "CSV injection"): = + - @, and tab / carriage return before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe_cell(value):
    """``value`` for a csv cell: a string that a spreadsheet program would
    run as a formula gets a leading apostrophe (shown as text); numbers and
    other strings are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_unquote(text):
    """The text of a csv cell written by :func:`csv_safe_cell`: the
    apostrophe before a formula start is dropped again, so that a report
    corrected and imported again reads as the original file did."""
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def csv_safe_rows(rows):
    """Rows (lists of cells) with every cell passed through
    :func:`csv_safe_cell`."""
    return [[csv_safe_cell(value) for value in row] for row in rows]
