from odoo import fields, models


class PropertyBillingRunLine(models.Model):
    _inherit = "property.billing.run.line"

    one_off_charge_id = fields.Many2one(
        "property.charge.one.off",
        string="One-off Charge",
        index="btree_not_null",
        ondelete="set null",
    )
