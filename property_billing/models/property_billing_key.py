from odoo import api, fields, models

from .property_fee_item import ONE_OFF_KINDS


class PropertyBillingKey(models.Model):
    """Proof that a fee item of a tenant archive was billed for a period.
    The unique constraint is what guarantees "never billed twice": a second
    run, or two runs at the same time, cannot insert the same key.  Keys
    are released when their invoice is cancelled or credited.

    A one-off charge has a key of its own: the charge is part of its key,
    so two one-off charges of the same item and day are two bills while
    one charge is never billed twice."""

    _name = "property.billing.key"
    _description = "Billed Period"
    _order = "period_start desc, id desc"
    _check_company_auto = True

    occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        required=True,
        index=True,
        ondelete="restrict",
    )
    item_id = fields.Many2one(
        "property.fee.item", string="Fee Item", required=True, ondelete="restrict"
    )
    period_start = fields.Date(required=True)
    period_end = fields.Date()
    move_id = fields.Many2one(
        "account.move", string="Invoice", index=True, ondelete="cascade"
    )
    move_line_id = fields.Many2one(
        "account.move.line", index="btree_not_null", ondelete="cascade"
    )
    run_id = fields.Many2one(
        "property.billing.run", index="btree_not_null", ondelete="set null"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    one_off_charge_id = fields.Many2one(
        "property.charge.one.off",
        string="One-off Charge",
        index="btree_not_null",
        ondelete="restrict",
    )

    _sql_constraints = [
        (
            "billed_once",
            "unique nulls not distinct "
            "(occupancy_id, item_id, period_start, one_off_charge_id)",
            "This fee item of this tenant archive is already billed for this period.",
        ),
        (
            "one_off_billed_once",
            "unique(one_off_charge_id)",
            "This one-off charge is already billed.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        self._fill_one_off_charges(vals_list)
        return super().create(vals_list)

    def _fill_one_off_charges(self, vals_list):
        """The key of a one-off charge billed by a run names the charge,
        found through the run line of the invoice line."""
        missing = [
            vals
            for vals in vals_list
            if vals.get("move_line_id") and not vals.get("one_off_charge_id")
        ]
        if not missing:
            return
        items = self.env["property.fee.item"].browse({v["item_id"] for v in missing})
        one_off_items = set(items.filtered(lambda i: i.kind in ONE_OFF_KINDS).ids)
        missing = [v for v in missing if v["item_id"] in one_off_items]
        lines = self.env["account.move.line"].browse(
            [v["move_line_id"] for v in missing]
        )
        charges = {
            line.id: line.property_run_line_id.one_off_charge_id.id for line in lines
        }
        for vals in missing:
            if charges.get(vals["move_line_id"]):
                vals["one_off_charge_id"] = charges[vals["move_line_id"]]

    def unlink(self):
        charges = self.one_off_charge_id
        result = super().unlink()
        charges._key_released()
        return result
