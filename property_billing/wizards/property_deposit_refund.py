from odoo import fields, models


class PropertyDepositRefund(models.TransientModel):
    """Refund a paid deposit, keeping part of it for a reason (damage,
    an approved deduction): one credit note, see property.charge.one.off."""

    _name = "property.deposit.refund"
    _description = "Refund Deposit"

    charge_id = fields.Many2one(
        "property.charge.one.off",
        string="Deposit",
        required=True,
        domain="[('item_kind', '=', 'deposit'), ('state', '=', 'billed')]",
    )
    currency_id = fields.Many2one(related="charge_id.currency_id")
    amount = fields.Monetary(related="charge_id.amount", string="Deposit Amount")
    amount_kept = fields.Monetary(string="Kept from Deposit")
    amount_refunded = fields.Monetary(compute="_compute_amount_refunded")
    reason = fields.Text(string="Reason Kept")

    def _compute_amount_refunded(self):
        for wizard in self:
            wizard.amount_refunded = wizard.amount - wizard.amount_kept

    def action_confirm(self):
        self.ensure_one()
        refund = self.charge_id.action_refund_deposit(
            amount_kept=self.amount_kept, reason=(self.reason or "").strip() or None
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": refund.id,
            "view_mode": "form",
        }
