from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DUTY_SHIFTS = [
    ("day", "Day"),
    ("night", "Night"),
    ("all_day", "24 Hours"),
]


class PropertyDuty(models.Model):
    """An on-duty turn (值班) of a department's member: a day and a shift.
    A repair work order goes to the technician on duty when it is created;
    a swap is recorded with who was on duty before."""

    _name = "property.duty"
    _description = "On-duty Turn"
    _inherit = ["mail.thread"]
    _order = "date desc, department_id, shift, id"
    _check_company_auto = True

    department_id = fields.Many2one(
        "property.department",
        required=True,
        index=True,
        check_company=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="department_id.company_id", store=True, index=True, precompute=True
    )
    date = fields.Date(required=True, index=True, tracking=True)
    shift = fields.Selection(DUTY_SHIFTS, required=True, default="day", tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="On Duty",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    swapped_from_id = fields.Many2one(
        "res.users",
        string="Swapped With",
        readonly=True,
        copy=False,
        help="Who was on duty for this turn before a swap.",
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "turn_uniq",
            "unique(department_id, date, shift, user_id)",
            "This person already has this turn.",
        ),
    ]

    @api.depends("department_id", "date", "shift", "user_id")
    def _compute_display_name(self):
        shifts = dict(self._fields["shift"]._description_selection(self.env))
        for duty in self:
            duty.display_name = (
                f"{duty.date} {shifts.get(duty.shift, '')} "
                f"{duty.department_id.name or ''}: {duty.user_id.name or ''}"
            )

    @api.constrains("user_id", "department_id")
    def _check_member(self):
        for duty in self:
            department = duty.department_id
            if duty.user_id not in department.member_ids | department.head_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a member of %(department)s: only its "
                        "members are on duty for it.",
                        user=duty.user_id.name,
                        department=department.name,
                    )
                )

    def write(self, vals):
        if "user_id" in vals:
            for duty in self.filtered(lambda d: d.user_id.id != vals["user_id"]):
                # a swap: who was on duty before is kept on the turn
                duty.swapped_from_id = duty.swapped_from_id or duty.user_id
        return super().write(vals)

    @api.model
    def _covers(self, shift, moment):
        """Whether a shift covers the hour of ``moment`` (local time): day
        08:00-20:00, night the rest, 24 hours all of it."""
        if shift == "all_day":
            return True
        day = time(8) <= moment.time() < time(20)
        return day if shift == "day" else not day

    @api.model
    def _on_duty(self, department, moment=None):
        """The person on duty in ``department`` at ``moment`` (default now,
        in the user's time zone); a night turn started the day before
        covers the early morning."""
        return self._turn(department, moment).user_id

    @api.model
    def _turn(self, department, moment=None):
        """The turn on duty (值班) in ``department`` at ``moment``, as
        :meth:`_on_duty` finds it (an empty record when nobody is)."""
        moment = fields.Datetime.context_timestamp(
            self, moment or fields.Datetime.now()
        ).replace(tzinfo=None)
        duties = self.search(
            [
                ("department_id", "=", department.id),
                ("date", "in", [moment.date(), moment.date() - timedelta(days=1)]),
            ]
        )
        for duty in duties.sorted(lambda d: (d.date != moment.date(), d.id)):
            if duty.date == moment.date() and self._covers(duty.shift, moment):
                return duty
            if (
                duty.date < moment.date()
                and duty.shift == "night"
                and moment.time() < time(8)
            ):
                return duty
        return self.browse()

    @api.model
    def _today(self, companies=None):
        """Today's turns (the morning meeting's "on duty today")."""
        today = fields.Date.context_today(self)
        domain = [("date", "=", today)]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        return self.search(domain)


class PropertyDutyPlan(models.TransientModel):
    """Plan a department's turns over a period: its members in turn, one
    turn a day, working days of the department's calendar only unless the
    department is on duty every day."""

    _name = "property.duty.plan"
    _description = "Plan On-duty Turns"

    department_id = fields.Many2one("property.department", required=True)
    company_id = fields.Many2one(related="department_id.company_id")
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(required=True)
    shift = fields.Selection(DUTY_SHIFTS, required=True, default="day")
    user_ids = fields.Many2many(
        "res.users", string="In Turn", domain="[('share', '=', False)]"
    )
    every_day = fields.Boolean(
        help="Weekends and public holidays too (a desk open every day); "
        "otherwise only the working days of the department's calendar.",
    )

    def _working_day(self, day):
        calendar = self.department_id.resource_calendar_id
        if self.every_day or not calendar:
            return True
        start = datetime.combine(day, time.min)
        hours = calendar.get_work_hours_count(
            start, start + timedelta(days=1), compute_leaves=True
        )
        return hours > 0

    def action_plan(self):
        self.ensure_one()
        users = self.user_ids or self.department_id.member_ids
        if not users or self.date_to < self.date_from:
            raise ValidationError(
                self.env._(
                    "Choose who is on duty in turn, and a period that ends on or "
                    "after it starts."
                )
            )
        day, turn, vals_list = self.date_from, 0, []
        while day <= self.date_to:
            if self._working_day(day):
                vals_list.append(
                    {
                        "department_id": self.department_id.id,
                        "date": day,
                        "shift": self.shift,
                        "user_id": users[turn % len(users)].id,
                    }
                )
                turn += 1
            day += timedelta(days=1)
        duties = self.env["property.duty"].create(vals_list)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_duty_action"
        )
        action["domain"] = [("id", "in", duties.ids)]
        return action
