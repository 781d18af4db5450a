from odoo.tests import HttpCase, tagged

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, PropertyTenantCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.occupancy_a = cls._active_occupancy(cls.unit_1, cls.tenant_a)
        cls.occupancy_a.member_ids = [
            (0, 0, {"name": "Li Xiaoming", "relation": "child", "phone": "135 0001"})
        ]
        cls.occupancy_b = cls._active_occupancy(cls.unit_2, cls.tenant_b)
        cls.doc_a = cls._document(cls.occupancy_a, cls.doc_type_contract)
        cls.doc_a.portal_visible = True
        cls.doc_a_private = cls._document(cls.occupancy_a, cls.doc_type_id)
        cls.doc_a_private.portal_visible = False
        cls.doc_b = cls._document(cls.occupancy_b, cls.doc_type_contract)
        cls.doc_b.portal_visible = True
        cls.unit_doc_b = cls.env["property.document"].create(
            {
                "name": "Engineering handover C-0302",
                "document_type_id": cls.env.ref(
                    "property_tenant.document_type_engineering_handover"
                ).id,
                "unit_id": cls.unit_2.id,
                "portal_visible": True,
                "attachment_ids": [(6, 0, cls._attachment("handover.pdf").ids)],
            }
        )

    def _file_url(self, occupancy, document, attachment=None):
        attachment = attachment or document.attachment_ids[:1]
        return f"/my/units/{occupancy.id}/document/{document.id}/file/{attachment.id}"

    def test_my_units_pages(self):
        self.authenticate("pt_tenant_a", "pt_tenant_a")
        response = self.url_open("/my/units")
        self.assertEqual(response.status_code, 200)
        self.assertIn("C-0301", response.text)
        self.assertNotIn("C-0302", response.text)

        response = self.url_open(f"/my/units/{self.occupancy_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Li Xiaoming", response.text)
        self.assertIn(self.doc_a.name, response.text)
        self.assertNotIn("Identity Document", response.text)
        # the tenant's own history of the unit (R-ARC-6)
        self.assertIn("o_property_history", response.text)
        self.assertIn(f"Moved in: {self.tenant_a.name}", response.text)
        self.assertNotIn(self.tenant_b.name, response.text)

        response = self.url_open(self._file_url(self.occupancy_a, self.doc_a))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"%PDF-1.4 archive scan")

        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/units", response.text)

    def test_idor_other_tenant_records(self):
        """Tenant A reaches none of tenant B's records by any route."""
        self.authenticate("pt_tenant_a", "pt_tenant_a")
        forbidden = [
            f"/my/units/{self.occupancy_b.id}",
            f"/my/units/{self.occupancy_b.id}?access_token=wrong",
            "/my/units/999999",
            self._file_url(self.occupancy_b, self.doc_b),
            # B's document through A's own occupancy
            self._file_url(self.occupancy_a, self.doc_b),
            # B's unit document through A's own occupancy
            self._file_url(self.occupancy_a, self.unit_doc_b),
            # A's own document that is not shared with the tenant
            self._file_url(self.occupancy_a, self.doc_a_private),
            # A's document with an attachment id of B's document
            self._file_url(self.occupancy_a, self.doc_a, self.doc_b.attachment_ids[:1]),
        ]
        for url in forbidden:
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn(b"archive scan", response.content, url)
        # the plain attachment route does not leak it either
        response = self.url_open(
            f"/web/content/{self.doc_b.attachment_ids[:1].id}?download=true"
        )
        self.assertNotEqual(response.status_code, 200)
        listing = self.url_open("/my/units").text
        self.assertNotIn(f"/my/units/{self.occupancy_b.id}", listing)

    def test_anonymous_and_token_access(self):
        response = self.url_open("/my/units", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(f"/my/units/{self.occupancy_a.id}")
        self.assertEqual(response.status_code, 404)
        # a share link (access token) opens the archive without login
        self.occupancy_a._portal_ensure_token()
        token = self.occupancy_a.access_token
        response = self.url_open(
            f"/my/units/{self.occupancy_a.id}?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("C-0301", response.text)
        response = self.url_open(
            self._file_url(self.occupancy_a, self.doc_a) + f"?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)

    def test_portal_tour(self):
        self.start_tour("/my", "property_tenant_portal_tour", login="pt_tenant_a")
