import io
from datetime import date

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.property_tenant.tests.spreadsheet_checks import (
    FORMULA_TEXT,
    assert_text_not_formula,
)

from .common_shared_cost import SharedCostCase


class DisclosureCase(SharedCostCase):
    """Posted bills of site TBP for March and April 2026 (through billing
    runs), a credit note, and documents that are no revenue of the site.

    March: management fee 780.00 + 386.40 + 266.00 = 1,432.40 billed, the
    home's 266.00 credited on 20 March: 1,166.40.  April: the management fee
    again (1,432.40) and March's shared cost of 1,000.00."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.march = cls._billed_run(date(2026, 3, 1))
        cls.shared_cost = cls._confirmed(1000.0)
        cls.april = cls._billed_run(date(2026, 4, 1))
        home_invoice = cls.march.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_b
        )
        with freeze_time("2026-03-20"):
            reversal = (
                cls.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=home_invoice.ids)
                .create(
                    {"reason": "wrong area", "journal_id": home_invoice.journal_id.id}
                )
            )
            reversal.refund_moves()
        cls.refund = home_invoice.reversal_move_ids
        cls.refund.action_post()
        # no revenue of the site: a draft bill, another site's bill, a deposit
        cls._invoice(cls.site, cls.item_fee, 5000.0, post=False)
        cls._invoice(
            cls.other_site, cls.item_fee, 7000.0, partner=cls.portal_o.partner_id
        )
        liability = cls.env["account.account"].search(
            [
                *cls.env["account.account"]._check_company_domain(cls.company),
                ("account_type", "=", "liability_current"),
            ],
            limit=1,
        )
        deposit_product = cls.env["product.product"].create(
            {
                "name": "Test decoration deposit",
                "type": "service",
                "taxes_id": [Command.clear()],
                "property_account_income_id": liability.id,
            }
        )
        cls.item_deposit = cls.env["property.fee.item"].create(
            {
                "name": "Test Deposit",
                "code": "T-DEP",
                "kind": "deposit",
                "product_id": deposit_product.id,
            }
        )
        cls._invoice(cls.site, cls.item_deposit, 3000.0)

    @classmethod
    def _invoice(
        cls, site, item, amount, day=date(2026, 3, 15), partner=None, post=True
    ):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or cls.tenant_a).id,
                "invoice_date": day,
                "property_site_id": site.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": item.product_id.id,
                            "quantity": 1.0,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                            "property_fee_item_id": item.id,
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _disclosure(
        cls, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), site=None, **vals
    ):
        return cls.env["property.financial.disclosure"].create(
            {
                "name": "Disclosure March 2026",
                "site_id": (site or cls.site).id,
                "date_from": date_from,
                "date_to": date_to,
                **vals,
            }
        )

    @staticmethod
    def _revenue(disclosure):
        return {
            line.item_id.code: (line.amount, line.invoice_count)
            for line in disclosure.revenue_line_ids
        }


@tagged("-at_install", "post_install")
class TestDisclosure(DisclosureCase):
    def test_revenue_of_one_month(self):
        disclosure = self._disclosure()
        disclosure.with_user(self.collector).action_compute()
        # 3 bills and 1 credit note of the management fee; the draft bill,
        # the other site's bill and the deposit are no revenue of the site
        self.assertEqual(self._revenue(disclosure), {"T-PMF": (1166.4, 4)})
        self.assertAlmostEqual(disclosure.revenue_total, 1166.4, places=2)
        shared = disclosure.shared_line_ids
        self.assertEqual(shared.shared_cost_id, self.shared_cost)
        self.assertEqual(shared.amount, 1000.0)
        self.assertEqual(shared.amount_vacant, 0.0)
        self.assertEqual(disclosure.shared_total, 1000.0)

    def test_revenue_of_two_months(self):
        disclosure = self._disclosure(date_to=date(2026, 4, 30))
        disclosure.action_compute()
        self.assertEqual(
            self._revenue(disclosure),
            {"T-PMF": (2598.8, 7), "T-SHARED": (1000.0, 3)},
        )
        self.assertAlmostEqual(disclosure.revenue_total, 3598.8, places=2)
        self.assertEqual(
            disclosure.revenue_line_ids.mapped("item_id.code"),
            ["T-PMF", "T-SHARED"],
            "in the order of the fee items",
        )

    def test_shared_costs_of_the_period_only(self):
        self._confirmed(500.0, period=date(2026, 5, 1))
        cancelled = self._confirmed(300.0, item_id=self.item_lift.id)
        cancelled.with_user(self.manager).action_cancel()
        self._shared_cost(200.0, item_id=self.item_lift.id).action_apportion()
        disclosure = self._disclosure(date_to=date(2026, 4, 30))
        disclosure.action_compute()
        self.assertEqual(disclosure.shared_line_ids.shared_cost_id, self.shared_cost)

    def test_other_site_revenue(self):
        disclosure = self._disclosure(site=self.other_site)
        disclosure.action_compute()
        self.assertEqual(self._revenue(disclosure), {"T-PMF": (7000.0, 1)})
        self.assertFalse(disclosure.shared_line_ids)

    def test_publish_freezes_the_figures(self):
        disclosure = self._disclosure(note="<p>Thank you for paying on time.</p>")
        with self.assertRaisesRegex(UserError, "billing manager"):
            disclosure.with_user(self.collector).action_publish()
        with freeze_time("2026-04-10 08:00:00"):
            disclosure.with_user(self.manager).action_publish()
        self.assertEqual(disclosure.state, "published")
        self.assertEqual(disclosure.published_by_id, self.manager)
        self.assertEqual(str(disclosure.published_date), "2026-04-10 08:00:00")
        self.assertAlmostEqual(disclosure.revenue_total, 1166.4, places=2)
        # a late bill of March does not change what was published
        self._invoice(self.site, self.item_fee, 100.0)
        self.assertAlmostEqual(disclosure.revenue_total, 1166.4, places=2)
        with self.assertRaises(UserError):
            disclosure.action_compute()
        with self.assertRaises(UserError):
            disclosure.write({"date_to": date(2026, 4, 30)})
        with self.assertRaises(UserError):
            disclosure.revenue_line_ids.write({"amount": 1.0})
        with self.assertRaises(UserError):
            disclosure.unlink()
        disclosure.with_user(self.manager).action_reset_draft()
        disclosure.action_compute()
        self.assertAlmostEqual(disclosure.revenue_total, 1266.4, places=2)

    def test_access(self):
        disclosure = self._disclosure()
        disclosure.with_user(self.collector).action_compute()
        with self.assertRaises(AccessError):
            disclosure.with_user(self.agent).read(["revenue_total"])
        with self.assertRaises(AccessError):
            disclosure.with_user(self.collector).unlink()
        disclosure.with_user(self.manager).action_publish()
        # a tenant of the site reads the published disclosure, not its lines
        self.assertEqual(disclosure.with_user(self.portal_a).revenue_total, 1166.4)
        with self.assertRaises(AccessError):
            disclosure.with_user(self.portal_o).read(["revenue_total"])
        with self.assertRaises(AccessError):
            disclosure.revenue_line_ids.with_user(self.portal_a).read(["amount"])

    def test_xlsx_export_user_text(self):
        """A fee item named like a formula is written as text."""
        self.item_fee.name = FORMULA_TEXT
        disclosure = self._disclosure(date_to=date(2026, 4, 30))
        disclosure.action_compute()
        assert_text_not_formula(self, disclosure._xlsx_content())

    def test_xlsx_export(self):
        disclosure = self._disclosure(date_to=date(2026, 4, 30))
        disclosure.action_compute()
        action = disclosure.with_user(self.collector).action_export_xlsx()
        self.assertIn("download=true", action["url"])
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", disclosure._name), ("res_id", "=", disclosure.id)]
        )
        self.assertEqual(attachment.name, "disclosure_TBP_20260301_20260430.xlsx")
        workbook = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        self.assertEqual(workbook.sheetnames, ["Revenue", "Shared Costs"])
        rows = list(workbook["Revenue"].iter_rows(values_only=True))
        header = rows.index(("Fee Item", "Invoices", "Revenue (untaxed)"))
        self.assertEqual(
            rows[header + 1 :],
            [
                ("Test Management Fee", 7, 2598.8),
                ("Test Shared Cost", 3, 1000.0),
                ("Total", None, 3598.8),
            ],
        )
        shared = list(workbook["Shared Costs"].iter_rows(values_only=True))
        self.assertEqual(
            shared[1:],
            [
                (
                    self.shared_cost.name,
                    "Common-area electricity",
                    "2026-03",
                    1000.0,
                    0.0,
                ),
                ("Total", None, None, 1000.0, None),
            ],
        )


@tagged("post_install", "-at_install")
class TestDisclosurePortal(HttpCase, DisclosureCase):
    """Tenants see the published disclosures of their own site, and
    nothing of another site or not yet published, on every route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.published = cls._disclosure(name="Disclosure TBP March")
        cls.published.with_user(cls.manager).action_publish()
        cls.draft = cls._disclosure(
            name="Draft TBP April",
            date_from=date(2026, 4, 1),
            date_to=date(2026, 4, 30),
        )
        cls.draft.action_compute()
        cls.other = cls._disclosure(name="Disclosure TBO March", site=cls.other_site)
        cls.other.with_user(cls.manager).action_publish()

    def _routes(self, disclosure):
        return [
            f"/my/disclosures/{disclosure.id}",
            f"/my/disclosures/{disclosure.id}/xlsx",
        ]

    def test_tenant_sees_the_published_disclosure_of_the_site(self):
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        listing = self.url_open("/my/disclosures")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Disclosure TBP March", listing.text)
        self.assertNotIn("Draft TBP April", listing.text)
        self.assertNotIn("Disclosure TBO March", listing.text)
        detail = self.url_open(f"/my/disclosures/{self.published.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn("1,166.40", detail.text)
        self.assertIn("Common-area electricity", detail.text)
        xlsx = self.url_open(f"/my/disclosures/{self.published.id}/xlsx")
        self.assertEqual(xlsx.status_code, 200)
        workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        rows = list(workbook["Revenue"].iter_rows(values_only=True))
        self.assertEqual(rows[-1], ("Total", None, 1166.4))
        self.assertEqual(
            list(workbook["Shared Costs"].iter_rows(values_only=True))[-1],
            ("Total", None, None, 1000.0, None),
        )
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["property_disclosure_count"]}
        )
        self.assertEqual(counters["property_disclosure_count"], 1)

    def test_other_site_tenant_gets_404_on_every_route(self):
        self.authenticate("pb_tenant_other", "pb_tenant_other")
        listing = self.url_open("/my/disclosures")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Disclosure TBO March", listing.text)
        self.assertNotIn("Disclosure TBP March", listing.text)
        self.assertNotIn(
            "Disclosure TBP March", self.url_open("/my/disclosures/page/2").text
        )
        for disclosure in (self.published, self.draft):
            for route in self._routes(disclosure):
                response = self.url_open(route)
                self.assertEqual(response.status_code, 404, route)
                self.assertNotIn("1,166.40", response.text)
        for route in self._routes(self.other):
            self.assertEqual(self.url_open(route).status_code, 200, route)

    def test_unpublished_and_missing_disclosures_are_404(self):
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        missing = self.env["property.financial.disclosure"].browse(999999)
        for disclosure in (self.draft, self.other, missing):
            for route in self._routes(disclosure):
                self.assertEqual(self.url_open(route).status_code, 404, route)

    def test_anonymous_is_sent_to_login(self):
        for route in ["/my/disclosures", *self._routes(self.published)]:
            response = self.url_open(route, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303), route)
            self.assertIn("/web/login", response.headers["Location"])
