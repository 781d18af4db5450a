from odoo.tests import HttpCase, tagged

from odoo.addons.property_tenant.tests.phone import PhoneCase

from .test_disclosure import DisclosureCase


@tagged("post_install", "-at_install")
class TestPhone(PhoneCase, HttpCase, DisclosureCase):
    """The tenant's bills, statement, disclosures and shared costs read on a
    phone (390 px); "Pay Now" and the bill's payment are on screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        provider = cls.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "is_published": True})
        cls.disclosure = cls._disclosure(name="Disclosure TBP March")
        cls.disclosure.with_user(cls.manager).action_publish()
        cls.shared_cost.with_user(cls.manager).action_publish()
        cls.bill = cls.april.move_ids.filtered(lambda m: m.partner_id == cls.tenant_a)
        # a person's name, not the test user's login and groups
        cls.bill.invoice_user_id.name = "Zhou Min"

    def test_billing_pages_on_a_phone(self):
        self.assertEqual(self.bill.payment_state, "not_paid")
        for url, main_action in (
            ("/my/property-bills", ".o_property_bill_pay"),
            ("/my/property-bills/ledger", None),
            (self.bill.get_portal_url(), "a[data-bs-target='#pay_with']"),
            ("/my/disclosures", "a[href^='/my/disclosures/']"),
            (f"/my/disclosures/{self.disclosure.id}", "a[href$='/xlsx']"),
            ("/my/shared-costs", "a[href^='/my/shared-costs/']"),
            (f"/my/shared-costs/{self.shared_cost.id}", "a[href$='/xlsx']"),
        ):
            with self.subTest(url=url):
                self.assert_reads_on_phone(url, "pb_tenant_a", main_action)
