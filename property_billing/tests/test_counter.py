from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..receipt import rmb_capitals
from .common import PropertyBillingCase


@tagged("-at_install", "post_install")
class TestCounterPayment(PropertyBillingCase):
    """Payments taken at the fee counter: registered by Odoo's payment
    wizard (reconciled), receipt printed at once, collectors only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.journal"]._property_setup_counter_journals(cls.company)
        Journal = cls.env["account.journal"]

        def counter_journal(method):
            return Journal.search(
                [
                    ("company_id", "=", cls.company.id),
                    ("property_counter_method", "=", method),
                ],
                limit=1,
            )

        cls.journal_cash = counter_journal("cash")
        cls.journal_card = counter_journal("card")
        cls.journal_wechat = counter_journal("wechat")
        cls.journal_alipay = counter_journal("alipay")
        cls.march = cls._posted_run(date(2026, 3, 1))
        cls.april = cls._posted_run(date(2026, 4, 1))
        cls.inv_a_march = cls.march.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_a
        )
        cls.inv_a_april = cls.april.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_a
        )
        cls.inv_b_march = cls.march.move_ids.filtered(
            lambda m: m.partner_id == cls.tenant_b
        )

    @classmethod
    def _posted_run(cls, period):
        run = cls._run(period)
        run.action_preview()
        run.action_generate()
        run.action_post()
        return run

    def _wizard(self, records, user=None, **vals):
        return (
            self.env["property.counter.payment"]
            .with_user(user or self.collector)
            .with_context(active_model=records._name, active_ids=records.ids)
            .create(vals)
        )

    def _receipt_html(self, payment):
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "property_billing.action_report_property_counter_receipt", payment.ids
        )
        return html.decode()

    # ------------------------------------------------------------------
    # Journals
    # ------------------------------------------------------------------
    def test_counter_journals(self):
        self.assertEqual(self.journal_cash.type, "cash")
        for journal, method in (
            (self.journal_card, "card"),
            (self.journal_wechat, "wechat"),
            (self.journal_alipay, "alipay"),
        ):
            self.assertEqual(journal.property_counter_method, method)
            self.assertEqual(journal.type, "bank")
            self.assertEqual(journal.company_id, self.company)
        # codes are the ones asked for unless another journal had them already
        self.assertTrue(self.journal_wechat.code.startswith("WXP"))
        self.assertTrue(self.journal_alipay.code.startswith("ALP"))
        again = self.env["account.journal"]._property_setup_counter_journals(
            self.company
        )
        self.assertFalse(again, "calling the set-up again creates nothing")

    def test_counter_journals_only_for_companies_using_fees(self):
        """Loading a chart gives a company no counter journal; its first
        site does, and so does a chart loaded after its first site."""
        Journal = self.env["account.journal"]

        def counter_methods(company):
            return set(
                Journal.search(
                    [
                        ("company_id", "=", company.id),
                        ("property_counter_method", "!=", False),
                    ]
                ).mapped("property_counter_method")
            )

        plain = self.env["res.company"].create({"name": "Test Plain Co."})
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=plain, install_demo=False
        )
        self.assertEqual(counter_methods(plain), set())
        self.assertFalse(
            Journal.search(
                [("company_id", "=", plain.id), ("code", "in", ["WXP", "ALP", "CARD"])]
            )
        )
        self.assertFalse(Journal._property_setup_counter_journals(plain))
        self.env["property.site"].create(
            {"name": "Test Second Plaza", "code": "TSP", "company_id": plain.id}
        )
        self.assertEqual(counter_methods(plain), {"cash", "card", "wechat", "alipay"})

        later = self.env["res.company"].create({"name": "Test Later Co."})
        self.env["property.site"].create(
            {"name": "Test Later Plaza", "code": "TLP", "company_id": later.id}
        )
        self.assertEqual(counter_methods(later), set(), "no chart, no journal yet")
        self.env["account.chart.template"].try_loading(
            "generic_coa", company=later, install_demo=False
        )
        self.assertEqual(counter_methods(later), {"cash", "card", "wechat", "alipay"})

    def test_counter_journals_free_code(self):
        """A chart already using WXP: the WeChat Pay journal gets WXP1."""
        self.journal_wechat.property_counter_method = False
        self.journal_wechat.code = "WXP"
        created = self.env["account.journal"]._property_setup_counter_journals(
            self.company
        )
        self.assertEqual(len(created), 1)
        self.assertEqual(created.property_counter_method, "wechat")
        self.assertEqual(created.code, "WXP1")

    def test_setup_button_managers_only(self):
        with self.assertRaises(AccessError):
            self.env["account.journal"].with_user(
                self.collector
            ).action_property_setup_counter_journals()
        action = (
            self.env["account.journal"]
            .with_user(self.manager)
            .action_property_setup_counter_journals()
        )
        self.assertEqual(action["res_model"], "account.journal")

    # ------------------------------------------------------------------
    # Paying
    # ------------------------------------------------------------------
    def test_full_payment_from_invoice(self):
        wizard = self._wizard(
            self.inv_a_march, journal_id=self.journal_wechat.id, reference="WX4200001"
        )
        self.assertEqual(wizard.partner_id, self.tenant_a)
        self.assertEqual(wizard.invoice_ids, self.inv_a_march)
        self.assertAlmostEqual(wizard.amount_due, 409.58, places=2)
        self.assertAlmostEqual(
            wizard.amount, 409.58, places=2, msg="defaults to what is due"
        )
        action = wizard.action_register()

        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(
            action["report_name"], "property_billing.report_property_counter_receipt"
        )
        self.assertEqual(self.inv_a_march.payment_state, "paid")
        self.assertEqual(self.inv_a_march.amount_residual, 0.0)
        payment = self.env["account.payment"].browse(action["context"]["active_ids"])
        self.assertEqual(len(payment), 1)
        self.assertEqual(payment.amount, 409.58)
        self.assertEqual(payment.journal_id, self.journal_wechat)
        self.assertEqual(payment.partner_id, self.tenant_a)
        self.assertEqual(payment.memo, "WX4200001")
        self.assertEqual(payment.reconciled_invoice_ids, self.inv_a_march)
        self.assertEqual(payment.property_cashier_id, self.collector)
        self.assertRegex(payment.property_receipt_number, r"^SJ/\d{4}/\d{6}$")
        self.assertEqual(
            self.inv_a_april.payment_state, "not_paid", "other bills untouched"
        )

        html = self._receipt_html(payment)
        self.assertIn(payment.property_receipt_number, html)
        self.assertIn("409.58", html)
        self.assertIn("T-201", html)
        self.assertIn(self.inv_a_march.name, html)
        self.assertIn("2026-03", html)
        self.assertIn("Test Management Fee", html)
        self.assertIn(self.tenant_a.name, html)
        self.assertIn(self.collector.name, html)
        self.assertNotIn(self.inv_b_march.name, html)

    def test_partial_payment(self):
        wizard = self._wizard(
            self.inv_b_march, journal_id=self.journal_cash.id, amount=200.0
        )
        action = wizard.action_register()
        self.assertEqual(self.inv_b_march.payment_state, "partial")
        self.assertAlmostEqual(self.inv_b_march.amount_residual, 81.96, places=2)
        payment = self.env["account.payment"].browse(action["context"]["active_ids"])
        self.assertEqual(payment.amount, 200.0)
        html = self._receipt_html(payment)
        self.assertIn("200.00", html)
        self.assertIn("81.96", html, "the receipt says what is still due")

    def test_several_bills_from_partner(self):
        """From the tenant: all their open bills, one payment, both paid."""
        wizard = self._wizard(self.tenant_a, journal_id=self.journal_alipay.id)
        self.assertEqual(wizard.invoice_ids, self.inv_a_march | self.inv_a_april)
        self.assertAlmostEqual(wizard.amount, 819.16, places=2)
        action = wizard.action_register()
        payment = self.env["account.payment"].browse(action["context"]["active_ids"])
        self.assertEqual(len(payment), 1, "one payment, one receipt")
        self.assertEqual(payment.amount, 819.16)
        self.assertEqual(
            set((self.inv_a_march | self.inv_a_april).mapped("payment_state")), {"paid"}
        )
        receipt = payment._property_receipt_values()
        self.assertEqual(
            [(row["invoice"], round(row["applied"], 2)) for row in receipt["rows"]],
            [(self.inv_a_march, 409.58), (self.inv_a_april, 409.58)],
        )
        self.assertEqual(receipt["units"], self.unit_office)
        html = self._receipt_html(payment)
        self.assertIn("2026-03", html)
        self.assertIn("2026-04", html)

    def test_from_unit(self):
        wizard = self._wizard(self.unit_home, journal_id=self.journal_card.id)
        self.assertEqual(wizard.partner_id, self.tenant_b)
        self.assertEqual(wizard.unit_id, self.unit_home)
        self.assertEqual(
            wizard.invoice_ids,
            self.march.move_ids.filtered(lambda m: m.partner_id == self.tenant_b)
            | self.april.move_ids.filtered(lambda m: m.partner_id == self.tenant_b),
        )

    def test_refusals(self):
        with self.assertRaisesRegex(UserError, "more than the bills"):
            self._wizard(
                self.inv_a_march, journal_id=self.journal_cash.id, amount=409.59
            ).action_register()
        with self.assertRaisesRegex(UserError, "more than zero"):
            self._wizard(
                self.inv_a_march, journal_id=self.journal_cash.id, amount=0.0
            ).action_register()
        with self.assertRaisesRegex(UserError, "one payer at a time"):
            self._wizard(
                self.inv_a_march | self.inv_b_march, journal_id=self.journal_cash.id
            )
        wizard = self._wizard(self.inv_a_march, journal_id=self.journal_cash.id)
        wizard.invoice_ids = [Command.link(self.inv_b_march.id)]
        with self.assertRaisesRegex(UserError, "cannot be paid here"):
            wizard.action_register()
        sale_journal = self.inv_a_march.journal_id
        with self.assertRaisesRegex(UserError, "not a counter payment method"):
            self._wizard(self.inv_a_march, journal_id=sale_journal.id).action_register()
        self.assertEqual(
            self.inv_a_march.payment_state, "not_paid", "nothing half-done"
        )
        self.assertFalse(
            self.env["account.payment"].search([("partner_id", "=", self.tenant_a.id)]),
        )

    def test_paid_bill_refused(self):
        self._wizard(
            self.inv_a_march, journal_id=self.journal_cash.id
        ).action_register()
        with self.assertRaisesRegex(UserError, "nothing left to pay"):
            self._wizard(self.inv_a_march, journal_id=self.journal_cash.id)

    def test_window_opened_before_the_bill_was_paid(self):
        """Two collectors open the counter window on the same bill; the
        second one to register is refused, nothing is taken twice (at the
        same moment, tests/test_concurrency.py)."""
        first = self._wizard(self.inv_a_march, journal_id=self.journal_cash.id)
        second = self._wizard(
            self.inv_a_march, journal_id=self.journal_cash.id, user=self.manager
        )
        first.action_register()
        with self.assertRaisesRegex(UserError, "is already paid"):
            second.action_register()
        self.assertEqual(len(self.inv_a_march.matched_payment_ids), 1)

    def _register_wizard(self, invoice, **vals):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(vals)
        )

    def test_payment_wizard_opened_before_the_bill_was_paid(self):
        """Odoo's own payment window too: registered on the bill as it is
        when the button is pressed."""
        first = self._register_wizard(self.inv_b_march)
        second = self._register_wizard(self.inv_b_march)
        first.action_create_payments()
        self.assertEqual(self.inv_b_march.payment_state, "paid")
        with self.assertRaisesRegex(UserError, "is already paid"):
            second.action_create_payments()
        self.assertEqual(len(self.inv_b_march.matched_payment_ids), 1)

    def test_payment_wizard_after_a_part_was_paid(self):
        first = self._register_wizard(self.inv_b_march, amount=200.0)
        second = self._register_wizard(self.inv_b_march)
        first.action_create_payments()
        with self.assertRaisesRegex(UserError, "partly paid in the meantime"):
            second.action_create_payments()
        # a deliberate amount within what is left is still taken
        third = self._register_wizard(self.inv_b_march)
        third.action_create_payments()
        self.assertEqual(self.inv_b_march.payment_state, "paid")

    def test_online_payment_after_the_counter_is_flagged(self):
        """The tenant pays online a bill the counter has just taken: the
        money is taken, so the payment is kept, left open on the payer's
        account, and flagged to the collector who took the other one."""
        self._wizard(
            self.inv_a_march, journal_id=self.journal_cash.id
        ).action_register()
        provider = self.env.ref("payment.payment_provider_demo")
        provider.state = "test"
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "reference": "TEST-DOUBLE-1",
                "amount": self.inv_a_march.amount_total,
                "currency_id": self.inv_a_march.currency_id.id,
                "partner_id": self.tenant_a.id,
                "invoice_ids": [Command.set(self.inv_a_march.ids)],
                "operation": "online_direct",
            }
        )
        tx._set_done()
        tx._post_process()
        self.assertTrue(tx.payment_id)
        self.assertFalse(tx.payment_id.is_reconciled)
        activity = tx.payment_id.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("refund", activity.summary)
        bodies = self.inv_a_march.message_ids.mapped("body")
        self.assertTrue(
            any("Paid twice" in body for body in bodies), "the bill says so"
        )

    def test_online_payment_of_an_open_bill_is_not_flagged(self):
        provider = self.env.ref("payment.payment_provider_demo")
        provider.state = "test"
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "reference": "TEST-SINGLE-1",
                "amount": self.inv_a_march.amount_total,
                "currency_id": self.inv_a_march.currency_id.id,
                "partner_id": self.tenant_a.id,
                "invoice_ids": [Command.set(self.inv_a_march.ids)],
                "operation": "online_direct",
            }
        )
        tx._set_done()
        tx._post_process()
        self.assertTrue(tx.payment_id.is_reconciled)
        self.assertFalse(tx.payment_id.activity_ids)
        self.assertEqual(self.inv_a_march.payment_state, "paid")

    # ------------------------------------------------------------------
    # Receipt in RMB capitals
    # ------------------------------------------------------------------
    def test_receipt_capitals(self):
        cny = self.env.ref("base.CNY")
        cny.active = True
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.tenant_a.id,
                "currency_id": cny.id,
                "invoice_date": date(2026, 3, 1),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_water.id,
                            "name": "Water T-201 2026-03",
                            "quantity": 1,
                            "price_unit": 1234.56,
                            "tax_ids": [Command.clear()],
                            "property_occupancy_id": self.occ_office.id,
                            "property_fee_item_id": self.item_water.id,
                            "property_period_start": date(2026, 3, 1),
                            "property_period_end": date(2026, 3, 31),
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        action = self._wizard(
            invoice, journal_id=self.journal_cash.id
        ).action_register()
        payment = self.env["account.payment"].browse(action["context"]["active_ids"])
        self.assertEqual(payment.currency_id, cny)
        self.assertEqual(payment.amount, 1234.56)
        self.assertEqual(invoice.payment_state, "paid")
        html = self._receipt_html(payment)
        self.assertIn("人民币壹仟贰佰叁拾肆元伍角陆分", html)
        self.assertEqual(rmb_capitals(payment.amount), "壹仟贰佰叁拾肆元伍角陆分")
        self.assertIn("Test Water", html)

    def test_receipt_numbers_follow(self):
        first = self._wizard(
            self.inv_a_march, journal_id=self.journal_cash.id
        ).action_register()
        second = self._wizard(
            self.inv_b_march, journal_id=self.journal_cash.id
        ).action_register()
        numbers = (
            self.env["account.payment"]
            .browse(first["context"]["active_ids"] + second["context"]["active_ids"])
            .mapped("property_receipt_number")
        )
        self.assertEqual(len(set(numbers)), 2)
        self.assertEqual(int(numbers[1][-6:]), int(numbers[0][-6:]) + 1)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_agent_cannot_open_counter(self):
        with self.assertRaises(AccessError):
            self._wizard(
                self.inv_a_march, user=self.agent, journal_id=self.journal_cash.id
            )
        with self.assertRaises(AccessError):
            self.env["property.counter.payment"].with_user(self.agent).default_get(
                ["partner_id"]
            )
        with self.assertRaises(AccessError):
            self._wizard(
                self.inv_a_march, user=self.portal_a, journal_id=self.journal_cash.id
            )
        action = self.env.ref(
            "property_billing.property_counter_payment_action_invoice"
        )
        self.assertIn(
            self.env.ref("property_billing.group_property_fee_collector"),
            action.groups_id,
        )
        self.assertFalse(
            self.agent.has_group("property_billing.group_property_fee_collector")
        )
        self.assertEqual(self.inv_a_march.payment_state, "not_paid")

    def test_manager_can_take_payment(self):
        self._wizard(
            self.inv_a_march, user=self.manager, journal_id=self.journal_card.id
        ).action_register()
        self.assertEqual(self.inv_a_march.payment_state, "paid")
