"""Spreadsheets the suite writes, with user text kept as text.

Every export of the suite (complaint analysis, billing-run preview, arrears,
collection report, apportionment, financial disclosure, KPI report, meter
import report) writes names, summaries and memos that tenants and staff
typed.  xlsxwriter turns a string that begins with ``=`` into a live formula
and one that looks like a URL into a hyperlink by default, so a service item
summarised ``=HYPERLINK("http://…","open me")`` would become a clickable
formula in the office's spreadsheet (formula injection).  The workbooks made
here write every string as a plain text cell; formulas are only ever written
on purpose (``write_formula``), never from data.  A csv file has no text
type: there, :func:`csv_safe_cell` quotes a cell that a spreadsheet program
would read as a formula.
"""

import xlsxwriter

# What a spreadsheet program takes as the start of a formula in a csv cell
# (OWASP "CSV injection"): = + - @, and tab / carriage return before them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def new_workbook(output):
    """An in-memory xlsxwriter workbook writing into ``output`` (a binary
    file object) whose strings are always text cells: never formulas, never
    hyperlinks."""
    return xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )


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
