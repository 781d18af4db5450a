from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    property_labour_hourly_cost = fields.Monetary(
        related="company_id.property_labour_hourly_cost",
        currency_field="currency_id",
        readonly=False,
    )
