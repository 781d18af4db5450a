from odoo import fields, models

from .property_work_order import SERVICE_BILLING


class PropertySite(models.Model):
    _inherit = "property.site"

    paid_service_billing = fields.Selection(
        SERVICE_BILLING,
        string="Paid Services Billed",
        required=True,
        default="next_bill",
        help="How completed paid services (特约服务) are billed: on the tenant's "
        "next periodic bill (the next billing run of the site), or on an "
        "invoice of their own as soon as the work is completed.",
    )
