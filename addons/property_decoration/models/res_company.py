from odoo import fields, models

FEE_BASES = [("area", "By Area (per m²)"), ("fixed", "Fixed per Decoration")]


class ResCompany(models.Model):
    _inherit = "res.company"

    decoration_waiting_days = fields.Integer(
        string="Decoration Refund Waiting Period (days)",
        default=90,
        help="Days between the acceptance of a decoration and the refund of "
        "its deposit.",
    )
    decoration_fee_basis = fields.Selection(
        FEE_BASES,
        string="Decoration Management Fee Basis",
        default="area",
        required=True,
    )
    decoration_fee_item_id = fields.Many2one(
        "property.fee.item",
        string="Decoration Management Fee Item",
        domain="[('kind', '=', 'one_off'), ('company_id', '=', id)]",
    )
    decoration_deposit_item_id = fields.Many2one(
        "property.fee.item",
        domain="[('kind', '=', 'deposit'), ('company_id', '=', id)]",
    )
