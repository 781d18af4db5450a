from odoo import api, fields, models


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
    # copied to the credit note: it releases the key of this charge only
    property_one_off_charge_id = fields.Many2one(
        "property.charge.one.off", string="One-off Charge", index="btree_not_null"
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_release_one_off_keys(self):
        """A deleted line of a draft invoice gives its one-off charge back
        (its key would otherwise go with it unseen, see
        property.billing.key)."""
        self.env["property.billing.key"].sudo().search(
            [("move_line_id", "in", self.ids), ("one_off_charge_id", "!=", False)]
        ).unlink()
