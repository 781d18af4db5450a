from datetime import datetime, time, timedelta
from itertools import chain

from pytz import timezone, utc

from odoo import api, fields, models


class ResourceCalendar(models.Model):
    """Working hours that follow China's official holiday schedule
    (property.holiday.schedule): its public holidays are time off
    (resource.calendar.leaves linked to the schedule's days) and its make-up
    working days (调休上班) are worked.

    A make-up day, a day the calendar does not normally work, is given the
    hours of the calendar's first working weekday of the same week (Monday
    for a Monday-to-Friday calendar): the official notice does not say which
    weekday a make-up day stands in for, and the first working day is the
    one every calendar has. Hence plan_hours (the SLA deadlines),
    get_work_hours_count (the on-duty roster) and every other computation on
    the work intervals see it."""

    _inherit = "resource.calendar"

    follows_official_schedule = fields.Boolean(
        string="Follows the Official Holiday Schedule",
        help="Public holidays of China's official schedule (Service Desk > "
        "Configuration > Official Holidays) are time off, and its make-up "
        "working days (调休上班) are worked with the hours of the week's "
        "first working day.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        calendars = super().create(vals_list)
        following = calendars.filtered("follows_official_schedule")
        if following:
            self._official_holiday_lines()._sync_calendar_leaves(following)
        return calendars

    def write(self, vals):
        res = super().write(vals)
        if {"follows_official_schedule", "tz", "company_id"} & set(vals):
            self._official_holiday_lines()._sync_calendar_leaves(self)
        return res

    def _official_holiday_lines(self):
        return self.env["property.holiday.schedule.line"].sudo().search([])

    def _official_makeup_days(self, start_dt, end_dt):
        """``[(make-up day, the day whose hours it gets)]`` between the two
        datetimes (a day of margin for the time zones)."""
        self.ensure_one()
        if not self.follows_official_schedule or self.flexible_hours:
            return []
        weekdays = {
            int(attendance.dayofweek)
            for attendance in self.attendance_ids
            if not attendance.resource_id and not attendance.display_type
        }
        if not weekdays:
            return []
        lines = (
            self.env["property.holiday.schedule.line"]
            .sudo()
            .search(
                [
                    ("kind", "=", "workday"),
                    ("date", ">=", start_dt.date() - timedelta(days=1)),
                    ("date", "<=", end_dt.date() + timedelta(days=1)),
                    ("company_id", "in", [False, self.company_id.id]),
                ]
            )
        )
        first = min(weekdays)
        return [
            (day, day + timedelta(days=first - day.weekday()))
            for day in sorted(set(lines.mapped("date")))
            if day.weekday() not in weekdays
        ]

    def _attendance_intervals_batch(
        self, start_dt, end_dt, resources=None, domain=None, tz=None, lunch=False
    ):
        result = super()._attendance_intervals_batch(
            start_dt, end_dt, resources=resources, domain=domain, tz=tz, lunch=lunch
        )
        flexible = {r.id for r in resources or [] if r._is_fully_flexible()}
        for day, stand_in in self._official_makeup_days(start_dt, end_dt):
            # the stand-in day's hours, read with a margin for the time zones
            around = utc.localize(datetime.combine(stand_in, time.min))
            hours = super()._attendance_intervals_batch(
                around - timedelta(days=1),
                around + timedelta(days=2),
                resources=resources,
                domain=domain,
                tz=tz,
                lunch=lunch,
            )
            for resource_id, intervals in result.items():
                if resource_id in flexible:
                    continue
                moved = _moved(hours[resource_id], stand_in, day, start_dt, end_dt)
                result[resource_id] = type(intervals)(chain(intervals, moved))
        return result


def _moved(intervals, stand_in, day, start_dt, end_dt):
    """The intervals of the local date ``stand_in`` moved to ``day`` (same
    local hours), cut to ``start_dt``-``end_dt``."""
    moved = []
    for start, stop, meta in intervals:
        if start.date() != stand_in:
            continue
        tz = timezone(start.tzinfo.zone)
        shift = day - stand_in
        start = tz.localize(start.replace(tzinfo=None) + shift)
        stop = tz.localize(stop.replace(tzinfo=None) + shift)
        start, stop = (
            max(start, start_dt.astimezone(tz)),
            min(stop, end_dt.astimezone(tz)),
        )
        if start < stop:
            moved.append((start, stop, meta))
    return moved
