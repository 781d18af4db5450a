import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFrontLogPortal(HttpCase):
    """/my/parcels: a tenant sees the items kept for them, nobody else's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company

        def user(login, groups, **kwargs):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                **kwargs,
            )

        cls.agent = user("fl_agent_portal", "property_tenant.group_property_agent")
        cls.portal_a = user("fl_tenant_a", "base.group_portal", name="Li Na")
        cls.portal_b = user("fl_tenant_b", "base.group_portal", name="Wang Lei")
        site = cls.env["property.site"].create({"name": "Test Court", "code": "TFL"})
        FrontLog = cls.env["property.front.log"].with_user(cls.agent)
        cls.parcel_a = FrontLog.create(
            {
                "site_id": site.id,
                "partner_id": cls.portal_a.partner_id.id,
                "item_type": "parcel",
                "sender": "SF Express",
                "description": "Blue box for A",
            }
        )
        cls.parcel_b = FrontLog.create(
            {
                "site_id": site.id,
                "partner_id": cls.portal_b.partner_id.id,
                "item_type": "document",
                "sender": "District Court",
                "description": "Registered envelope for B",
            }
        )

    def test_tenant_sees_own_parcels(self):
        self.authenticate("fl_tenant_a", "fl_tenant_a")
        response = self.url_open("/my/parcels")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.parcel_a.name, response.text)
        self.assertIn("Blue box for A", response.text)
        self.assertIn("Test Court", response.text)
        self.assertNotIn(self.parcel_b.name, response.text)
        self.assertNotIn("Registered envelope for B", response.text)

    def test_home_counter(self):
        self.authenticate("fl_tenant_b", "fl_tenant_b")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["property_parcel_count"]}
        )
        self.assertEqual(counters["property_parcel_count"], 1)
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/parcels", response.text)

    def test_anonymous_is_sent_to_login(self):
        response = self.url_open("/my/parcels", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def _post(self, url, **data):
        """POST a form of the page, with the page's CSRF token."""
        page = self.url_open("/my/parcels")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open(url, data={"csrf_token": token, **data})

    def test_tenant_authorises_and_revokes_a_collector(self):
        self.authenticate("fl_tenant_a", "fl_tenant_a")
        page = self.url_open("/my/parcels")
        self.assertIn("Someone Else Collects for Me", page.text)
        # another tenant's item: refused, nothing created
        self._post(
            "/my/parcels/authorize",
            collector_name="Zhao Min",
            id_last_digits="0421",
            scope="one",
            entry_id=str(self.parcel_b.id),
        )
        Authorization = self.env["property.parcel.authorization"]
        self.assertFalse(Authorization.search([("collector_name", "=", "Zhao Min")]))
        response = self._post(
            "/my/parcels/authorize",
            collector_name="Zhao Min",
            id_last_digits="0421",
            scope="one",
            entry_id=str(self.parcel_a.id),
        )
        self.assertEqual(response.status_code, 200)
        authorization = Authorization.search([("collector_name", "=", "Zhao Min")])
        self.assertEqual(authorization.partner_id, self.portal_a.partner_id)
        self.assertEqual(authorization.entry_id, self.parcel_a)
        response = self._post(
            "/my/parcels/authorize",
            collector_name="Bad Digits",
            id_last_digits="1",
            scope="standing",
        )
        self.assertIn("last 4 to 6", response.text)
        self.assertFalse(Authorization.search([("collector_name", "=", "Bad Digits")]))
        # tenant B cannot revoke A's authorisation
        self.authenticate("fl_tenant_b", "fl_tenant_b")
        response = self._post(f"/my/parcels/authorizations/{authorization.id}/revoke")
        self.assertEqual(response.status_code, 404)
        self.assertTrue(authorization.active)
        self.assertNotIn("Zhao Min", self.url_open("/my/parcels").text)
        self.authenticate("fl_tenant_a", "fl_tenant_a")
        self._post(f"/my/parcels/authorizations/{authorization.id}/revoke")
        self.assertFalse(authorization.active)
