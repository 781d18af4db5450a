from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tests import BaseCase, TransactionCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..sla import (
    best_policy,
    is_at_risk,
    is_breached,
    sla_result,
    sla_status,
    wall_clock_deadline,
)

# Times below are UTC (as stored); the calendar is in Asia/Shanghai (UTC+8).
# 2026-03-06 is a Friday.
FRIDAY_1830_LOCAL = datetime(2026, 3, 6, 10, 30)
MONDAY_1000_LOCAL = datetime(2026, 3, 9, 2, 0)
MONDAY_1200_LOCAL = datetime(2026, 3, 9, 4, 0)


@tagged("post_install", "-at_install")
class TestSlaRules(BaseCase):
    """The pure rules, without a database."""

    def test_best_policy_specific_wins(self):
        candidates = [
            (1, False, False, 10),  # every site, every priority
            (2, False, "1", 10),  # every site, normal
            (3, 7, False, 10),  # site 7, every priority
            (4, 7, "3", 10),  # site 7, urgent
            (5, 8, "1", 10),  # another site
        ]
        self.assertEqual(best_policy(candidates, 7, "3"), 4)
        self.assertEqual(best_policy(candidates, 7, "1"), 3, "site before priority")
        self.assertEqual(best_policy(candidates, 9, "1"), 2, "exact priority")
        self.assertEqual(best_policy(candidates, 9, "0"), 1, "generic fallback")
        self.assertFalse(best_policy(candidates[1:2], 9, "0"))
        self.assertFalse(best_policy([], 7, "1"))
        # same specificity: lowest sequence, then oldest
        self.assertEqual(
            best_policy([(9, False, "1", 20), (8, False, "1", 5)], 1, "1"), 8
        )
        self.assertEqual(
            best_policy([(9, False, "1", 5), (8, False, "1", 5)], 1, "1"), 8
        )

    def test_breach_and_risk(self):
        deadline = datetime(2026, 3, 9, 4, 0)
        late, early = deadline + timedelta(minutes=1), deadline - timedelta(minutes=1)
        self.assertFalse(is_breached(False, None, late))
        self.assertFalse(is_breached(deadline, early, late), "done on time stays met")
        self.assertTrue(is_breached(deadline, late, early), "done late is missed")
        self.assertFalse(is_breached(deadline, deadline, late), "on the minute is met")
        self.assertTrue(is_breached(deadline, None, late))
        self.assertFalse(is_breached(deadline, None, early))
        self.assertFalse(is_breached(deadline))

        start = deadline - timedelta(hours=8)
        self.assertFalse(is_at_risk(start, deadline, deadline - timedelta(hours=3)))
        self.assertTrue(is_at_risk(start, deadline, deadline - timedelta(hours=2)))
        self.assertFalse(
            is_at_risk(start, deadline, late), "past is breached, not risk"
        )
        self.assertFalse(is_at_risk(deadline, deadline, early))

        self.assertEqual(
            wall_clock_deadline(start, 4.5), start + timedelta(hours=4, minutes=30)
        )
        self.assertFalse(wall_clock_deadline(start, 0))

    def test_status_and_result(self):
        start = datetime(2026, 3, 9, 0, 0)
        response, resolution = start + timedelta(hours=4), start + timedelta(hours=8)
        now = start + timedelta(hours=1)
        self.assertEqual(sla_status(start, [(False, None, False)], now), "none")
        targets = [(response, None, False), (resolution, None, False)]
        self.assertEqual(sla_status(start, targets, now), "on_track")
        self.assertEqual(
            sla_status(start, targets, start + timedelta(hours=3, minutes=30)),
            "at_risk",
        )
        self.assertEqual(
            sla_status(start, targets, start + timedelta(hours=5)), "breached"
        )
        answered = [(response, now, False), (resolution, None, False)]
        self.assertEqual(
            sla_status(start, answered, start + timedelta(hours=5)), "on_track"
        )
        done = [(response, now, False), (resolution, now, False)]
        self.assertEqual(sla_status(start, done, now, finished=True), "met")
        flagged = [(response, now, True), (resolution, now, False)]
        self.assertEqual(sla_status(start, flagged, now, finished=True), "breached")

        self.assertFalse(sla_result(False, False, True, False))
        self.assertEqual(sla_result(True, False, False, False), "pending")
        self.assertEqual(sla_result(True, False, True, False), "met")
        self.assertEqual(sla_result(True, True, False, False), "breached")
        self.assertEqual(sla_result(True, True, False, True), "breached")
        self.assertFalse(sla_result(True, False, False, True))


@tagged("post_install", "-at_install")
class TestSla(TransactionCase):
    """Policies, deadlines on a working calendar, breaches, escalation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.company = cls.env.company
        # the default policies and the items already registered (demo data)
        # are not part of this world: the escalation cron leaves them alone
        cls.env["property.sla.policy"].search([]).action_archive()
        cls.env["property.ticket"].search([]).write(
            {"sla_response_escalated": True, "sla_resolution_escalated": True}
        )

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )

        cls.agent = user("sla_agent", "property_tenant.group_property_agent")
        cls.supervisor = user(
            "sla_supervisor", "property_tenant.group_property_supervisor"
        )
        cls.escalation_lead = user(
            "sla_escalation_lead", "property_tenant.group_property_supervisor"
        )
        cls.manager = user("sla_manager", "property_tenant.group_property_manager")

        # 40 hours a week, Monday to Friday 08:00-12:00 and 13:00-17:00
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Test 40h Shanghai",
                "tz": "Asia/Shanghai",
                "company_id": cls.company.id,
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
        cls.engineering = cls.env["property.department"].create(
            {
                "name": "Test SLA Engineering",
                "kind": "engineering",
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.site = cls.env["property.site"].create(
            {"name": "Test SLA Plaza", "code": "TSLA", "manager_id": cls.supervisor.id}
        )
        cls.site_b = cls.env["property.site"].create(
            {"name": "Test SLA Court", "code": "TSLB"}
        )
        cls.unit = cls.env["property.unit"].create(
            {"code": "T-SLA-01", "site_id": cls.site.id, "area": 90, "usage": "home"}
        )

        Policy = cls.env["property.sla.policy"]
        cls.policy_service = Policy.create(
            {
                "name": "Test service",
                "kind": "service",
                "priority": "1",
                "response_hours": 4,
                "resolution_hours": 24,
            }
        )
        cls.policy_service_any = Policy.create(
            {
                "name": "Test service, any priority",
                "kind": "service",
                "response_hours": 8,
                "resolution_hours": 40,
            }
        )
        cls.policy_complaint_urgent = Policy.create(
            {
                "name": "Test urgent complaint",
                "kind": "complaint",
                "priority": "3",
                "response_hours": 1,
                "resolution_hours": 8,
                "supervisor_id": cls.escalation_lead.id,
            }
        )

    @classmethod
    def _ticket(cls, kind="service", site=None, **vals):
        site = site or cls.site
        values = {
            "kind": kind,
            "site_id": site.id,
            "unit_id": cls.unit.id if site == cls.site else False,
            "summary": f"Test SLA {kind}",
            "department_id": cls.engineering.id,
            "received_at": FRIDAY_1830_LOCAL,
            "user_id": cls.agent.id,
        }
        values.update(vals)
        return cls.env["property.ticket"].with_user(cls.agent).create(values)

    def _escalations(self, tickets):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "property.ticket"),
                ("res_id", "in", tickets.ids),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("property_helpdesk.mail_activity_data_sla_breach").id,
                ),
            ]
        )

    # ------------------------------------------------------------------
    # Policies
    # ------------------------------------------------------------------
    def test_policy_selection(self):
        self.assertEqual(
            self._ticket(site=self.site_b).sla_policy_id, self.policy_service
        )
        self.assertEqual(
            self._ticket(site=self.site_b, priority="0").sla_policy_id,
            self.policy_service_any,
            "no policy for low priority: the one of every priority applies",
        )
        self.assertFalse(self._ticket("praise").sla_policy_id)
        self.assertFalse(self._ticket("complaint", priority="1").sla_policy_id)

        # a site's own policy, even without priority, wins over the general one
        site_policy = self.env["property.sla.policy"].create(
            {
                "name": "Test Plaza services",
                "kind": "service",
                "site_id": self.site.id,
                "response_hours": 2,
                "resolution_hours": 16,
            }
        )
        ticket = self._ticket()
        self.assertEqual(ticket.sla_policy_id, site_policy)
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 9, 2, 0))
        self.assertEqual(
            self._ticket(site=self.site_b).sla_policy_id, self.policy_service
        )

    def test_policy_change_follows_open_items_only(self):
        open_ticket = self._ticket()
        closed_ticket = self._ticket()
        closed_ticket._flow_write(
            {"state": "closed", "closed_at": datetime(2026, 3, 9, 1)}
        )
        self.assertEqual(open_ticket.sla_policy_id, self.policy_service)

        site_policy = self.env["property.sla.policy"].create(
            {
                "name": "Test Plaza services",
                "kind": "service",
                "site_id": self.site.id,
                "response_hours": 2,
                "resolution_hours": 16,
            }
        )
        self.assertEqual(open_ticket.sla_policy_id, site_policy)
        self.assertEqual(open_ticket.sla_response_deadline, datetime(2026, 3, 9, 2, 0))
        self.assertEqual(closed_ticket.sla_policy_id, self.policy_service)
        self.assertEqual(closed_ticket.sla_response_deadline, MONDAY_1200_LOCAL)

        # longer hours move the open item's deadline, not the closed one's
        site_policy.response_hours = 3
        self.assertEqual(open_ticket.sla_response_deadline, datetime(2026, 3, 9, 3, 0))
        self.policy_service.response_hours = 6
        self.assertEqual(closed_ticket.sla_response_deadline, MONDAY_1200_LOCAL)

        site_policy.action_archive()
        self.assertEqual(open_ticket.sla_policy_id, self.policy_service)
        self.assertEqual(open_ticket.sla_response_deadline, datetime(2026, 3, 9, 7, 0))

    def test_policy_constraints(self):
        Policy = self.env["property.sla.policy"]
        with self.assertRaises(ValidationError):
            Policy.create({"name": "Nothing", "kind": "service"})
        with self.assertRaises(ValidationError):
            Policy.create(
                {
                    "name": "Backwards",
                    "kind": "service",
                    "response_hours": 8,
                    "resolution_hours": 4,
                }
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            Policy.create({"name": "Negative", "kind": "service", "response_hours": -1})

    def test_policy_used_is_archived_not_deleted(self):
        self._ticket()
        with self.assertRaises(UserError):
            self.policy_service.unlink()
        unused = self.env["property.sla.policy"].create(
            {
                "name": "Unused",
                "kind": "suggestion",
                "site_id": self.site_b.id,
                "response_hours": 8,
            }
        )
        unused.unlink()

    def test_policy_access(self):
        Policy = self.env["property.sla.policy"]
        self.assertTrue(Policy.with_user(self.agent).search([]))
        with self.assertRaises(AccessError):
            Policy.with_user(self.agent).create(
                {"name": "By agent", "kind": "service", "response_hours": 1}
            )
        with self.assertRaises(AccessError):
            self.policy_service.with_user(self.agent).response_hours = 1
        policy = Policy.with_user(self.supervisor).create(
            {
                "name": "By supervisor",
                "kind": "suggestion",
                "site_id": self.site_b.id,
                "response_hours": 8,
            }
        )
        with self.assertRaises(AccessError):
            policy.with_user(self.supervisor).unlink()
        policy.with_user(self.manager).unlink()

        other_company = self.env["res.company"].create({"name": "Test SLA Other Co."})
        foreign = Policy.create(
            {
                "name": "Elsewhere",
                "kind": "service",
                "response_hours": 1,
                "company_id": other_company.id,
            }
        )
        self.assertNotIn(foreign, Policy.with_user(self.agent).search([]))
        # another company's policy never applies
        self.assertEqual(self._ticket().sla_policy_id, self.policy_service)

    # ------------------------------------------------------------------
    # Deadlines on the working calendar
    # ------------------------------------------------------------------
    def test_deadlines_over_the_weekend(self):
        ticket = self._ticket()
        # Friday 18:30 is after hours: 4 working hours end Monday 12:00 local
        self.assertEqual(ticket.sla_response_deadline, MONDAY_1200_LOCAL)
        # 24 working hours: Monday, Tuesday, Wednesday, due Wednesday 17:00 local
        self.assertEqual(ticket.sla_resolution_deadline, datetime(2026, 3, 11, 9, 0))

        # the lunch break is not working time: Monday 10:00 + 4h = 15:00
        ticket = self._ticket(received_at=MONDAY_1000_LOCAL)
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 9, 7, 0))

        # an urgent complaint on Friday afternoon: 1h, then 8h into Monday
        complaint = self._ticket(
            "complaint", priority="3", received_at=datetime(2026, 3, 6, 8, 30)
        )  # Friday 16:30 local
        self.assertEqual(complaint.sla_response_deadline, datetime(2026, 3, 9, 0, 30))
        self.assertEqual(complaint.sla_resolution_deadline, datetime(2026, 3, 9, 8, 30))

    def test_deadlines_skip_public_holidays(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Test holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 8, 16, 0),  # Monday 00:00 local
                "date_to": datetime(2026, 3, 9, 15, 59, 59),  # Monday 23:59 local
            }
        )
        ticket = self._ticket()
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 10, 4, 0))

    def test_deadlines_follow_department_and_priority(self):
        ticket = self._ticket(priority="0")
        self.assertEqual(ticket.sla_policy_id, self.policy_service_any)
        self.assertEqual(ticket.sla_response_deadline, datetime(2026, 3, 9, 9, 0))
        ticket.priority = "1"
        self.assertEqual(ticket.sla_response_deadline, MONDAY_1200_LOCAL)

        # without a calendar on the department nor the company: round the clock
        round_the_clock = self.env["property.department"].create(
            {"name": "Test SLA Security", "resource_calendar_id": False}
        )
        self.company.resource_calendar_id = False
        ticket.department_id = round_the_clock
        self.assertEqual(
            ticket.sla_response_deadline, FRIDAY_1830_LOCAL + timedelta(hours=4)
        )
        self.assertFalse(self._ticket("praise").sla_response_deadline)

    # ------------------------------------------------------------------
    # Response, breaches, status
    # ------------------------------------------------------------------
    def test_response_on_time(self):
        ticket = self._ticket()
        with freeze_time("2026-03-06 11:00:00"):
            self.assertEqual(ticket.sla_status, "on_track")
        # the status depends on the time of reading, as in a new request
        ticket.invalidate_recordset(["sla_status"])
        with freeze_time("2026-03-09 03:00:00"):  # Monday 11:00 local
            self.assertEqual(ticket.sla_status, "at_risk")
            ticket._flow_write({"state": "in_progress"})
            self.assertEqual(ticket.sla_status, "on_track")
        self.assertEqual(ticket.responded_at, datetime(2026, 3, 9, 3, 0))
        self.assertFalse(ticket.sla_response_breached)
        self.assertEqual(ticket.sla_result, "pending")

        # only the first step counts
        with freeze_time("2026-03-10 03:00:00"):
            ticket._flow_write({"state": "done"})
        self.assertEqual(ticket.responded_at, datetime(2026, 3, 9, 3, 0))

        with freeze_time("2026-03-11 08:00:00"):
            ticket._flow_write(
                {"state": "closed", "closed_at": datetime(2026, 3, 11, 8)}
            )
            self.assertEqual(ticket.sla_status, "met")
        self.assertFalse(ticket.sla_resolution_breached)
        self.assertEqual(ticket.sla_result, "met")
        self.assertEqual(ticket.sla_met_percent, 100)

    def test_response_and_resolution_late(self):
        ticket = self._ticket()
        with freeze_time("2026-03-09 04:30:00"):  # Monday 12:30 local
            self.assertEqual(ticket.sla_status, "breached")
            ticket._flow_write({"state": "in_progress"})
        self.assertTrue(ticket.sla_response_breached)
        self.assertFalse(ticket.sla_resolution_breached)
        self.assertEqual(ticket.sla_result, "breached")
        self.assertEqual(ticket.sla_breached_percent, 100)

        late = self._ticket(received_at=MONDAY_1000_LOCAL)
        with freeze_time("2026-03-09 03:00:00"):
            late._flow_write({"state": "in_progress"})
        with freeze_time("2026-03-20 03:00:00"):
            late._flow_write({"state": "closed", "closed_at": datetime(2026, 3, 20, 3)})
        self.assertFalse(late.sla_response_breached)
        self.assertTrue(late.sla_resolution_breached)
        self.assertEqual(late.sla_status, "breached")

        # a time recorded afterwards (e.g. the real closing time) is judged
        late.write({"closed_at": datetime(2026, 3, 11, 3)})
        self.assertFalse(late.sla_resolution_breached)
        self.assertEqual(late.sla_result, "met")
        ticket.write({"responded_at": datetime(2026, 3, 9, 3)})
        self.assertFalse(ticket.sla_response_breached)

    def test_praise_closed_at_once_is_answered(self):
        ticket = self._ticket("praise")
        with freeze_time("2026-03-09 03:00:00"):
            ticket._flow_write(
                {"state": "closed", "closed_at": datetime(2026, 3, 9, 3)}
            )
        self.assertEqual(ticket.responded_at, datetime(2026, 3, 9, 3))
        self.assertFalse(ticket.sla_result, "no target, not counted")
        self.assertEqual(ticket.sla_status, "none")

    @freeze_time("2026-03-09 04:30:00")
    def test_overdue_filters(self):
        unanswered = self._ticket()
        answered = self._ticket()
        answered._flow_write({"state": "in_progress"})
        recent = self._ticket(received_at=MONDAY_1000_LOCAL)
        overdue_resolution = self._ticket(received_at=datetime(2026, 2, 2, 2, 0))
        overdue_resolution._flow_write({"state": "in_progress"})
        closed = self._ticket(received_at=datetime(2026, 2, 2, 2, 0))
        closed._flow_write({"state": "closed", "closed_at": datetime(2026, 3, 9, 4, 0)})
        mine = unanswered | answered | recent | overdue_resolution | closed

        Ticket = self.env["property.ticket"].with_user(self.agent)
        domain = [("id", "in", mine.ids)]
        self.assertEqual(
            Ticket.search(domain + [("sla_response_overdue", "=", True)]), unanswered
        )
        self.assertEqual(
            Ticket.search(domain + [("sla_response_overdue", "=", False)]),
            mine - unanswered,
        )
        self.assertEqual(
            Ticket.search(domain + [("sla_resolution_overdue", "=", True)]),
            overdue_resolution,
        )
        self.assertTrue(unanswered.sla_response_overdue)
        self.assertFalse(recent.sla_response_overdue)
        # answered or closed late: the misses are recorded
        self.assertEqual(
            Ticket.search(domain + [("sla_result", "=", "breached")]),
            answered | overdue_resolution | closed,
        )

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    def test_escalation_digest_per_supervisor(self):
        """A backlog of breaches gives the supervisor one activity per item
        and a single digest e-mail per run, not one e-mail per activity."""
        tickets = self._ticket() | self._ticket() | self._ticket()
        Mail = self.env["mail.mail"]
        to_supervisor = [("recipient_ids", "in", self.supervisor.partner_id.ids)]
        before = Mail.search(to_supervisor)
        with freeze_time(datetime(2026, 3, 9, 4, 30)):
            escalated = self.env["property.ticket"]._cron_sla_escalation()
        self.assertEqual(escalated, tickets)
        self.assertEqual(len(self._escalations(tickets)), 3)
        digest = Mail.search(to_supervisor) - before
        self.assertEqual(len(digest), 1)
        self.assertIn("3 service items missed their response target", digest.subject)
        for ticket in tickets:
            self.assertIn(ticket.name, digest.body_html)
        # nothing new: no second digest
        with freeze_time(datetime(2026, 3, 9, 5, 30)):
            self.env["property.ticket"]._cron_sla_escalation()
        self.assertEqual(Mail.search(to_supervisor) - before, digest)

    def test_escalation_once_per_breach(self):
        late = self._ticket()
        on_time = self._ticket(received_at=MONDAY_1000_LOCAL)
        answered = self._ticket()
        with freeze_time("2026-03-09 03:00:00"):
            answered._flow_write({"state": "in_progress"})
        Ticket = self.env["property.ticket"]

        monday_1230 = datetime(2026, 3, 9, 4, 30)
        with freeze_time(monday_1230):
            escalated = Ticket._cron_sla_escalation()
            Ticket._cron_sla_escalation()
        self.assertEqual(escalated, late)
        self.assertTrue(late.sla_response_breached)
        self.assertTrue(late.sla_response_escalated)
        self.assertFalse(late.sla_resolution_breached)
        activity = self._escalations(late)
        self.assertEqual(
            len(activity), 1, "one breach, one activity, however many runs"
        )
        self.assertEqual(activity.user_id, self.supervisor, "the site's manager")
        self.assertEqual(activity.summary, "Response target missed")
        self.assertFalse(self._escalations(on_time | answered))
        self.assertFalse(
            on_time.sla_response_breached or answered.sla_response_breached
        )

        # answering late does not escalate again
        with freeze_time("2026-03-09 05:00:00"):
            late._flow_write({"state": "in_progress"})
            on_time._flow_write({"state": "in_progress"})
            Ticket._cron_sla_escalation()
        self.assertEqual(len(self._escalations(late)), 1)

        # the resolution target is a second breach: a second activity, once
        after_resolution = datetime(2026, 3, 12, 3, 0)  # Thursday 11:00
        self.assertEqual(
            Ticket._cron_sla_escalation(date_ref=after_resolution),
            late | on_time | answered,
        )
        Ticket._cron_sla_escalation(date_ref=after_resolution + timedelta(hours=1))
        self.assertEqual(len(self._escalations(late)), 2)
        self.assertEqual(len(self._escalations(on_time | answered)), 2)
        self.assertTrue(late.sla_resolution_breached and late.sla_resolution_escalated)
        self.assertEqual(late.sla_result, "breached")

        # closed items are never escalated
        closed = self._ticket()
        closed._flow_write({"state": "closed", "closed_at": datetime(2026, 3, 9, 1)})
        Ticket._cron_sla_escalation(date_ref=after_resolution)
        self.assertFalse(self._escalations(closed))

    def test_escalation_recipient(self):
        complaint = self._ticket("complaint", priority="3", site=self.site_b)
        no_manager = self._ticket(site=self.site_b)
        nobody = self._ticket(site=self.site_b, user_id=False)
        self.env["property.ticket"]._cron_sla_escalation(
            date_ref=MONDAY_1200_LOCAL + timedelta(minutes=1)
        )
        self.assertEqual(
            self._escalations(complaint).user_id,
            self.escalation_lead,
            "the policy's supervisor first",
        )
        self.assertEqual(
            self._escalations(no_manager).user_id,
            self.agent,
            "no manager on the site: the responsible agent",
        )
        self.assertFalse(self._escalations(nobody))
        self.assertTrue(nobody.sla_response_escalated)
        self.assertTrue(
            nobody.message_ids.filtered(lambda m: "Nobody to escalate to" in m.body)
        )

    def test_escalation_failure_does_not_stop_the_batch(self):
        tickets = self._ticket() | self._ticket() | self._ticket()
        broken = tickets[1]
        Ticket = type(self.env["property.ticket"])
        original = Ticket._sla_escalate_one

        def escalate(record, target):
            if record == broken:
                raise ValueError("calendar unavailable")
            return original(record, target)

        with (
            patch.object(
                Ticket, "_sla_escalate_one", autospec=True, side_effect=escalate
            ),
            self.assertLogs(
                "odoo.addons.property_helpdesk.models.property_ticket_sla", "ERROR"
            ),
        ):
            escalated = self.env["property.ticket"]._cron_sla_escalation(
                date_ref=MONDAY_1200_LOCAL + timedelta(minutes=1), batch_size=1
            )
        self.assertEqual(escalated, tickets - broken)
        self.assertEqual(len(self._escalations(tickets)), 2)
        self.assertFalse(self._escalations(broken))
        self.assertTrue(broken.sla_response_breached)
        self.assertTrue(
            broken.message_ids.filtered(lambda m: "calendar unavailable" in m.body)
        )
        # logged once, not every quarter of an hour
        count = len(broken.message_ids)
        self.env["property.ticket"]._cron_sla_escalation(
            date_ref=MONDAY_1200_LOCAL + timedelta(minutes=20)
        )
        self.assertEqual(len(broken.message_ids), count)

    def test_escalation_batches_through_cron_progress(self):
        """Run by the scheduler, one batch per call; the scheduler commits it
        and calls again while the progress says items remain."""
        tickets = self._ticket() | self._ticket() | self._ticket()
        cron = self.env.ref("property_helpdesk.ir_cron_sla_escalation")
        Ticket = self.env["property.ticket"]
        date_ref = MONDAY_1200_LOCAL + timedelta(minutes=1)

        cron, progress = cron._add_progress()
        first = Ticket.with_context(
            ir_cron_progress_id=progress.id
        )._cron_sla_escalation(date_ref=date_ref, batch_size=2)
        self.assertEqual(first, tickets[:2])
        self.assertEqual((progress.done, progress.remaining), (2, 1))

        cron, progress = cron._add_progress()
        second = Ticket.with_context(
            ir_cron_progress_id=progress.id
        )._cron_sla_escalation(date_ref=date_ref, batch_size=2)
        self.assertEqual(second, tickets[2])
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(len(self._escalations(tickets)), 3)

    def test_escalation_query_uses_the_partial_indexes(self):
        """The cron's queries match the partial indexes: with 100,000 items
        they read the few waiting ones, not the table."""
        Ticket = self.env["property.ticket"]
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.addCleanup(self.env.cr.execute, "SET LOCAL enable_seqscan = on")
        for target in ("response", "resolution"):
            query = Ticket._search(
                expression.AND(
                    [
                        Ticket._sla_escalation_domain(target, MONDAY_1200_LOCAL),
                        [("id", ">", 0)],
                    ]
                ),
                order="id",
                limit=200,
            )
            self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
            plan = "\n".join(row[0] for row in self.env.cr.fetchall())
            self.assertIn(f"property_ticket_sla_{target}_todo_index", plan)

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    def test_report_met_rate(self):
        tickets = [self._ticket() for _i in range(4)]
        with freeze_time("2026-03-09 03:00:00"):
            for ticket in tickets[:3]:
                ticket._flow_write(
                    {"state": "closed", "closed_at": datetime(2026, 3, 9, 3)}
                )
        with freeze_time("2026-03-09 05:00:00"):
            tickets[3]._flow_write(
                {"state": "closed", "closed_at": datetime(2026, 3, 9, 5)}
            )
        self._ticket()  # still pending: not counted
        [[department, met, breached, count]] = self.env["property.ticket"]._read_group(
            [
                ("sla_result", "in", ("met", "breached")),
                ("department_id", "=", self.engineering.id),
            ],
            ["department_id"],
            ["sla_met_percent:avg", "sla_breached_percent:avg", "__count"],
        )
        self.assertEqual(department, self.engineering)
        self.assertEqual((met, breached, count), (75, 25, 4))
