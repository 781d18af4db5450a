from odoo import api, fields, models
from odoo.exceptions import UserError

WAIVER_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]


class PropertyFeeWaiver(models.Model):
    """A discount or waiver (减免) of a fee item for a tenant archive over a
    date range.  It reduces bills only once a billing manager approved it;
    late fees are waived the same way."""

    _name = "property.fee.waiver"
    _description = "Fee Waiver"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.sequence.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _sequence_code = "property.fee.waiver"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    unit_id = fields.Many2one(related="occupancy_id.unit_id", store=True)
    site_id = fields.Many2one(related="occupancy_id.site_id", store=True, index=True)
    company_id = fields.Many2one(
        related="occupancy_id.company_id", store=True, index=True, precompute=True
    )
    item_id = fields.Many2one(
        "property.fee.item",
        string="Fee Item",
        required=True,
        tracking=True,
        check_company=True,
    )
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    percent = fields.Float(
        string="Waived (%)", required=True, default=100.0, tracking=True
    )
    reason = fields.Text(required=True)
    state = fields.Selection(
        WAIVER_STATES, default="draft", required=True, tracking=True, index=True
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    _sql_constraints = [
        (
            "percent_range",
            "CHECK(percent > 0 AND percent <= 100)",
            "A waiver takes off more than 0% and at most 100% of the fee.",
        ),
        (
            "dates_check",
            "CHECK(date_to >= date_from)",
            "A waiver cannot end before it starts.",
        ),
    ]

    @api.model
    def _sequence_company(self, vals):
        occupancy = self.env["property.occupancy"].browse(vals.get("occupancy_id"))
        return occupancy.company_id or self.env.company

    def write(self, vals):
        if self.env.context.get("property_waiver_decision"):
            return super().write(vals)
        if set(vals) & {"occupancy_id", "item_id", "date_from", "date_to", "percent"}:
            if any(w.state == "approved" for w in self):
                raise UserError(
                    self.env._(
                        "An approved waiver cannot be changed: refuse it and "
                        "create a new one."
                    )
                )
        return super().write(vals)

    def action_submit(self):
        self.filtered(lambda w: w.state in ("draft", "refused")).write(
            {"state": "to_approve"}
        )

    def _check_manager(self):
        if not self.env.user.has_group(
            "property_billing.group_property_billing_manager"
        ):
            raise UserError(self.env._("Only a billing manager can decide on waivers."))

    def action_approve(self):
        self._check_manager()
        if any(w.state != "to_approve" for w in self):
            raise UserError(
                self.env._("Only waivers waiting for approval can be approved.")
            )
        self.with_context(property_waiver_decision=True).write(
            {"state": "approved", "approved_by_id": self.env.user.id}
        )

    def action_refuse(self):
        self._check_manager()
        self.with_context(property_waiver_decision=True).write({"state": "refused"})

    @api.model
    def _waived_percent(self, waivers, start, end):
        """Share of ``[start, end]`` taken off by ``waivers`` (approved, of
        one occupancy and item), in percent with two decimals: a waiver
        covering part of the range counts for its days only."""
        total_days = (end - start).days + 1
        waived = 0.0
        for waiver in waivers:
            first, last = max(start, waiver.date_from), min(end, waiver.date_to)
            if first <= last:
                waived += waiver.percent * ((last - first).days + 1)
        return min(100.0, round(waived / total_days, 2))
