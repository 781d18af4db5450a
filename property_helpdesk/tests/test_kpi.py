from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.property_helpdesk.utils import is_major_repair, is_satisfied, rate
from odoo.addons.property_helpdesk.wizards.property_helpdesk_kpi_report import (
    period_range,
)

from .common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestRules(PropertyHelpdeskCase):
    def test_pure_rules(self):
        self.assertIsNone(rate(0, 0), "nothing to measure: no value, never 100 %")
        self.assertEqual(rate(2, 3), 66.67)
        self.assertTrue(is_satisfied("4"))
        self.assertFalse(is_satisfied("3"))
        self.assertFalse(is_satisfied(False))
        self.assertTrue(is_major_repair(True, 0, 0, 8, 2000))
        self.assertTrue(is_major_repair(False, 9, 0, 8, 2000))
        self.assertFalse(is_major_repair(False, 9, 0, 0, 0))
        self.assertEqual(
            period_range("quarter", date(2026, 5, 17)),
            (date(2026, 4, 1), date(2026, 6, 30)),
        )
        self.assertEqual(
            period_range("month", date(2026, 2, 10)),
            (date(2026, 2, 1), date(2026, 2, 28)),
        )
        self.assertEqual(
            period_range("year", date(2026, 2, 10)),
            (date(2026, 1, 1), date(2026, 12, 31)),
        )


@tagged("post_install", "-at_install")
class TestKpis(PropertyHelpdeskCase):
    def _closed_complaint(self, satisfaction="5"):
        ticket = self._ticket(
            "complaint", received_at=datetime(2026, 3, 5, 10, 0), summary="Noise"
        )
        ticket.write({"judgement_reason": "Not ours", "reply": "Explained"})
        ticket.action_judge_invalid()
        ticket.action_plan_callback()
        self._callback(ticket, satisfaction)
        return ticket

    @freeze_time("2026-03-20 10:00:00")
    def test_kpis_on_a_constructed_month(self):
        # complaints of March: 2 closed with a call-back, 1 still open,
        # 1 cancelled (not counted), 1 of April (not counted)
        self._closed_complaint("5")
        self._closed_complaint("4")
        self._ticket("complaint", received_at=datetime(2026, 3, 8, 9, 0))
        cancelled = self._ticket("complaint", received_at=datetime(2026, 3, 9, 9, 0))
        cancelled.with_user(self.supervisor).write({"cancel_reason": "Duplicate"})
        cancelled.with_user(self.supervisor).action_cancel()
        self._ticket("complaint", received_at=datetime(2026, 4, 2, 9, 0))

        # major repairs completed in March: one called back, one not yet
        lift = self._ticket(category_id=self.category_lift.id)
        lift.action_dispatch()
        self._complete(lift.work_order_ids)
        self._callback(lift, "2")  # unhappy: a new round starts
        self.assertTrue(lift.work_order_ids[:1].callback_done)
        lift_2 = self._ticket(category_id=self.category_lift.id, unit=self.unit_b)
        lift_2.action_dispatch()
        self._complete(lift_2.work_order_ids)

        kpis = self.env["property.helpdesk.kpi"].compute_kpis(
            self.site.ids, date(2026, 3, 1), date(2026, 3, 31)
        )
        complaint = kpis["complaint_handling"]
        self.assertEqual((complaint["numerator"], complaint["denominator"]), (2, 3))
        self.assertEqual(complaint["value"], 66.67)
        self.assertEqual(complaint["target"], 100.0)
        major = kpis["major_repair_callback"]
        self.assertEqual((major["numerator"], major["denominator"]), (1, 2))
        self.assertEqual(major["value"], 50.0)
        satisfaction = kpis["satisfaction"]
        # call-backs of March: 5, 4 (complaints) and 2 (lift)
        self.assertEqual(
            (satisfaction["numerator"], satisfaction["denominator"]), (2, 3)
        )
        self.assertEqual(satisfaction["value"], 66.67)
        # the records behind each figure
        records = self.env[complaint["model"]].search(complaint["numerator_domain"])
        self.assertEqual(len(records), 2)
        self.assertTrue(all(r.state == "closed" for r in records))

        report = self.env["property.helpdesk.kpi.report"].create(
            {"site_id": self.site.id, "period": "month", "date": date(2026, 3, 15)}
        )
        self.assertEqual(report.complaint_handling_rate, 66.67)
        self.assertEqual(report.major_repair_callback_rate, 50.0)
        self.assertEqual(report.satisfaction_rate, 66.67)
        action = report.action_open_major_repairs()
        self.assertEqual(len(self.env[action["res_model"]].search(action["domain"])), 2)

    def test_empty_period_has_no_value(self):
        """Nothing to measure is "no value", never 100 % (issue 12 changed
        this: an empty period used to show every target met)."""
        kpis = self.env["property.helpdesk.kpi"].compute_kpis(
            self.site.ids, date(2020, 1, 1), date(2020, 1, 31)
        )
        self.assertEqual(
            {key: kpi["value"] for key, kpi in kpis.items()},
            {
                "complaint_handling": None,
                "major_repair_callback": None,
                "satisfaction": None,
                "satisfaction_commercial": None,
                "suggestion_callback": None,
            },
        )
        report = self.env["property.helpdesk.kpi.report"].create(
            {"site_id": self.site.id, "period": "month", "date": date(2020, 1, 15)}
        )
        self.assertFalse(report.complaint_handling_measured)
        self.assertIn("No value", report.complaint_handling_detail)


@tagged("post_install", "-at_install")
class TestCampaign(PropertyHelpdeskCase):
    def test_festival_campaign(self):
        campaign = self.env["property.callback.campaign"].create(
            {
                "name": "Mid-Autumn call-backs",
                "campaign_type": "festival",
                "site_id": self.site.id,
                "tenant_kind_anchor": False,
                "tenant_kind_small": False,
                "user_id": self.agent.id,
            }
        )
        with self.assertRaises(UserError):
            campaign.action_generate()
        campaign.question_ids = [
            (0, 0, {"name": "Are you satisfied with the cleaning?"}),
            (0, 0, {"name": "Anything we should improve?"}),
        ]
        campaign.action_generate()
        self.assertEqual(campaign.state, "running")
        callbacks = campaign.callback_ids
        self.assertEqual(callbacks.partner_id, self.tenant_a | self.tenant_b)
        self.assertEqual(len(callbacks[0].answer_ids), 2)
        first, second = callbacks
        first.answer_ids[0].answer = "Yes"
        first.write({"satisfaction": "5"})
        first.with_user(self.agent).action_done()
        second.write({"satisfaction": "3", "comment": "Lobby is dusty"})
        # an unsatisfied answer leads somewhere: the agent chooses the kind
        # of the follow-up item
        with self.assertRaisesRegex(UserError, "choose the kind of follow-up"):
            second.with_user(self.agent).action_done()
        second.follow_up_kind = "service"
        second.with_user(self.agent).action_done()
        self.assertEqual((campaign.done_count, campaign.satisfied_count), (2, 1))
        follow_up = second.follow_up_ticket_ids
        self.assertEqual(len(follow_up), 1)
        self.assertRecordValues(
            follow_up,
            [
                {
                    "kind": "service",
                    "channel": "phone",
                    "site_id": self.site.id,
                    "partner_id": self.tenant_b.id,
                    "summary": "Lobby is dusty",
                    "source_campaign_id": campaign.id,
                    "state": "new",
                }
            ],
        )
        self.assertEqual(follow_up.occupancy_id.tenant_id, self.tenant_b)
        self.assertEqual(follow_up.unit_id, follow_up.occupancy_id.unit_id)
        self.assertFalse(first.follow_up_ticket_ids, "a satisfied answer asks nothing")
        self.assertEqual(
            (campaign.follow_up_count, campaign.follow_up_open_count), (1, 1)
        )
        action = campaign.action_view_follow_ups()
        self.assertEqual(
            self.env["property.ticket"].search(action["domain"]), follow_up
        )
        kpis = self.env["property.helpdesk.kpi"].compute_kpis(
            self.site.ids, date.today(), date.today()
        )
        self.assertEqual(kpis["satisfaction"]["denominator"], 2)
        self.assertEqual(kpis["satisfaction"]["value"], 50.0)

    def test_campaign_sample_and_kinds(self):
        campaign = self.env["property.callback.campaign"].create(
            {
                "name": "Random check",
                "campaign_type": "random",
                "site_id": self.site.id,
                "sample_size": 1,
                "question_ids": [(0, 0, {"name": "How are we doing?"})],
            }
        )
        campaign.action_generate()
        self.assertEqual(len(campaign.callback_ids), 1)
        merchants_only = self.env["property.callback.campaign"].create(
            {
                "name": "Merchants",
                "site_id": self.site.id,
                "tenant_kind_resident": False,
                "question_ids": [(0, 0, {"name": "Business going well?"})],
            }
        )
        with self.assertRaises(UserError):
            merchants_only.action_generate()
