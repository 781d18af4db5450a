from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    decoration_waiting_days = fields.Integer(
        related="company_id.decoration_waiting_days", readonly=False
    )
    decoration_fee_basis = fields.Selection(
        related="company_id.decoration_fee_basis", readonly=False
    )
    decoration_fee_item_id = fields.Many2one(
        related="company_id.decoration_fee_item_id", readonly=False
    )
    decoration_deposit_item_id = fields.Many2one(
        related="company_id.decoration_deposit_item_id", readonly=False
    )
