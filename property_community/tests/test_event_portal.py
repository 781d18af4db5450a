import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common_events import PropertyEventCase


class EventPortalCase(PropertyEventCase):
    """The tenant portal of community events. The server runs in another
    thread: dates are relative to the real clock, far enough from it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now().replace(microsecond=0)
        cls.event = cls._event(
            cls.site, now + timedelta(days=10), name="Tour lantern evening", seats=10
        )
        cls.event_c = cls._event(
            cls.site_2, now + timedelta(days=10), name="Secret garden party"
        )
        cls.reg_b = cls._register(cls.event, cls.occupancy_b, cls.child_b)
        cls.reg_c = cls._register(cls.event_c, cls.occupancy_c)
        # a past event that A's child and B attended
        cls.past = cls._event(cls.site, now + timedelta(days=1), name="Past tea party")
        cls.past_a = cls._register(cls.past, cls.occupancy_a, cls.child_a, tenant=False)
        cls.past_b = cls._register(cls.past, cls.occupancy_b)
        for registration in cls.past_a | cls.past_b:
            cls.past._property_check_in(registration.barcode)
        cls.past.write(
            {
                "date_begin": now - timedelta(days=5),
                "date_end": now - timedelta(days=5) + timedelta(hours=2),
            }
        )


@tagged("post_install", "-at_install")
class TestEventPortal(HttpCase, EventPortalCase):
    """The tests of the portal pages on this fixture."""

    def url_open(self, *args, **kwargs):
        # the server works in its own environment: share pending writes
        # with it, and read what it wrote afterwards
        self.env.flush_all()
        response = super().url_open(*args, **kwargs)
        self.env.invalidate_all()
        return response

    def _csrf(self):
        page = self.url_open(f"/my/events/{self.event.id}")
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _post(self, url, data):
        return self.url_open(url, data={"csrf_token": self._csrf(), **data})

    def _register_url(self, event):
        return f"/my/events/{event.id}/register"

    def test_list_register_cancel_rate(self):
        self.authenticate("pce_tenant_a", "pce_tenant_a")
        home = self.url_open("/my")
        self.assertIn('href="/my/events"', home.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["property_event_count"]}
        )
        self.assertEqual(counters["property_event_count"], 1)

        listing = self.url_open("/my/events")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Tour lantern evening", listing.text)
        self.assertNotIn("Secret garden party", listing.text)
        self.assertIn("Past tea party", listing.text)  # attended, to rate

        page = self.url_open(f"/my/events/{self.event.id}")
        self.assertEqual(page.status_code, 200)
        for name in ("Li Xiaohong", "Li Daye", "Li Xiaoming"):
            self.assertIn(name, page.text)

        response = self._post(
            self._register_url(self.event),
            {
                "occupancy_id": self.occupancy_a.id,
                "attendee": ["tenant", str(self.child_a.id)],
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("You are registered", response.text)
        mine = self.event.registration_ids.filtered(
            lambda r: r.property_occupancy_id == self.occupancy_a
        )
        self.assertEqual(sorted(mine.mapped("name")), ["Li Na", "Li Xiaohong"])
        self.assertEqual(set(mine.mapped("state")), {"open"})
        self.assertEqual(response.text.count("data:image/png;base64,"), 2)
        for registration in mine:
            self.assertIn(registration.barcode, response.text)

        child = mine.filtered("property_member_id")
        response = self._post(f"/my/events/registration/{child.id}/cancel", {})
        self.assertIn("The registration is cancelled", response.text)
        self.assertEqual(child.state, "cancel")

        response = self._post(
            f"/my/events/registration/{self.past_a.id}/rate",
            {"rating": "5", "comment": "Lovely"},
        )
        self.assertIn("Thank you for your rating", response.text)
        self.assertEqual(self.past_a.property_rating, "5")
        self.assertEqual(self.past_a.property_rating_comment, "Lovely")

    def test_registration_errors_are_shown(self):
        self.authenticate("pce_tenant_a", "pce_tenant_a")
        # nobody chosen
        response = self._post(
            self._register_url(self.event), {"occupancy_id": self.occupancy_a.id}
        )
        self.assertIn("Choose who will attend the event", response.text)
        # a member of another household
        response = self._post(
            self._register_url(self.event),
            {"occupancy_id": self.occupancy_a.id, "attendee": str(self.child_b.id)},
        )
        self.assertIn("Only the members of your household", response.text)
        # beyond the seat limit
        self.event.seats_max = 3
        response = self._post(
            self._register_url(self.event),
            {
                "occupancy_id": self.occupancy_a.id,
                "attendee": ["tenant", str(self.child_a.id)],
            },
        )
        self.assertIn("Tour lantern evening is full", response.text)
        # a past event
        response = self._post(
            self._register_url(self.past),
            {"occupancy_id": self.occupancy_a.id, "attendee": "tenant"},
        )
        self.assertIn("Registration for this event is closed", response.text)
        self.assertFalse(
            (self.event | self.past).registration_ids.filtered(
                lambda r: (
                    r.property_occupancy_id == self.occupancy_a
                    and r.id != self.past_a.id
                )
            )
        )
        # rating twice, or without a rating
        self._post(f"/my/events/registration/{self.past_a.id}/rate", {"rating": "4"})
        response = self._post(
            f"/my/events/registration/{self.past_a.id}/rate", {"rating": "1"}
        )
        self.assertIn("no longer possible", response.text)
        self.assertEqual(self.past_a.property_rating, "4")

    def test_idor_every_route(self):
        """Tenant A reaches nothing of B (same site) nor of C (other site)
        by any route."""
        self.authenticate("pce_tenant_a", "pce_tenant_a")
        gets = [
            f"/my/events/{self.event_c.id}",
            "/my/events/999999",
        ]
        for url in gets:
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn("Secret garden party", response.text, url)
        posts = [
            # an event of another site, with A's own tenancy
            (
                self._register_url(self.event_c),
                {"occupancy_id": self.occupancy_a.id, "attendee": "tenant"},
            ),
            # A's site, with B's tenancy (and B's child)
            (
                self._register_url(self.event),
                {"occupancy_id": self.occupancy_b.id, "attendee": "tenant"},
            ),
            (
                self._register_url(self.event),
                {"occupancy_id": self.occupancy_b.id, "attendee": str(self.child_b.id)},
            ),
            # C's tenancy at C's event
            (
                self._register_url(self.event_c),
                {"occupancy_id": self.occupancy_c.id, "attendee": "tenant"},
            ),
            (f"/my/events/registration/{self.reg_b[0].id}/cancel", {}),
            (f"/my/events/registration/{self.reg_c.id}/cancel", {}),
            (f"/my/events/registration/{self.past_b.id}/rate", {"rating": "1"}),
            ("/my/events/registration/999999/rate", {"rating": "1"}),
        ]
        for url, data in posts:
            response = self._post(url, data)
            self.assertEqual(response.status_code, 404, url)
        self.assertEqual(set(self.reg_b.mapped("state")), {"open"})
        self.assertEqual(self.reg_c.state, "open")
        self.assertFalse(self.past_b.property_rating)
        self.assertEqual(len(self.event.registration_ids), 2)
        self.assertEqual(len(self.event_c.registration_ids), 1)
        # the shared event and the listing show nothing of B
        for url in (
            "/my/events",
            "/my/events/page/1",
            f"/my/events/{self.event.id}",
            f"/my/events/{self.past.id}",
        ):
            text = self.url_open(url).text
            for secret in ("Wang Lei", "Wang Xiaohong", *self.reg_b.mapped("barcode")):
                self.assertNotIn(secret, text, url)
            self.assertNotIn(self.past_b.barcode, text, url)

    def test_portal_reads_no_costs(self):
        event = self.event.with_user(self.portal_a)
        self.assertEqual(event.read(["name"])[0]["name"], "Tour lantern evening")
        for fname in (
            "property_budget_amount",
            "property_actual_cost",
            "property_budget_line_ids",
            "property_analytic_account_id",
        ):
            with self.assertRaises(AccessError, msg=fname):
                event.read([fname])

    def test_anonymous(self):
        for url in ("/my/events", f"/my/events/{self.event.id}"):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303), url)
            self.assertIn("/web/login", response.headers["Location"])

    def test_portal_tour(self):
        self.start_tour(
            "/my", "property_community_event_portal_tour", login="pce_tenant_a"
        )
        mine = self.event.registration_ids.filtered(
            lambda r: r.property_occupancy_id == self.occupancy_a
        )
        self.assertEqual(
            sorted((r.name, r.state) for r in mine),
            [("Li Daye", "cancel"), ("Li Na", "open"), ("Li Xiaohong", "open")],
        )
