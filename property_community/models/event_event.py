from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..event_utils import cost_variance, rate_percent
from .property_culture_plan_line import AUDIENCES, FESTIVAL_SELECTION

OFFICER_GROUP = "property_community.group_property_community_officer"


class EventEvent(models.Model):
    """A community event (R-COM-2) is an Odoo event of a site: its festival,
    purpose, audience and organisers; a budget of planned costs against the
    actual cost booked on its own analytic account; registrations of tenants
    and their households, checked in by QR code."""

    _inherit = "event.event"

    property_site_id = fields.Many2one(
        "property.site",
        string="Site",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        help="Site whose tenants the community event is for. Events without "
        "a site are ordinary Odoo events.",
    )
    property_plan_line_id = fields.Many2one(
        "property.culture.plan.line",
        string="Planned Event",
        index=True,
        tracking=True,
        check_company=True,
        copy=False,
        domain="[('site_id', '=', property_site_id)]",
        groups=OFFICER_GROUP,
        help="The line of the culture plan this event carries out.",
    )
    property_plan_id = fields.Many2one(
        related="property_plan_line_id.plan_id",
        string="Culture Plan",
        store=True,
        index=True,
        groups=OFFICER_GROUP,
    )
    property_festival = fields.Selection(FESTIVAL_SELECTION, string="Festival / Theme")
    property_purpose = fields.Text(string="Purpose")
    property_audience = fields.Selection(
        AUDIENCES, string="Audience", index=True, tracking=True
    )
    property_organizer_ids = fields.Many2many(
        "res.users",
        "event_event_property_organizer_rel",
        "event_id",
        "user_id",
        string="Organisers",
        domain="[('share', '=', False)]",
    )
    property_organizing_departments = fields.Char(string="Organising Departments")

    # budget and actual cost
    property_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_property_currency_id",
        string="Budget Currency",
    )
    # Budgets and costs, like the culture plans, are the community officers'
    # (and their supervisors'): other staff with Odoo's Events rights open
    # the same event forms without them (they read the site, see
    # security/ir.model.access.csv), and portal tenants read the events of
    # their site without them.
    property_budget_line_ids = fields.One2many(
        "property.event.budget.line",
        "event_id",
        string="Budget Lines",
        copy=False,
        groups=OFFICER_GROUP,
    )
    property_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Cost Account",
        readonly=True,
        copy=False,
        index=True,
        check_company=True,
        groups="base.group_user",
        help="Analytic account of the event: vendor bills and expenses of "
        "the event are booked on it, which makes its actual cost.",
    )
    property_budget_amount = fields.Monetary(
        string="Budget",
        compute="_compute_property_costs",
        store=True,
        currency_field="property_currency_id",
        tracking=True,
        groups=OFFICER_GROUP,
    )
    property_actual_cost = fields.Monetary(
        string="Actual Cost",
        compute="_compute_property_costs",
        store=True,
        currency_field="property_currency_id",
        groups=OFFICER_GROUP,
        help="Costs booked on the event's cost account (vendor bills, expenses).",
    )
    property_cost_variance = fields.Monetary(
        string="Variance",
        compute="_compute_property_costs",
        store=True,
        currency_field="property_currency_id",
        groups=OFFICER_GROUP,
        help="Actual cost minus budget: positive when the event overspent.",
    )

    # attendance and rating
    property_registered_count = fields.Integer(
        string="Registered",
        compute="_compute_property_attendance",
        store=True,
        help="Confirmed registrations, attended or not.",
    )
    property_attended_count = fields.Integer(
        string="Attended",
        compute="_compute_property_attendance",
        store=True,
    )
    property_attendance_rate = fields.Float(
        string="Attendance (%)",
        compute="_compute_property_attendance",
        store=True,
        aggregator="avg",
        digits=(16, 2),
    )
    property_rating_count = fields.Integer(
        string="Ratings", compute="_compute_property_rating", store=True
    )
    property_rating_avg = fields.Float(
        string="Average Rating",
        compute="_compute_property_rating",
        store=True,
        aggregator="avg",
        digits=(16, 2),
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("company_id")
    def _compute_property_currency_id(self):
        for event in self:
            event.property_currency_id = (
                event.company_id.currency_id or self.env.company.currency_id
            )

    @api.depends(
        "property_budget_line_ids.planned_amount", "property_analytic_account_id"
    )
    def _compute_property_costs(self):
        actual_by_account = self._property_actual_by_account()
        for event in self:
            budget = sum(event.property_budget_line_ids.mapped("planned_amount"))
            actual = actual_by_account.get(event.property_analytic_account_id.id, 0.0)
            event.property_budget_amount = budget
            event.property_actual_cost = actual
            event.property_cost_variance = cost_variance(budget, actual)

    def _property_actual_by_account(self):
        """Actual cost per cost account: minus the sum of its analytic lines
        (costs are negative amounts in the analytic accounting)."""
        accounts = self.property_analytic_account_id
        plan = self._property_analytic_plan()
        if not accounts or not plan:
            return {}
        column = plan._column_name()
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group([(column, "in", accounts.ids)], [column], ["amount:sum"])
        )
        return {account.id: -amount for account, amount in groups}

    @api.depends("registration_ids.state", "registration_ids.active")
    def _compute_property_attendance(self):
        counts = {
            (event.id, state): count
            for event, state, count in self.env["event.registration"]
            .sudo()
            ._read_group(
                [("event_id", "in", self.ids), ("state", "in", ("open", "done"))],
                ["event_id", "state"],
                ["__count"],
            )
        }
        for event in self:
            attended = counts.get((event._origin.id, "done"), 0)
            registered = attended + counts.get((event._origin.id, "open"), 0)
            event.property_registered_count = registered
            event.property_attended_count = attended
            event.property_attendance_rate = rate_percent(attended, registered)

    @api.depends("registration_ids.property_rating")
    def _compute_property_rating(self):
        ratings = {}
        for registration in (
            self.env["event.registration"]
            .sudo()
            .search([("event_id", "in", self.ids), ("property_rating", "!=", False)])
        ):
            ratings.setdefault(registration.event_id.id, []).append(
                int(registration.property_rating)
            )
        for event in self:
            values = ratings.get(event._origin.id, [])
            event.property_rating_count = len(values)
            event.property_rating_avg = (
                round(sum(values) / len(values), 2) if values else 0.0
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @api.model
    def _property_analytic_plan(self):
        return self.env.ref(
            "property_community.analytic_plan_community_events",
            raise_if_not_found=False,
        )

    @api.model
    def _property_cancelled_stage(self):
        return (
            self.env.ref("event.event_stage_cancelled", raise_if_not_found=False)
            or self.env["event.stage"]
        )

    @api.model
    def _property_held_domain(self):
        """Community events that have taken place: ended, not cancelled."""
        domain = [
            ("property_site_id", "!=", False),
            ("date_end", "<", fields.Datetime.now()),
        ]
        cancelled = self._property_cancelled_stage()
        if cancelled:
            domain.append(("stage_id", "!=", cancelled.id))
        return domain

    def _property_is_cancelled(self):
        self.ensure_one()
        return self.stage_id == self._property_cancelled_stage()

    # ------------------------------------------------------------------
    # Constraints, onchanges, CRUD
    # ------------------------------------------------------------------
    @api.constrains("property_site_id", "company_id")
    def _check_property_site_company(self):
        for event in self:
            site = event.property_site_id
            if site and event.company_id != site.company_id:
                raise ValidationError(
                    self.env._(
                        "The event %(event)s belongs to %(company)s but its site "
                        "%(site)s to %(site_company)s: a community event belongs "
                        "to the company of its site.",
                        event=event.name,
                        company=event.company_id.name or "-",
                        site=site.name,
                        site_company=site.company_id.name,
                    )
                )

    @api.constrains("property_plan_line_id", "property_site_id")
    def _check_property_plan_line_site(self):
        for event in self:
            line = event.property_plan_line_id
            if line and line.site_id != event.property_site_id:
                raise ValidationError(
                    self.env._(
                        "The planned event %(line)s is for site %(site)s, not "
                        "for the site of %(event)s.",
                        line=line.name,
                        site=line.site_id.name,
                        event=event.name,
                    )
                )

    @api.onchange("property_site_id")
    def _onchange_property_site_id(self):
        if self.property_site_id:
            self.company_id = self.property_site_id.company_id

    @api.onchange("property_plan_line_id")
    def _onchange_property_plan_line_id(self):
        line = self.property_plan_line_id
        if line:
            self.property_festival = line.festival
            self.property_purpose = line.purpose
            self.property_audience = line.audience
            self.property_organizer_ids = line.organizer_ids
            self.property_organizing_departments = line.organizing_departments

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("property_site_id") and "company_id" not in vals:
                site = self.env["property.site"].browse(vals["property_site_id"])
                vals["company_id"] = site.company_id.id
        return super().create(vals_list)

    def copy_data(self, default=None):
        """A copy keeps the budget when an officer makes it; other staff
        with Events rights copy the event without it (they cannot read nor
        write budgets)."""
        vals_list = super().copy_data(default=default)
        if "property_budget_line_ids" in (default or {}) or not self.env.user.has_group(
            OFFICER_GROUP
        ):
            return vals_list
        for event, vals in zip(self, vals_list, strict=True):
            vals["property_budget_line_ids"] = [
                Command.create(
                    {
                        "sequence": line.sequence,
                        "name": line.name,
                        "planned_amount": line.planned_amount,
                    }
                )
                for line in event.property_budget_line_ids
            ]
        return vals_list

    def write(self, vals):
        result = super().write(vals)
        if vals.get("stage_id"):
            # confirmed: out of the "New" stage, not cancelled
            new = self.env.ref("event.event_stage_new", raise_if_not_found=False)
            confirmed = self.filtered(
                lambda e: (
                    e.property_site_id
                    and e.stage_id != new
                    and not e._property_is_cancelled()
                )
            )
            confirmed._property_ensure_analytic_account()
        return result

    # ------------------------------------------------------------------
    # Cost account
    # ------------------------------------------------------------------
    def _property_ensure_analytic_account(self):
        """Give every community event its cost account (created once, in
        the analytic plan "Community Events")."""
        plan = self._property_analytic_plan()
        if not plan:
            raise UserError(
                self.env._(
                    "The analytic plan for community events is missing. "
                    "Update the Property Community module."
                )
            )
        for event in self.filtered(lambda e: not e.property_analytic_account_id):
            if not event.property_site_id:
                raise UserError(
                    self.env._(
                        "%(event)s is not a community event: choose its site "
                        "before creating its cost account.",
                        event=event.name,
                    )
                )
            # sudo: officers run events, the accounting owns analytic accounts
            Account = self.env["account.analytic.account"].sudo()
            code = f"EV{event.id:05d}"
            # the event's account kept (archived) by an uninstall of the
            # module (hooks.uninstall_hook) is reused, not duplicated
            account = Account.with_context(active_test=False).search(
                [
                    ("root_plan_id", "=", plan.id),
                    ("code", "=", code),
                    ("company_id", "in", [event.company_id.id, False]),
                ],
                limit=1,
            )
            if account:
                account.active = True
            else:
                account = Account.create(
                    {
                        "name": self.env._(
                            "Event: %(event)s (%(date)s)",
                            event=event.name,
                            date=fields.Date.to_string(event.date_begin.date()),
                        ),
                        "code": code,
                        "plan_id": plan.id,
                        "company_id": event.company_id.id,
                    }
                )
            event.property_analytic_account_id = account
        return self.property_analytic_account_id

    def action_property_create_cost_account(self):
        self._property_ensure_analytic_account()
        return True

    def _property_cost_lines(self):
        """The analytic lines that make the actual cost, for the report."""
        self.ensure_one()
        plan = self._property_analytic_plan()
        if not self.property_analytic_account_id or not plan:
            return self.env["account.analytic.line"].sudo()
        return (
            self.env["account.analytic.line"]
            .sudo()
            .search(
                [(plan._column_name(), "=", self.property_analytic_account_id.id)],
                order="date, id",
            )
        )

    def action_property_view_cost_items(self):
        self.ensure_one()
        plan = self._property_analytic_plan()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cost Items"),
            "res_model": "account.analytic.line",
            "view_mode": "list,form",
            "domain": [
                (plan._column_name(), "=", self.property_analytic_account_id.id)
            ],
            "context": {"create": False},
        }

    @api.model
    def _property_refresh_costs(self, accounts):
        """Recompute the actual cost of the events of these cost accounts
        (called when their analytic lines change)."""
        if not accounts:
            return
        events = (
            self.sudo()
            .with_context(active_test=False)
            .search([("property_analytic_account_id", "in", accounts.ids)])
        )
        if events:
            for name in (
                "property_budget_amount",
                "property_actual_cost",
                "property_cost_variance",
            ):
                self.env.add_to_compute(events._fields[name], events)

    # ------------------------------------------------------------------
    # Check-in and attendance
    # ------------------------------------------------------------------
    def _property_check_in(self, code):
        """Check in the attendee whose registration carries ``code``.

        Idempotent: scanning the same code again changes nothing and
        answers "already checked in". Unknown codes, codes of another event
        and cancelled registrations are refused with a clear error.
        Returns {"status": "checked_in" | "already_checked_in",
        "registration": registration, "message": text}.
        """
        self.ensure_one()
        code = (code or "").strip()
        if not code:
            raise UserError(self.env._("Scan or type the check-in code."))
        registration = (
            self.env["event.registration"]
            .with_context(active_test=False)
            .search([("barcode", "=", code)], limit=1)
        )
        if not registration:
            raise UserError(
                self.env._(
                    "Unknown check-in code %(code)s: no registration carries "
                    "it. Check the code, or register the attendee first.",
                    code=code,
                )
            )
        if registration.event_id != self:
            raise UserError(
                self.env._(
                    "The code %(code)s is for another event (%(other)s), not "
                    "for %(event)s.",
                    code=code,
                    other=registration.sudo().event_id.display_name,
                    event=self.display_name,
                )
            )
        if registration.state == "cancel" or not registration.active:
            raise UserError(
                self.env._(
                    "The registration of %(name)s was cancelled: register "
                    "the attendee again before checking in.",
                    name=registration.name,
                )
            )
        if registration.state == "done":
            return {
                "status": "already_checked_in",
                "registration": registration,
                "message": self.env._(
                    "%(name)s is already checked in.", name=registration.name
                ),
            }
        registration.action_set_done()
        return {
            "status": "checked_in",
            "registration": registration,
            "message": self.env._(
                "Welcome, %(name)s: checked in.", name=registration.name
            ),
        }

    def action_property_open_check_in(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check-in: %s", self.name),
            "res_model": "property.event.checkin",
            "view_mode": "form",
            "target": "new",
            "context": {"default_event_id": self.id},
        }

    @api.model
    def _property_attendance_by_audience(self, domain=None):
        """Events, registrations and attendance per audience of the
        community events matching ``domain``:
        {audience: {"events", "registered", "attended", "rate"}}."""
        groups = self._read_group(
            [("property_site_id", "!=", False), *(domain or [])],
            ["property_audience"],
            [
                "__count",
                "property_registered_count:sum",
                "property_attended_count:sum",
            ],
        )
        return {
            audience: {
                "events": count,
                "registered": registered,
                "attended": attended,
                "rate": rate_percent(attended, registered),
            }
            for audience, count, registered, attended in groups
        }
