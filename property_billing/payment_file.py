"""Reading the payment files that banks, WeChat Pay and Alipay export, on
plain values (R-FEE-5).

A file is a table (csv or xlsx) whose header row names the columns, in
English or in Chinese; exports often carry a few lines of preamble (account,
period, totals) before the header row, which is looked for in the first
:data:`HEADER_SCAN_ROWS` rows.  Every data row becomes a record
``{row, date, amount, payer, account, memo, transaction}`` or is reported
(with its row number, an error code and the offending value): nothing is
dropped silently.  The model translates the codes into messages.

Formats read (their column names are in :data:`HEADERS`)
---------------------------------------------------------
- WeChat Pay merchant trade bill (交易账单, "downloadbill"; old and new
  column sets: 总金额 or 应结订单金额) and fund-flow bill (资金账单): every
  value prefixed with a backtick, a summary block (总交易单数…,
  资金流水总笔数…) after the rows; refund rows (交易状态 REFUND) and fee
  rows (扣除交易手续费) are not payments.
- WeChat Pay personal bill (微信支付账单明细), with 收/支.
- Alipay account statement (账务明细) and trade statement (业务明细): GBK,
  ``#`` preamble and footer lines, cells padded with tabs, signed columns
  收入金额（+元）/支出金额（-元）, fee rows (收费, 服务费) and refunds.
- Statements of the corporate online banks (ICBC, CCB, ABC, BOC, CMB,
  BOCOM, …): 借方/贷方 columns or a signed amount or a 借/贷 flag, totals
  rows (合计) at the end.

Lines that begin with ``#`` are comments; a row that begins a summary
(:data:`SUMMARY_STARTS`) ends the table.  Rows that move money out or were
never paid are reported (``not_incoming``, ``refund``, ``fee``,
``not_paid``), never imported.

Fingerprint rule (documented for finance)
-----------------------------------------
A row with a transaction id (交易单号, 流水号) is identified by the journal
and that id.  A row without one is identified by the journal, date, amount,
payer name and account, memo, and by its occurrence among identical rows of
the file (the second identical row of a file is another payment; the same
file imported again yields the same fingerprints, so nothing new).
"""

import hashlib
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from odoo.addons.property_tenant.utils import normalize_header, parse_date

from .billing import CENT, cents
from .table_file import HEADER_SCAN_ROWS, TableFileError, Uncomputed, open_table

# Column names per field, most specific first (compared after
# :func:`normalize_header`).  "memo" collects every column it finds.
HEADERS = {
    "date": [
        "交易日期",
        "记账日期",
        "入账日期",
        "日期",
        "交易日",
        "交易时间",
        "发生时间",
        "记账时间",
        "入账时间",
        "完成时间",
        "付款时间",
        "交易创建时间",
        "创建时间",
        "transaction date",
        "booking date",
        "value date",
        "date",
    ],
    "amount": [
        "收入金额",
        "贷方发生额",
        "贷方金额",
        "收款金额",
        "收入",
        "金额",
        "交易金额",
        "应结订单金额",
        "商家实收",
        "实收金额",
        "总金额",
        "收支金额",
        "订单金额",
        "credit amount",
        "credit",
        "amount",
    ],
    "debit": [
        "支出金额",
        "借方发生额",
        "借方金额",
        "支出",
        "debit amount",
        "debit",
    ],
    "direction": [
        "收/支",
        "收支",
        "收支类型",
        "资金流向",
        "借贷标志",
        "借/贷",
        "借贷",
        "借贷方向",
        "交易方向",
        "direction",
    ],
    "payer": [
        "付款人",
        "付款人名称",
        "付款方",
        "付款方名称",
        "对方户名",
        "对方名称",
        "对方账户名",
        "交易对方",
        "对方单位名称",
        "对方单位",
        "对方账户名称",
        "收(付)方名称",
        "payer",
        "payer name",
        "counterparty",
        "name",
    ],
    "account": [
        "付款人账号",
        "付款账号",
        "对方账号",
        "对方帐号",
        "对方账户",
        "交易对方账号",
        "对方账户账号",
        "收(付)方账号",
        "收(付)方帐号",
        "payer account",
        "account number",
        "account",
    ],
    "memo": [
        "备注",
        "摘要",
        "附言",
        "用途",
        "商品",
        "商品名称",
        "商品说明",
        "商户订单号",
        "商户数据包",
        "附加数据",
        "交易用途",
        "交易摘要",
        "业务摘要",
        "业务凭证号",
        "memo",
        "remark",
        "remarks",
        "description",
        "narrative",
        "reference",
    ],
    # Where two exports of one platform name the same payment (WeChat Pay's
    # trade bill 微信订单号 and fund-flow bill 微信支付业务单号; Alipay's trade
    # statement 支付宝交易号 and account statement 业务流水号), they give it the
    # same id, so that importing both finds the second a duplicate.
    "transaction": [
        "交易单号",
        "交易流水号",
        "流水号",
        "交易号",
        "交易订单号",
        "微信订单号",
        "微信支付业务单号",
        "支付宝交易号",
        "业务流水号",
        "银行流水号",
        "账户明细编号-交易流水号",
        "账务流水号",
        "资金流水单号",
        "transaction id",
        "transaction",
    ],
    # what kind of movement a row is: every such column is read
    "kind": [
        "业务类型",
        "业务名称",
        "交易状态",
        "资金状态",
        "business type",
        "status",
    ],
}
# Columns read as a list of every column found, not the first one.
MULTI_COLUMNS = ("memo", "kind")

# Words of the kind columns (lower case, compared as substrings) that make a
# row something other than a tenant's payment, most telling first.
ROW_KINDS = [
    ("refund", ("退款", "refund")),
    ("fee", ("手续费", "服务费", "收费", "fee")),
    (
        "not_paid",
        (
            "notpay",
            "closed",
            "revoked",
            "payerror",
            "未支付",
            "交易关闭",
            "已关闭",
            "撤销",
            "失败",
        ),
    ),
]
# A row whose first cell begins so starts the summary after the rows
# (WeChat Pay's totals block, banks' totals rows): the table ends there.
SUMMARY_STARTS = (
    "总交易单数",
    "资金流水总笔数",
    "总笔数",
    "合计",
    "总计",
    "小计",
    "本页合计",
    "本页小计",
    "累计",
    "交易合计",
    "收入合计",
    "支出合计",
    "total",
    "subtotal",
)

INCOMING = {
    "收入",
    "收",
    "入",
    "贷",
    "来账",
    "credit",
    "cr",
    "in",
    "income",
    "incoming",
    "+",
}
OUTGOING = {
    "支出",
    "支",
    "出",
    "借",
    "往账",
    "debit",
    "dr",
    "out",
    "expense",
    "outgoing",
    "-",
}
# What exports write in an empty cell.
EMPTY_MARKS = {"/", "-", "--", "—", "n/a"}

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_ALNUM_RUN = re.compile(r"[0-9A-Za-z]+")


# The file as a whole cannot be read; ``code`` says why (one error for the
# reader of the file and for this parser).
PaymentFileError = TableFileError


_HEADERS = {
    field: [normalize_header(name) for name in names]
    for field, names in HEADERS.items()
}


def cell_text(value):
    """A cell as stripped text; integers stay integers (no ``.0``) and the
    marks exports put in empty cells are empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().strip("`'").strip()
    return "" if text.lower() in EMPTY_MARKS else text


def map_columns(header_row):
    """``{field: column index}`` (``memo``: list of indexes) of a header
    row, or ``None`` unless it names at least a date and an amount."""
    names = [normalize_header(cell) for cell in header_row]
    mapping = {}
    for field, synonyms in _HEADERS.items():
        if field in MULTI_COLUMNS:
            columns = [i for i, name in enumerate(names) if name in synonyms]
            if columns:
                mapping[field] = columns
            continue
        for synonym in synonyms:
            if synonym in names:
                mapping[field] = names.index(synonym)
                break
    if "date" not in mapping or "amount" not in mapping:
        return None
    return mapping


def find_header(rows):
    """``(index, mapping)`` of the header row among the first rows."""
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        mapping = map_columns(row)
        if mapping:
            return index, mapping
    raise PaymentFileError("no_header")


def parse_amount(value):
    """A cell as a Decimal to the cent (``¥1,234.50``, ``1234.5元``,
    ``(12.00)`` for a negative amount), ``None`` when empty, or raise
    ``ValueError`` when it is not an amount."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return cents(value)
    text = unicodedata.normalize("NFKC", cell_text(value))
    if not text:
        return None
    text = _SPACES.sub("", text)
    for mark in ("¥", "￥", "元", "rmb", "RMB", "cny", "CNY", ","):
        text = text.replace(mark, "")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text and text[0] in "+-":
        negative, text = negative or text[0] == "-", text[1:]
    if not _NUMBER.match(text):
        raise ValueError(value)
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(value) from error
    if amount != amount.quantize(CENT):
        raise ValueError(value)
    return -amount if negative else amount


def _direction(value):
    text = normalize_header(cell_text(value))
    if text in INCOMING:
        return "in"
    if text in OUTGOING:
        return "out"
    return "none" if text else ""


def _row_kind(texts):
    """``refund``, ``fee``, ``not_paid`` or ``""`` (a payment, as far as
    the kind columns tell) from the texts of a row's kind columns."""
    text = " ".join(texts).lower()
    for kind, words in ROW_KINDS:
        if any(word in text for word in words):
            return kind
    return ""


def _first_text(row):
    """The first non-empty cell of a row, as normalised text."""
    for value in row:
        text = cell_text(value)
        if text:
            return unicodedata.normalize("NFKC", text).lower()
    return ""


def parse_rows(rows):
    """The payments of a table given as a list of rows of cells (see
    :func:`parse_table`); the header row is looked for in the first rows."""
    header_index, mapping = find_header(rows)
    return parse_table(
        mapping,
        ((index + 1, rows[index]) for index in range(header_index + 1, len(rows))),
    )


def parse_file(content, filename=""):
    """``(format, parsed)`` of a payment file (csv or xlsx bytes), read as a
    stream by :func:`~.table_file.open_table` (see :func:`parse_table`)."""
    with open_table(content, filename, map_columns) as table:
        return table.format, parse_table(table.mapping, table.rows)


def parse_table(mapping, numbered_rows):
    """The payments of the rows ``(number, cells)`` after a header row
    whose columns are ``mapping``.

    Returns ``{"records": [...], "errors": [...], "skipped": [...]}``:
    records are dicts ``{row, date, amount, payer, account, memo,
    transaction}`` (``row`` is 1-based, as the user sees it); errors and
    skipped rows are ``(row, code, value)``.  Blank rows and comment lines
    (``#``) are no data; a summary row ends the table.  Codes:
    ``bad_date``, ``bad_amount``, ``formula`` (errors); ``not_incoming``,
    ``refund``, ``fee``, ``not_paid``, ``zero`` (not incoming payments,
    skipped)."""
    result = {"records": [], "errors": [], "skipped": []}
    for number, cells in numbered_rows:
        row = list(cells or [])
        first = _first_text(row)
        if not first or first.startswith("#"):
            continue
        if first.startswith(SUMMARY_STARTS):
            break
        bucket, entry = _parse_row(mapping, number, row)
        result[bucket].append(entry)
    return result


class _Refused(Exception):
    """A row that is not imported: ``bucket`` (errors or skipped), ``code``
    and the offending ``value``."""

    def __init__(self, bucket, code, value):
        super().__init__(bucket, code, value)
        self.bucket, self.code, self.value = bucket, code, value


def _parse_row(mapping, number, row):
    """``(bucket, entry)`` of a data row: ``("records", record)`` or
    ``("errors"|"skipped", (row, code, value))``."""

    def cell(field):
        column = mapping.get(field)
        return row[column] if column is not None and column < len(row) else None

    kind = _row_kind(cell_text(row[c]) for c in mapping.get("kind", []) if c < len(row))
    try:
        if kind:
            raise _Refused(
                "skipped", kind, cell_text(cell("amount")) or cell_text(cell("debit"))
            )
        amount = _incoming_amount(mapping, cell)
        day = _date(cell("date"))
    except _Refused as refused:
        return refused.bucket, (number, refused.code, refused.value)
    memo = " / ".join(
        text
        for text in (cell_text(row[c]) for c in mapping.get("memo", []) if c < len(row))
        if text
    )
    return "records", {
        "row": number,
        "date": day,
        "amount": amount,
        "payer": cell_text(cell("payer")),
        "account": cell_text(cell("account")),
        "memo": memo,
        "transaction": cell_text(cell("transaction")),
    }


def _incoming_amount(mapping, cell):
    """The amount of an incoming payment, or raise :class:`_Refused`."""
    value = cell("amount")
    if isinstance(value, Uncomputed):
        raise _Refused("errors", "formula", str(value))
    try:
        amount = parse_amount(value)
    except ValueError as error:
        raise _Refused("errors", "bad_amount", cell_text(value)) from error
    # a debit row: nothing (or 0.00, as some banks write) in the credit
    # column and an amount in the debit column
    if not amount and "debit" in mapping:
        try:
            debit = parse_amount(cell("debit"))
        except ValueError:
            debit = None
        if debit:
            raise _Refused("skipped", "not_incoming", cell_text(cell("debit")))
    if amount is None:
        raise _Refused("errors", "bad_amount", "")
    if _direction(cell("direction")) in ("out", "none") or amount < 0:
        raise _Refused("skipped", "not_incoming", cell_text(value))
    if not amount:
        raise _Refused("skipped", "zero", cell_text(value))
    return amount


def _date(value):
    """The date of a row, or raise :class:`_Refused`."""
    if isinstance(value, Uncomputed):
        raise _Refused("errors", "formula", str(value))
    day = parse_date(value)
    if not day:
        raise _Refused("errors", "bad_date", cell_text(value))
    return day


def _norm(text):
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def fingerprints(journal_id, records):
    """The fingerprint of each record, in order (see "Fingerprint rule"
    in this module's docstring)."""
    seen = {}
    result = []
    for record in records:
        if record["transaction"]:
            key = ("txn", str(journal_id), _norm(record["transaction"]))
        else:
            content = (
                "row",
                str(journal_id),
                record["date"].isoformat(),
                f"{record['amount']:.2f}",
                _norm(record["payer"]),
                _norm(record["account"]),
                _norm(record["memo"]),
            )
            seen[content] = seen.get(content, -1) + 1
            key = (*content, str(seen[content]))
        result.append(hashlib.sha256("\x1f".join(key).encode()).hexdigest())
    return result


def compact_reference(reference):
    """A reference without separators or case: ``INV/2026/00012`` is
    ``INV202600012``."""
    return "".join(_ALNUM_RUN.findall(reference or "")).upper()


def reference_in_text(reference, text):
    """Whether ``reference`` is written in ``text`` as a whole word, its
    separators optional or changed (``INV/2026/00012``, ``INV-2026-00012``,
    ``inv 2026 00012``, ``INV202600012``) but not as part of a longer one
    (``RINV/2026/00012``, ``INV/2026/000123``)."""
    runs = _ALNUM_RUN.findall(reference or "")
    if not runs or not text:
        return False
    pattern = (
        r"(?<![0-9A-Za-z])"
        + r"[\s/\\_.:\-]{0,2}".join(re.escape(run) for run in runs)
        + r"(?![0-9A-Za-z])"
    )
    return re.search(pattern, text, re.IGNORECASE) is not None
