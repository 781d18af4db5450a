from odoo.tests import HttpCase, tagged

from .common import PropertyTenantCase
from .phone import PhoneCase


@tagged("post_install", "-at_install")
class TestPhone(PhoneCase, HttpCase, PropertyTenantCase):
    """The tenant's archive pages read on a phone (390 px)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.occupancy = cls._active_occupancy(cls.unit_1, cls.tenant_a)
        cls.occupancy.member_ids = [
            (0, 0, {"name": "Li Xiaoming", "relation": "child", "phone": "135 0001"})
        ]
        document = cls._document(cls.occupancy, cls.doc_type_contract)
        document.portal_visible = True

    def test_archive_pages_on_a_phone(self):
        for url, main_action in (
            ("/my", None),
            ("/my/units", "a[href^='/my/units/']"),
            (f"/my/units/{self.occupancy.id}", "a[href*='/document/']"),
        ):
            with self.subTest(url=url):
                self.assert_reads_on_phone(url, "pt_tenant_a", main_action)

    def test_the_check_fails_on_a_wide_page(self):
        """The check can fail: a page wider than the phone is caught."""
        with self.assertRaises(AssertionError):
            self.browser_js(
                "/my/units",
                "document.body.insertAdjacentHTML('beforeend', "
                "'<div style=\"width: 600px\">wide</div>');" + self._phone_code(None),
                login="pt_tenant_a",
            )
