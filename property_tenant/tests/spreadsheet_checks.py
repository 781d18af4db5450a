"""What every export test checks of a workbook that holds user text."""

import io
import zipfile

import openpyxl

# A summary or name a tenant can type in the portal: a live formula with a
# link if a spreadsheet wrote it as a formula.
FORMULA_TEXT = '=HYPERLINK("http://evil.example","open me")'


def assert_text_not_formula(case, content, text=FORMULA_TEXT):
    """``content`` (xlsx bytes) holds ``text`` as a text cell, and no
    worksheet has a formula or a hyperlink."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                case.assertNotIn(b"<f>", xml, f"a formula in {name}")
                case.assertNotIn(b"<f ", xml, f"a formula in {name}")
                case.assertNotIn(b"<hyperlink", xml, f"a hyperlink in {name}")
    book = openpyxl.load_workbook(io.BytesIO(content))
    cells = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == text
    ]
    case.assertTrue(cells, f"{text!r} is written in the workbook")
    for cell in cells:
        case.assertEqual(cell.data_type, "s", f"{cell.coordinate} is text")
