from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.base.models.res_bank import sanitize_account_number

from ..payment_file import (
    compact_reference,
    reference_in_text,
)
from .property_payment_import import QUIET

# A payer name shorter than this is not looked up approximately.
MIN_FUZZY_PAYER = 2

# An invoice reference shorter than this (once compacted) is never looked
# for in a memo: too many false hits.
MIN_REFERENCE = 5

MATCH_RULES = [
    ("reference", "Invoice Reference in Memo"),
    ("payer_amount", "Payer and Exact Amount"),
    ("manual", "By Hand"),
]

LINE_STATES = [
    ("unmatched", "Unmatched"),
    ("matched", "Matched"),
    ("reconciled", "Reconciled"),
    ("ignored", "Ignored"),
]


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
    match_pending = fields.Boolean(
        readonly=True,
        copy=False,
        help="Waits for a background batch of its import to be matched.",
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
