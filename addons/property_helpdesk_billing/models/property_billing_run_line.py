from odoo import fields, models


class PropertyBillingRunLine(models.Model):
    _inherit = "property.billing.run.line"

    paid_work_order_ids = fields.Many2many(
        "property.work.order",
        "property_billing_run_line_work_order_rel",
        "run_line_id",
        "work_order_id",
        string="Paid Services",
        readonly=True,
    )
