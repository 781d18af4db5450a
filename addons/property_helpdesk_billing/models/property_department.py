from odoo import fields, models


class PropertyDepartment(models.Model):
    _inherit = "property.department"

    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    hourly_cost = fields.Monetary(
        string="Hourly Labour Cost",
        currency_field="company_currency_id",
        help="Cost of one hour of this department's work, booked on the site's "
        "analytic account when a work order is completed. Empty: the "
        "company's hourly labour cost.",
    )
