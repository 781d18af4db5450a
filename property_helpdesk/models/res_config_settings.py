from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    property_parcel_reminder_days = fields.Integer(
        related="company_id.property_parcel_reminder_days", readonly=False
    )
    property_callback_delay_hours = fields.Integer(
        related="company_id.property_callback_delay_hours", readonly=False
    )
    property_major_repair_hours = fields.Float(
        related="company_id.property_major_repair_hours", readonly=False
    )
    property_major_repair_cost = fields.Float(
        related="company_id.property_major_repair_cost", readonly=False
    )
    property_phone_script = fields.Html(
        related="company_id.property_phone_script", readonly=False
    )
