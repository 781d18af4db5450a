"""Hostile and broken input files (issue 16): every file of the corpus
(``corpus/``, see its README) goes through the real payment import and the
real meter-reading import; each row is accepted or refused with its reason
(in English and in Chinese), and a refused file writes nothing.

The contract of both importers, file by file: a file that cannot be a table
(empty, not what its name says, truncated, a zip bomb, no header, no data
row) is refused as a whole with one message and nothing is written; in a
readable file each row is imported or reported with its row number and
reason, and the good rows are imported (a payment file's new payments all
together, a meter file's readings each on its own).
"""

import base64
import csv
import functools
import io
import time
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import xlsxwriter

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import BaseCase, new_test_user, tagged

from ..payment_file import parse_file
from ..table_file import MAX_RATIO, TableFileError, file_kind
from .common import PropertyBillingCase
from .test_meters import MeterCase

CORPUS = Path(__file__).parent / "corpus"
SHEET = "xl/worksheets/sheet2.xml"  # the visible sheet of payments_merged.xlsx
YEAR_FIRST = (
    "(dates are read year first: 2026-11-05, 2026/11/5, 20261105, 2026年11月5日)"
)
# The payment corpus in its four encodings (the same rows, see
# corpus/make_corpus.py): row -> amount of the payment imported ...
PAYMENT_LINES = {2: 1234.50, 3: 826.80, 4: 1234.50, 5: 1000.0, 13: 300.0, 14: 300.0}
PAYMENT_DATES = {2: date(2026, 11, 5), 13: date(2026, 11, 6)}
# ... and the report of the other rows ({name}: the import's reference)
PAYMENT_REPORT = [
    f"Row 6: “05/11/2026” is not a date {YEAR_FIRST}; row not imported.",
    "Row 7: not an incoming payment ((50.00)); row not imported.",
    "Row 8: not an incoming payment (-20.00); row not imported.",
    "Row 9: the amount is zero; row not imported.",
    "Row 10: “一百元” is not an amount; row not imported.",
    "Row 11: “12.345” is not an amount; row not imported.",
    "Row 12: already imported ({name}, row 2); nothing created.",
]
PAYMENT_FILES = (
    "payments_gbk.csv",
    "payments_gb18030.csv",
    "payments_utf8_bom.csv",
    "payments_utf16.txt",
)
# Files refused as a whole by both importers -> their message.
REFUSED = {
    "empty.csv": "The file is empty",
    "blank.csv": "The file is empty",
    "old.xls": r"Old Excel workbooks \(\.xls\) cannot be read",
    "photo.png.csv": "This file is a PNG file, not a table",
    "report.pdf.xlsx": "This file is a PDF file, not a table",
    "text.csv.xlsx": r"named \.xlsx but it is not an Excel workbook \(it is text\)",
    "workbook.xlsx.csv": r"named \.csv but it is an Excel workbook",
    "truncated.xlsx": "not a readable xlsx workbook or csv file",
}


def corpus(name):
    return (CORPUS / name).read_bytes()


@functools.cache
def zip_bomb(inflated=64 * 1024 * 1024):
    """The corpus workbook whose sheet XML inflates to ``inflated`` bytes
    (blanks before its end tag: valid XML, packed a thousand times),
    written as a stream at run time."""
    source = corpus("payments_merged.xlsx")
    output = io.BytesIO()
    blanks = b" " * (1024 * 1024)
    with (
        zipfile.ZipFile(io.BytesIO(source)) as src,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != SHEET:
                dst.writestr(info.filename, data)
                continue
            head, tail = data.rsplit(b"</worksheet>", 1)
            with dst.open(info.filename, "w") as part:
                part.write(head)
                for _index in range(inflated // len(blanks)):
                    part.write(blanks)
                part.write(b"</worksheet>" + tail)
    return output.getvalue()


def declared_size(content, member, size):
    """``content`` (a zip) whose directory and local header say that
    ``member`` inflates to ``size`` bytes (what a crafted bomb declares)."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(member)
    data[info.header_offset + 22 : info.header_offset + 26] = size.to_bytes(4, "little")
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = int.from_bytes(data[entry + 28 : entry + 30], "little")
        if data[entry + 46 : entry + 46 + name_length] == member.encode():
            data[entry + 24 : entry + 28] = size.to_bytes(4, "little")
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    return bytes(data)


def damaged_workbook(header, row, count=500):
    """A workbook of ``count`` rows (``row(i)``) whose sheet is damaged
    near its end (its directory is intact: openpyxl opens it; the damage
    shows when the sheet is read)."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for index in range(count):
        sheet.write_row(index + 1, 0, row(index))
    book.close()
    data = bytearray(output.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    offset = info.header_offset
    name_length = int.from_bytes(data[offset + 26 : offset + 28], "little")
    extra_length = int.from_bytes(data[offset + 28 : offset + 30], "little")
    start = offset + 30 + name_length + extra_length
    for position in range(int(info.compress_size * 0.9), info.compress_size - 8):
        data[start + position] ^= 0x5A
    return bytes(data)


def big_csv(rows):
    """A bank statement of ``rows`` incoming payments, as bytes."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["交易日期", "金额", "付款人", "付款账号", "备注", "交易单号"])
    for i in range(rows):
        writer.writerow(
            [
                f"2026-11-{i % 28 + 1:02d}",
                f"{i % 5000 + 1}.{i % 100:02d}",
                f"租户{i % 9973}",
                f"6222{i:012d}",
                f"物业费 INV/2026/{i:05d}",
                f"TX{i:09d}",
            ]
        )
    return output.getvalue().encode("gbk")


@tagged("-at_install", "post_install")
class TestHostileFilesPure(BaseCase):
    def test_zip_bomb_refused_before_inflating(self):
        """A workbook whose sheet inflates a thousand times, and one whose
        directory declares 4 GB, are refused from the archive's directory,
        before anything is inflated."""
        bomb = zip_bomb()
        self.assertLess(len(bomb), 256 * 1024, "a bomb: small packed")
        crafted = declared_size(corpus("payments_merged.xlsx"), SHEET, 4_000_000_000)
        for content in (bomb, crafted):
            start = time.perf_counter()
            with self.assertRaises(TableFileError) as caught:
                parse_file(content, "bomb.xlsx")
            self.assertEqual(caught.exception.code, "too_large")
            self.assertLess(time.perf_counter() - start, 2.0)
        # a real workbook packs far less than the limit
        with zipfile.ZipFile(io.BytesIO(corpus("payments_merged.xlsx"))) as book:
            for info in book.infolist():
                self.assertLess(info.file_size, MAX_RATIO * info.compress_size)

    def test_file_kinds(self):
        """What a file is, from its bytes, against what its name says."""
        book = corpus("payments_merged.xlsx")
        self.assertEqual(file_kind(book, "bank.xls"), "xlsx", "Excel opens it too")
        self.assertEqual(file_kind(book, ""), "xlsx")
        self.assertEqual(file_kind("日期,金额\n".encode("gbk"), "bank"), "csv")
        word = io.BytesIO()
        with zipfile.ZipFile(word, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        for content, name, code, detail in (
            (word.getvalue(), "bank.xlsx", "wrong_type", "ZIP"),
            (b"\x00\x01\x02binary", "bank.csv", "wrong_type", "binary"),
            (b"\x1f\x8b\x08gzip", "bank.csv", "wrong_type", "gzip"),
            (b"<html><table>", "bank.xls", "xls", ""),
            (book, "bank.txt", "named_csv", "txt"),
        ):
            with self.subTest(name=name, code=code):
                with self.assertRaises(TableFileError) as caught:
                    file_kind(content, name)
                self.assertEqual(
                    (caught.exception.code, caught.exception.detail), (code, detail)
                )

    def test_large_file_streamed(self):
        """A large statement is read row by row: what parsing holds beyond
        the payments it returns stays small whatever the file's size (the
        whole-file reader held every row's cells: 11.6 MB more at 50,000
        rows, growing with the file).  200,000 rows: see
        benchmarks/billing/bench_payment_file.py."""
        content = big_csv(30000)
        tracemalloc.start()
        try:
            file_format, parsed = parse_file(content, "big.csv")
            retained, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertEqual((file_format, len(parsed["records"])), ("csv", 30000))
        self.assertEqual(parsed["records"][-1]["transaction"], "TX000029999")
        overhead = peak - retained
        self.assertLess(overhead, 3 * 1024 * 1024, f"{overhead} bytes over the result")


@tagged("-at_install", "post_install")
class TestHostilePaymentFiles(PropertyBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.finance = new_test_user(
            cls.env,
            login="pb_hostile_finance",
            groups="account.group_account_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.Line = cls.env["property.payment.import.line"]

    def _journal(self, code):
        return self.env["account.journal"].create(
            {"name": f"Test Bank {code}", "type": "bank", "code": code}
        )

    def _record(self, content, filename, journal):
        return (
            self.env["property.payment.import"]
            .with_user(self.finance)
            .create(
                {
                    "journal_id": journal.id,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )

    def _import(self, content, filename, journal, lang="en_US"):
        record = self._record(content, filename, journal)
        record.with_context(lang=lang).action_import()
        return record

    def test_encodings_row_by_row(self):
        """GBK, GB18030 (a name GBK cannot write), UTF-8 with BOM and
        Excel's UTF-16 "Unicode text" (tabs): the same rows give the same
        payments and the same reasons."""
        for index, name in enumerate(PAYMENT_FILES):
            with self.subTest(file=name):
                record = self._import(corpus(name), name, self._journal(f"HE{index}"))
                lines = record.line_ids
                self.assertEqual(
                    {line.row: line.amount for line in lines}, PAYMENT_LINES
                )
                for row, day in PAYMENT_DATES.items():
                    self.assertEqual(
                        lines.filtered(lambda x, r=row: x.row == r).date, day
                    )
                self.assertEqual(
                    record.report.splitlines(),
                    [line.format(name=record.name) for line in PAYMENT_REPORT],
                )
                self.assertEqual(
                    (
                        record.line_count,
                        record.duplicate_count,
                        record.error_count,
                        record.skipped_count,
                    ),
                    (6, 1, 3, 3),
                )
                payer = "𠮷野家" if name == "payments_gb18030.csv" else "张伟"
                self.assertEqual(lines.filtered(lambda x: x.row == 5).payer_name, payer)

    def test_reasons_in_chinese(self):
        record = self._import(
            corpus("payments_gbk.csv"), "流水.csv", self._journal("HEZH"), "zh_CN"
        )
        report = record.report.splitlines()
        self.assertEqual(
            report[0],
            "第 6 行：“05/11/2026”不是日期（日期须年在前：2026-11-05、2026/11/5、"
            "20261105、2026年11月5日）；该行未导入。",
        )
        self.assertEqual(report[1], "第 7 行：不是收款（(50.00)）；该行未导入。")
        self.assertEqual(report[3], "第 9 行：金额为零；该行未导入。")
        self.assertEqual(report[4], "第 10 行：“一百元”不是有效金额；该行未导入。")

    def test_against_earlier_imports(self):
        """The same payments exported again (another encoding, another
        name): every one is a duplicate, nothing is created."""
        journal = self._journal("HEDU")
        first = self._import(corpus("payments_gbk.csv"), "a.csv", journal)
        count = self.Line.search_count([])
        again = self._import(corpus("payments_utf16.txt"), "b.txt", journal)
        self.assertEqual((again.line_count, again.duplicate_count), (0, 7))
        self.assertEqual(self.Line.search_count([]), count)
        self.assertIn(
            f"Row 14: already imported ({first.name}, row 14); nothing created.",
            again.report.splitlines(),
        )

    def test_workbook_merged_titles_formulas_sheets(self):
        """Merged title rows above the header, date cells and serial days,
        a formula's saved value read, a formula without one refused, the
        hidden sheet and the extra sheet not read."""
        record = self._import(
            corpus("payments_merged.xlsx"), "流水.xlsx", self._journal("HEXL")
        )
        self.assertEqual(record.source_format, "xlsx")
        self.assertEqual(
            {line.row: (line.date, line.amount) for line in record.line_ids},
            {
                4: (date(2026, 11, 5), 1234.5),
                5: (date(2026, 11, 5), 200.0),
                7: (date(2026, 11, 5), 1234.5),
            },
        )
        self.assertEqual(
            record.report.splitlines(),
            [
                "Row 6: the formula “=B4+B5” was saved without its value: open "
                "the file in Excel, save it and import it again; row not imported.",
                "Row 8: the amount is zero; row not imported.",
                "Row 9: not an incoming payment (-5); row not imported.",
                "Row 10: “abc” is not an amount; row not imported.",
                "Row 11: not an incoming payment (（88.00）); row not imported.",
            ],
        )

    def test_refused_files_write_nothing(self):
        journal = self._journal("HERF")
        files = {name: corpus(name) for name in REFUSED}
        files["bomb.xlsx"] = zip_bomb(64 * 1024 * 1024)
        files["payments_header_only.csv"] = corpus("payments_header_only.csv")
        files["damaged.xlsx"] = damaged_workbook(
            ["交易日期", "金额", "交易单号"],
            lambda i: ["2026-11-05", 100 + i, f"D{i:06d}"],
        )
        expected = dict(
            REFUSED,
            **{
                "bomb.xlsx": "would unpack to far more data than a table holds",
                "payments_header_only.csv": "has a header row but no payment row",
                "damaged.xlsx": "not a readable xlsx workbook or csv file",
                "empty.csv": "Choose the payment file to import",
            },
        )
        for name, content in files.items():
            with self.subTest(file=name):
                record = self._record(content, name, journal)
                with self.assertRaisesRegex(UserError, expected[name]):
                    record.action_import()
                self.assertEqual(record.state, "draft")
                self.assertFalse(record.imported_on or record.line_ids)
        self.assertFalse(self.Line.search([("journal_id", "=", journal.id)]))
        record = self._record(corpus("report.pdf.xlsx"), "r.xlsx", journal)
        with self.assertRaisesRegex(UserError, "该文件是 PDF 文件，不是表格"):
            record.with_context(lang="zh_CN").action_import()


@tagged("-at_install", "post_install")
class TestHostileMeterFiles(MeterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")

    def _wizard(self, content, filename):
        return (
            self.env["property.meter.reading.import"]
            .with_user(self.collector)
            .create({"file": base64.b64encode(content), "filename": filename})
        )

    def _import(self, content, filename, lang="en_US"):
        wizard = self._wizard(content, filename)
        wizard.with_context(lang=lang).action_import()
        return wizard

    def _result_of(self, wizard):
        readings = {(r.meter_id.serial, r.date): r.value for r in wizard.reading_ids}
        report = {line.row: (line.status, line.message) for line in wizard.line_ids}
        return readings, report

    def test_encodings_row_by_row(self):
        for name in ("readings_gbk.csv", "readings_utf16.txt"):
            with self.subTest(file=name), self.env.cr.savepoint() as savepoint:
                wizard = self._import(corpus(name), name)
                readings, report = self._result_of(wizard)
                self.assertEqual(
                    readings,
                    {
                        ("T-W-101", date(2026, 11, 5)): 120.0,
                        ("T-W-201", date(2026, 11, 5)): 1234.5,
                        ("T-W-301", date(2026, 11, 5)): 123.5,
                        ("T-W-101", date(2026, 11, 30)): 130.0,
                    },
                )
                self.assertEqual(
                    report,
                    {
                        6: (
                            "error",
                            "05/11/2026 is not a date: write it year first, as "
                            "YYYY-MM-DD.",
                        ),
                        7: (
                            "error",
                            "-5 is not a reading: write the register value as a "
                            "number of zero or more.",
                        ),
                        8: (
                            "error",
                            "abc is not a reading: write the register value as a "
                            "number of zero or more.",
                        ),
                        9: ("duplicate", "Same reading as row 2."),
                        10: ("error", "No meter has the serial number T-W-999."),
                        11: (
                            "error",
                            "Row 3 has another reading of the same meter on the "
                            "same date.",
                        ),
                    },
                )
                self.assertEqual(
                    (wizard.created_count, wizard.duplicate_count, wizard.error_count),
                    (4, 1, 5),
                )
                savepoint.rollback()

    def test_reasons_in_chinese(self):
        wizard = self._import(corpus("readings_gbk.csv"), "抄表.csv", "zh_CN")
        report = {line.row: line.message for line in wizard.line_ids}
        self.assertEqual(
            report[6], "05/11/2026 不是日期：请按年在前的格式填写，如 YYYY-MM-DD。"
        )
        self.assertEqual(report[9], "与第 2 行读数相同。")
        # again: every reading already imported
        again = self._import(corpus("readings_utf16.txt"), "抄表.txt")
        self.assertEqual((again.created_count, again.duplicate_count), (0, 5))

    def test_workbook_merged_titles_formulas_sheets(self):
        wizard = self._import(corpus("readings_merged.xlsx"), "抄表.xlsx")
        readings, report = self._result_of(wizard)
        self.assertEqual(
            readings,
            {
                ("T-W-101", date(2026, 11, 5)): 120.0,
                ("T-W-201", date(2026, 11, 5)): 1234.5,
            },
        )
        self.assertEqual(
            report,
            {
                5: (
                    "error",
                    "=C3+C4 is a formula saved without its value: open the file "
                    "in Excel, save it and import it again.",
                )
            },
        )
        self.assertEqual(wizard.report_filename, "抄表-report.xlsx")

    def test_refused_files_write_nothing(self):
        Reading = self.env["property.meter.reading"]
        count = Reading.search_count([])
        # the wizard's file is required (not null): no empty file reaches it
        files = {name: corpus(name) for name in REFUSED if name != "empty.csv"}
        files["bomb.xlsx"] = zip_bomb(64 * 1024 * 1024)
        files["readings_header_only.xlsx"] = corpus("readings_header_only.xlsx")
        files["payments_gbk.csv"] = corpus("payments_gbk.csv")
        files["damaged.xlsx"] = damaged_workbook(
            ["表号", "抄表日期", "本次读数"],
            lambda i: ["T-W-101", f"2026-11-{i % 28 + 1:02d}", 1000 + i],
        )
        expected = dict(
            REFUSED,
            **{
                "bomb.xlsx": "would unpack to far more data than a table holds",
                "readings_header_only.xlsx": "has a header row but no reading",
                "payments_gbk.csv": "must name its columns.*Found: 交易日期",
                "damaged.xlsx": "not a readable xlsx workbook or csv file",
            },
        )
        for name, content in files.items():
            with self.subTest(file=name):
                wizard = self._wizard(content, name)
                with self.assertRefused(UserError, expected[name]):
                    wizard.action_import()
                self.assertEqual(wizard.state, "upload")
                self.assertFalse(wizard.line_ids or wizard.reading_ids)
        self.assertEqual(Reading.search_count([]), count)
        wizard = self._wizard(corpus("truncated.xlsx"), "抄表.xlsx")
        with self.assertRefused(UserError, "不是可读取的 xlsx 工作簿或 csv 文件"):
            wizard.with_context(lang="zh_CN").action_import()
