"""China's official holiday schedule (调休): public holidays are time off and
make-up working days are worked, on the calendars that follow it; the SLA
deadlines and the on-duty roster follow without changes of their own.

2026: 春节 Feb 15-23 off, Saturday Feb 14 and Saturday Feb 28 worked.
Calendars are Monday to Friday 08:00-12:00 and 13:00-17:00 in Asia/Shanghai
(UTC+8); datetimes stored on items are naive UTC."""

import base64
from datetime import date, datetime, timedelta

from pytz import timezone

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import PropertyHelpdeskCase

SHANGHAI = timezone("Asia/Shanghai")
SPRING_FESTIVAL = [date(2026, 2, 15) + timedelta(days=n) for n in range(9)]
MAKEUP_DAYS = [date(2026, 2, 14), date(2026, 2, 28)]


def local(day, hour=0):
    return SHANGHAI.localize(datetime(day.year, day.month, day.day, hour))


def make_calendar(env, name, follows, company=None):
    """40 hours a week, Monday to Friday 08:00-12:00 and 13:00-17:00."""
    return env["resource.calendar"].create(
        {
            "name": name,
            "tz": "Asia/Shanghai",
            "company_id": (company or env.company).id,
            "follows_official_schedule": follows,
            "attendance_ids": [Command.clear()]
            + [
                Command.create(
                    {
                        "name": f"Day {day} {period}",
                        "dayofweek": str(day),
                        "hour_from": hour_from,
                        "hour_to": hour_to,
                        "day_period": period,
                    }
                )
                for day in range(5)
                for period, hour_from, hour_to in (
                    ("morning", 8, 12),
                    ("afternoon", 13, 17),
                )
            ],
        }
    )


@tagged("post_install", "-at_install")
class TestOfficialCalendar(PropertyHelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # this world's own schedule: the one shipped with the module aside
        cls.env["property.holiday.schedule"].search([]).unlink()
        cls.calendar = make_calendar(cls.env, "Test official 40h", True)
        cls.plain_calendar = make_calendar(cls.env, "Test plain 40h", False)
        cls.schedule = cls.env["property.holiday.schedule"].create(
            {
                "name": "Test 2026",
                "year": 2026,
                "company_id": cls.company.id,
                "line_ids": [
                    Command.create({"date": day, "kind": "holiday", "name": "春节"})
                    for day in SPRING_FESTIVAL
                ]
                + [
                    Command.create({"date": day, "kind": "workday", "name": "春节"})
                    for day in MAKEUP_DAYS
                ],
            }
        )
        cls.engineering.resource_calendar_id = cls.calendar
        cls.plain_engineering = cls.env["property.department"].create(
            {
                "name": "Test Plain Engineering",
                "kind": "engineering",
                "member_ids": [Command.set(cls.plumber.ids)],
                "resource_calendar_id": cls.plain_calendar.id,
            }
        )
        cls.manager = new_test_user(
            cls.env,
            login="ph_holiday_manager",
            groups="property_tenant.group_property_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def _hours(self, calendar, day):
        return calendar.get_work_hours_count(
            local(day), local(day + timedelta(days=1)), compute_leaves=True
        )

    def _leaves(self, lines, calendar=None):
        return self.env["resource.calendar.leaves"].search(
            [
                ("holiday_line_id", "in", lines.ids),
                ("calendar_id", "=", (calendar or self.calendar).id),
            ]
        )

    # ------------------------------------------------------------------
    # The calendar
    # ------------------------------------------------------------------
    def test_makeup_day_has_the_hours_of_a_working_day(self):
        saturday = date(2026, 2, 14)
        intervals = self.calendar._attendance_intervals_batch(
            local(saturday), local(saturday + timedelta(days=1))
        )[False]
        self.assertEqual(
            [(start, stop) for start, stop, _att in intervals],
            [
                (local(saturday, 8), local(saturday, 12)),
                (local(saturday, 13), local(saturday, 17)),
            ],
            "Monday's hours, in the calendar's time zone",
        )
        for day in MAKEUP_DAYS:
            self.assertEqual(self._hours(self.calendar, day), 8.0, day)
            self.assertEqual(self._hours(self.plain_calendar, day), 0.0, day)
        # Monday 16 February is a public holiday, Tuesday 24th a working day
        self.assertEqual(self._hours(self.calendar, date(2026, 2, 16)), 0.0)
        self.assertEqual(self._hours(self.plain_calendar, date(2026, 2, 16)), 8.0)
        self.assertEqual(self._hours(self.calendar, date(2026, 2, 24)), 8.0)
        # a whole week around the festival: Fri 13, Sat 14, Tue 24 to Fri 27,
        # Sat 28
        self.assertEqual(
            self.calendar.get_work_hours_count(
                local(date(2026, 2, 9)), local(date(2026, 3, 2))
            ),
            8.0 * 11,
        )

    def test_makeup_day_of_a_day_the_calendar_works_adds_nothing(self):
        # a desk open on Saturdays already works them: no extra hours
        self.calendar.attendance_ids = [
            Command.create(
                {
                    "name": "Saturday",
                    "dayofweek": "5",
                    "hour_from": 9,
                    "hour_to": 12,
                    "day_period": "morning",
                }
            )
        ]
        self.assertEqual(self._hours(self.calendar, date(2026, 2, 14)), 3.0)

    # ------------------------------------------------------------------
    # Its callers: SLA deadlines and the on-duty roster
    # ------------------------------------------------------------------
    def test_sla_deadline_reaches_into_the_makeup_saturday(self):
        self.env["property.sla.policy"].search([]).action_archive()
        self.env["property.sla.policy"].create(
            {
                "name": "Test service",
                "kind": "service",
                "response_hours": 4,
                "resolution_hours": 12,
            }
        )
        friday_1600 = datetime(2026, 2, 13, 8, 0)  # UTC
        following = self._ticket(
            received_at=friday_1600, department_id=self.engineering.id
        )
        plain = self._ticket(
            received_at=friday_1600, department_id=self.plain_engineering.id
        )
        # 1h on Friday, 3h on the make-up Saturday: Saturday 11:00
        self.assertEqual(following.sla_response_deadline, datetime(2026, 2, 14, 3, 0))
        # ... 8h on Saturday, then the festival: Tuesday 24th 11:00
        self.assertEqual(following.sla_resolution_deadline, datetime(2026, 2, 24, 3, 0))
        # a calendar that does not follow the schedule: Monday 16th 11:00 and
        # Tuesday 17th 11:00
        self.assertEqual(plain.sla_response_deadline, datetime(2026, 2, 16, 3, 0))
        self.assertEqual(plain.sla_resolution_deadline, datetime(2026, 2, 17, 3, 0))

    def test_duty_plan_skips_the_festival_and_works_the_makeup_day(self):
        Plan = self.env["property.duty.plan"].with_user(self.supervisor)
        planned = {}
        for department in (self.engineering, self.plain_engineering):
            plan = Plan.create(
                {
                    "department_id": department.id,
                    "date_from": date(2026, 2, 13),
                    "date_to": date(2026, 2, 24),
                    "user_ids": [Command.set(self.plumber.ids)],
                }
            )
            duties = self.env["property.duty"].search(plan.action_plan()["domain"])
            planned[department] = sorted(duties.mapped("date"))
        self.assertEqual(
            planned[self.engineering],
            [date(2026, 2, 13), date(2026, 2, 14), date(2026, 2, 24)],
        )
        self.assertEqual(
            planned[self.plain_engineering],
            [date(2026, 2, 13)]
            + [date(2026, 2, d) for d in (16, 17, 18, 19, 20, 23, 24)],
        )

    # ------------------------------------------------------------------
    # Time off that follows the schedule
    # ------------------------------------------------------------------
    def test_holidays_are_time_off_of_the_following_calendars(self):
        holidays = self.schedule.line_ids.filtered(lambda line: line.kind == "holiday")
        leaves = self._leaves(holidays)
        self.assertEqual(len(leaves), 9, "one time off per public holiday")
        first = leaves.filtered(
            lambda leave: leave.holiday_line_id.date == SPRING_FESTIVAL[0]
        )
        # the calendar's whole day (Asia/Shanghai), stored in UTC
        self.assertEqual(first.date_from, datetime(2026, 2, 14, 16, 0))
        self.assertEqual(first.date_to, datetime(2026, 2, 15, 15, 59, 59))
        self.assertEqual(first.time_type, "leave")
        self.assertEqual(first.name, "春节")
        self.assertFalse(self._leaves(self.schedule.line_ids, self.plain_calendar))
        self.assertFalse(
            self._leaves(
                self.schedule.line_ids.filtered(lambda line: line.kind == "workday")
            )
        )

    def test_apply_again_never_duplicates_and_changes_follow(self):
        holidays = self.schedule.line_ids.filtered(lambda line: line.kind == "holiday")
        self.schedule.with_user(self.manager).action_apply()
        self.schedule.with_user(self.manager).action_apply()
        self.assertEqual(len(self._leaves(holidays)), 9)

        # a day moved: its time off moves; a day removed: its time off goes
        line = holidays[0]
        line.with_user(self.manager).date = date(2026, 3, 2)
        self.assertEqual(self._leaves(line).date_from, datetime(2026, 3, 1, 16, 0))
        self.assertEqual(self._hours(self.calendar, date(2026, 3, 2)), 0.0)
        line.with_user(self.manager).unlink()
        self.assertEqual(len(self._leaves(holidays.exists())), 8)
        self.assertEqual(self._hours(self.calendar, date(2026, 3, 2)), 8.0)
        # a holiday turned into a make-up day
        holidays[1].with_user(self.manager).kind = "workday"
        self.assertEqual(len(self._leaves(holidays.exists())), 7)

        # a calendar that stops following loses the time off, and gets it
        # back when it follows again
        self.calendar.follows_official_schedule = False
        self.assertFalse(self._leaves(holidays.exists()))
        self.assertEqual(self._hours(self.calendar, date(2026, 2, 14)), 0.0)
        self.calendar.follows_official_schedule = True
        self.assertEqual(len(self._leaves(holidays.exists())), 7)

    def test_new_calendar_and_new_company_follow(self):
        calendar = make_calendar(self.env, "Test new 40h", True)
        self.assertEqual(len(self._leaves(self.schedule.line_ids, calendar)), 9)
        other = self.env["res.company"].create({"name": "Test Other Property Co"})
        self.assertTrue(other.resource_calendar_id.follows_official_schedule)
        # at install, the existing companies' working hours follow it
        self.company.resource_calendar_id.follows_official_schedule = False
        self.env["res.company"]._follow_official_holiday_schedule()
        self.assertTrue(self.company.resource_calendar_id.follows_official_schedule)

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def _import(self, schedule, text=None, file=None):
        wizard = (
            self.env["property.holiday.schedule.import"]
            .with_user(self.manager)
            .create(
                {
                    "schedule_id": schedule.id,
                    "text": text,
                    "file": file and base64.b64encode(file),
                    "filename": file and "holidays.csv",
                }
            )
        )
        return wizard.action_import()

    def test_import(self):
        schedule = (
            self.env["property.holiday.schedule"]
            .with_user(self.manager)
            .create({"name": "Test 2027", "year": 2027})
        )
        self._import(
            schedule,
            "date,kind,name\n"
            "2027-10-01,holiday,国庆节\n"
            "\n"
            "2027/10/02,休,国庆节\n"
            "2027-09-26,workday,国庆节\n",
        )
        self.assertEqual(
            [
                (line.date, line.kind, line.name)
                for line in schedule.line_ids.sorted("date")
            ],
            [
                (date(2027, 9, 26), "workday", "国庆节"),
                (date(2027, 10, 1), "holiday", "国庆节"),
                (date(2027, 10, 2), "holiday", "国庆节"),
            ],
        )
        self.assertEqual(len(self._leaves(schedule.line_ids)), 2)
        self.assertEqual(self._hours(self.calendar, date(2027, 9, 26)), 8.0)
        # a csv file saved by Excel in Chinese Windows (GBK)
        self._import(schedule, file="2027-10-03,放假,国庆节\r\n".encode("gbk"))
        self.assertEqual(schedule.holiday_count, 3)

    def test_import_refuses_a_bad_line_and_writes_nothing(self):
        schedule = self.env["property.holiday.schedule"].create(
            {"name": "Test 2027", "year": 2027}
        )
        good = "2027-10-01,holiday,国庆节\n"
        for bad, message in (
            ("2027-02-30,holiday,春节", "Line 2: “2027-02-30” is not a date"),
            ("2027-10-02,off,国庆节", "Line 2: “off” is neither holiday nor workday"),
            ("2027-10-01,holiday,国庆节", "Line 2: 2027-10-01 is already"),
            ("2027-10-02,holiday", "Line 2: write the date"),
        ):
            with self.subTest(bad=bad), self.assertRaisesRegex(UserError, message):
                self._import(schedule, good + bad)
            self.assertFalse(schedule.line_ids, "nothing was written")
        self._import(schedule, good)
        with self.assertRaisesRegex(UserError, "Line 1: 2027-10-01 is already"):
            self._import(schedule, good)
        self.assertEqual(len(schedule.line_ids), 1)

    # ------------------------------------------------------------------
    # Companies
    # ------------------------------------------------------------------
    def test_another_company_schedule_is_neither_visible_nor_followed(self):
        other = self.env["res.company"].create({"name": "Test Other Property Co"})
        other_calendar = make_calendar(self.env, "Test other 40h", True, other)
        other_schedule = self.env["property.holiday.schedule"].create(
            {
                "name": "Test other company 2026",
                "year": 2026,
                "company_id": other.id,
                "line_ids": [
                    Command.create(
                        {"date": date(2026, 3, 2), "kind": "holiday", "name": "Test"}
                    ),
                    Command.create(
                        {"date": date(2026, 3, 7), "kind": "workday", "name": "Test"}
                    ),
                ],
            }
        )
        national = self.env["property.holiday.schedule"].create(
            {"name": "Test national 2027", "year": 2027}
        )
        Schedule = self.env["property.holiday.schedule"].with_user(self.agent)
        self.assertEqual(
            Schedule.search([("id", "in", (other_schedule | national).ids)]),
            national,
        )
        self.assertFalse(
            self.env["property.holiday.schedule.line"]
            .with_user(self.agent)
            .search([("id", "in", other_schedule.line_ids.ids)])
        )
        # its days are its own company's calendars' only
        self.assertEqual(self._hours(self.calendar, date(2026, 3, 2)), 8.0)
        self.assertEqual(self._hours(self.calendar, date(2026, 3, 7)), 0.0)
        self.assertEqual(self._hours(other_calendar, date(2026, 3, 2)), 0.0)
        self.assertEqual(self._hours(other_calendar, date(2026, 3, 7)), 8.0)
        # one schedule per year and company
        with self.assertRaisesRegex(UserError, "already a holiday schedule"):
            self.env["property.holiday.schedule"].create(
                {"name": "Test again", "year": 2026, "company_id": other.id}
            )


@tagged("post_install", "-at_install")
class TestShippedSchedule(TransactionCase):
    def test_2026_schedule(self):
        schedule = self.env.ref("property_helpdesk.property_holiday_schedule_2026")
        self.assertFalse(schedule.company_id, "national: every company follows it")
        workdays = schedule.line_ids.filtered(lambda line: line.kind == "workday")
        self.assertEqual(
            workdays.mapped("date"),
            [
                date(2026, 1, 4),
                date(2026, 2, 14),
                date(2026, 2, 28),
                date(2026, 5, 9),
                date(2026, 9, 20),
                date(2026, 10, 10),
            ],
        )
        self.assertEqual(schedule.holiday_count, 3 + 9 + 3 + 5 + 3 + 3 + 7)
        holidays = schedule.line_ids - workdays
        self.assertEqual(holidays[0].date, date(2026, 1, 1))
        self.assertEqual(holidays[-1].date, date(2026, 10, 7))
        calendar = make_calendar(self.env, "Test shipped 40h", True)
        self.assertEqual(
            len(calendar.leave_ids.filtered("holiday_line_id")), schedule.holiday_count
        )
        sunday = date(2026, 1, 4)
        self.assertEqual(
            calendar.get_work_hours_count(local(sunday), local(sunday, 23)), 8.0
        )
