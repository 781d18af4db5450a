from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .property_fee_item import RECURRING_KINDS

CYCLES = [
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("half_yearly", "Half-yearly"),
    ("yearly", "Yearly"),
]

TIMINGS = [
    ("advance", "In Advance"),
    ("arrears", "In Arrears"),
]

PLAN_STATES = [
    ("draft", "Draft"),
    ("running", "Running"),
    ("closed", "Closed"),
]


class PropertyBillingPlan(models.Model):
    """What an occupancy is billed for (计费方案): the recurring fee items,
    how often, in advance or in arrears, and who pays."""

    _name = "property.billing.plan"
    _description = "Billing Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "site_id, unit_id, id desc"
    _check_company_auto = True
    _rec_names_search = ["occupancy_id.name", "unit_id.code", "payer_id.name"]

    occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    unit_id = fields.Many2one(
        related="occupancy_id.unit_id", store=True, index=True, precompute=True
    )
    site_id = fields.Many2one(
        related="occupancy_id.site_id", store=True, index=True, precompute=True
    )
    building_id = fields.Many2one(
        related="occupancy_id.building_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="occupancy_id.company_id", store=True, index=True, precompute=True
    )
    tenant_id = fields.Many2one(related="occupancy_id.tenant_id", store=True)
    payer_id = fields.Many2one(
        "res.partner",
        compute="_compute_payer_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        index=True,
        help="Who receives and pays the bills: the tenant, or another party "
        "such as the owner.",
    )
    state = fields.Selection(
        PLAN_STATES, default="draft", required=True, tracking=True, index=True
    )
    cycle = fields.Selection(CYCLES, default="monthly", required=True, tracking=True)
    timing = fields.Selection(TIMINGS, default="advance", required=True, tracking=True)
    date_start = fields.Date(
        compute="_compute_dates",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        help="First day billed; by default the move-in date.",
    )
    date_end = fields.Date(
        compute="_compute_dates",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
        help="Last day billed; by default the move-out date.",
    )
    line_ids = fields.One2many(
        "property.billing.plan.line", "plan_id", string="Fee Items", copy=True
    )
    waiver_ids = fields.One2many(
        "property.fee.waiver",
        compute="_compute_waiver_ids",
        string="Waivers",
    )
    note = fields.Html()

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "A billing plan cannot end before it starts.",
        ),
    ]

    @api.depends("occupancy_id")
    def _compute_payer_id(self):
        for plan in self:
            if not plan.payer_id:
                plan.payer_id = plan.occupancy_id.tenant_id.commercial_partner_id

    @api.depends("occupancy_id.move_in_date", "occupancy_id.move_out_date")
    def _compute_dates(self):
        for plan in self:
            occupancy = plan.occupancy_id
            plan.date_start = occupancy.move_in_date or plan.date_start
            if occupancy.move_out_date:
                plan.date_end = occupancy.move_out_date

    def _compute_waiver_ids(self):
        for plan in self:
            plan.waiver_ids = self.env["property.fee.waiver"].search(
                [("occupancy_id", "=", plan.occupancy_id.id)]
            )

    @api.depends("occupancy_id", "unit_id")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = " - ".join(
                p for p in (plan.unit_id.code, plan.occupancy_id.tenant_id.name) if p
            )

    @api.constrains("state", "occupancy_id")
    def _check_one_running(self):
        for plan in self.filtered(lambda p: p.state == "running"):
            if self.search_count(
                [
                    ("id", "!=", plan.id),
                    ("occupancy_id", "=", plan.occupancy_id.id),
                    ("state", "=", "running"),
                ]
            ):
                raise ValidationError(
                    self.env._(
                        "Tenant archive %(occupancy)s already has a running "
                        "billing plan: close it before starting another.",
                        occupancy=plan.occupancy_id.display_name,
                    )
                )

    def action_start(self):
        for plan in self:
            if not plan.line_ids:
                raise UserError(
                    self.env._(
                        "Add at least one fee item to the billing plan of "
                        "%(plan)s before starting it.",
                        plan=plan.display_name,
                    )
                )
        self.write({"state": "running"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reset_draft(self):
        self.write({"state": "draft"})

    def action_fill_items(self):
        """Add the recurring fee items that have an approved standard for
        this unit's usage and tenant kind at the site today."""
        Standard = self.env["property.fee.standard"]
        today = fields.Date.context_today(self)
        for plan in self:
            existing = plan.line_ids.item_id
            by_item = Standard._standards_by_item(plan.site_id)
            items = self.env["property.fee.item"].browse(list(by_item))
            commands = []
            for item in items.sorted("sequence"):
                if item in existing or item.kind not in RECURRING_KINDS:
                    continue
                if Standard._pick(
                    by_item[item.id],
                    plan.unit_id.usage,
                    plan.occupancy_id.tenant_kind,
                    max(today, plan.date_start or today),
                ):
                    commands.append(fields.Command.create({"item_id": item.id}))
            plan.line_ids = commands


class PropertyBillingPlanLine(models.Model):
    _name = "property.billing.plan.line"
    _description = "Billing Plan Item"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "property.billing.plan", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    item_id = fields.Many2one(
        "property.fee.item",
        string="Fee Item",
        required=True,
        check_company=True,
        domain="[('kind', 'in', ('area', 'fixed', 'metered'))]",
    )
    item_kind = fields.Selection(related="item_id.kind")
    quantity = fields.Float(
        digits="Product Unit of Measure",
        help="Billed quantity instead of the floor area (per m² items) or "
        "instead of 1 (fixed items); leave 0 for the default.",
    )

    _sql_constraints = [
        (
            "item_uniq",
            "unique(plan_id, item_id)",
            "A fee item appears only once in a billing plan.",
        ),
    ]

    @api.constrains("item_id")
    def _check_recurring(self):
        for line in self:
            if line.item_id.kind not in RECURRING_KINDS:
                raise ValidationError(
                    self.env._(
                        "%(item)s is not a recurring fee: billing plans hold "
                        "per-m², fixed monthly and metered items only. Charge "
                        "a one-off fee or a deposit as a one-off charge.",
                        item=line.item_id.name,
                    )
                )
