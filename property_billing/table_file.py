"""Reading the table of an imported file (csv or xlsx) safely, as a stream.

The payment files of the banks and platforms (:mod:`.payment_file`) and the
meter-reading files are both a table whose header row names the columns,
sometimes below a few title or preamble rows.  This module is the one
reader of both importers; it refuses a file that cannot be a table before
anything is parsed, and hands the rows over one at a time so that a large
file costs memory for one row, not for the whole sheet.

What is refused, as a whole (:class:`TableFileError`, ``code``):

- ``empty``: no byte, or only blanks;
- ``xls``: an old Excel workbook (.xls, OLE2 container);
- ``wrong_type``: something else than a table (PDF, image, archive, binary
  data), whatever its name says; ``detail`` names what it is;
- ``named_csv``: an Excel workbook named .csv/.txt (the name and the
  content disagree: the user may have picked the wrong file);
- ``named_xlsx``: a text file named .xlsx/.xlsm;
- ``too_large``: an xlsx whose parts would inflate beyond
  :data:`MAX_XML_BYTES` or more than :data:`MAX_RATIO` times their packed
  size (a "zip bomb"), checked on the archive's directory before openpyxl
  opens it; the declared sizes are enforced while reading (zipfile stops
  at the declared size and fails on the checksum);
- ``unreadable``: a truncated or corrupt xlsx (also when that is found
  only while the rows are read), a csv that the csv module cannot split;
- ``encoding``: text that is neither UTF-8 (with or without BOM), UTF-16
  with BOM (Excel's "Unicode text") nor GB18030/GBK;
- ``no_header``: no header row in the first :data:`HEADER_SCAN_ROWS` rows
  of any visible sheet.

Workbooks are opened with ``read_only=True, data_only=True``: a formula
gives the value Excel computed and saved with it.  A formula saved without
its value (a file written by a program, never opened in Excel) is handed
over as an :class:`Uncomputed` cell, for the importer to refuse its row
with the reason.  Hidden sheets are skipped; the first visible sheet with a
header row is read.
"""

import codecs
import csv
import io
import re
import zipfile
import zlib
from itertools import chain, islice
from xml.etree.ElementTree import ParseError

HEADER_SCAN_ROWS = 40
# An xlsx may inflate to this many bytes in all (a 200,000-row bank
# statement is about 60 MB of sheet XML) ...
MAX_XML_BYTES = 512 * 1024 * 1024
# ... and none of its parts larger than a MiB to more than this many times
# its packed size (spreadsheet XML packs 5 to 30 times; a zip bomb
# thousands of times).
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024
CSV_DELIMITERS = (",", "\t", ";")
XLSX_NAMES = (".xlsx", ".xlsm")
TEXT_NAMES = (".csv", ".txt", ".tsv")
# First bytes of what people pick by mistake -> what it is.
SIGNATURES = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!", "RAR"),
    (b"7z\xbc\xaf", "7z"),
    (b"{\\rtf", "RTF"),
)
_CHUNK = 1024 * 1024
_DECODE_CHUNK = 64 * 1024
_NOT_BLANK = re.compile(rb"\S")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# What openpyxl and zipfile raise on a truncated or corrupt workbook.
_BROKEN_WORKBOOK = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    KeyError,
    EOFError,
    ValueError,
    TypeError,
    OSError,
)
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


class TableFileError(Exception):
    """The file as a whole cannot be read as a table; ``code`` says why
    (see the module's docstring) and ``detail`` adds what was found."""

    def __init__(self, code, detail=""):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


class Uncomputed(str):
    """A cell holding a formula saved without its value (the text is the
    formula, ``=B2*C2``)."""


def file_kind(content, filename=""):
    """``xlsx`` or ``csv`` from the first bytes of ``content``, checked
    against the extension of ``filename``; raise :class:`TableFileError`
    for anything else."""
    name = (filename or "").lower()
    start = len(codecs.BOM_UTF8) if content.startswith(codecs.BOM_UTF8) else 0
    if not _NOT_BLANK.search(content, start):
        raise TableFileError("empty")
    kind = _binary_kind(content)
    if content[:4] == b"\xd0\xcf\x11\xe0" or (name.endswith(".xls") and kind != "xlsx"):
        raise TableFileError("xls")
    if kind == "xlsx":
        if name.endswith(TEXT_NAMES):
            raise TableFileError("named_csv", name.rsplit(".", 1)[-1])
        return "xlsx"
    if kind:
        raise TableFileError("wrong_type", kind)
    if name.endswith(XLSX_NAMES):
        raise TableFileError("named_xlsx", name.rsplit(".", 1)[-1])
    return "csv"


def _binary_kind(content):
    """``xlsx``, what else the content is (``PDF``, ``ZIP``...) or ``""``
    for text."""
    if content[:4] == b"PK\x03\x04":
        return "xlsx" if b"xl/" in content[:_CHUNK] or _is_xlsx(content) else "ZIP"
    for magic, kind in SIGNATURES:
        if content.startswith(magic):
            return kind
    head = content[:4096]
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        return "binary"
    return ""


def _is_xlsx(content):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return any(name.startswith("xl/") for name in archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return True  # a broken workbook: refused as unreadable


def check_archive(content):
    """Refuse a truncated or corrupt xlsx, or one that would inflate too
    much (a zip bomb), from the archive's directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise TableFileError("unreadable", str(error)) from error
    total = 0
    for info in infos:
        total += info.file_size
        packed = max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * packed:
            raise TableFileError("too_large", info.filename)
    if total > MAX_XML_BYTES:
        raise TableFileError("too_large", "")


def text_encoding(content):
    """The encoding of a text file: BOM first, then UTF-8, then GB18030
    (the superset of GBK); checked on the whole file, chunk by chunk."""
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if content.startswith(_UTF16_BOMS):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(content), _DECODE_CHUNK):
                decoder.decode(content[start : start + _DECODE_CHUNK])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise TableFileError("encoding")


class Table:
    """The table of a file: ``format`` (csv or xlsx), ``header_number``
    and ``header`` (the header row, 1-based), ``mapping`` (what
    ``is_header`` said of it) and ``rows``, an iterator of
    ``(row number, [cells])`` after the header.  A context manager: the
    workbook is closed on exit."""

    def __init__(self, file_format, found, rows, close=None):
        self.format = file_format
        self.header_number, self.header, self.mapping = found
        self.rows = _guarded(rows)
        self._close = close

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self._close:
            self._close()
        return False


def open_table(content, filename, is_header, scan_rows=HEADER_SCAN_ROWS):
    """The :class:`Table` of ``content``; ``is_header(cells)`` returns a
    truthy mapping for the header row.  Raise :class:`TableFileError` when
    the file cannot be a table or has no header row."""
    if file_kind(content, filename) == "xlsx":
        return _open_workbook(content, is_header, scan_rows)
    return _open_text(content, is_header, scan_rows)


def _find_header(numbered_rows, is_header, scan_rows, seen):
    """``((number, header, mapping), rows after it)`` or ``None``; the
    first row that is not blank is added to ``seen`` (for the message)."""
    head = list(islice(numbered_rows, scan_rows))
    for index, (number, cells) in enumerate(head):
        if not seen and any(not _blank(cell) for cell in cells):
            seen.append(", ".join(str(c).strip() for c in cells if not _blank(c)))
        mapping = is_header(cells)
        if mapping:
            return (number, cells, mapping), chain(head[index + 1 :], numbered_rows)
    return None


def _blank(cell):
    return cell is None or str(cell).strip() == ""


def _no_header(seen):
    return TableFileError("no_header", seen[0] if seen else "")


def _guarded(rows):
    """``rows``, with what breaks while reading them (a truncated part of
    the workbook, a csv line the csv module refuses) raised as
    :class:`TableFileError`."""
    try:
        yield from rows
    except (csv.Error, *_BROKEN_WORKBOOK) as error:
        raise TableFileError("unreadable", str(error)) from error


def _open_text(content, is_header, scan_rows):
    encoding = text_encoding(content)
    seen = []
    for delimiter in CSV_DELIMITERS:
        stream = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
        rows = enumerate(csv.reader(stream, delimiter=delimiter), 1)
        try:
            found = _find_header(rows, is_header, scan_rows, seen)
        except csv.Error as error:
            raise TableFileError("unreadable", str(error)) from error
        if found:
            return Table("csv", *found)
    raise _no_header(seen)


def _open_workbook(content, is_header, scan_rows):
    import openpyxl  # noqa: PLC0415 - heavy, only for xlsx files

    check_archive(content)
    books, seen = [], []

    def close():
        for book in books:
            book.close()

    try:
        book = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True
        )
        books.append(book)
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            rows = enumerate(_sheet_rows(content, sheet, books), 1)
            found = _find_header(rows, is_header, scan_rows, seen)
            if found:
                return Table("xlsx", *found, close=close)
    except _BROKEN_WORKBOOK as error:
        close()
        raise TableFileError("unreadable", str(error)) from error
    close()
    raise _no_header(seen)


def _sheet_rows(content, sheet, books):
    """The rows of ``sheet`` as lists of values; where the sheet has
    formulas, a formula without a saved value is an :class:`Uncomputed`."""
    values = sheet.iter_rows(values_only=True)
    if not _has_formulas(content, sheet._worksheet_path):
        return (list(row) for row in values)
    import openpyxl  # noqa: PLC0415 - heavy, only for xlsx files

    formula_book = openpyxl.load_workbook(
        io.BytesIO(content), read_only=True, data_only=False
    )
    books.append(formula_book)
    formulas = formula_book[sheet.title].iter_rows(values_only=True)
    return (
        [
            Uncomputed(formula)
            if value is None and isinstance(formula, str) and formula[:1] == "="
            else value
            for value, formula in zip(row, formula_row, strict=False)
        ]
        + list(row[len(formula_row) :])
        for row, formula_row in zip(values, formulas, strict=False)
    )


def _has_formulas(content, path):
    """Whether the sheet part ``path`` holds a formula, read as a stream."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        with archive.open(path.lstrip("/")) as part:
            tail = b""
            while chunk := part.read(_CHUNK):
                if _FORMULA_TAG.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    return False


def error_message(env, error):
    """The translated message of a :class:`TableFileError`."""
    messages = {
        "empty": lambda: env._("The file is empty: choose the exported file again."),
        "xls": lambda: env._(
            "Old Excel workbooks (.xls) cannot be read: save the file as .xlsx "
            "or .csv and import it again."
        ),
        "wrong_type": lambda: env._(
            "This file is a %(kind)s file, not a table: export the data as "
            ".xlsx or .csv and import that file.",
            kind=error.detail,
        ),
        "named_csv": lambda: env._(
            "This file is named .%(extension)s but it is an Excel workbook: "
            "check that it is the right file, rename it .xlsx and import it "
            "again.",
            extension=error.detail,
        ),
        "named_xlsx": lambda: env._(
            "This file is named .%(extension)s but it is not an Excel workbook "
            "(it is text): check that it is the right file, save it as .xlsx "
            "or rename it .csv, and import it again.",
            extension=error.detail,
        ),
        "too_large": lambda: env._(
            "The Excel workbook would unpack to far more data than a table "
            "holds (a damaged or malicious file): it was not read. Export the "
            "data again as .xlsx or .csv."
        ),
        "unreadable": lambda: env._(
            "The file is not a readable xlsx workbook or csv file (it may be "
            "truncated or damaged: %(detail)s). Export it again and import the "
            "new file.",
            detail=error.detail or "-",
        ),
        "encoding": lambda: env._(
            "The text of the file is neither UTF-8, UTF-16 nor GBK: save it "
            "as csv (UTF-8) or xlsx and import it again."
        ),
    }
    message = messages.get(error.code)
    return message() if message else error.code
