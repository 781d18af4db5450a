from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_events import PropertyEventCase


@tagged("post_install", "-at_install")
class TestCulturePlan(PropertyEventCase):
    def _plan(self, year=2027, **vals):
        return (
            self.env["property.culture.plan"]
            .with_user(self.officer)
            .create({"site_id": self.site.id, "year": year, **vals})
        )

    def test_propose_from_festival_calendar(self):
        plan = self._plan()
        self.assertEqual(plan.name, "Culture Plan 2027 - Test Plaza")
        self.assertEqual(plan.target_count, 4)
        plan.action_propose_from_calendar()
        lines = plan.line_ids.sorted("planned_date")
        self.assertEqual(
            [(line.festival, line.planned_date, line.audience) for line in lines],
            [
                ("spring_festival", date(2027, 2, 6), "all"),
                ("childrens_day", date(2027, 6, 1), "children"),
                ("mid_autumn", date(2027, 9, 15), "all"),
                ("double_ninth", date(2027, 10, 8), "elderly"),
            ],
        )
        self.assertTrue(all(line.name and line.purpose for line in lines))
        self.assertEqual(lines[0].expected_attendance, 150)
        self.assertEqual(plan.planned_count, 4)
        self.assertEqual(plan.held_count, 0)

        # full: a clear error, nothing added
        with self.assertRaisesText(UserError, "already has its 4 target events"):
            plan.action_propose_from_calendar()
        self.assertEqual(len(plan.line_ids), 4)

        # one line replaced by hand, target raised: only the missing ones come
        lines[0].unlink()
        plan.target_count = 6
        plan.action_propose_from_calendar()
        self.assertEqual(
            sorted(plan.line_ids.mapped("festival")),
            sorted(
                [
                    "spring_festival",
                    "childrens_day",
                    "mid_autumn",
                    "double_ninth",
                    "lantern_festival",
                    "national_day",
                ]
            ),
        )

    def test_proposal_only_in_draft_and_plan_checks(self):
        plan = self._plan()
        with self.assertRaisesText(UserError, "no planned event yet"):
            plan.action_approve()
        plan.action_propose_from_calendar()
        plan.action_approve()
        self.assertEqual(plan.state, "approved")
        with self.assertRaisesText(UserError, "Only a draft plan"):
            plan.action_propose_from_calendar()
        with self.assertRaisesText(ValidationError, "not in 2027"):
            plan.line_ids[0].planned_date = date(2026, 12, 31)
        with self.assertRaisesText(ValidationError, "between 1901 and 2099"):
            self._plan(year=2200)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self._plan()

    def test_budget_total_and_onchange(self):
        plan = self._plan(
            line_ids=[
                Command.create({"name": "Tea party", "budget": 1200.5}),
                Command.create({"name": "Sports meet", "budget": 3000.25}),
            ]
        )
        self.assertEqual(plan.budget_total, 4200.75)
        line = self.env["property.culture.plan.line"].new(
            {"plan_id": plan.id, "festival": "mid_autumn"}
        )
        line._onchange_festival()
        self.assertEqual(line.planned_date, date(2027, 9, 15))
        self.assertEqual(line.name, "Mid-Autumn moon-cake evening")
        self.assertEqual(line.expected_attendance, 150)

    def test_create_event_from_plan_and_plan_against_done(self):
        plan = self._plan(
            line_ids=[
                Command.create(
                    {
                        "festival": "childrens_day",
                        "name": "Children's Day fun fair",
                        "planned_date": date(2027, 6, 1),
                        "audience": "children",
                        "budget": 1500.0,
                        "expected_attendance": 30,
                        "purpose": "Games for the children",
                        "organizer_ids": [Command.set(self.officer.ids)],
                        "organizing_departments": "Service desk",
                    }
                ),
                Command.create(
                    {"name": "Sports meet", "planned_date": date(2027, 10, 16)}
                ),
            ]
        )
        fair, sports = plan.line_ids.sorted("planned_date")
        with self.assertRaisesText(UserError, "Approve"):
            fair.action_create_event()
        plan.action_approve()
        with freeze_time("2027-03-01 02:00:00"):
            fair.with_user(self.officer).action_create_event()
            event = fair.event_ids
            self.assertRecordValues(
                event,
                [
                    {
                        "name": "Children's Day fun fair",
                        "property_site_id": self.site.id,
                        "company_id": self.company.id,
                        "property_plan_id": plan.id,
                        "property_festival": "childrens_day",
                        "property_audience": "children",
                        "property_purpose": "Games for the children",
                        "property_organizing_departments": "Service desk",
                        # 9:00 in Shanghai
                        "date_begin": datetime(2027, 6, 1, 1, 0),
                        "date_end": datetime(2027, 6, 1, 4, 0),
                        "seats_limited": True,
                        "seats_max": 30,
                        "property_budget_amount": 1500.0,
                    }
                ],
            )
            self.assertEqual(event.property_organizer_ids, self.officer)
            self.assertEqual(fair.state, "scheduled")
            self.assertEqual(sports.state, "planned")
            with self.assertRaisesText(UserError, "already in the calendar"):
                fair.action_create_event()
            with self.assertRaisesText(UserError, "already has an event"):
                fair.unlink()
            self.assertEqual(
                (plan.planned_count, plan.scheduled_count, plan.held_count),
                (2, 1, 0),
            )
        with freeze_time("2027-06-02 02:00:00"):
            plan.invalidate_recordset()
            fair.invalidate_recordset()
            self.assertEqual(fair.state, "held")
            self.assertEqual(plan.held_count, 1)
            self.assertEqual(plan.completion_rate, 50.0)
        # a cancelled event is not held
        event.stage_id = self.env.ref("event.event_stage_cancelled")
        with freeze_time("2027-06-02 02:00:00"):
            plan.invalidate_recordset()
            fair.invalidate_recordset()
            self.assertEqual(fair.state, "cancelled")
            self.assertEqual(plan.held_count, 0)
            # the line can be put in the calendar again
            fair.action_create_event()
            self.assertEqual(len(fair.event_ids), 2)

    def test_access(self):
        plan = self._plan()
        self.assertEqual(plan.create_uid, self.officer)
        with self.assertRaises(AccessError):
            self.env["property.culture.plan"].with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            self.env["property.culture.plan"].with_user(self.portal_a).search([])
        with self.assertRaises(AccessError):
            self.env["property.event.budget.line"].with_user(self.portal_a).search([])
        # another company's plans are out of reach
        company_b = self.env["res.company"].create({"name": "Other Community Co."})
        site_b = self.env["property.site"].create(
            {"name": "Other Site", "code": "TCO", "company_id": company_b.id}
        )
        plan_b = self.env["property.culture.plan"].create(
            {"site_id": site_b.id, "year": 2027}
        )
        self.assertEqual(plan_b.company_id, company_b)
        visible = self.env["property.culture.plan"].with_user(self.officer).search([])
        self.assertIn(plan, visible)
        self.assertNotIn(plan_b, visible)
