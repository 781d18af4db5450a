from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..models.property_ticket import OPEN_STATES


class PropertyMorningMeeting(models.TransientModel):
    """The morning meeting board (晨会): per staff member, what they handled
    yesterday and what is still open or overdue."""

    _name = "property.morning.meeting"
    _description = "Morning Meeting Board"

    date = fields.Date(required=True, default=fields.Date.context_today)
    site_id = fields.Many2one(
        "property.site",
        default=lambda self: self.env["property.site"]._default_for_user(),
        help="Leave empty for every site.",
    )
    line_ids = fields.One2many("property.morning.meeting.line", "meeting_id")
    duty_ids = fields.Many2many(
        "property.duty",
        string="On Duty",
        compute="_compute_duty_ids",
        help="Who is on duty (值班) on the day of the meeting.",
    )

    @api.depends("date")
    def _compute_duty_ids(self):
        Duty = self.env["property.duty"]
        for meeting in self:
            meeting.duty_ids = Duty.search(
                [
                    ("date", "=", meeting.date),
                    ("company_id", "in", self.env.companies.ids),
                ]
            )

    @api.model_create_multi
    def create(self, vals_list):
        meetings = super().create(vals_list)
        meetings._build_lines()
        return meetings

    @api.model
    def action_open_board(self):
        """The menu's entry point: the board of the user's own site
        and today, filled at once (a saved record, nothing to save)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_morning_meeting_action"
        )
        action["res_id"] = self.create({}).id
        return action

    def action_refresh(self):
        self._build_lines()
        return True

    def _day_bounds(self):
        self.ensure_one()
        yesterday = self.date - relativedelta(days=1)
        return (
            fields.Datetime.to_string(datetime.combine(yesterday, time.min)),
            fields.Datetime.to_string(datetime.combine(self.date, time.min)),
        )

    def _count_by(self, model, domain, user_field):
        return {
            user.id: count
            for user, count in self.env[model]._read_group(
                domain, [user_field], ["__count"]
            )
            if user
        }

    def _line_figures(self):
        """``{line field: {user id: value}}``: the board's columns, each
        counted in one grouped query.  Other apps add theirs here, so the
        lines are written once."""
        self.ensure_one()
        start, end = self._day_bounds()
        site = [("site_id", "=", self.site_id.id)] if self.site_id else []
        return {
            "received_count": self._count_by(
                "property.ticket",
                site + [("received_at", ">=", start), ("received_at", "<", end)],
                "received_by_id",
            ),
            "closed_count": self._count_by(
                "property.ticket",
                site + [("closed_at", ">=", start), ("closed_at", "<", end)],
                "closed_by_id",
            ),
            "work_order_done_count": self._count_by(
                "property.work.order",
                site + [("done_at", ">=", start), ("done_at", "<", end)],
                "user_id",
            ),
            "callback_done_count": self._count_by(
                "property.callback",
                site + [("done_at", ">=", start), ("done_at", "<", end)],
                "user_id",
            ),
            "open_count": self._count_by(
                "property.ticket",
                site + [("state", "in", OPEN_STATES), ("received_at", "<", end)],
                "user_id",
            ),
            "overdue_count": self._count_by(
                "property.ticket",
                site
                + [
                    ("state", "in", OPEN_STATES),
                    ("sla_resolution_deadline", "<", end),
                ],
                "user_id",
            ),
            "open_work_order_count": self._count_by(
                "property.work.order",
                site + [("state", "in", ("assigned", "in_progress"))],
                "user_id",
            ),
            # construction defects past their repair date, by follower
            "overdue_defect_count": self._count_by(
                "property.defect",
                site
                + [
                    ("state", "in", ("open", "in_progress")),
                    ("target_date", "<", fields.Date.to_string(self.date)),
                ],
                "user_id",
            ),
        }

    def _build_lines(self):
        Line = self.env["property.morning.meeting.line"]
        for meeting in self:
            figures = meeting._line_figures()
            user_ids = set()
            for counts in figures.values():
                user_ids.update(counts)
            meeting.line_ids.unlink()
            Line.create(
                [
                    {
                        "meeting_id": meeting.id,
                        "user_id": user_id,
                        **{
                            key: counts.get(user_id, 0)
                            for key, counts in figures.items()
                        },
                    }
                    for user_id in sorted(user_ids)
                ]
            )


class PropertyMorningMeetingLine(models.TransientModel):
    _name = "property.morning.meeting.line"
    _description = "Morning Meeting Board Line"
    _order = "overdue_count desc, open_count desc, user_id"

    meeting_id = fields.Many2one(
        "property.morning.meeting", required=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Staff Member", required=True)
    received_count = fields.Integer(string="Registered Yesterday")
    closed_count = fields.Integer(string="Closed Yesterday")
    work_order_done_count = fields.Integer(string="Work Orders Done Yesterday")
    callback_done_count = fields.Integer(string="Call-backs Yesterday")
    open_count = fields.Integer(string="Open Items")
    overdue_count = fields.Integer(string="Overdue Items")
    open_work_order_count = fields.Integer(string="Open Work Orders")
    overdue_defect_count = fields.Integer(
        string="Overdue Defects",
        help="Construction defects this person follows that are past their "
        "repair date.",
    )

    def action_open_defects(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_tenant.property_defect_action"
        )
        domain = [
            ("user_id", "=", self.user_id.id),
            ("state", "in", ("open", "in_progress")),
            ("target_date", "<", fields.Date.to_string(self.meeting_id.date)),
        ]
        if self.meeting_id.site_id:
            domain.append(("site_id", "=", self.meeting_id.site_id.id))
        action["domain"] = domain
        action["context"] = {}
        return action

    def action_open_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_ticket_action"
        )
        domain = [("user_id", "=", self.user_id.id), ("state", "in", OPEN_STATES)]
        if self.meeting_id.site_id:
            domain.append(("site_id", "=", self.meeting_id.site_id.id))
        action["domain"] = domain
        action["context"] = {}
        action["display_name"] = self.env._("Open items of %s", self.user_id.name)
        return action
