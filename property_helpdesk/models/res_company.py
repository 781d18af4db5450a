from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    property_parcel_reminder_days = fields.Integer(
        string="Parcel Reminder After (days)",
        default=3,
        help="Days an item may wait at the front desk before its tenant is "
        "reminded (once). 0 disables the reminder.",
    )
    property_callback_delay_hours = fields.Integer(
        string="Call-back Deadline (hours)",
        default=48,
        help="Hours after completion within which the customer is called back.",
    )
    property_major_repair_hours = fields.Float(
        string="Major Repair Above (hours)",
        default=8.0,
        help="A work order estimated above this many hours is a major repair. "
        "0 disables the rule.",
    )
    property_major_repair_cost = fields.Float(
        string="Major Repair Above (cost)",
        default=2000.0,
        help="A work order estimated above this cost is a major repair. "
        "0 disables the rule.",
    )
    property_phone_script = fields.Html(
        string="Phone Greeting Script",
        translate=True,
        default=lambda self: self.env._(
            "<p>Good morning/afternoon, Wanjia Property service desk, this is "
            "[name] speaking, how may I help you?</p><p>Repeat the key points "
            "back to the caller, and tell them when they will hear from us.</p>"
        ),
    )

    def _prepare_resource_calendar_values(self):
        # a company's standard working hours follow China's official holidays
        return dict(
            super()._prepare_resource_calendar_values(),
            follows_official_schedule=True,
        )

    @api.model
    def _follow_official_holiday_schedule(self):
        """At install: the working hours of the existing companies follow
        the official holiday schedule (data/property_holiday_schedule_data.xml)."""
        self.search([]).resource_calendar_id.write({"follows_official_schedule": True})
