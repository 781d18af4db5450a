import re
from datetime import date
from unittest.mock import patch
from urllib.parse import urlsplit

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..models import account_move as account_move_module
from .common import PropertyBillingCase


class PortalBillingCase(PropertyBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        cls.march = cls._posted_run(date(2026, 3, 1))
        cls.inv_a_march = cls.march.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_a
        )
        cls.inv_b_march = cls.march.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_b
        )
        cls.inv_c_march = cls.march.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_c
        )

    @classmethod
    def _posted_run(cls, period):
        run = cls._run(period)
        run.action_preview()
        run.action_generate()
        run.action_post()
        return run

    @classmethod
    def _pay(cls, invoice, amount, day):
        journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "cash")], limit=1
        )
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "journal_id": journal.id,
                    "amount": amount,
                    "payment_date": day,
                    "payment_difference_handling": "open",
                }
            )
            ._create_payments()
        )


@tagged("post_install", "-at_install")
class TestPortalBilling(HttpCase, PortalBillingCase):
    """The tenant's bills, balance and statement on the portal; nothing of
    another tenant is reachable; the QR code of the printed bill."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # tenant A: March partly paid at the counter, April still open
        cls.payment_a = cls._pay(cls.inv_a_march, 100.0, date(2026, 3, 20))
        cls.april = cls._posted_run(date(2026, 4, 1))
        cls.inv_a_april = cls.april.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_a
        )
        cls.inv_b_april = cls.april.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_b
        )
        # a customer invoice of A that is not a property bill
        cls.inv_a_other = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.tenant_a.id,
                "invoice_date": date(2026, 4, 10),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_water.id,
                            "name": "Key copy",
                            "quantity": 1,
                            "price_unit": 20.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        cls.inv_a_other.action_post()

    def _get(self, url, login=None):
        if login:
            self.authenticate(login, login)
        return self.url_open(url, allow_redirects=False)

    @staticmethod
    def _balance_due(html):
        """The amounts of the "Balance due" cards."""
        return [
            re.search(r"(\d[\d,]*\.\d\d)", card).group(1)
            for card in re.findall(
                r'o_property_balance_amount"[^>]*>(.*?)</div>', html, re.S
            )
        ]

    @staticmethod
    def _balances(html):
        return [
            float(value) for value in re.findall(r'data-balance="(-?[\d.]+)"', html)
        ]

    # ------------------------------------------------------------------
    # What the tenant sees
    # ------------------------------------------------------------------
    def test_bills_only_own(self):
        response = self._get("/my/property-bills", "pb_tenant_a")
        self.assertEqual(response.status_code, 200)
        html = response.text
        for invoice in self.inv_a_march | self.inv_a_april:
            self.assertIn(invoice.name, html)
            token = invoice._portal_ensure_token()
            self.assertIn(
                f'href="/my/invoices/{invoice.id}?access_token={token}"',
                html,
            )
        self.assertNotIn(self.inv_a_other.name, html, "not a property bill")
        for invoice in self.inv_b_march | self.inv_b_april | self.inv_c_march:
            self.assertNotIn(invoice.name, html)
        self.assertIn("T-201", html)
        self.assertNotIn("T-301", html)
        self.assertNotIn("T-101", html)
        self.assertIn("Test Management Fee", html)
        self.assertIn("2026-03", html)
        self.assertIn("2026-04", html)
        self.assertIn("309.58", html, "March after the partial payment")
        # balance: 409.58 - 100 + 409.58 + 20.00 (all of A's receivables)
        self.assertEqual(self._balance_due(html), ["739.16"])

        response = self._get("/my/property-bills", "pb_tenant_b")
        self.assertIn(self.inv_b_march.name, response.text)
        self.assertNotIn(self.inv_a_march.name, response.text)
        self.assertNotIn("T-201", response.text)

    def test_bill_filters_and_groups(self):
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        html = self.url_open("/my/property-bills?period=2026-04").text
        self.assertIn(self.inv_a_april.name, html)
        self.assertNotIn(self.inv_a_march.name, html)
        html = self.url_open("/my/property-bills?filterby=open&groupby=unit").text
        self.assertIn(self.inv_a_april.name, html)
        self.assertIn(self.inv_a_march.name, html, "partly paid is still to pay")
        self.assertIn('data-key="T-201"', html)
        html = self.url_open(
            f"/my/property-bills?unit={self.unit_office.id}&groupby=none"
        ).text
        self.assertIn(self.inv_a_march.name, html)
        html = self.url_open("/my/property-bills?filterby=paid").text
        self.assertNotIn(self.inv_a_march.name, html)
        self.assertIn("o_property_bills_empty", html)

    def test_ledger(self):
        response = self._get("/my/property-bills/ledger", "pb_tenant_a")
        self.assertEqual(response.status_code, 200)
        html = response.text
        # March bill, counter payment, April bill, the other invoice
        self.assertEqual(self._balances(html), [409.58, 309.58, 719.16, 739.16])
        self.assertLess(
            html.index(self.inv_a_march.name), html.index(self.payment_a.move_id.name)
        )
        self.assertLess(
            html.index(self.payment_a.move_id.name), html.index(self.inv_a_april.name)
        )
        self.assertNotIn(self.inv_b_march.name, html)
        self.assertNotIn(self.inv_c_march.name, html)

        html = self._get("/my/property-bills/ledger", "pb_tenant_b").text
        self.assertEqual(self._balances(html), [281.96, 563.92])
        self.assertNotIn(self.payment_a.move_id.name, html)

    def test_home_counter(self):
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["property_bill_count"]}
        )
        self.assertEqual(counters["property_bill_count"], 2)
        self.authenticate("pb_tenant_b", "pb_tenant_b")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["property_bill_count"]}
        )
        self.assertEqual(counters["property_bill_count"], 2)

    # ------------------------------------------------------------------
    # IDOR: every route of the module
    # ------------------------------------------------------------------
    def test_anonymous_goes_to_login(self):
        for url in (
            "/my/property-bills",
            "/my/property-bills/page/2",
            f"/my/property-bills?unit={self.unit_office.id}",
            "/my/property-bills/ledger",
            "/my/property-bills/ledger/page/2",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertIn(response.status_code, (302, 303))
                self.assertIn("/web/login", response.headers["Location"])

    def test_other_tenant_filters_redirect(self):
        """B naming A's unit or a month of A's only: back to B's own list,
        nothing of A's in any page B reaches."""
        self.authenticate("pb_tenant_b", "pb_tenant_b")
        for url in (
            f"/my/property-bills?unit={self.unit_office.id}",
            f"/my/property-bills?unit={self.unit_shop.id}",
            "/my/property-bills?unit=abc",
            "/my/property-bills?period=2025-01",
            "/my/property-bills?period=../../x",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertTrue(
                    response.headers["Location"].endswith("/my/property-bills")
                )
        for url in ("/my/property-bills/page/2", "/my/property-bills/ledger/page/2"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(self.inv_a_march.name, response.text)
                self.assertNotIn("T-201", response.text)

    def test_other_tenant_cannot_open_bill(self):
        """The invoice pages the bills link to: B gets nothing of A's, with
        no token or with B's own token."""
        self.authenticate("pb_tenant_b", "pb_tenant_b")
        token_b = self.inv_b_march._portal_ensure_token()
        for url in (
            f"/my/invoices/{self.inv_a_march.id}",
            f"/my/invoices/{self.inv_a_march.id}?access_token={token_b}",
            f"/my/invoices/{self.inv_a_march.id}?report_type=pdf&download=true",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertTrue(
                    urlsplit(response.headers["Location"]).path.rstrip("/") == "/my"
                )

    def test_receipt_not_reachable_by_tenants(self):
        """The counter receipt is given on paper: no tenant, not even the
        payer, prints one from the report route."""
        url = (
            "/report/html/property_billing.report_property_counter_receipt/"
            f"{self.payment_a.id}"
        )
        for login in ("pb_tenant_a", "pb_tenant_b"):
            with self.subTest(login=login), mute_logger("odoo.http"):
                response = self._get(url, login)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn("o_property_counter_receipt", response.text)
                self.assertNotIn(self.payment_a.name, response.text)

    # ------------------------------------------------------------------
    # QR code of the printed bill
    # ------------------------------------------------------------------
    def test_qr_code_url(self):
        invoice = self.inv_a_april
        url = invoice._property_payment_url()
        self.assertEqual(
            url,
            f"{invoice.get_base_url()}/my/invoices/{invoice.id}"
            f"?access_token={invoice.access_token}&payment=True#portal_pay",
        )
        self.assertTrue(invoice.access_token)
        encoded = []
        real = account_move_module.qr_png_data_uri

        def spy(value):
            encoded.append(value)
            return real(value)

        with patch.object(account_move_module, "qr_png_data_uri", side_effect=spy):
            html, _kind = self.env["ir.actions.report"]._render_qweb_html(
                "account.account_invoices", invoice.ids
            )
            self.assertEqual(encoded, [url])
            self.assertIn(b'class="o_property_pay_qr"', html)
            self.assertIn(real(url).encode(), html)
            self.assertIn(b"T-201", html, "unit column")
            self.assertIn(b"2026-04", html, "period column")

            encoded.clear()
            for other in (self.inv_a_other, self.inv_c_march):
                if other == self.inv_c_march:
                    self._pay(other, other.amount_total, date(2026, 3, 25))
                html, _kind = self.env["ir.actions.report"]._render_qweb_html(
                    "account.account_invoices", other.ids
                )
                self.assertNotIn(b"o_property_pay_qr", html)
            self.assertEqual(encoded, [], "no QR on other invoices nor on paid bills")

    def test_qr_url_opens_pay_page_anonymous(self):
        invoice = self.inv_a_april
        url = invoice._property_payment_url()
        parts = urlsplit(url)
        response = self.url_open(f"{parts.path}?{parts.query}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn("409.58", response.text)
        self.assertIn('id="pay_with"', response.text)
        self.assertIn(invoice.name, response.text)
        # without the token, or with another bill's token: no page
        token_b = self.inv_b_april._portal_ensure_token()
        # the token with its first character changed (never the same token)
        wrong = ("1" if invoice.access_token[0] == "0" else "0") + invoice.access_token[
            1:
        ]
        for bad in (
            f"/my/invoices/{invoice.id}?payment=True",
            f"/my/invoices/{invoice.id}?access_token={token_b}&payment=True",
            f"/my/invoices/{invoice.id}?access_token={wrong}",
        ):
            with self.subTest(url=bad):
                response = self.url_open(bad, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertNotIn("409.58", response.text)


@tagged("post_install", "-at_install")
class TestPortalPayTour(HttpCase, PortalBillingCase):
    """Tenant A opens their bill on the portal and pays it online with
    Odoo's demo payment provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        cls.provider.write({"state": "test", "is_published": True})
        # only the demo provider: the tour picks it whatever else exists
        cls.env["payment.provider"].search(
            [("id", "!=", cls.provider.id), ("state", "!=", "disabled")]
        ).write({"state": "disabled"})

    def test_pay_bill_online(self):
        invoice = self.inv_a_march
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(self.provider.company_id, invoice.company_id)
        self.start_tour(
            "/my/property-bills", "property_billing_pay_tour", login="pb_tenant_a"
        )
        transaction = invoice.transaction_ids
        self.assertEqual(len(transaction), 1)
        self.assertEqual(transaction.provider_id, self.provider)
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.amount, 409.58)
        self.assertEqual(transaction.partner_id, self.tenant_a)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(transaction.payment_id)
        self.assertEqual(transaction.payment_id.amount, 409.58)
        self.assertEqual(self.inv_b_march.payment_state, "not_paid")


@tagged("post_install", "-at_install")
class TestPortalPayTourPhone(TestPortalPayTour):
    """The same payment, on a phone (390 px wide, touch): most tenants pay
    from their phone."""

    browser_size = "390x844"
    touch_enabled = True
