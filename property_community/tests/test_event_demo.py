"""The demo's community events schedule no work that outlives the server's
limits (issue 15): Odoo's default event mails attach a PDF ticket per
registration, which the hourly scheduler of a fresh demo server rendered for
every demo registration past the workers' time limit."""

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestEventDemo(TransactionCase):
    def test_demo_events_schedule_no_ticket_mails(self):
        """The demo loader (run again in a year of its own, rolled back)
        registers households but leaves nothing for the event mail
        scheduler: no scheduler on its events."""
        loader = self.env["property.community.event.demo"]
        Event = self.env["event.event"]
        # an event outside the demo gets Odoo's default mails: the demo's
        # events lose them on purpose, not by a changed default
        self.assertTrue(Event.create({"name": "Ordinary event"}).event_mail_ids)
        before = Event.search([]).ids
        with freeze_time("2090-03-01 02:00:00"):
            self.assertTrue(
                loader._load_demo(),
                "the demo loader needs the suite's demo data, installed with it",
            )
            events = Event.search([("id", "not in", before)])
            self.assertEqual(len(events), 4)
            self.assertTrue(events.registration_ids, "the demo registers households")
            self.assertFalse(events.event_mail_ids)
            pending = self.env["event.mail"].search(
                [("event_id", "in", events.ids), ("mail_done", "=", False)]
            )
            self.assertFalse(pending, "nothing left for the event mail scheduler")
