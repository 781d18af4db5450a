from odoo import api, fields, models

LINE_STATES = [
    ("to_bill", "To Bill"),
    ("billed", "Billed"),
    ("duplicate", "Already Billed"),
    ("skipped", "Skipped"),
]


class PropertyBillingRunLine(models.Model):
    """One charge of a billing run: what the pre-bill review shows and what
    becomes an invoice line."""

    _name = "property.billing.run.line"
    _description = "Billing Run Charge"
    _order = "run_id, unit_code, item_sequence, id"

    run_id = fields.Many2one(
        "property.billing.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    plan_id = fields.Many2one("property.billing.plan", index=True)
    occupancy_id = fields.Many2one(
        "property.occupancy", string="Tenant Archive", required=True, index=True
    )
    unit_id = fields.Many2one(related="occupancy_id.unit_id", store=True)
    unit_code = fields.Char(related="occupancy_id.unit_id.code", store=True)
    building_id = fields.Many2one(related="occupancy_id.building_id", store=True)
    payer_id = fields.Many2one("res.partner", required=True, index=True)
    item_id = fields.Many2one("property.fee.item", string="Fee Item", required=True)
    item_sequence = fields.Integer(related="item_id.sequence", store=True)
    standard_id = fields.Many2one("property.fee.standard")
    period_start = fields.Date(required=True, help="Start of the billed cycle.")
    billed_start = fields.Date(string="From", required=True)
    billed_end = fields.Date(string="To", required=True)
    name = fields.Char(string="Label", required=True)
    quantity = fields.Float(digits="Product Unit of Measure")
    price_unit = fields.Float(digits="Product Price")
    discount = fields.Float(string="Waived (%)", digits="Discount")
    amount = fields.Monetary(compute="_compute_amount", store=True)
    warning = fields.Text()
    state = fields.Selection(
        LINE_STATES,
        default="to_bill",
        required=True,
        index=True,
    )
    move_line_id = fields.Many2one(
        "account.move.line", readonly=True, index="btree_not_null"
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    source_ref = fields.Char(
        help="What the charge comes from, when not from the billing plan "
        "(e.g. a shared cost or an overdue invoice)."
    )

    late_fee_ids = fields.One2many(
        "property.late.fee", "run_line_id", string="Late Fee Detail"
    )
    shared_cost_line_id = fields.Many2one(
        "property.shared.cost.line",
        string="Shared Cost Share",
        index="btree_not_null",
        ondelete="set null",
    )
    one_off_charge_id = fields.Many2one(
        "property.charge.one.off",
        string="One-off Charge",
        index="btree_not_null",
        ondelete="set null",
    )

    @api.depends("quantity", "price_unit", "discount", "currency_id")
    def _compute_amount(self):
        for line in self:
            amount = line.quantity * line.price_unit * (1 - line.discount / 100.0)
            line.amount = (
                line.currency_id.round(amount) if line.currency_id else round(amount, 2)
            )
