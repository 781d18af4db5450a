from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    property_billing_prepared_path = fields.Boolean(
        related="company_id.property_billing_prepared_path", readonly=False
    )
