from odoo.tests import HttpCase, tagged

from odoo.addons.property_tenant.tests.phone import PhoneCase

from .common import PaidServiceCase


@tagged("post_install", "-at_install")
class TestPhone(PhoneCase, HttpCase, PaidServiceCase):
    """A paid service's quote read on a phone (390 px), "Accept" on screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.work_order = cls._quoted()

    def test_quote_pages_on_a_phone(self):
        for url, main_action in (
            (f"/my/work-orders/{self.work_order.id}", ".o_property_quote_link"),
            (
                f"/my/work-orders/{self.work_order.id}/quote",
                ".o_property_quote_accept_button",
            ),
        ):
            with self.subTest(url=url):
                self.assert_reads_on_phone(url, "pb_tenant_a", main_action)
