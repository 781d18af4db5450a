from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    property_billing_prepared_path = fields.Boolean(
        string="Prepared Invoices",
        default=True,
        help="Billing runs create their invoices with the journal items "
        "prepared up front, checked against Odoo's own invoices in every "
        "batch. Off: every invoice is created by Odoo's own path (slower).",
    )
