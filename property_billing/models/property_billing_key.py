from odoo import fields, models


class PropertyBillingKey(models.Model):
    """Proof that a fee item of a tenant archive was billed for a period.
    The unique constraint is what guarantees "never billed twice": a second
    run, or two runs at the same time, cannot insert the same key.  Keys
    are released when their invoice is cancelled or credited."""

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

    _sql_constraints = [
        (
            "billed_once",
            "unique(occupancy_id, item_id, period_start)",
            "This fee item of this tenant archive is already billed for this period.",
        ),
    ]
