from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from .property_shared_cost import LOCKED_STATES


class PropertySharedCostLine(models.Model):
    """A unit's share of a shared cost."""

    _name = "property.shared.cost.line"
    _description = "Shared Cost Share"
    _order = "shared_cost_id, sequence, id"
    _check_company_auto = True

    shared_cost_id = fields.Many2one(
        "property.shared.cost", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    company_id = fields.Many2one(
        related="shared_cost_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="shared_cost_id.currency_id")
    state = fields.Selection(related="shared_cost_id.state")
    period_start = fields.Date(related="shared_cost_id.period_start", store=True)
    unit_id = fields.Many2one(
        "property.unit",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    unit_code = fields.Char(related="unit_id.code", string="Unit Code")
    occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        help="Empty when the unit had no tenant in the period: its share is "
        "borne by the owner and not billed.",
    )
    partner_id = fields.Many2one(related="occupancy_id.tenant_id", string="Tenant")
    vacant = fields.Boolean(compute="_compute_vacant")
    weight = fields.Float(
        digits=(16, 2), help="Floor area (m²) or consumption of the unit."
    )
    share = fields.Float(string="Share (%)", compute="_compute_share", digits=(16, 4))
    amount = fields.Monetary(currency_field="currency_id")
    key_id = fields.Many2one(
        "property.billing.key",
        string="Billed Period",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="Set when the share is billed; cleared when its invoice is "
        "cancelled or credited (it is then billed again).",
    )
    billed = fields.Boolean(compute="_compute_billed", search="_search_billed")
    move_line_id = fields.Many2one(related="key_id.move_line_id", string="Invoice Line")
    move_id = fields.Many2one(related="key_id.move_id", string="Invoice")

    @api.depends("occupancy_id")
    def _compute_vacant(self):
        for line in self:
            line.vacant = not line.occupancy_id

    @api.depends("weight", "shared_cost_id.weight_total")
    def _compute_share(self):
        totals = defaultdict(float)
        for cost, weight in self.env["property.shared.cost.line"]._read_group(
            [("shared_cost_id", "in", self.shared_cost_id.ids)],
            ["shared_cost_id"],
            ["weight:sum"],
        ):
            totals[cost.id] = weight
        for line in self:
            total = totals.get(line.shared_cost_id.id)
            line.share = 100.0 * line.weight / total if total else 0.0

    @api.depends("key_id")
    def _compute_billed(self):
        for line in self:
            line.billed = bool(line.key_id)

    def _search_billed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the billed flag."))
        billed = (operator == "=") == value
        return [("key_id", "!=" if billed else "=", False)]

    def write(self, vals):
        if set(vals) - {"key_id"} and any(
            line.shared_cost_id.state in LOCKED_STATES for line in self
        ):
            raise UserError(
                self.env._("The apportionment of a confirmed shared cost is locked.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(line.shared_cost_id.state in LOCKED_STATES for line in self):
            raise UserError(
                self.env._("The apportionment of a confirmed shared cost is locked.")
            )
