from odoo import api, fields, models
from odoo.exceptions import UserError


class PropertyPaymentMatch(models.TransientModel):
    """Match an imported payment with open invoices by hand, then reconcile
    it (the "To Match" queue of finance)."""

    _name = "property.payment.match"
    _description = "Match an Imported Payment"
    _check_company_auto = True

    line_id = fields.Many2one(
        "property.payment.import.line", string="Payment", required=True, readonly=True
    )
    company_id = fields.Many2one(related="line_id.company_id")
    currency_id = fields.Many2one(related="line_id.currency_id")
    amount = fields.Monetary(related="line_id.amount")
    date = fields.Date(related="line_id.date")
    payer_name = fields.Char(related="line_id.payer_name")
    memo = fields.Char(related="line_id.memo")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        help="Shows the open invoices of this customer only.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('company_id', '=', company_id), ('move_type', '=', 'out_invoice'), "
        "('state', '=', 'posted'), ('payment_state', 'in', ('not_paid', 'partial')), "
        "('currency_id', '=', currency_id)]",
    )
    residual_total = fields.Monetary(
        string="Due on the Invoices", compute="_compute_residual_total"
    )
    difference = fields.Monetary(
        compute="_compute_residual_total",
        help="Paid minus due: above zero, the rest stays as the customer's "
        "credit; below zero, the invoices stay partly unpaid.",
    )

    @api.depends("line_id")
    def _compute_partner_id(self):
        for wizard in self:
            wizard.partner_id = wizard.line_id.partner_id

    @api.depends("invoice_ids", "amount")
    def _compute_residual_total(self):
        for wizard in self:
            wizard.residual_total = sum(wizard.invoice_ids.mapped("amount_residual"))
            wizard.difference = wizard.amount - wizard.residual_total

    def action_confirm(self):
        self.ensure_one()
        line = self.line_id
        if line.state not in ("unmatched", "matched"):
            raise UserError(
                self.env._("This payment is no longer waiting to be matched.")
            )
        invoices = self.invoice_ids
        if not invoices:
            raise UserError(self.env._("Choose the invoice(s) this payment pays."))
        if len(invoices.commercial_partner_id) > 1:
            raise UserError(
                self.env._(
                    "The invoices of one payment must belong to one customer; "
                    "choose the invoices of %(partner)s only.",
                    partner=invoices[:1].commercial_partner_id.display_name,
                )
            )
        closed = invoices.filtered(
            lambda move: (
                move.state != "posted"
                or move.payment_state not in ("not_paid", "partial")
            )
        )
        if closed:
            raise UserError(
                self.env._(
                    "Invoices %(names)s are not open.",
                    names=", ".join(closed.mapped("name")),
                )
            )
        line.write(
            {
                "state": "matched",
                "invoice_ids": [fields.Command.set(invoices.ids)],
                "partner_id": invoices.commercial_partner_id.id,
                "match_rule": "manual",
                "note": False,
            }
        )
        line._register_payment()
        line.message_post(
            body=self.env._(
                "Matched by hand with %(names)s and reconciled.",
                names=", ".join(invoices.mapped("name")),
            )
        )
        return {"type": "ir.actions.act_window_close"}
