import base64
import logging

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.base.models.res_bank import sanitize_account_number

from ..payment_file import (
    PaymentFileError,
    compact_reference,
    fingerprints,
    parse_rows,
    read_table,
    reference_in_text,
)

_logger = logging.getLogger(__name__)

IMPORT_STATES = [
    ("draft", "Draft"),
    ("imported", "To Match"),
    ("done", "Done"),
]

LINE_STATES = [
    ("unmatched", "Unmatched"),
    ("matched", "Matched"),
    ("reconciled", "Reconciled"),
    ("ignored", "Ignored"),
]

MATCH_RULES = [
    ("reference", "Invoice Reference in Memo"),
    ("payer_amount", "Payer and Exact Amount"),
    ("manual", "By Hand"),
]

# Lines are created and matched without a chatter message each: the import
# is their audit trail; a match by hand is logged on the line.
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
}

# A payer name shorter than this is not looked up approximately.
MIN_FUZZY_PAYER = 2
# An invoice reference shorter than this (once compacted) is never looked
# for in a memo: too many false hits.
MIN_REFERENCE = 5


class PropertyPaymentImport(models.Model):
    """A payment file exported from a bank, WeChat Pay or Alipay (R-FEE-5):
    its incoming payments become import lines, matched with open invoices
    and reconciled in the accounting; the others wait for finance."""

    _name = "property.payment.import"
    _description = "Payment File Import"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.sequence.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "property.payment.import"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        tracking=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Bank account, WeChat Pay or Alipay account the payments were "
        "received on (a bank or cash journal).",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True
    )
    file = fields.Binary(required=True, copy=False)
    filename = fields.Char()
    source_format = fields.Selection(
        [("csv", "CSV"), ("xlsx", "Excel (xlsx)")], readonly=True
    )
    imported_on = fields.Datetime(readonly=True, copy=False)
    state = fields.Selection(
        IMPORT_STATES,
        compute="_compute_state",
        store=True,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many(
        "property.payment.import.line", "import_id", string="Payments"
    )
    line_count = fields.Integer(
        string="Imported", readonly=True, copy=False, help="New payments imported."
    )
    duplicate_count = fields.Integer(
        string="Duplicates",
        readonly=True,
        copy=False,
        help="Rows already imported before (by this or another file).",
    )
    error_count = fields.Integer(
        string="Rows in Error",
        readonly=True,
        copy=False,
        help="Rows that could not be read (see the report).",
    )
    skipped_count = fields.Integer(
        string="Not Incoming",
        readonly=True,
        copy=False,
        help="Rows that are not incoming payments (outgoing transfers, "
        "refunds, bank and platform fees, unpaid orders, zero amounts): "
        "listed in the report, not imported.",
    )
    report = fields.Text(string="Import Report", readonly=True, copy=False)
    to_match_count = fields.Integer(compute="_compute_figures")
    reconciled_count = fields.Integer(compute="_compute_figures")
    ignored_count = fields.Integer(compute="_compute_figures")
    amount_total = fields.Monetary(compute="_compute_figures")

    @api.model
    def _sequence_company(self, vals):
        return self.env["res.company"].browse(
            vals.get("company_id") or self.env.company.id
        )

    @api.constrains("journal_id")
    def _check_journal_type(self):
        for record in self:
            if record.journal_id.type not in ("bank", "cash"):
                raise ValidationError(
                    self.env._(
                        "Payments are imported into a bank or cash journal (the "
                        "bank account, WeChat Pay or Alipay), not into %(journal)s.",
                        journal=record.journal_id.display_name,
                    )
                )

    @api.depends("journal_id", "company_id")
    def _compute_currency_id(self):
        for record in self:
            record.currency_id = (
                record.journal_id.currency_id or record.company_id.currency_id
            )

    @api.depends("imported_on", "line_ids.state")
    def _compute_state(self):
        open_lines = dict(
            self.env["property.payment.import.line"]._read_group(
                [
                    ("import_id", "in", self.ids),
                    ("state", "in", ("unmatched", "matched")),
                ],
                ["import_id"],
                ["__count"],
            )
        )
        for record in self:
            if not record.imported_on:
                record.state = "draft"
            else:
                record.state = "imported" if open_lines.get(record) else "done"

    def _compute_figures(self):
        groups = self.env["property.payment.import.line"]._read_group(
            [("import_id", "in", self.ids)],
            ["import_id", "state"],
            ["__count", "amount:sum"],
        )
        figures = {}
        for record, state, count, amount in groups:
            figures.setdefault(record, {})[state] = (count, amount)
        for record in self:
            by_state = figures.get(record, {})
            record.to_match_count = sum(
                by_state.get(state, (0, 0))[0] for state in ("unmatched", "matched")
            )
            record.reconciled_count = by_state.get("reconciled", (0, 0))[0]
            record.ignored_count = by_state.get("ignored", (0, 0))[0]
            record.amount_total = sum(amount for _count, amount in by_state.values())

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reconciled(self):
        if self.line_ids.filtered(lambda line: line.state == "reconciled"):
            raise UserError(
                self.env._(
                    "An import whose payments are reconciled cannot be deleted; "
                    "cancel the payments first."
                )
            )

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def action_import(self):
        """Read the file, create a line per new incoming payment, report
        the rest row by row, then match and reconcile what can be."""
        for record in self:
            if record.state != "draft":
                raise UserError(
                    self.env._(
                        "Import %(name)s was already imported; import the "
                        "file again in a new import to see its duplicates.",
                        name=record.name,
                    )
                )
            lines = record._import_file()
            lines._auto_match()
            record.message_post(body=record._summary())
        return True

    def action_match_again(self):
        """Match the lines still waiting (invoices may have been posted or
        paid since)."""
        self.line_ids.filtered(lambda line: line.state == "unmatched")._auto_match()
        return True

    def _file_error_message(self, error):
        messages = {
            "no_header": self.env._(
                "No header row with a date column and an amount column was "
                "found at the top of the file. Expected column names such as "
                "交易时间/日期 (date), 金额/收入金额 (amount), 付款人/对方户名 "
                "(payer), 备注/摘要/附言 (memo) and 交易单号/流水号 "
                "(transaction id), or date, amount, payer, memo, transaction "
                "id. WeChat Pay trade and fund-flow bills, Alipay account and "
                "trade statements and the statements of the corporate online "
                "banks are read as they are downloaded."
            ),
            "xls": self.env._(
                "Old Excel files (.xls) cannot be read: save the file as .xlsx "
                "or .csv and import it again."
            ),
            "encoding": self.env._(
                "The file is neither UTF-8 nor GBK text: save it as csv "
                "(UTF-8) or xlsx and import it again."
            ),
            "unreadable": self.env._(
                "The Excel file cannot be read (%(detail)s): save it again as "
                ".xlsx and import it again.",
                detail=error.detail,
            ),
        }
        return messages.get(error.code, error.code)

    def _row_message(self, row, code, value):
        if code == "bad_date":
            return self.env._(
                "Row %(row)s: “%(value)s” is not a date; row not imported.",
                row=row,
                value=value,
            )
        if code == "bad_amount" and value:
            return self.env._(
                "Row %(row)s: “%(value)s” is not an amount; row not imported.",
                row=row,
                value=value,
            )
        if code == "bad_amount":
            return self.env._(
                "Row %(row)s: the amount is missing; row not imported.", row=row
            )
        if code == "zero":
            return self.env._(
                "Row %(row)s: the amount is zero; row not imported.", row=row
            )
        if code == "refund":
            return self.env._(
                "Row %(row)s: a refund (%(value)s), not a payment; row not imported.",
                row=row,
                value=value,
            )
        if code == "fee":
            return self.env._(
                "Row %(row)s: a fee charged by the bank or payment platform "
                "(%(value)s), not a payment; row not imported.",
                row=row,
                value=value,
            )
        if code == "not_paid":
            return self.env._(
                "Row %(row)s: an order that was not paid (closed, revoked or "
                "failed, %(value)s); row not imported.",
                row=row,
                value=value,
            )
        return self.env._(
            "Row %(row)s: not an incoming payment (%(value)s); row not imported.",
            row=row,
            value=value,
        )

    def _import_file(self):
        """Create the lines of the file's new payments (all of them or none)
        and write the counts and the report; return the new lines."""
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("Choose the payment file to import."))
        try:
            file_format, rows = read_table(base64.b64decode(self.file), self.filename)
            parsed = parse_rows(rows)
        except PaymentFileError as error:
            raise UserError(self._file_error_message(error)) from error

        Line = self.env["property.payment.import.line"]
        records = parsed["records"]
        prints = fingerprints(self.journal_id.id, records)
        # fingerprints include the journal, which belongs to one company:
        # read them whatever the user's companies
        existing = {
            line.fingerprint: line
            for line in Line.sudo().search([("fingerprint", "in", prints)])
        }
        report, vals_list, seen = [], [], {}
        duplicates = 0
        for record, fingerprint in zip(records, prints, strict=True):
            previous = existing.get(fingerprint)
            if previous or fingerprint in seen:
                duplicates += 1
                report.append(
                    (
                        record["row"],
                        self.env._(
                            "Row %(row)s: already imported (%(reference)s, row "
                            "%(previous_row)s); nothing created.",
                            row=record["row"],
                            reference=previous.import_id.name
                            if previous
                            else self.name,
                            previous_row=previous.row
                            if previous
                            else seen[fingerprint],
                        ),
                    )
                )
                continue
            seen[fingerprint] = record["row"]
            vals_list.append(
                {
                    "import_id": self.id,
                    "row": record["row"],
                    "date": record["date"],
                    "amount": float(record["amount"]),
                    "payer_name": record["payer"],
                    "payer_account": record["account"],
                    "memo": record["memo"],
                    "transaction_ref": record["transaction"],
                    "fingerprint": fingerprint,
                }
            )
        for row, code, value in parsed["errors"] + parsed["skipped"]:
            report.append((row, self._row_message(row, code, value)))
        try:
            with self.env.cr.savepoint():
                lines = Line.with_context(**QUIET).create(vals_list)
        except psycopg2.IntegrityError as error:
            raise UserError(
                self.env._(
                    "Some of these payments were imported by someone else at "
                    "the same time. Import the file again: they will be "
                    "reported as duplicates."
                )
            ) from error
        self.write(
            {
                "source_format": file_format,
                "imported_on": fields.Datetime.now(),
                "line_count": len(lines),
                "duplicate_count": duplicates,
                "error_count": len(parsed["errors"]),
                "skipped_count": len(parsed["skipped"]),
                "report": "\n".join(message for _row, message in sorted(report))
                or False,
            }
        )
        return lines

    def _summary(self):
        self.ensure_one()
        return self.env._(
            "%(lines)s payments imported, %(duplicates)s duplicates, %(errors)s "
            "rows in error, %(skipped)s not incoming; %(reconciled)s reconciled, "
            "%(to_match)s to match.",
            lines=self.line_count,
            duplicates=self.duplicate_count,
            errors=self.error_count,
            skipped=self.skipped_count,
            reconciled=self.reconciled_count,
            to_match=self.to_match_count,
        )

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def _lines_action(self, states):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_payment_import_line_action"
        )
        action["domain"] = [("import_id", "=", self.id), ("state", "in", states)]
        action["context"] = {"create": False}
        return action

    def action_view_to_match(self):
        return self._lines_action(["unmatched", "matched"])

    def action_view_reconciled(self):
        return self._lines_action(["reconciled"])

    def action_view_ignored(self):
        return self._lines_action(["ignored"])


class PropertyPaymentImportLine(models.Model):
    """One incoming payment of an imported file: unmatched until an open
    invoice is found for it (automatically or by hand), reconciled once
    its payment is registered against the invoice(s), or ignored."""

    _name = "property.payment.import.line"
    _description = "Imported Payment"
    _inherit = ["mail.thread"]
    _order = "date desc, import_id desc, row"
    _check_company_auto = True
    _rec_names_search = ["payer_name", "memo", "transaction_ref"]

    import_id = fields.Many2one(
        "property.payment.import",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="import_id.company_id", store=True, index=True, precompute=True
    )
    journal_id = fields.Many2one(
        related="import_id.journal_id", store=True, precompute=True
    )
    currency_id = fields.Many2one(
        related="import_id.currency_id", store=True, precompute=True
    )
    row = fields.Integer(readonly=True, help="Row of the payment in the file.")
    date = fields.Date(required=True, readonly=True, index=True)
    amount = fields.Monetary(required=True, readonly=True)
    payer_name = fields.Char(string="Payer", readonly=True)
    payer_account = fields.Char(readonly=True)
    memo = fields.Char(readonly=True)
    transaction_ref = fields.Char(string="Transaction ID", readonly=True)
    fingerprint = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="Identifies the payment whatever file it comes in: the same "
        "payment is never imported twice.",
    )
    state = fields.Selection(
        LINE_STATES,
        default="unmatched",
        required=True,
        index=True,
        tracking=True,
    )
    match_rule = fields.Selection(MATCH_RULES, readonly=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, index="btree_not_null"
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "property_payment_import_line_move_rel",
        "line_id",
        "move_id",
        string="Invoices",
        readonly=True,
        copy=False,
    )
    payment_id = fields.Many2one(
        "account.payment",
        readonly=True,
        copy=False,
        tracking=True,
        ondelete="set null",
        index="btree_not_null",
    )
    ignore_reason = fields.Char(tracking=True, copy=False)
    note = fields.Char(
        readonly=True,
        copy=False,
        help="Why the payment is still to match, or why its reconciliation failed.",
    )

    _sql_constraints = [
        (
            "fingerprint_unique",
            "UNIQUE(fingerprint)",
            "This payment was already imported: the same payment is never "
            "imported twice.",
        ),
    ]

    @api.depends("date", "amount", "payer_name")
    def _compute_display_name(self):
        for line in self:
            amount = (
                line.currency_id.format(line.amount)
                if line.currency_id
                else f"{line.amount:.2f}"
            )
            parts = [
                line.date and fields.Date.to_string(line.date),
                amount,
                line.payer_name,
            ]
            line.display_name = " ".join(part for part in parts if part)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reconciled(self):
        if self.filtered(lambda line: line.state == "reconciled"):
            raise UserError(self.env._("A reconciled payment line cannot be deleted."))

    # ------------------------------------------------------------------
    # Automatic matching
    # ------------------------------------------------------------------
    def _open_invoice_domain(self, company, currency):
        return [
            ("company_id", "=", company.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("currency_id", "=", currency.id),
        ]

    def _find_by_reference(self):
        """``{line id: invoices}``: the open posted customer invoices of the
        line's company whose number (or payment reference) is written in the
        memo.  Candidates come from one query (references compared without
        separators), then each is checked as a whole word."""
        lines = self.filtered("memo")
        if not lines:
            return {}
        self.env["account.move"].flush_model(
            [
                "name",
                "payment_reference",
                "company_id",
                "move_type",
                "state",
                "payment_state",
                "currency_id",
            ]
        )
        self.flush_recordset(["memo", "company_id", "currency_id"])
        query = SQL(
            """
            WITH memo AS (
                SELECT id, company_id, currency_id,
                       regexp_replace(upper(memo), '[^A-Z0-9]', '', 'g') AS text
                  FROM property_payment_import_line
                 WHERE id IN %(line_ids)s
            ), reference AS (
                SELECT move.id AS move_id, move.company_id, move.currency_id,
                       regexp_replace(upper(ref.value), '[^A-Z0-9]', '', 'g') AS text
                  FROM account_move move
                 CROSS JOIN LATERAL (VALUES (move.name), (move.payment_reference))
                       AS ref(value)
                 WHERE move.company_id IN %(company_ids)s
                   AND move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.payment_state IN ('not_paid', 'partial')
                   AND ref.value IS NOT NULL
            )
            SELECT DISTINCT memo.id, reference.move_id
              FROM memo
              JOIN reference
                ON reference.company_id = memo.company_id
               AND reference.currency_id = memo.currency_id
               AND length(reference.text) >= %(min_length)s
               AND strpos(memo.text, reference.text) > 0
            """,
            line_ids=tuple(lines.ids),
            company_ids=tuple(lines.company_id.ids),
            min_length=MIN_REFERENCE,
        )
        self.env.cr.execute(query)
        candidates = {}
        for line_id, move_id in self.env.cr.fetchall():
            candidates.setdefault(line_id, []).append(move_id)
        moves = self.env["account.move"].search(
            [("id", "in", [move_id for ids in candidates.values() for move_id in ids])]
        )
        result = {}
        for line in lines:
            found = moves.browse(candidates.get(line.id, [])) & moves
            found = found.filtered(
                lambda move, memo=line.memo: any(
                    len(compact_reference(ref)) >= MIN_REFERENCE
                    and reference_in_text(ref, memo)
                    for ref in (move.name, move.payment_reference)
                    if ref
                )
            )
            if found:
                result[line.id] = found
        return result

    def _payer_partners(self):
        """Commercial partners the payer may be: by bank account, else by
        exact name or reference, else by name containing the payer's."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        partners = Partner
        account = sanitize_account_number(self.payer_account)
        if account:
            partners = (
                self.env["res.partner.bank"]
                .search(
                    [
                        ("sanitized_acc_number", "=", account),
                        *self.env["res.partner.bank"]._check_company_domain(
                            self.company_id
                        ),
                    ]
                )
                .partner_id
            )
        name = (self.payer_name or "").strip()
        if not partners and name:
            partners = Partner.search(
                [
                    "|",
                    ("name", "=ilike", name.replace("%", r"\%").replace("_", r"\_")),
                    ("ref", "=", name),
                ]
            )
        if not partners and len(name) >= MIN_FUZZY_PAYER:
            partners = Partner.search([("name", "ilike", name)], limit=100)
        return partners.commercial_partner_id

    def _find_by_payer_amount(self):
        """``(invoices, note)``: the one open invoice of the payer whose
        amount due is exactly the amount paid, or why there is none."""
        self.ensure_one()
        partners = self._payer_partners()
        if not partners:
            return (
                self.env["account.move"],
                self.env._(
                    "No customer found for payer “%(payer)s”.",
                    payer=self.payer_name or "",
                ),
            )
        invoices = self.env["account.move"].search(
            [
                *self._open_invoice_domain(self.company_id, self.currency_id),
                ("commercial_partner_id", "in", partners.ids),
                ("amount_residual", "=", self.amount),
            ]
        )
        if len(invoices) == 1:
            return invoices, False
        if not invoices:
            return invoices, self.env._(
                "No open invoice of %(amount)s for %(partners)s.",
                amount=self.currency_id.format(self.amount),
                partners=", ".join(partners[:5].mapped("display_name")),
            )
        return self.env["account.move"], self.env._(
            "Ambiguous: %(count)s open invoices of %(amount)s (%(names)s); "
            "match by hand.",
            count=len(invoices),
            amount=self.currency_id.format(self.amount),
            names=", ".join(invoices[:5].mapped("name")),
        )

    def _auto_match(self):
        """Match the unmatched lines: first by an invoice reference in the
        memo, then by payer and exact amount; reconcile each match at once
        (so that a later line sees what is left to pay)."""
        lines = self.filtered(lambda line: line.state == "unmatched")
        if not lines:
            return
        quiet = lines.with_context(**QUIET)
        by_reference = quiet._find_by_reference()
        notes = {}
        for line in quiet:
            invoices = by_reference.get(line.id)
            if not invoices:
                continue
            if len(invoices.commercial_partner_id) > 1:
                notes[line.id] = self.env._(
                    "The memo names invoices of several customers (%(names)s); "
                    "match by hand.",
                    names=", ".join(invoices.mapped("name")),
                )
                continue
            line._set_match(invoices, "reference")
        for line in quiet.filtered(lambda line: line.state == "unmatched"):
            invoices, note = line._find_by_payer_amount()
            if invoices:
                line._set_match(invoices, "payer_amount")
            else:
                line.note = notes.get(line.id) or note

    def _set_match(self, invoices, rule):
        self.ensure_one()
        self.write(
            {
                "state": "matched",
                "invoice_ids": [fields.Command.set(invoices.ids)],
                "partner_id": invoices.commercial_partner_id.id,
                "match_rule": rule,
                "note": False,
            }
        )
        self._try_reconcile()

    # ------------------------------------------------------------------
    # Reconciliation
    # ------------------------------------------------------------------
    def _try_reconcile(self):
        """Reconcile each matched line in its own savepoint: a line that
        cannot be reconciled stays matched, with the reason in its note."""
        for line in self.filtered(lambda line: line.state == "matched"):
            try:
                with self.env.cr.savepoint():
                    line._register_payment()
            except (UserError, ValidationError) as error:
                self.env.invalidate_all()
                line.note = str(error.args[0])

    def _register_payment(self):
        """A payment of the line's amount in the import's journal, registered
        on (and reconciled with) its invoices by Odoo's payment wizard.  An
        amount below what is due pays the invoices partly; above it, the
        rest stays as the customer's credit."""
        self.ensure_one()
        if self.state != "matched" or not self.invoice_ids:
            raise UserError(self.env._("Match the payment with invoices first."))
        if len(self.invoice_ids.commercial_partner_id) > 1:
            raise UserError(
                self.env._("The invoices of one payment must belong to one customer.")
            )
        receivables = self.invoice_ids.line_ids.filtered(
            lambda aml: aml.account_type == "asset_receivable" and not aml.reconciled
        )
        if not receivables or any(move.state != "posted" for move in self.invoice_ids):
            raise UserError(
                self.env._(
                    "Invoices %(names)s have nothing left to pay.",
                    names=", ".join(self.invoice_ids.mapped("name")),
                )
            )
        wizard = (
            self.env["account.payment.register"]
            .with_company(self.company_id)
            .with_context(active_model="account.move.line", active_ids=receivables.ids)
            .create(
                {
                    "payment_date": self.date,
                    "journal_id": self.journal_id.id,
                    "currency_id": self.currency_id.id,
                    "amount": self.amount,
                    "group_payment": True,
                    "payment_difference_handling": "open",
                    "communication": ", ".join(self.invoice_ids.mapped("name")),
                }
            )
        )
        payments = wizard._create_payments()
        self.write(
            {"payment_id": payments[:1].id, "state": "reconciled", "note": False}
        )
        return payments

    def action_reconcile(self):
        for line in self:
            line._register_payment()
        return True

    # ------------------------------------------------------------------
    # The queue
    # ------------------------------------------------------------------
    def action_open_match(self):
        self.ensure_one()
        if self.state not in ("unmatched", "matched"):
            raise UserError(self.env._("Only a payment still to match can be matched."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Match Payment"),
            "res_model": "property.payment.match",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_id": self.id},
        }

    def action_open_ignore(self):
        if self.filtered(lambda line: line.state not in ("unmatched", "matched")):
            raise UserError(self.env._("Only payments still to match can be ignored."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ignore Payments"),
            "res_model": "property.payment.ignore",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_ids": self.ids},
        }

    def action_reset(self):
        """Back to the queue: an ignored line, a matched line not yet
        reconciled, or a reconciled line whose payment was cancelled."""
        for line in self:
            if line.state == "reconciled" and line.payment_id.state not in (
                False,
                "draft",
                "canceled",
            ):
                raise UserError(
                    self.env._(
                        "Cancel payment %(payment)s before putting the line back "
                        "in the queue.",
                        payment=line.payment_id.display_name,
                    )
                )
        self.write(
            {
                "state": "unmatched",
                "invoice_ids": [fields.Command.clear()],
                "payment_id": False,
                "match_rule": False,
                "ignore_reason": False,
                "note": False,
            }
        )
        return True
