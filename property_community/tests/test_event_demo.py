"""The demo's community events schedule no work that outlives the server's
limits (issue 15): Odoo's default event mails attach a PDF ticket per
registration, which the hourly scheduler of a fresh demo server rendered for
every demo registration past the workers' time limit."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestEventDemo(TransactionCase):
    def test_demo_events_schedule_no_ticket_mails(self):
        """The demo (a data file, installed with the suite's demo data:
        this test is about it) registers households on its events but
        leaves nothing for the event mail scheduler."""
        plan = self.env.ref("property_community.culture_plan_this_year_demo")
        Event = self.env["event.event"]
        # an event outside the demo gets Odoo's default mails: the demo's
        # events lose them on purpose, not by a changed default
        self.assertTrue(Event.create({"name": "Ordinary event"}).event_mail_ids)
        events = Event.search([("property_plan_line_id.plan_id", "=", plan.id)])
        self.assertEqual(len(events), 4)
        self.assertTrue(events.registration_ids, "the demo registers households")
        self.assertFalse(events.event_mail_ids)
        pending = self.env["event.mail"].search(
            [("event_id", "in", events.ids), ("mail_done", "=", False)]
        )
        self.assertFalse(pending, "nothing left for the event mail scheduler")
