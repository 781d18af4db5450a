from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..models.property_ticket import OPEN_STATES


class PropertyMorningMeeting(models.TransientModel):
    """The morning meeting board (晨会): per staff member, what they handled
    yesterday and what is still open or overdue.

    The menu opens it as a new record: its lines are computed with the
    form (one request, nothing written); it is saved only when a button
    needs it (Refresh, a line's button), and its lines are computed again
    then and whenever the day or the site changes."""

    _name = "property.morning.meeting"
    _description = "Morning Meeting Board"

    date = fields.Date(required=True, default=fields.Date.context_today)
    site_id = fields.Many2one(
        "property.site",
        default=lambda self: self.env["property.site"]._default_for_user(),
        help="Leave empty for every site.",
    )
    line_ids = fields.One2many(
        "property.morning.meeting.line",
        "meeting_id",
        compute="_compute_line_ids",
        store=True,
        # computed as the user, not as superuser: the figures follow the
        # user's access rights and companies
        compute_sudo=False,
    )
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

    @api.depends("date", "site_id")
    def _compute_display_name(self):
        for meeting in self:
            meeting.display_name = self.env._(
                "Morning Meeting %(date)s %(site)s",
                date=format_date(self.env, meeting.date) if meeting.date else "",
                site=meeting.site_id.name or "",
            ).strip()

    @api.depends("date", "site_id")
    def _compute_line_ids(self):
        for meeting in self:
            meeting.line_ids = [Command.clear()] + [
                Command.create(values) for values in meeting._line_values()
            ]

    def action_refresh(self):
        self._compute_line_ids()
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

    def _line_values(self):
        """The lines' values, in the lines' order (a new board shows them
        as they come)."""
        self.ensure_one()
        if not self.date:
            return []
        figures = self._line_figures()
        user_ids = set()
        for counts in figures.values():
            user_ids.update(counts)
        lines = [
            {
                "user_id": user_id,
                **{key: counts.get(user_id, 0) for key, counts in figures.items()},
            }
            for user_id in user_ids
        ]
        # the lines' _order: overdue, open, then the users' own order
        rank = {
            user_id: index
            for index, user_id in enumerate(
                self.env["res.users"]
                .sudo()
                .with_context(active_test=False)
                .search([("id", "in", list(user_ids))])
                .ids
            )
        }
        return sorted(
            lines,
            key=lambda line: (
                -line["overdue_count"],
                -line["open_count"],
                rank[line["user_id"]],
            ),
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

    def _board_buttons(self):
        """The lines' buttons the board's form runs through
        :meth:`_open_from_board`."""
        return ("action_open_items", "action_open_defects")

    @api.model
    def _open_from_board(self):
        """A line's button, run by a server action from the board's form with
        the board, the line's person and the button in the context.  A new
        board's lines have no id: the form saves the board before it runs a
        button, which computes the lines again, so the line is found again
        by its board and its person."""
        context = self.env.context
        button = context.get("property_board_button")
        if button not in self._board_buttons():
            raise UserError(self.env._("This button does not belong to the board."))
        meeting = self.env["property.morning.meeting"].search(
            [("id", "=", context.get("property_board_id") or 0)]
        )
        line = meeting.line_ids.filtered(
            lambda line: line.user_id.id == context.get("property_board_user_id")
        )[:1]
        if not line:
            raise UserError(
                self.env._("This person is no longer on the board: refresh the board.")
            )
        return getattr(line, button)()

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
