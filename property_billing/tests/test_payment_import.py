import base64
import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, new_test_user, tagged

from ..payment_file import (
    PaymentFileError,
    fingerprints,
    map_columns,
    parse_amount,
    parse_date,
    parse_file,
    parse_rows,
    reference_in_text,
)
from .common import PropertyBillingCase

CSV_HEADER = "date,amount,payer,account,memo,transaction id\n"

STATEMENTS_DIR = Path(__file__).parent / "data" / "statements"
# What each sample statement holds (see data/statements): its encoding as the
# platform or bank exports it, the invoices its incoming rows pay, and the
# rows that are not payments with the reason given in the report.
SKIP_REASONS = {
    "not_incoming": "not an incoming payment",
    "refund": "a refund",
    "fee": "a fee charged by the bank or payment platform",
    "not_paid": "an order that was not paid",
}
STATEMENTS = {
    "wechat_trade_bill.csv": (
        "utf-8-sig",
        ["office", "home"],
        {4: "refund", 5: "not_paid"},
    ),
    "wechat_trade_bill_v2.csv": ("utf-8", ["shop"], {}),
    "wechat_fundflow_bill.csv": (
        "utf-8-sig",
        ["office"],
        {3: "fee", 4: "refund", 5: "not_incoming"},
    ),
    "alipay_account_statement.csv": (
        "gbk",
        ["shop"],
        {7: "fee", 8: "refund", 9: "not_incoming"},
    ),
    "alipay_trade_statement.csv": ("gbk", ["home"], {7: "refund"}),
    "bank_icbc.csv": ("gbk", ["shop", "office"], {5: "not_incoming"}),
    "bank_ccb.csv": ("xlsx", ["home"], {5: "not_incoming"}),
    "bank_abc.csv": ("gbk", ["shop"], {3: "not_incoming"}),
    "bank_boc.csv": ("gbk", ["home"], {3: "fee"}),
    "bank_cmb.csv": ("gbk", ["office"], {3: "fee"}),
}


@tagged("-at_install", "post_install")
class TestPaymentFilePure(BaseCase):
    def test_amounts(self):
        self.assertEqual(parse_amount("¥1,234.50"), Decimal("1234.50"))
        self.assertEqual(parse_amount("￥ 826.80 元"), Decimal("826.80"))
        self.assertEqual(parse_amount("+12"), Decimal("12"))
        self.assertEqual(parse_amount("(12.00)"), Decimal("-12.00"))
        self.assertEqual(parse_amount(409.58), Decimal("409.58"))
        self.assertIsNone(parse_amount(""))
        self.assertIsNone(parse_amount("/"))
        for bad in ("abc", "12.345", "1.2.3", "12-"):
            with self.assertRaises(ValueError, msg=bad):
                parse_amount(bad)

    def test_dates(self):
        march_5 = date(2026, 3, 5)
        for value in (
            "2026-03-05",
            "2026/3/5 14:22:31",
            "2026年3月5日",
            "20260305",
            "2026.03.05",
            datetime(2026, 3, 5, 9, 30),
            march_5,
            46086,  # Excel serial day
        ):
            self.assertEqual(parse_date(value), march_5, value)
        for bad in ("2026-13-05", "05/03/2026", "", None, "----"):
            self.assertIsNone(parse_date(bad), bad)

    def test_reference_in_memo(self):
        ref = "INV/2026/00012"
        for memo in (
            "INV/2026/00012",
            "物业费INV/2026/00012三月",
            "pay inv-2026-00012",
            "INV202600012",
            "inv 2026 00012, thanks",
        ):
            self.assertTrue(reference_in_text(ref, memo), memo)
        for memo in ("RINV/2026/00012", "INV/2026/000123", "INV/2026/0001", ""):
            self.assertFalse(reference_in_text(ref, memo), memo)

    def test_header_mapping(self):
        mapping = map_columns(
            ["交易时间", "交易对方", "商品", "收/支", "金额（元）", "交易单号", "备注"]
        )
        self.assertEqual(mapping["date"], 0)
        self.assertEqual(mapping["payer"], 1)
        self.assertEqual(mapping["amount"], 4)
        self.assertEqual(mapping["transaction"], 5)
        self.assertEqual(mapping["memo"], [2, 6], "every memo column is read")
        bank = map_columns(
            ["交易日期", "交易时间", "收入金额", "支出金额", "对方户名", "摘要"]
        )
        self.assertEqual(bank["date"], 0, "the date column before the time column")
        self.assertEqual((bank["amount"], bank["debit"]), (2, 3))
        self.assertIsNone(map_columns(["名称", "备注"]), "no date nor amount")
        with self.assertRaises(PaymentFileError) as caught:
            parse_rows([["foo", "bar"], ["1", "2"]])
        self.assertEqual(caught.exception.code, "no_header")

    def test_rows_and_fingerprints(self):
        rows = [
            ["对账单"],
            ["交易日期", "收入金额", "支出金额", "对方户名", "摘要", "流水号"],
            ["2026-03-05", "100.00", "", "张伟", "物业费", ""],
            ["2026-03-05", "100.00", "", "张伟", "物业费", ""],
            ["2026-03-06", "", "50.00", "供应商", "付款", ""],
            [None, None, None, None, None, None],
            ["2026-03-07", "abc", "", "李四", "", ""],
        ]
        parsed = parse_rows(rows)
        self.assertEqual([r["row"] for r in parsed["records"]], [3, 4])
        self.assertEqual(parsed["errors"], [(7, "bad_amount", "abc")])
        self.assertEqual(parsed["skipped"], [(5, "not_incoming", "50.00")])
        first, second = fingerprints(7, parsed["records"])
        self.assertNotEqual(first, second, "two identical rows are two payments")
        self.assertEqual(
            fingerprints(7, parsed["records"]),
            [first, second],
            "the same file gives the same fingerprints",
        )
        self.assertNotEqual(fingerprints(8, parsed["records"])[0], first, "journal")
        with_id = [dict(parsed["records"][0], transaction="TX1")]
        other_row = [dict(parsed["records"][0], transaction="TX1", memo="changed")]
        self.assertEqual(
            fingerprints(7, with_id),
            fingerprints(7, other_row),
            "a transaction id identifies the payment by itself",
        )

    def test_encodings(self):
        text = "日期,金额,付款人,备注\n2026-03-05,10.00,张伟,物业费\n"
        for encoded in (
            text.encode("utf-8"),
            text.encode("utf-8-sig"),
            text.encode("gbk"),
        ):
            file_format, parsed = parse_file(encoded, "bill.csv")
            self.assertEqual(file_format, "csv")
            self.assertEqual(parsed["records"][0]["payer"], "张伟")
        tabbed = text.replace(",", "\t").encode()
        self.assertEqual(len(parse_file(tabbed)[1]["records"]), 1)
        with self.assertRaises(PaymentFileError) as caught:
            parse_file(b"\xd0\xcf\x11\xe0rest", "old.xls")
        self.assertEqual(caught.exception.code, "xls")


@tagged("-at_install", "post_install")
class TestPaymentImport(PropertyBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance = new_test_user(
            cls.env,
            login="pb_finance",
            groups="account.group_account_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.journal = cls.env["account.journal"].create(
            {"name": "Test WeChat Pay", "type": "bank", "code": "TWXP"}
        )
        run = cls._run(date(2026, 3, 1))
        run.action_preview()
        run.action_generate()
        run.action_post()
        cls.march_run = run
        cls.inv_shop = run.move_ids.filtered(lambda m: m.partner_id == cls.tenant_c)
        cls.inv_office = run.move_ids.filtered(lambda m: m.partner_id == cls.tenant_a)
        cls.inv_home = run.move_ids.filtered(lambda m: m.partner_id == cls.tenant_b)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _import(self, content, filename="payments.csv", user=None, journal=None):
        if isinstance(content, str):
            content = content.encode()
        record = (
            self.env["property.payment.import"]
            .with_user(user or self.finance)
            .create(
                {
                    "journal_id": (journal or self.journal).id,
                    "file": base64.b64encode(content),
                    "filename": filename,
                }
            )
        )
        record.action_import()
        return record

    def _xlsx(self, rows):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(row)
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()

    def _payments(self):
        return self.env["account.payment"].search(
            [("journal_id", "=", self.journal.id)]
        )

    # ------------------------------------------------------------------
    # matching
    # ------------------------------------------------------------------
    def test_totals_of_the_world(self):
        self.assertEqual(
            (
                self.inv_shop.amount_total,
                self.inv_office.amount_total,
                self.inv_home.amount_total,
            ),
            (826.8, 409.58, 281.96),
        )

    def test_history_shows_bills_and_payments(self):
        """The fees' rows of a tenant's story: the bill and its payment, in
        the tenant's own history; not another tenant's bill."""
        self._import(
            CSV_HEADER + f"2026-03-10,409.58,Zhang Wei,,{self.inv_office.name},\n"
        )
        payment = self.inv_office.matched_payment_ids
        self.assertTrue(payment)
        rows = self.env["property.timeline"].timeline(
            occupancies=self.occ_office, portal=True
        )
        records = {(r["model"], r["res_id"]) for r in rows}
        self.assertIn(("account.move", self.inv_office.id), records)
        self.assertIn(("account.payment", payment.id), records)
        self.assertNotIn(("account.move", self.inv_shop.id), records)
        bill = next(
            r
            for r in rows
            if r["res_id"] == self.inv_office.id and r["model"] == "account.move"
        )
        self.assertIn("409.58", bill["detail"])

    def test_memo_reference_match(self):
        compact = self.inv_shop.name.replace("/", "")
        record = self._import(
            CSV_HEADER
            + f"2026-03-10,409.58,Someone Else,,物业费 {self.inv_office.name},TX-1\n"
            + f"2026-03-11,826.80,Another Payer,,{compact}三月,TX-2\n"
        )
        self.assertEqual(record.state, "done")
        self.assertEqual((record.line_count, record.reconciled_count), (2, 2))
        office, shop = record.line_ids.sorted("row")
        self.assertEqual(office.match_rule, "reference")
        self.assertEqual(office.invoice_ids, self.inv_office)
        self.assertEqual(office.partner_id, self.tenant_a)
        self.assertEqual(office.state, "reconciled")
        self.assertEqual(self.inv_office.payment_state, "paid")
        self.assertEqual(office.payment_id.amount, 409.58)
        self.assertEqual(office.payment_id.journal_id, self.journal)
        self.assertEqual(office.payment_id.date, date(2026, 3, 10))
        self.assertEqual(shop.invoice_ids, self.inv_shop, "separators may be dropped")
        self.assertEqual(self.inv_shop.payment_state, "paid")
        self.assertEqual(self.inv_home.payment_state, "not_paid")

    def test_payer_amount_match(self):
        self.env["res.partner.bank"].create(
            {"partner_id": self.tenant_c.id, "acc_number": "6222 0000 1111 2222"}
        )
        record = self._import(
            CSV_HEADER
            + "2026-03-12,281.96,Liu Fang,,,\n"
            + "2026-03-12,826.80,测试商户,6222000011112222,,\n"
            + "2026-03-12,409.57,Zhang Wei,,,\n"
        )
        home, shop, office = record.line_ids.sorted("row")
        self.assertEqual(home.match_rule, "payer_amount")
        self.assertEqual(home.invoice_ids, self.inv_home)
        self.assertEqual(self.inv_home.payment_state, "paid")
        self.assertEqual(shop.invoice_ids, self.inv_shop, "payer found by bank account")
        self.assertEqual(shop.state, "reconciled")
        self.assertEqual(office.state, "unmatched", "a cent off is not the amount")
        self.assertIn("No open invoice", office.note)
        self.assertEqual(self.inv_office.payment_state, "not_paid")
        self.assertEqual(record.state, "imported")
        self.assertEqual(record.to_match_count, 1)

    def test_ambiguous_then_matched_by_hand(self):
        april = self._run(date(2026, 4, 1))
        april.action_preview()
        april.action_generate()
        april.action_post()
        inv_home_april = april.move_ids.filtered(
            lambda m: m.partner_id == self.tenant_b
        )
        self.assertEqual(inv_home_april.amount_residual, 281.96)
        record = self._import(CSV_HEADER + "2026-04-03,281.96,Liu Fang,,,\n")
        line = record.line_ids
        self.assertEqual(line.state, "unmatched", "two open invoices of that amount")
        self.assertIn("Ambiguous", line.note)
        self.assertFalse(line.payment_id)

        action = line.with_user(self.finance).action_open_match()
        self.assertEqual(action["res_model"], "property.payment.match")
        wizard = (
            self.env["property.payment.match"]
            .with_user(self.finance)
            .with_context(**action["context"])
            .create({"invoice_ids": [Command.set(self.inv_home.ids)]})
        )
        self.assertEqual(wizard.residual_total, 281.96)
        self.assertEqual(wizard.difference, 0.0)
        wizard.action_confirm()
        self.assertEqual(line.state, "reconciled")
        self.assertEqual(line.match_rule, "manual")
        self.assertEqual(self.inv_home.payment_state, "paid")
        self.assertEqual(inv_home_april.payment_state, "not_paid")
        self.assertEqual(record.state, "done")

    def test_unmatched_queue(self):
        record = self._import(
            CSV_HEADER
            + "2026-03-15,500.00,Unknown Person,,deposit,\n"
            + "2026-03-15,20.00,Own Transfer,,internal,\n"
        )
        deposit, transfer = record.line_ids.sorted("row")
        self.assertEqual((deposit.state, transfer.state), ("unmatched", "unmatched"))
        self.assertIn("No customer found", deposit.note)
        queue = (
            self.env["property.payment.import.line"]
            .with_user(self.finance)
            .search(
                [
                    ("state", "in", ("unmatched", "matched")),
                    ("import_id", "=", record.id),
                ]
            )
        )
        self.assertEqual(queue, deposit | transfer)

        # a payment paying two invoices of one customer, above what is due
        april = self._run(date(2026, 4, 1))
        april.action_preview()
        april.action_generate()
        april.action_post()
        inv_office_april = april.move_ids.filtered(
            lambda m: m.partner_id == self.tenant_a
        )
        wizard = (
            self.env["property.payment.match"]
            .with_user(self.finance)
            .create(
                {
                    "line_id": deposit.id,
                    "invoice_ids": [
                        Command.set(self.inv_home.ids + inv_office_april.ids)
                    ],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "one customer"):
            wizard.action_confirm()
        wizard.invoice_ids = self.inv_office | inv_office_april
        self.assertEqual(wizard.difference, round(500.0 - 2 * 409.58, 2))
        wizard.invoice_ids = self.inv_office
        self.assertEqual(wizard.difference, 90.42)
        wizard.action_confirm()
        self.assertEqual(deposit.state, "reconciled")
        self.assertEqual(self.inv_office.payment_state, "paid")
        self.assertEqual(deposit.payment_id.amount, 500.0)
        self.assertEqual(
            self.tenant_a.commercial_partner_id.credit,
            round(409.58 - 90.42, 2),
            "the 90.42 paid above the invoice is the customer's credit",
        )

        ignore = (
            self.env["property.payment.ignore"]
            .with_user(self.finance)
            .with_context(**transfer.action_open_ignore()["context"])
            .create({"reason": "Transfer between own accounts"})
        )
        ignore.action_confirm()
        self.assertEqual(transfer.state, "ignored")
        self.assertEqual(transfer.ignore_reason, "Transfer between own accounts")
        self.assertEqual(record.state, "done")
        transfer.with_user(self.finance).action_reset()
        self.assertEqual(transfer.state, "unmatched")
        with self.assertRaisesRegex(UserError, "Cancel payment"):
            deposit.with_user(self.finance).action_reset()

    def test_bad_rows_reported(self):
        record = self._import(
            CSV_HEADER
            + "2026-03-10,409.58,Zhang Wei,,,\n"
            + "2026-02-30,100.00,Liu Fang,,,\n"
            + "2026-03-10,12.3.4,Liu Fang,,,\n"
            + "2026-03-10,-50.00,Refund,,,\n"
            + ",,,,,\n"
            + "2026-03-11,281.96,Liu Fang,,,\n"
        )
        self.assertEqual(
            (
                record.line_count,
                record.error_count,
                record.skipped_count,
                record.duplicate_count,
            ),
            (2, 2, 1, 0),
        )
        self.assertEqual(
            record.report.splitlines(),
            [
                "Row 3: “2026-02-30” is not a date (dates are read year first: "
                "2026-11-05, 2026/11/5, 20261105, 2026年11月5日); row not imported.",
                "Row 4: “12.3.4” is not an amount; row not imported.",
                "Row 5: not an incoming payment (-50.00); row not imported.",
            ],
        )
        self.assertEqual(sorted(record.line_ids.mapped("row")), [2, 7])
        self.assertEqual(record.reconciled_count, 2)

    def test_unreadable_file(self):
        with self.assertRaisesRegex(UserError, "No header row"):
            self._import("foo,bar\n1,2\n")
        with self.assertRaisesRegex(UserError, r"\.xls\)"):
            self._import(b"\xd0\xcf\x11\xe0 old excel", "bank.xls")
        sales = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        with self.assertRaisesRegex(ValidationError, "bank or cash journal"):
            self._import(CSV_HEADER, journal=sales)
        self.assertFalse(
            self.env["property.payment.import.line"].search(
                [("journal_id", "=", self.journal.id)]
            )
        )

    def test_wechat_csv_gbk_and_xlsx(self):
        wechat = (
            "微信支付账单明细,,,,,,,,,,\n"
            "微信昵称：[物业收费],,,,,,,,,,\n"
            "起始时间：[2026-03-01 00:00:00] "
            "终止时间：[2026-03-31 23:59:59],,,,,,,,,,\n"
            ",,,,,,,,,,\n"
            "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n"
            f"2026-03-08 09:12:00,转账,张伟,/,收入,￥409.58,零钱,已收钱,4200001\t,/,"
            f"{self.inv_office.name}\n"
            "2026-03-09 10:00:00,转账,供应商,/,支出,￥50.00,零钱,支付成功,"
            "4200002\t,/,/\n"
        )
        record = self._import(wechat.encode("gbk"), "微信支付账单.csv")
        self.assertEqual(record.source_format, "csv")
        self.assertEqual((record.line_count, record.skipped_count), (1, 1))
        line = record.line_ids
        self.assertEqual(line.payer_name, "张伟")
        self.assertEqual(line.transaction_ref, "4200001")
        self.assertEqual(line.date, date(2026, 3, 8))
        self.assertEqual(line.invoice_ids, self.inv_office)
        self.assertEqual(line.state, "reconciled")

        content = self._xlsx(
            [
                ["Bank statement 2026-03"],
                ["Date", "Amount", "Payer", "Payer Account", "Memo", "Transaction ID"],
                [datetime(2026, 3, 9, 11, 0), 281.96, "Liu Fang", None, None, 88001],
                [
                    datetime(2026, 3, 9, 12, 0),
                    "826.80",
                    "X",
                    None,
                    self.inv_shop.name,
                    88002,
                ],
            ]
        )
        record = self._import(content, "statement.xlsx")
        self.assertEqual(record.source_format, "xlsx")
        home, shop = record.line_ids.sorted("row")
        self.assertEqual(
            (home.row, home.transaction_ref, home.amount), (3, "88001", 281.96)
        )
        self.assertEqual(home.invoice_ids, self.inv_home)
        self.assertEqual(shop.invoice_ids, self.inv_shop)
        self.assertEqual(record.reconciled_count, 2)

    # ------------------------------------------------------------------
    # statements as platforms and banks export them
    # ------------------------------------------------------------------
    def _statement(self, name):
        """The sample statement ``name`` with this world's invoice numbers,
        encoded as its platform does (an xlsx with a merged title row for
        the bank that exports xlsx)."""
        encoding = STATEMENTS[name][0]
        text = (STATEMENTS_DIR / name).read_text(encoding="utf-8")
        for key in ("shop", "office", "home"):
            text = text.replace(f"{{{key}}}", getattr(self, f"inv_{key}").name)
        if encoding != "xlsx":
            return text.encode(encoding), name
        rows = list(csv.reader(io.StringIO(text)))
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(
                [
                    float(cell.replace(",", ""))
                    if re.fullmatch(r"[\d,]+\.\d\d", cell)
                    else cell or None
                    for cell in row
                ]
            )
        sheet.merge_cells(
            start_row=1, start_column=1, end_row=1, end_column=len(rows[2])
        )
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue(), name.replace(".csv", ".xlsx")

    def test_statement_formats(self):
        """Every sample statement: incoming payments matched and
        reconciled, refunds, fees and transfers out reported and not
        imported, preamble, footer and summary lines ignored (no error)."""
        for name, (_encoding, paid, skipped) in STATEMENTS.items():
            with self.subTest(statement=name), self.env.cr.savepoint() as savepoint:
                record = self._import(*self._statement(name))
                self.assertEqual(record.error_count, 0, record.report)
                self.assertEqual(record.line_count, len(paid), record.report)
                self.assertEqual(record.skipped_count, len(skipped), record.report)
                invoices = [getattr(self, f"inv_{key}") for key in paid]
                for line, invoice in zip(
                    record.line_ids.sorted("row"), invoices, strict=True
                ):
                    self.assertEqual(line.invoice_ids, invoice)
                    self.assertEqual(line.amount, invoice.amount_total)
                    self.assertEqual(line.state, "reconciled")
                    self.assertEqual(invoice.payment_state, "paid")
                report = (record.report or "").splitlines()
                self.assertEqual(len(report), len(skipped))
                for message, (row, reason) in zip(
                    report, sorted(skipped.items()), strict=True
                ):
                    self.assertTrue(message.startswith(f"Row {row}: "), message)
                    self.assertIn(SKIP_REASONS[reason], message)
                savepoint.rollback()

    def test_statement_formats_named_alike(self):
        """WeChat Pay's trade bill and fund-flow bill name a payment by the
        same id: importing both pays the invoice once."""
        first = self._import(*self._statement("wechat_trade_bill.csv"))
        self.assertEqual(first.reconciled_count, 2)
        second = self._import(*self._statement("wechat_fundflow_bill.csv"))
        self.assertEqual((second.line_count, second.duplicate_count), (0, 1))
        self.assertIn("already imported", second.report)
        self.assertEqual(len(self.inv_office.matched_payment_ids), 1)
        self.assertEqual(self.inv_office.amount_residual, 0.0)

    def test_reimport_creates_nothing(self):
        content = (
            CSV_HEADER
            + "2026-03-10,409.58,Zhang Wei,,,\n"
            + "2026-03-10,281.96,Liu Fang,,,TX-9\n"
            + "2026-03-10,5.00,Nobody,,,\n"
            + "2026-03-10,5.00,Nobody,,,\n"
        )
        first = self._import(content)
        self.assertEqual((first.line_count, first.duplicate_count), (4, 0))
        payments = self._payments()
        self.assertEqual(len(payments), 2)
        lines = self.env["property.payment.import.line"].search_count([])

        second = self._import(content, "payments (1).csv")
        self.assertEqual((second.line_count, second.duplicate_count), (0, 4))
        self.assertEqual(second.state, "done")
        self.assertFalse(second.line_ids)
        self.assertEqual(self._payments(), payments, "no payment registered twice")
        self.assertEqual(
            self.env["property.payment.import.line"].search_count([]), lines
        )
        self.assertIn(
            f"Row 2: already imported ({first.name}, row 2); nothing created.",
            second.report,
        )
        # the same transaction in another layout is still the same payment
        third = self._import(
            CSV_HEADER
            + "2026-03-10,281.96,LIU FANG,,paid,TX-9\n"
            + "2026-03-10,5.00,Nobody,,,\n"
            + "2026-03-10,5.00,Nobody,,,\n"
            + "2026-03-10,5.00,Nobody,,,\n"
        )
        self.assertEqual((third.line_count, third.duplicate_count), (1, 3))
        self.assertEqual(third.line_ids.row, 5, "only the third identical row is new")
        with self.assertRaisesRegex(UserError, "already imported"):
            first.action_import()

    def test_partially_paid_invoice(self):
        register = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=self.inv_office.ids)
            .create({"amount": 100.0, "payment_date": date(2026, 3, 5)})
        )
        register._create_payments()
        self.assertEqual(self.inv_office.amount_residual, 309.58)
        record = self._import(
            CSV_HEADER
            + "2026-03-20,309.58,Zhang Wei,,,\n"
            + f"2026-03-21,100.00,Anchor,,{self.inv_shop.name},\n"
        )
        office, shop = record.line_ids.sorted("row")
        self.assertEqual(office.match_rule, "payer_amount", "matched on what is left")
        self.assertEqual(self.inv_office.payment_state, "paid")
        self.assertEqual(shop.state, "reconciled")
        self.assertEqual(self.inv_shop.payment_state, "partial")
        self.assertEqual(self.inv_shop.amount_residual, 726.8)

    # ------------------------------------------------------------------
    # access
    # ------------------------------------------------------------------
    def test_access(self):
        record = self._import(
            CSV_HEADER + "2026-03-10,1.00,Nobody,,,\n", user=self.manager
        )
        self.assertEqual(record.line_count, 1, "billing managers import payments")
        for user in (self.collector, self.agent, self.portal_a):
            with self.assertRaises(AccessError):
                record.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                record.line_ids.with_user(user).read(["amount"])
        with self.assertRaises(AccessError):
            self._import(CSV_HEADER, user=self.collector)
        record.with_user(self.finance).read(["name"])
        with self.assertRaisesRegex(UserError, "reconciled cannot be deleted"):
            self._import(CSV_HEADER + "2026-03-10,281.96,Liu Fang,,,\n").with_user(
                self.finance
            ).unlink()
