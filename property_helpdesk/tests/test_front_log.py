from datetime import datetime

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.property_tenant.tests.flow_graph import FlowGraphMixin, never_ending

from .common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestFrontLog(FlowGraphMixin, PropertyHelpdeskCase):
    """Front-desk logbooks (R-FRONT): documents, parcels and faxes kept for
    tenants, confidential; visitors logged and directed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        FrontLog = cls.env["property.front.log"].with_user(cls.agent)
        cls.parcel_a = FrontLog.create(
            {
                "site_id": cls.site.id,
                "unit_id": cls.unit_a.id,
                "item_type": "parcel",
                "sender": "SF Express",
                "carrier_ref": "SF1234567890",
                "description": "Box, 30 cm",
            }
        )
        cls.letter_b = FrontLog.create(
            {
                "site_id": cls.site.id,
                "unit_id": cls.unit_b.id,
                "item_type": "document",
                "sender": "District Court",
                "description": "A4 envelope, registered",
            }
        )

    def test_arrival_notifies_the_tenant(self):
        parcel = self.parcel_a
        self.assertRegex(parcel.name, r"^FL/\d{4}/\d{5}$")
        self.assertEqual(parcel.partner_id, self.tenant_a, "tenant from the unit")
        self.assertEqual(parcel.occupancy_id, self.occupancy_a)
        self.assertEqual(parcel.received_by_id, self.agent)
        self.assertEqual(parcel.state, "notified")
        self.assertTrue(parcel.notified_at)
        self.assertIn(self.tenant_a, parcel.message_partner_ids)
        notice = parcel.message_ids.filtered(lambda m: self.tenant_a in m.partner_ids)
        self.assertEqual(len(notice), 1)
        self.assertIn("SF Express", notice.body)
        self.assertNotIn(self.tenant_b, parcel.message_partner_ids)

    def test_no_tenant_no_notice(self):
        entry = (
            self.env["property.front.log"]
            .with_user(self.agent)
            .create(
                {
                    "site_id": self.site.id,
                    "item_type": "fax",
                    "sender": "+86 755 0000",
                    "recipient_contact": "Mr. Zhou, 12th floor",
                    "description": "2 pages",
                }
            )
        )
        self.assertEqual(entry.state, "received")
        with self.assertRaisesRegex(UserError, "tenant"):
            entry.action_notify()
        entry.partner_id = self.tenant_b
        entry.action_notify()
        self.assertEqual(entry.state, "notified")
        self.assertIn(self.tenant_b, entry.message_partner_ids)

    def test_hand_over(self):
        parcel = self.parcel_a.with_user(self.agent)
        with self.assertRaisesRegex(UserError, "who takes"):
            parcel.action_hand_over()
        parcel.handed_over_to = "Li Na"
        with self.assertRaisesRegex(UserError, "signs"):
            parcel.action_hand_over()
        parcel.signature = self._signature()
        with freeze_time("2026-03-02 10:15:00"):
            parcel.action_hand_over()
        self.assertEqual(parcel.state, "handed_over")
        self.assertEqual(parcel.handed_over_at, datetime(2026, 3, 2, 10, 15))
        self.assertEqual(parcel.handed_over_by_id, self.agent)
        self.assertEqual(parcel.handed_over_to, "Li Na")
        self.assertTrue(parcel.signature)
        with self.assertRaises(UserError):
            parcel.action_hand_over()
        with self.assertRaises(UserError):
            parcel.action_return()

    def _authorize(self, **vals):
        return self.env["property.parcel.authorization"].create(
            {
                "partner_id": self.tenant_a.id,
                "collector_name": "Zhao Min",
                "id_last_digits": "0421",
                "scope": "one",
                "entry_id": self.parcel_a.id,
                **vals,
            }
        )

    def test_hand_over_to_an_authorised_collector_only(self):
        """Someone other than the recipient takes an item only as a collector
        the tenant authorised, showing an ID with the same last digits."""
        parcel = self.parcel_a.with_user(self.agent)
        parcel.write({"to_recipient": False, "signature": self._signature()})
        with self.assertRaisesRegex(UserError, "authorised"):
            parcel.action_hand_over()
        other_tenants = self.env["property.parcel.authorization"].create(
            {
                "partner_id": self.tenant_b.id,
                "collector_name": "Stranger",
                "id_last_digits": "9999",
                "scope": "standing",
            }
        )
        parcel.write(
            {"authorization_id": other_tenants.id, "collector_id_digits": "9999"}
        )
        with self.assertRaisesRegex(UserError, "does not cover"):
            parcel.action_hand_over()
        authorization = self._authorize()
        parcel.write(
            {"authorization_id": authorization.id, "collector_id_digits": "1234"}
        )
        with self.assertRaisesRegex(UserError, "does not match"):
            parcel.action_hand_over()
        self.assertEqual(parcel.state, "notified")
        parcel.collector_id_digits = "0421"
        parcel.action_hand_over()
        self.assertEqual(
            (parcel.state, parcel.handed_over_to), ("handed_over", "Zhao Min")
        )
        self.assertEqual(authorization.used_count, 1)

    def test_authorisation_scopes(self):
        one = self._authorize()
        self.assertTrue(one._valid_for(self.parcel_a, datetime(2026, 3, 2).date()))
        self.assertFalse(one._valid_for(self.letter_b, datetime(2026, 3, 2).date()))
        standing = self._authorize(
            scope="standing", entry_id=False, date_end="2026-03-31"
        )
        self.assertTrue(
            standing._valid_for(self.parcel_a, datetime(2026, 3, 31).date())
        )
        self.assertFalse(
            standing._valid_for(self.parcel_a, datetime(2026, 4, 1).date())
        )
        standing.action_revoke()
        self.assertFalse(
            standing._valid_for(self.parcel_a, datetime(2026, 3, 2).date())
        )
        with self.assertRaisesRegex(ValidationError, "last 4 to 6"):
            self._authorize(id_last_digits="12")
        with self.assertRaisesRegex(ValidationError, "own items"):
            self._authorize(entry_id=self.letter_b.id)
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            self._authorize(entry_id=False)

    def test_waiting_item_reminded_once(self):
        self.company.property_parcel_reminder_days = 3
        self.parcel_a.received_at = datetime(2026, 3, 2, 9, 0)
        FrontLog = self.env["property.front.log"]
        FrontLog._cron_remind_waiting(date_ref=datetime(2026, 3, 4, 9, 0))
        self.assertFalse(self.parcel_a.reminded_at, "two days: not yet")
        FrontLog._cron_remind_waiting(date_ref=datetime(2026, 3, 6, 9, 0))
        self.assertEqual(self.parcel_a.reminded_at, datetime(2026, 3, 6, 9, 0))
        reminder = self.parcel_a.message_ids[0]
        self.assertIn("Reminder", reminder.body)
        self.assertEqual(reminder.partner_ids, self.tenant_a)
        FrontLog._cron_remind_waiting(date_ref=datetime(2026, 3, 9, 9, 0))
        self.assertEqual(
            len(
                self.parcel_a.message_ids.filtered(
                    lambda m: "Reminder" in (m.body or "")
                )
            ),
            1,
            "once",
        )

    def _flow_prepare(self, entry, button):
        """What the agent fills in before notifying, handing over or
        returning."""
        entry.write(
            {
                "action_notify": {"partner_id": self.tenant_b.id},
                "action_hand_over": {
                    "handed_over_to": "Li Na",
                    "signature": self._signature(),
                },
                "action_return": {"return_note": "Refused by the recipient"},
            }.get(button, {})
        )

    def test_flow_graph(self):
        """The log's flow, derived from its buttons: every state reached
        ends handed over or returned."""
        entry = (
            self.env["property.front.log"]
            .with_user(self.agent)
            .create(
                {
                    "site_id": self.site.id,
                    "item_type": "fax",
                    "sender": "+86 755 0000",
                    "description": "2 pages",
                }
            )
        )
        edges = self.flow_graph(entry, (self.agent, self.supervisor))
        self.assertLessEqual(
            {
                ("received", "Notify Tenant", "notified"),
                ("received", "Hand Over", "handed_over"),
                ("notified", "Hand Over", "handed_over"),
                ("notified", "Return to Sender", "returned"),
            },
            edges,
        )
        self.assertEqual(
            never_ending(edges, {"handed_over", "returned"}, "received"), set()
        )

    def test_return_to_sender(self):
        letter = self.letter_b.with_user(self.agent)
        with self.assertRaisesRegex(UserError, "returned"):
            letter.action_return()
        letter.return_note = "Refused by the tenant."
        letter.action_return()
        self.assertEqual(letter.state, "returned")

    def test_confidential_to_the_desk(self):
        FrontLog = self.env["property.front.log"]
        for user in (self.plumber, self.eng_head):
            with self.assertRaises(AccessError):
                FrontLog.with_user(user).search([])
            with self.assertRaises(AccessError):
                self.parcel_a.with_user(user).read(["sender"])
        self.assertEqual(
            FrontLog.with_user(self.agent).search(
                [("id", "in", (self.parcel_a | self.letter_b).ids)]
            ),
            self.parcel_a | self.letter_b,
        )

    def test_portal_sees_only_own(self):
        FrontLog = self.env["property.front.log"]
        self.assertEqual(FrontLog.with_user(self.portal_a).search([]), self.parcel_a)
        self.assertEqual(FrontLog.with_user(self.portal_b).search([]), self.letter_b)
        self.assertEqual(self.parcel_a.with_user(self.portal_a).sender, "SF Express")
        with self.assertRaises(AccessError):
            self.letter_b.with_user(self.portal_a).read(["sender"])
        with self.assertRaises(AccessError):
            self.parcel_a.with_user(self.portal_a).write({"handed_over_to": "Me"})
        with self.assertRaises(AccessError):
            FrontLog.with_user(self.portal_a).create(
                {"site_id": self.site.id, "sender": "Me", "description": "x"}
            )

    def test_portal_company_contacts(self):
        """A parcel for a contact of a company tenant is the company's."""
        company = self.env["res.partner"].create(
            {"name": "Lucky Tea House", "is_company": True}
        )
        self.tenant_a.parent_id = company
        employee = self.env["res.partner"].create(
            {"name": "Chen Jing", "parent_id": company.id}
        )
        parcel = (
            self.env["property.front.log"]
            .with_user(self.agent)
            .create(
                {
                    "site_id": self.site.id,
                    "partner_id": employee.id,
                    "sender": "JD Logistics",
                    "description": "Small box",
                }
            )
        )
        self.assertIn(
            parcel, self.env["property.front.log"].with_user(self.portal_a).search([])
        )
        self.assertNotIn(
            parcel, self.env["property.front.log"].with_user(self.portal_b).search([])
        )


@tagged("post_install", "-at_install")
class TestVisitorLog(PropertyHelpdeskCase):
    def _visit(self, **vals):
        values = {
            "visitor_name": "Zhang Wei",
            "site_id": self.site.id,
            "unit_id": self.unit_a.id,
            "purpose": "Family visit",
            "directed_to": "Residence lift, 1st floor",
            "badge_number": "V-07",
        }
        values.update(vals)
        return self.env["property.visitor.log"].with_user(self.agent).create(values)

    def test_visit(self):
        with freeze_time("2026-03-02 14:00:00"):
            visit = self._visit(id_last_digits="4403 0119 9001 0112 3X")
        self.assertEqual(visit.partner_id, self.tenant_a, "visiting the unit's tenant")
        self.assertEqual(visit.id_last_digits, "123X", "only the last 4 are kept")
        self.assertEqual(visit.recorded_by_id, self.agent)
        self.assertTrue(visit.on_site)
        visit.write({"id_last_digits": "110101199003077777"})
        self.assertEqual(visit.id_last_digits, "7777")
        with freeze_time("2026-03-02 15:30:00"):
            visit.action_leave()
        self.assertFalse(visit.on_site)
        self.assertEqual(visit.left_at, datetime(2026, 3, 2, 15, 30))
        with self.assertRaises(UserError):
            visit.action_leave()
        with self.assertRaises(ValidationError):
            visit.left_at = datetime(2026, 3, 2, 13, 0)

    def test_agents_only(self):
        visit = self._visit()
        for user in (self.plumber, self.eng_head, self.portal_a):
            with self.assertRaises(AccessError):
                visit.with_user(user).read(["visitor_name"])
        self.assertEqual(
            self.env["property.visitor.log"]
            .with_user(self.agent)
            .search([("on_site", "=", True), ("site_id", "=", self.site.id)]),
            visit,
        )
