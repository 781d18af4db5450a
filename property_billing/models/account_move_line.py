from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    property_occupancy_id = fields.Many2one(
        "property.occupancy", string="Tenant Archive", index="btree_not_null"
    )
    property_fee_item_id = fields.Many2one(
        "property.fee.item", string="Fee Item", index="btree_not_null"
    )
    # the collection figures find a period's bills by it
    property_period_start = fields.Date(
        string="Billed Period Start", index="btree_not_null"
    )
    property_period_end = fields.Date(string="Billed Period End")
    property_run_line_id = fields.Many2one(
        "property.billing.run.line", copy=False, index="btree_not_null"
    )
