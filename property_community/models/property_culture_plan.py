from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..event_utils import rate_percent
from ..festivals import FIRST_YEAR, LAST_YEAR, propose_festivals

PLAN_STATES = [
    ("draft", "Draft"),
    ("approved", "Approved"),
    ("closed", "Closed"),
]


class PropertyCulturePlan(models.Model):
    """The yearly community-culture plan of a site (社区文化活动计划, R-COM-1):
    about four events a year around the festivals, each with its purpose,
    budget, organisers, scale and audience; plan against done."""

    _name = "property.culture.plan"
    _description = "Community Culture Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "year desc, site_id, id"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    site_id = fields.Many2one(
        "property.site",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        required=True,
        index=True,
        precompute=True,
    )
    year = fields.Integer(
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self).year,
    )
    state = fields.Selection(
        PLAN_STATES, required=True, default="draft", tracking=True, copy=False
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user if not self.env.user.share else False,
    )
    target_count = fields.Integer(
        string="Target Events",
        default=4,
        required=True,
        tracking=True,
        help="How many community events the site aims to hold this year.",
    )
    line_ids = fields.One2many(
        "property.culture.plan.line", "plan_id", string="Planned Events", copy=True
    )
    note = fields.Html()
    currency_id = fields.Many2one(related="company_id.currency_id")
    budget_total = fields.Monetary(
        string="Planned Budget",
        compute="_compute_budget_total",
        store=True,
        tracking=True,
    )
    planned_count = fields.Integer(
        string="Planned", compute="_compute_progress", help="Planned events."
    )
    scheduled_count = fields.Integer(
        string="Scheduled",
        compute="_compute_progress",
        help="Planned events that have an event in the calendar.",
    )
    held_count = fields.Integer(
        string="Held",
        compute="_compute_progress",
        help="Events of the plan that have taken place (not cancelled).",
    )
    completion_rate = fields.Float(
        string="Done (%)",
        compute="_compute_progress",
        digits=(16, 2),
        help="Held events against the planned ones.",
    )
    actual_cost_total = fields.Monetary(
        string="Actual Cost",
        compute="_compute_progress",
        help="Actual cost of the plan's events, from their cost accounts.",
    )
    event_count = fields.Integer(compute="_compute_progress", string="Events")

    _sql_constraints = [
        (
            "site_year_uniq",
            "unique(site_id, year)",
            "This site already has a culture plan for that year. Open it "
            "instead of creating a second one.",
        ),
        (
            "target_count_positive",
            "CHECK(target_count >= 0)",
            "The target number of events cannot be negative.",
        ),
    ]

    @api.depends("site_id", "year")
    def _compute_name(self):
        for plan in self:
            if plan.site_id and plan.year:
                plan.name = self.env._(
                    "Culture Plan %(year)s - %(site)s",
                    year=plan.year,
                    site=plan.site_id.name,
                )
            elif not plan.name:
                plan.name = self.env._("New Culture Plan")

    @api.depends("site_id")
    def _compute_company_id(self):
        for plan in self:
            plan.company_id = (
                plan.site_id.company_id or plan.company_id or self.env.company
            )

    @api.depends("line_ids.budget")
    def _compute_budget_total(self):
        for plan in self:
            plan.budget_total = sum(plan.line_ids.mapped("budget"))

    def _compute_progress(self):
        Event = self.env["event.event"]
        events_by_plan = {
            plan.id: (count, actual)
            for plan, count, actual in Event._read_group(
                [("property_plan_id", "in", self.ids)],
                ["property_plan_id"],
                ["__count", "property_actual_cost:sum"],
            )
        }
        held_by_plan = {
            plan.id: count
            for plan, count in Event._read_group(
                Event._property_held_domain() + [("property_plan_id", "in", self.ids)],
                ["property_plan_id"],
                ["__count"],
            )
        }
        for plan in self:
            lines = plan.line_ids
            plan.planned_count = len(lines)
            plan.scheduled_count = len(lines.filtered("event_ids"))
            plan.event_count, plan.actual_cost_total = events_by_plan.get(
                plan.id, (0, 0.0)
            )
            plan.held_count = held_by_plan.get(plan.id, 0)
            plan.completion_rate = rate_percent(plan.held_count, plan.planned_count)

    @api.depends("site_id", "year")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = plan.name or ""

    @api.constrains("year")
    def _check_year(self):
        for plan in self:
            if not FIRST_YEAR <= plan.year <= LAST_YEAR:
                raise ValidationError(
                    self.env._(
                        "The year of a culture plan must be between %(first)s "
                        "and %(last)s (you entered %(year)s).",
                        first=FIRST_YEAR,
                        last=LAST_YEAR,
                        year=plan.year,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_events(self):
        for plan in self:
            if plan.line_ids.event_ids:
                raise UserError(
                    self.env._(
                        "%(plan)s already has events in the calendar: cancel "
                        "or close the plan instead of deleting it.",
                        plan=plan.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Festival calendar
    # ------------------------------------------------------------------
    def action_propose_from_calendar(self):
        """Fill the plan up to its target with the year's festivals that are
        not planned yet (Spring Festival, Children's Day, Mid-Autumn, ...)."""
        Line = self.env["property.culture.plan.line"]
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._(
                        "Only a draft plan can be filled from the festival "
                        "calendar; set %(plan)s back to draft first.",
                        plan=plan.display_name,
                    )
                )
            missing = plan.target_count - len(plan.line_ids)
            if missing <= 0:
                raise UserError(
                    self.env._(
                        "%(plan)s already has its %(count)s target events. "
                        "Raise the target to propose more from the festival "
                        "calendar.",
                        plan=plan.display_name,
                        count=plan.target_count,
                    )
                )
            proposals = propose_festivals(
                plan.year, missing, exclude=plan.line_ids.mapped("festival")
            )
            if not proposals:
                raise UserError(
                    self.env._(
                        "Every festival of the calendar is already in %(plan)s.",
                        plan=plan.display_name,
                    )
                )
            Line.create(
                [
                    Line._festival_defaults(festival)
                    | {"plan_id": plan.id, "planned_date": day}
                    for festival, day in proposals
                ]
            )
        return True

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_approve(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("Only draft plans can be approved (%s).", plan.name)
                )
            if not plan.line_ids:
                raise UserError(
                    self.env._(
                        "%(plan)s has no planned event yet: add events or "
                        "propose them from the festival calendar first.",
                        plan=plan.display_name,
                    )
                )
        self.write({"state": "approved"})
        return True

    def action_close(self):
        if any(plan.state != "approved" for plan in self):
            raise UserError(self.env._("Only approved plans can be closed."))
        self.write({"state": "closed"})
        return True

    def action_reset_to_draft(self):
        self.write({"state": "draft"})
        return True

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_community.property_event_action"
        )
        action["domain"] = [("property_plan_id", "=", self.id)]
        action["context"] = {"default_property_site_id": self.site_id.id}
        action["display_name"] = self.env._("Events of %s", self.name)
        return action
