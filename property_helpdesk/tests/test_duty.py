from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestDuty(PropertyHelpdeskCase):
    """The on-duty roster (值班): turns per department, swaps recorded, new
    repair work orders to the technician on duty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.Duty = cls.env["property.duty"]

    def _duty(self, day, user, shift="day"):
        return self.Duty.create(
            {
                "department_id": self.engineering.id,
                "date": day,
                "shift": shift,
                "user_id": user.id,
            }
        )

    def test_only_members_and_swaps_recorded(self):
        with self.assertRaisesRegex(ValidationError, "not a member"):
            self._duty(date(2026, 3, 2), self.agent)
        duty = self._duty(date(2026, 3, 2), self.plumber)
        duty.user_id = self.eng_head
        self.assertEqual(duty.swapped_from_id, self.plumber)
        self.assertEqual(duty.user_id, self.eng_head)

    def test_who_is_on_duty(self):
        self._duty(date(2026, 3, 2), self.plumber, "day")
        self._duty(date(2026, 3, 2), self.eng_head, "night")
        department = self.engineering
        # times in UTC: Shanghai is UTC+8
        self.assertEqual(
            department._assignee(datetime(2026, 3, 2, 2, 0)), self.plumber, "10:00"
        )
        self.assertEqual(
            department._assignee(datetime(2026, 3, 2, 14, 0)), self.eng_head, "22:00"
        )
        self.assertEqual(
            department._assignee(datetime(2026, 3, 2, 21, 0)),
            self.eng_head,
            "05:00 the next day: the night turn started the day before",
        )
        # no turn: the default assignee, else the head
        department.default_user_id = False
        self.assertEqual(
            department._assignee(datetime(2026, 3, 5, 2, 0)), self.eng_head
        )

    @freeze_time("2026-03-02 02:00:00")
    def test_work_order_goes_to_the_technician_on_duty(self):
        self._duty(date(2026, 3, 2), self.eng_head, "day")
        ticket = self._ticket(category_id=self.category_plumbing.id)
        ticket.action_dispatch()
        self.assertEqual(ticket.work_order_ids.user_id, self.eng_head)
        board = self.env["property.morning.meeting"].create(
            {"date": date(2026, 3, 2), "site_id": self.site.id}
        )
        self.assertEqual(board.duty_ids.user_id, self.eng_head)
        # the technician sees it in "My Work Orders": the turn it came on
        work_order = ticket.work_order_ids
        self.assertEqual(work_order.duty_id, board.duty_ids)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_work_order_my_action"
        )
        mine = (
            self.env["property.work.order"]
            .with_user(self.eng_head)
            .search([("user_id", "=", self.eng_head.id), ("duty_id", "!=", False)])
        )
        self.assertEqual(mine, work_order)
        self.assertIn("search_default_my", action["context"])
        self.assertEqual(mine.duty_id.with_user(self.eng_head).user_id, self.eng_head)
        # handed to someone else: no longer a work order of the turn
        work_order.user_id = self.plumber
        self.assertFalse(work_order.duty_id)
        # dispatched when nobody is on duty: the default assignee, no turn
        with freeze_time("2026-03-03 02:00:00"):
            other = self._ticket(category_id=self.category_plumbing.id)
            other.action_dispatch()
        self.assertEqual(other.work_order_ids.user_id, self.plumber)
        self.assertFalse(other.work_order_ids.duty_id)

    def test_plan_working_days_or_every_day(self):
        Plan = self.env["property.duty.plan"].with_user(self.supervisor)
        # Monday 2 to Sunday 8 March 2026 on the company's Mon-Fri calendar
        plan = Plan.create(
            {
                "department_id": self.engineering.id,
                "date_from": date(2026, 3, 2),
                "date_to": date(2026, 3, 8),
                "user_ids": [(6, 0, (self.plumber | self.eng_head).ids)],
            }
        )
        duties = self.Duty.search(plan.action_plan()["domain"])
        self.assertEqual(len(duties), 5, "working days only")
        self.assertEqual(
            [duty.user_id for duty in duties.sorted("date")],
            [self.plumber, self.eng_head, self.plumber, self.eng_head, self.plumber],
            "in turn",
        )
        self.assertEqual(
            [duty.date.weekday() for duty in duties.sorted("date")], [0, 1, 2, 3, 4]
        )
        plan = Plan.create(
            {
                "department_id": self.engineering.id,
                "date_from": date(2026, 3, 9),
                "date_to": date(2026, 3, 15),
                "every_day": True,
                "shift": "all_day",
            }
        )
        self.assertEqual(len(self.Duty.search(plan.action_plan()["domain"])), 7)

    def test_technicians_read_the_roster_supervisors_plan_it(self):
        duty = self._duty(date(2026, 3, 2), self.plumber)
        self.assertEqual(
            self.Duty.with_user(self.plumber).search(
                [("user_id", "=", self.plumber.id)]
            ),
            duty,
        )
        with self.assertRaises(AccessError):
            duty.with_user(self.plumber).user_id = self.eng_head
        with self.assertRaises(AccessError):
            self.env["property.duty.plan"].with_user(self.agent).create(
                {"department_id": self.engineering.id, "date_to": date(2026, 3, 3)}
            )
