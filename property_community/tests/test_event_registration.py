from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common_events import PropertyEventCase

NOW = "2027-05-10 02:00:00"
BEGIN = datetime(2027, 5, 20, 1, 0)  # 20 May 2027, 9:00 in Shanghai


@tagged("post_install", "-at_install")
class TestEventRegistration(PropertyEventCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            cls.event = cls._event(cls.site, BEGIN, seats=4)
            cls.event_2 = cls._event(cls.site, BEGIN, name="Other event")

    @freeze_time(NOW)
    def test_household_registration(self):
        registrations = self._register(
            self.event, self.occupancy_a, self.child_a | self.grandpa_a
        )
        self.assertEqual(len(registrations), 3)
        tenant, child, grandpa = registrations.sorted("id")
        self.assertRecordValues(
            tenant | child | grandpa,
            [
                {
                    "name": "Li Na",
                    "partner_id": self.portal_a.partner_id.id,
                    "property_member_id": False,
                    "property_attendee_group": False,
                    "state": "open",
                },
                {
                    "name": "Li Xiaohong",
                    "partner_id": self.portal_a.partner_id.id,
                    "property_member_id": self.child_a.id,
                    "property_attendee_group": "child",
                    "state": "open",
                },
                {
                    "name": "Li Daye",
                    "partner_id": self.portal_a.partner_id.id,
                    "property_member_id": self.grandpa_a.id,
                    "property_attendee_group": "elderly",
                    "state": "open",
                },
            ],
        )
        self.assertEqual(self.event.property_registered_count, 3)
        self.assertEqual(self.event.seats_available, 1)
        # every registration has its own check-in code and QR code
        self.assertEqual(len(set(registrations.mapped("barcode"))), 3)
        self.assertTrue(
            child._property_qr_data_uri().startswith("data:image/png;base64,")
        )
        self.assertTrue(child.property_qr_code)
        # the same person is not registered twice
        with self.assertRaisesText(
            ValidationError, "Li Xiaohong is already registered"
        ):
            self._register(self.event, self.occupancy_a, self.child_a, tenant=False)
        # after a cancellation, registering again is fine
        child.action_property_cancel()
        self._register(self.event, self.occupancy_a, self.child_a, tenant=False)

    @freeze_time(NOW)
    def test_seat_limit(self):
        self._register(self.event, self.occupancy_a, self.child_a | self.grandpa_a)
        # 1 seat left, 2 asked: nobody of the batch is registered
        with self.assertRaisesText(
            UserError, r"Test tea party is full: 1 of its 4 seats are left and 2"
        ):
            self._register(self.event, self.occupancy_b, self.child_b)
        self.assertEqual(self.event.property_registered_count, 3)
        self._register(self.event, self.occupancy_b, self.child_b, tenant=False)
        with self.assertRaisesText(UserError, "is full: 0 of its 4 seats"):
            self._register(self.event, self.occupancy_a, self.spouse_a, tenant=False)
        # a cancellation frees the seat
        self.event.registration_ids.filtered(
            lambda r: r.property_member_id == self.child_b
        ).action_property_cancel()
        self._register(self.event, self.occupancy_a, self.spouse_a, tenant=False)
        self.assertEqual(self.event.seats_available, 0)

    def test_past_event(self):
        with freeze_time("2027-05-20 02:30:00"):
            # started but not over: the desk can still register at the door
            self._register(self.event, self.occupancy_a, tenant=True)
        with (
            freeze_time("2027-05-20 03:01:00"),
            self.assertRaisesText(UserError, "Test tea party is over"),
        ):
            self._register(self.event, self.occupancy_b, tenant=True)
        with freeze_time("2027-05-20 03:01:00"):
            # and a tenant cannot cancel once it has started
            with self.assertRaisesText(UserError, "has already started"):
                self.event.registration_ids.action_property_cancel()

    @freeze_time(NOW)
    def test_not_in_household(self):
        # B's child is not in A's household
        with self.assertRaisesText(
            ValidationError, "Wang Xiaohong is not in the household of Li Na"
        ):
            self.env["event.registration"].create(
                {
                    "event_id": self.event.id,
                    "property_occupancy_id": self.occupancy_a.id,
                    "property_member_id": self.child_b.id,
                }
            )
        # the portal helper refuses members of another tenancy too
        with self.assertRaisesText(UserError, "Only the members of your household"):
            self._register(self.event, self.occupancy_a, self.child_b)
        # a tenant of another site
        with self.assertRaisesText(ValidationError, "not a tenant of Test Plaza"):
            self._register(self.event, self.occupancy_c, self.child_c)
        # someone else booking for A's household
        with self.assertRaisesText(
            ValidationError, "Wang Lei is not the tenant of T-0101"
        ):
            self.env["event.registration"].create(
                {
                    "event_id": self.event.id,
                    "property_occupancy_id": self.occupancy_a.id,
                    "partner_id": self.portal_b.partner_id.id,
                }
            )
        # no tenancy at all
        with self.assertRaisesText(ValidationError, "choose the tenant archive"):
            self.env["event.registration"].create(
                {"event_id": self.event.id, "name": "Walk-in visitor"}
            )
        # a tenancy that has ended
        self.occupancy_b.action_end()
        with self.assertRaisesText(ValidationError, "is not active"):
            self._register(self.event, self.occupancy_b)
        self.assertFalse(self.event.registration_ids)

    @freeze_time(NOW)
    def test_back_office_registration_form(self):
        form = Form(
            self.env["event.registration"]
            .with_user(self.officer)
            .with_context(default_event_id=self.event.id)
        )
        form.property_occupancy_id = self.occupancy_a
        form.property_member_id = self.child_a
        registration = form.save()
        self.assertEqual(registration.name, "Li Xiaohong")
        self.assertEqual(registration.partner_id, self.portal_a.partner_id)

    @freeze_time(NOW)
    def test_check_in_idempotent_and_bad_codes(self):
        tenant, child = self._register(self.event, self.occupancy_a, self.child_a)
        other = self._register(self.event_2, self.occupancy_b)
        Wizard = self.env["property.event.checkin"].with_user(self.officer)
        wizard = Wizard.create({"event_id": self.event.id, "code": child.barcode})
        wizard.action_check_in()
        self.assertEqual(child.state, "done")
        self.assertEqual(wizard.result_status, "checked_in")
        self.assertEqual(wizard.result_message, "Welcome, Li Xiaohong: checked in.")
        self.assertFalse(wizard.code)
        self.assertEqual(self.event.property_attended_count, 1)

        # scanned twice: counted once, "already checked in"
        wizard.code = f"  {child.barcode} "
        wizard.action_check_in()
        self.assertEqual(wizard.result_status, "already_checked_in")
        self.assertEqual(wizard.result_message, "Li Xiaohong is already checked in.")
        self.assertEqual(self.event.property_attended_count, 1)
        self.assertEqual(self.event.seats_used, 1)
        self.assertEqual(
            wizard.history.splitlines(),
            ["Li Xiaohong is already checked in.", "Welcome, Li Xiaohong: checked in."],
        )

        with self.assertRaisesText(UserError, "Unknown check-in code 12345"):
            self.event.with_user(self.officer)._property_check_in("12345")
        with self.assertRaisesText(UserError, "is for another event \\(Other event\\)"):
            self.event.with_user(self.officer)._property_check_in(other.barcode)
        self.assertEqual(other.state, "open")
        with self.assertRaisesText(UserError, "Scan or type"):
            self.event._property_check_in("  ")
        tenant.action_property_cancel()
        with self.assertRaisesText(UserError, "was cancelled"):
            self.event._property_check_in(tenant.barcode)
        self.assertEqual(self.event.property_registered_count, 1)
        self.assertEqual(self.event.property_attendance_rate, 100.0)

    @freeze_time(NOW)
    def test_history_shows_events_attended(self):
        """The community's rows of a tenant's story: events attended (a
        registration not checked in is not one)."""
        tenant, child = self._register(self.event, self.occupancy_a, self.child_a)
        self.event.with_user(self.officer)._property_check_in(child.barcode)
        self._register(self.event_2, self.occupancy_a)
        rows = self.env["property.timeline"].timeline(
            occupancies=self.occupancy_a, portal=True
        )
        events = [r for r in rows if r["model"] == "event.event"]
        self.assertEqual([r["res_id"] for r in events], [self.event.id])
        self.assertEqual(events[0]["detail"], "Li Xiaohong")

    @freeze_time(NOW)
    def test_attendance_per_audience_and_age_group(self):
        children_event = self._event(
            self.site, BEGIN, name="Painting", property_audience="children"
        )
        elderly_event = self._event(
            self.site, BEGIN, name="Tea", property_audience="elderly"
        )
        regs_children = self._register(
            children_event, self.occupancy_a, self.child_a
        ) | self._register(children_event, self.occupancy_b, self.child_b)
        regs_elderly = self._register(elderly_event, self.occupancy_a, self.grandpa_a)
        # children: 4 registered, 3 attended; elderly: 2 registered, 1 attended
        for registration in regs_children[:3]:
            children_event._property_check_in(registration.barcode)
        elderly_event._property_check_in(
            regs_elderly.filtered("property_member_id").barcode
        )
        figures = self.env["event.event"]._property_attendance_by_audience(
            [("id", "in", (children_event | elderly_event).ids)]
        )
        self.assertEqual(
            figures,
            {
                "children": {"events": 1, "registered": 4, "attended": 3, "rate": 75.0},
                "elderly": {"events": 1, "registered": 2, "attended": 1, "rate": 50.0},
            },
        )
        self.assertEqual(children_event.property_attendance_rate, 75.0)
        by_group = self.env["event.registration"]._property_attendance_by_group(
            [("event_id", "in", (children_event | elderly_event).ids)]
        )
        self.assertEqual(
            by_group,
            {
                "child": {"registered": 2, "attended": 1},
                "elderly": {"registered": 1, "attended": 1},
                False: {"registered": 3, "attended": 2},
            },
        )

    def test_rating(self):
        with freeze_time(NOW):
            tenant, child = self._register(self.event, self.occupancy_a, self.child_a)
            self.event._property_check_in(child.barcode)
            with self.assertRaisesText(UserError, "can be rated once it is over"):
                child._property_rate("5")
        with freeze_time("2027-05-21 02:00:00"):
            with self.assertRaisesText(UserError, "Only attendees who were checked in"):
                tenant._property_rate("4")
            with self.assertRaisesText(UserError, "from 1 to 5"):
                child._property_rate("6")
            child._property_rate("4", "  Fun, thank you! ")
            self.assertRecordValues(
                child,
                [
                    {
                        "property_rating": "4",
                        "property_rating_comment": "Fun, thank you!",
                        "property_rated_at": datetime(2027, 5, 21, 2, 0),
                    }
                ],
            )
            with self.assertRaisesText(UserError, "has already rated"):
                child._property_rate("1")
        self.assertEqual(self.event.property_rating_avg, 4.0)
        self.assertEqual(self.event.property_rating_count, 1)

    @freeze_time(NOW)
    def test_access_rights(self):
        registration = self._register(self.event, self.occupancy_a)
        # the officer organises events and registrations
        event = (
            self.env["event.event"]
            .with_user(self.officer)
            .create(
                {
                    "name": "Officer's event",
                    "property_site_id": self.site.id,
                    "property_audience": "all",
                    "date_begin": BEGIN,
                    "date_end": BEGIN.replace(hour=3),
                    "property_budget_line_ids": [
                        Command.create({"name": "Snacks", "planned_amount": 99.5})
                    ],
                }
            )
        )
        self.assertEqual(event.property_budget_amount, 99.5)
        event.with_user(self.officer)._property_ensure_analytic_account()
        self.assertEqual(
            event.property_analytic_account_id.plan_id,
            self.env.ref("property_community.analytic_plan_community_events"),
        )
        # a service agent does not run events
        with self.assertRaises(AccessError):
            self.env["event.registration"].with_user(self.agent).search([])
        # portal users read only their own registrations and events of
        # their sites, and write nothing
        Registration = self.env["event.registration"].with_user(self.portal_b)
        self.assertFalse(Registration.search([("id", "=", registration.id)]))
        self.assertEqual(
            self.env["event.registration"]
            .with_user(self.portal_a)
            .search([("event_id", "=", self.event.id)]),
            registration,
        )
        with self.assertRaises(AccessError):
            registration.with_user(self.portal_a).write({"state": "done"})
        c_events = self.env["event.event"].with_user(self.portal_c).search([])
        self.assertNotIn(self.event, c_events)
        with self.assertRaises(AccessError):
            self.event.with_user(self.portal_c).check_access("read")
