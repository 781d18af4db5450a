from odoo import fields, models


class AccountAnalyticLine(models.Model):
    _inherit = "account.analytic.line"

    category = fields.Selection(
        selection_add=[("property_work_order", "Work Order Cost")],
        ondelete={"property_work_order": "set default"},
    )
    property_work_order_id = fields.Many2one(
        "property.work.order",
        string="Work Order",
        index="btree_not_null",
        ondelete="restrict",
    )
