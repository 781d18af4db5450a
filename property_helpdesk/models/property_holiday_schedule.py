from datetime import datetime, time

from pytz import timezone, utc

from odoo import api, fields, models
from odoo.exceptions import ValidationError

HOLIDAY_KINDS = [
    ("holiday", "Public Holiday"),
    ("workday", "Make-up Working Day"),
]


class PropertyHolidaySchedule(models.Model):
    """China's official holiday schedule of a year (国务院办公厅关于部分节假日
    安排的通知): its public holidays and the weekend days worked instead
    (调休上班). The working calendars that follow it get the holidays as
    time off and the make-up days as working days (resource_calendar.py)."""

    _name = "property.holiday.schedule"
    _description = "Official Holiday Schedule"
    _order = "year desc, company_id, id"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        help="The notice the schedule comes from, e.g. 国务院办公厅关于2026年"
        "部分节假日安排的通知.",
    )
    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty for the national schedule, followed by every company.",
    )
    line_ids = fields.One2many(
        "property.holiday.schedule.line", "schedule_id", string="Days", copy=True
    )
    holiday_count = fields.Integer(string="Public Holidays", compute="_compute_counts")
    workday_count = fields.Integer(
        string="Make-up Working Days", compute="_compute_counts"
    )

    @api.depends("line_ids.kind")
    def _compute_counts(self):
        for schedule in self:
            kinds = schedule.line_ids.mapped("kind")
            schedule.holiday_count = kinds.count("holiday")
            schedule.workday_count = kinds.count("workday")

    @api.constrains("year", "company_id")
    def _check_one_per_year(self):
        for schedule in self:
            if self.search_count(
                [
                    ("id", "!=", schedule.id),
                    ("year", "=", schedule.year),
                    ("company_id", "=", schedule.company_id.id),
                ]
            ):
                raise ValidationError(
                    self.env._(
                        "There is already a holiday schedule for %(year)s: "
                        "add the days to it instead of creating another one.",
                        year=schedule.year,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if "company_id" in vals:
            self.line_ids._sync_calendar_leaves()
        return res

    def action_apply(self):
        """Bring the time off of every calendar that follows the schedule in
        line with its public holidays (changes of the days apply at once;
        this also catches up calendars set up since)."""
        self.line_ids._sync_calendar_leaves()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "The working calendars that follow the official holiday "
                    "schedule are up to date."
                ),
            },
        }

    def action_import(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_holiday_schedule_import_action"
        )
        action["context"] = {"default_schedule_id": self.id}
        return action


class PropertyHolidayScheduleLine(models.Model):
    _name = "property.holiday.schedule.line"
    _description = "Official Holiday Schedule Day"
    _order = "date, id"

    schedule_id = fields.Many2one(
        "property.holiday.schedule", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="schedule_id.company_id", store=True, index=True
    )
    date = fields.Date(required=True, index=True)
    kind = fields.Selection(HOLIDAY_KINDS, required=True, default="holiday")
    name = fields.Char(
        string="Festival", required=True, help="e.g. 春节 (Spring Festival)."
    )
    leave_ids = fields.One2many(
        "resource.calendar.leaves", "holiday_line_id", string="Time Off"
    )

    _sql_constraints = [
        (
            "date_uniq",
            "unique(schedule_id, date)",
            "A day appears only once in a holiday schedule.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._sync_calendar_leaves()
        return lines

    def write(self, vals):
        res = super().write(vals)
        if {"date", "kind", "name", "schedule_id"} & set(vals):
            self._sync_calendar_leaves()
        return res

    # leaves go with their line (ondelete="cascade" on holiday_line_id)

    def _leave_values(self, calendar):
        """The time off of a public holiday on ``calendar``: the whole day
        in the calendar's time zone."""
        self.ensure_one()
        tz = timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.combine(self.date, time.min))
        end = tz.localize(datetime.combine(self.date, time(23, 59, 59)))
        return {
            "name": self.name,
            "calendar_id": calendar.id,
            "company_id": calendar.company_id.id or self.env.company.id,
            "date_from": start.astimezone(utc).replace(tzinfo=None),
            "date_to": end.astimezone(utc).replace(tzinfo=None),
            "time_type": "leave",
            "holiday_line_id": self.id,
        }

    def _applies_to(self, calendar):
        return calendar.follows_official_schedule and (
            not self.company_id or self.company_id == calendar.company_id
        )

    def _sync_calendar_leaves(self, calendars=None):
        """One time off per public holiday of ``self`` and calendar that
        follows it (all calendars, or only ``calendars``): created, updated
        or removed so that applying again never duplicates."""
        Leave = self.env["resource.calendar.leaves"].sudo()
        calendar_domain = [("id", "in", calendars.ids)] if calendars else []
        calendars = self.env["resource.calendar"].sudo().search(calendar_domain)
        leaves = Leave.search(
            [("holiday_line_id", "in", self.ids), ("calendar_id", "in", calendars.ids)]
        )
        existing = {
            (leave.holiday_line_id.id, leave.calendar_id.id): leave for leave in leaves
        }
        kept, to_create = Leave, []
        for line in self.filtered(lambda line: line.kind == "holiday"):
            for calendar in calendars.filtered(line._applies_to):
                vals = line._leave_values(calendar)
                leave = existing.get((line.id, calendar.id))
                if not leave:
                    to_create.append(vals)
                    continue
                kept |= leave
                if any(
                    leave[fname] != value
                    for fname, value in vals.items()
                    if fname in ("name", "date_from", "date_to")
                ):
                    leave.write(vals)
        (leaves - kept).unlink()
        Leave.create(to_create)
