import json
import re

from odoo.tests import HttpCase, tagged

from .common import PaidServiceCase


@tagged("post_install", "-at_install")
class TestPortalQuote(HttpCase, PaidServiceCase):
    """A paid service from quote to payment on the tenant portal, and
    nothing of another tenant reachable through any of its routes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        cls.site.paid_service_billing = "immediate"
        # tenant A (T-201) and tenant B (T-301) each have a quote to answer
        cls.wo_a = cls._quoted()
        cls.wo_b = cls._quoted(unit=cls.unit_home)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def _json(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _accept(self, work_order, name="Zhang Wei", token=None):
        params = {"name": name, "signature": self._signature().decode()}
        if token:
            params["access_token"] = token
        return self._json(f"/my/work-orders/{work_order.id}/quote/accept", params)

    def _csrf(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, url)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _refuse(self, work_order, reason, csrf, token=None):
        data = {"csrf_token": csrf, "reason": reason}
        if token:
            data["access_token"] = token
        return self.url_open(
            f"/my/work-orders/{work_order.id}/quote/refuse",
            data=data,
            allow_redirects=False,
        )

    def _pay_online(self, invoice):
        """Pay ``invoice`` as the logged-in tenant with Odoo's demo payment
        provider, through the portal's payment routes."""
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "is_published": True})
        values = self.make_jsonrpc_request(
            f"/invoice/transaction/{invoice.id}",
            {
                "access_token": invoice._portal_ensure_token(),
                "provider_id": provider.id,
                "payment_method_id": self.env.ref(
                    "payment_demo.payment_method_demo"
                ).id,
                "token_id": None,
                "amount": invoice.amount_residual,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": invoice.get_portal_url(),
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": values["reference"],
                "payment_details": "4242",
                "simulated_state": "done",
            },
        )
        # the status page polls the transaction, which posts the payment
        self.make_jsonrpc_request("/payment/status/poll", {})
        return self.env["payment.transaction"].search(
            [("reference", "=", values["reference"])]
        )

    # ------------------------------------------------------------------
    # the whole loop
    # ------------------------------------------------------------------
    def test_quote_to_payment(self):
        work_order = self.wo_a.with_env(self.env)
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        # the work order page leads to the quote
        page = self.url_open(f"/my/work-orders/{work_order.id}").text
        self.assertIn("o_property_work_order_quote_card", page)
        self.assertIn(f"/my/work-orders/{work_order.id}/quote", page)
        # the quote: its lines, its total, the signature form
        response = self.url_open(f"/my/work-orders/{work_order.id}/quote")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("Test unblock a drain", html)
        self.assertIn("Test replace a tap", html)
        self.assertIn("180.00", html)
        self.assertIn("o_property_quote_accept_button", html)
        self.assertIn("Invoiced when the work is completed", html)

        # accept and sign
        self.assertIn("error", self._accept(work_order, name=" ")["result"])
        result = self._accept(work_order)["result"]
        self.assertTrue(result["force_refresh"])
        self.assertIn("message=accepted", result["redirect_url"])
        self.assertEqual(work_order.quote_state, "accepted")
        self.assertEqual(work_order.quote_signed_by, "Zhang Wei")
        self.assertEqual(work_order.quote_signature, self._signature())
        self.assertTrue(work_order.quote_signed_at)
        # answered once only
        self.assertIn("error", self._accept(work_order)["result"])
        html = self.url_open(
            f"/my/work-orders/{work_order.id}/quote?message=accepted"
        ).text
        self.assertIn("o_property_quote_accepted", html)
        self.assertNotIn("o_property_quote_accept_button", html)

        # the work, then completion: the invoice
        self._complete(work_order.with_user(self.plumber), hours=1.0)
        invoice = work_order.service_invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 190.80)
        self.assertEqual(work_order.service_state, "invoiced")

        # listed with the tenant's bills, and paid online like any bill
        bills = self.url_open("/my/property-bills").text
        self.assertIn(invoice.name, bills)
        self.assertIn("Test Paid Services", bills)
        transaction = self._pay_online(invoice)
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.amount, 190.80)
        self.assertEqual(transaction.partner_id, self.tenant_a)
        self.assertTrue(transaction.payment_id)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(work_order.service_state, "paid")
        self.assertEqual(self.wo_b.quote_state, "sent", "B's quote untouched")

    def test_refuse_on_the_portal(self):
        work_order = self.wo_a
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        url = f"/my/work-orders/{work_order.id}/quote"
        csrf = self._csrf(url)
        response = self._refuse(work_order, "  ", csrf)
        self.assertIn("error=reason", response.headers["Location"])
        self.assertEqual(work_order.quote_state, "sent")
        response = self._refuse(work_order, "Too expensive, I will do it myself", csrf)
        self.assertIn("message=refused", response.headers["Location"])
        self.assertEqual(work_order.quote_state, "refused")
        self.assertEqual(
            work_order.quote_refusal_reason, "Too expensive, I will do it myself"
        )
        html = self.url_open(url).text
        self.assertIn("o_property_quote_refused", html)
        self.assertIn("Too expensive", html)
        # a refused quote is not accepted afterwards
        self.assertIn("error", self._accept(work_order)["result"])
        self.assertEqual(work_order.quote_state, "refused")

    def test_token_holder_accepts_without_login(self):
        token = self.wo_a._portal_ensure_token()
        response = self.url_open(
            f"/my/work-orders/{self.wo_a.id}/quote?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Test unblock a drain", response.text)
        result = self._accept(self.wo_a, name="Zhang Wei", token=token)["result"]
        self.assertIn("redirect_url", result)
        self.assertEqual(self.wo_a.quote_state, "accepted")

    # ------------------------------------------------------------------
    # IDOR: every route of the module
    # ------------------------------------------------------------------
    def test_other_tenant_reaches_nothing(self):
        token_b = self.wo_b._portal_ensure_token()
        self.authenticate("pb_tenant_b", "pb_tenant_b")
        csrf = self._csrf(f"/my/work-orders/{self.wo_b.id}/quote")
        for url in (
            f"/my/work-orders/{self.wo_a.id}/quote",
            f"/my/work-orders/{self.wo_a.id}/quote?access_token={token_b}",
            f"/my/work-orders/{self.wo_a.id}/quote?access_token=forged",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Test unblock a drain", response.text)
        for token in (None, token_b, "forged"):
            with self.subTest(token=token):
                response = self._accept(self.wo_a, name="Liu Fang", token=token)
                self.assertEqual(response["error"]["code"], 404)
                response = self._refuse(self.wo_a, "Not mine", csrf, token=token)
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.wo_a.quote_state, "sent")
        self.assertFalse(self.wo_a.quote_signature)
        self.assertFalse(self.wo_a.quote_refusal_reason)
        # B's own quote is B's
        self.assertEqual(
            self.url_open(f"/my/work-orders/{self.wo_b.id}/quote").status_code, 200
        )

    def test_anonymous_without_token_reaches_nothing(self):
        for url in (
            f"/my/work-orders/{self.wo_a.id}/quote",
            f"/my/work-orders/{self.wo_a.id}/quote?access_token=forged",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self._accept(self.wo_a)["error"]["code"], 404)
        # no session, no CSRF token: the POST is refused before the route
        response = self._refuse(self.wo_a, "x", "no-csrf")
        self.assertIn(response.status_code, (400, 403, 404))
        self.assertEqual(self.wo_a.quote_state, "sent")

    def test_no_quote_page_without_a_sent_quote(self):
        draft = self._quoted(send=False)
        free = self._work_order()
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        for work_order in (draft, free):
            with self.subTest(work_order=work_order.name):
                self.assertEqual(
                    self.url_open(f"/my/work-orders/{work_order.id}/quote").status_code,
                    404,
                )
                self.assertEqual(
                    self._accept(work_order)["result"]["error"],
                    "This quote cannot be accepted any more.",
                )
