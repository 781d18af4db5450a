from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    property_labour_hourly_cost = fields.Monetary(
        string="Hourly Labour Cost",
        currency_field="currency_id",
        help="Cost of one hour of work on a work order, booked on the site's "
        "analytic account on completion, for departments without their own.",
    )
