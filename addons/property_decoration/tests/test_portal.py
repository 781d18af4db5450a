"""My Decorations: IDOR on every route, the application walked by a real
browser, the pages read on a phone (390 px)."""

import re

from odoo.tests import HttpCase, tagged

from odoo.addons.property_tenant.tests.phone import PhoneCase

from .common import DecorationCase


@tagged("post_install", "-at_install")
class TestPortal(PhoneCase, HttpCase, DecorationCase):
    frozen_day = None  # the browser runs in real time

    def test_routes_are_the_tenants_own(self):
        decoration = self._permitted()
        own = f"/my/decorations/{decoration.id}"
        self.authenticate("pd_tenant_a", "pd_tenant_a")
        for url in ("/my/decorations", own, f"{own}/permit"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 200)
        page = self.url_open(own).text
        self.assertIn(decoration.name, page)
        permit = self.url_open(f"{own}/permit")
        self.assertEqual(permit.headers["Content-Type"], "application/pdf")
        self.assertIn("Decoration_Permit", permit.headers["Content-Disposition"])
        if not permit.content.startswith(b"%PDF"):
            # tests render reports as HTML: the permit lists the workers
            self.assertIn("Sun Qiang", permit.text)
        self.authenticate("pd_tenant_b", "pd_tenant_b")
        for url in (own, f"{own}/permit"):
            with self.subTest(url=url, who="other tenant"):
                self.assertEqual(self.url_open(url).status_code, 404)
        self.assertNotIn(decoration.name, self.url_open("/my/decorations").text)
        self.authenticate(None, None)
        for url in (own, f"{own}/permit"):
            with self.subTest(url=url, who="public"):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (303, 404))

    def test_permit_not_downloadable_before_issue(self):
        decoration = self._decoration()
        self.authenticate("pd_tenant_a", "pd_tenant_a")
        response = self.url_open(f"/my/decorations/{decoration.id}/permit")
        self.assertEqual(response.status_code, 404)

    def test_apply_for_another_tenants_unit_is_refused(self):
        self.authenticate("pd_tenant_b", "pd_tenant_b")
        response = self.url_open(
            "/my/decorations/new",
            data={
                "occupancy_id": self.occupancy_a.id,
                "contractor_name": "Sneaky Ltd",
                "csrf_token": self._csrf_token(),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose one of your units.", response.text)
        self.assertFalse(
            self.env["property.decoration"].search(
                [("contractor_name", "=", "Sneaky Ltd")]
            )
        )

    def _csrf_token(self):
        page = self.url_open("/my/decorations/new").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def test_tour_submits_an_application(self):
        self.start_tour("/my", "property_decoration_portal_tour", login="pd_tenant_a")
        decoration = self.env["property.decoration"].search(
            [("contractor_name", "=", "Tour Builders Ltd")]
        )
        self.assertEqual(len(decoration), 1)
        self.assertEqual(decoration.state, "submitted")
        self.assertEqual(decoration.occupancy_id, self.occupancy_a)
        self.assertEqual(decoration.worker_ids.mapped("id_last_digits"), ["123X"])
        self.assertTrue(decoration.undertaking_accepted)
        self.assertEqual(decoration.area, 45.0)

    def test_pages_on_a_phone(self):
        decoration = self._decoration()
        self._approve(decoration)
        for url, action in (
            ("/my/decorations", "a.o_property_decoration_apply"),
            ("/my/decorations/new", "button.o_property_decoration_submit"),
            (f"/my/decorations/{decoration.id}", "a.o_property_decoration_pay"),
        ):
            with self.subTest(url=url):
                self.assert_reads_on_phone(url, "pd_tenant_a", action)
