from odoo import fields, models
from odoo.exceptions import UserError


class PropertyPaymentIgnore(models.TransientModel):
    """Take imported payments out of the "To Match" queue, with the reason
    (a transfer between own accounts, a refund, a payment for another
    business...)."""

    _name = "property.payment.ignore"
    _description = "Ignore Imported Payments"

    line_ids = fields.Many2many(
        "property.payment.import.line", string="Payments", required=True
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.line_ids.filtered(
            lambda line: line.state not in ("unmatched", "matched")
        ):
            raise UserError(self.env._("Only payments still to match can be ignored."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why these payments are ignored."))
        self.line_ids.write(
            {
                "state": "ignored",
                "ignore_reason": self.reason.strip(),
                "invoice_ids": [fields.Command.clear()],
                "match_rule": False,
                "note": False,
            }
        )
        return {"type": "ir.actions.act_window_close"}
