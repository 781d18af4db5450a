from odoo.tests import HttpCase, tagged

from odoo.addons.property_tenant.tests.phone import PhoneCase

from .test_portal import PortalCase


@tagged("post_install", "-at_install")
class TestPhone(PhoneCase, HttpCase, PortalCase):
    """The service desk's portal pages read on a phone (390 px), their main
    action on screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["property.front.log"].with_user(cls.agent).create(
            {
                "site_id": cls.site.id,
                "partner_id": cls.tenant_a.id,
                "item_type": "parcel",
                "sender": "SF Express",
                "description": "A long blue box kept at the desk for Li Na",
            }
        )

    def test_desk_pages_on_a_phone(self):
        for url, main_action in (
            ("/my/requests", ".o_property_request_new_button"),
            ("/my/requests/new", ".o_property_request_submit"),
            (f"/my/requests/{self.ticket_a.id}", None),
            (f"/my/requests/{self.ticket_a_done.id}", ".o_property_callback_submit"),
            (f"/my/work-orders/{self.wo_a.id}", ".o_property_work_order_rate_submit"),
            ("/my/parcels", "form[action='/my/parcels/authorize'] [type='submit']"),
        ):
            with self.subTest(url=url):
                self.assert_reads_on_phone(url, "ph_tenant_a", main_action)
