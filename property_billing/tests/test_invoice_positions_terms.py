from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import tagged

from .common_selfcheck import SelfCheckCase


@tagged("-at_install", "post_install")
class TestInvoicePositionsTerms(SelfCheckCase):
    """Fiscal positions and payment terms on a billing run: invoices whose
    payer has a fiscal position (set on them, or applied automatically by
    their delivery address) or a payment term (instalments, early-payment
    discount) are created by Odoo's own path, deliberately (the prepared
    path builds neither tax/account mapping nor instalments), and equal the
    invoices Odoo creates, journal item by journal item, drafted and
    posted; the run's other invoices are still prepared."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.income = Account.create(
            {"name": "Test fee income", "code": "TPB6002", "account_type": "income"}
        )
        cls.income_export = Account.create(
            {
                "name": "Test fee income abroad",
                "code": "TPB6003",
                "account_type": "income",
            }
        )
        cls.product_fee.property_account_income_id = cls.income
        cls.tax_zero = cls.env["account.tax"].create(
            {
                "name": "Test VAT 0% abroad",
                "amount": 0.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        Position = cls.env["account.fiscal.position"]
        mappings = {
            "company_id": cls.company.id,
            "tax_ids": [
                Command.create(
                    {"tax_src_id": cls.tax.id, "tax_dest_id": cls.tax_zero.id}
                )
            ],
            "account_ids": [
                Command.create(
                    {
                        "account_src_id": cls.income.id,
                        "account_dest_id": cls.income_export.id,
                    }
                )
            ],
        }
        cls.position = Position.create({"name": "Test abroad", **mappings})
        cls.hong_kong = cls.env.ref("base.hk")
        cls.position_auto = Position.create(
            {
                "name": "Test Hong Kong deliveries",
                "auto_apply": True,
                "country_id": cls.hong_kong.id,
                **mappings,
            }
        )
        Term = cls.env["account.payment.term"]
        cls.term_instalments = Term.create(
            {
                "name": "Test 30% now, 70% in 30 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 30.0, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 70.0, "nb_days": 30}
                    ),
                ],
            }
        )
        cls.term_discount = Term.create(
            {
                "name": "Test 30 days, 2% if paid within 10 days",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )

    def _assert_run_equals_odoos(self, run):
        """Every invoice of ``run`` equals Odoo's own, as drafted and once
        the run posted them (together, without their synchronisation)."""
        self._assert_equal_odoos(run.move_ids)
        run.action_post()
        self.assertEqual(set(run.move_ids.mapped("state")), {"posted"})
        for move in run.move_ids:
            odoo = self._odoos(move)
            odoo.action_post()
            self.assertEqual(self.snapshot(move), self.snapshot(odoo))

    def _move_of(self, run, partner):
        return run.move_ids.filtered(lambda move: move.partner_id == partner)

    def test_fiscal_positions_take_odoos_path(self):
        """A payer with a fiscal position of their own, one whose delivery
        address (a contact abroad) has one applied automatically: their fee
        is taxed at 0 % on the mapped income account, by Odoo's own path;
        the third payer's invoice is prepared."""
        self.tenant_a.with_company(
            self.company
        ).property_account_position_id = self.position
        self.tenant_b.country_id = self.env.ref("base.cn")
        self.env["res.partner"].create(
            {
                "name": "Test delivery address in Hong Kong",
                "type": "delivery",
                "parent_id": self.tenant_b.id,
                "country_id": self.hong_kong.id,
            }
        )
        with self._spy() as seen:
            run = self._generate()
        # one prepared invoice (tenant C), checked once against Odoo's own
        self.assertEqual(seen, {"prepared": 1 + 1, "odoo": 1 + 2, "checks": 1})
        self.assertFalse(self._run_messages(run))
        for partner, position in (
            (self.tenant_a, self.position),
            (self.tenant_b, self.position_auto),
        ):
            move = self._move_of(run, partner)
            self.assertEqual(move.fiscal_position_id, position)
            self.assertEqual(move.invoice_line_ids.tax_ids, self.tax_zero)
            self.assertEqual(move.invoice_line_ids.account_id, self.income_export)
            self.assertEqual(move.amount_tax, 0.0)
        plain = self._move_of(run, self.tenant_c)
        self.assertFalse(plain.fiscal_position_id)
        self.assertEqual(plain.invoice_line_ids.tax_ids, self.tax)
        self.assertEqual(plain.invoice_line_ids.account_id, self.income)
        self._assert_run_equals_odoos(run)

    def test_payment_terms_take_odoos_path(self):
        """A payer paying 30 % now and 70 % in 30 days, one with a 2 %
        early-payment discount: their receivables are as Odoo's payment
        term makes them, by Odoo's own path; the third payer's invoice is
        prepared."""
        Partner = self.env["res.partner"].with_company(self.company)
        Partner.browse(
            self.tenant_a.id
        ).property_payment_term_id = self.term_instalments
        Partner.browse(self.tenant_b.id).property_payment_term_id = self.term_discount
        with self._spy() as seen:
            run = self._generate()
        self.assertEqual(seen, {"prepared": 1 + 1, "odoo": 1 + 2, "checks": 1})
        self.assertFalse(self._run_messages(run))

        def receivables(partner):
            move = self._move_of(run, partner)
            return move, move.line_ids.filtered(
                lambda line: line.display_type == "payment_term"
            ).sorted("date_maturity")

        move, terms = receivables(self.tenant_a)
        self.assertEqual(move.invoice_payment_term_id, self.term_instalments)
        self.assertEqual(len(terms), 2)
        self.assertEqual(
            terms.mapped("date_maturity"),
            [run.invoice_date, run.invoice_date + relativedelta(days=30)],
        )
        self.assertAlmostEqual(terms[0].balance, move.amount_total * 0.3, places=2)
        self.assertAlmostEqual(sum(terms.mapped("balance")), move.amount_total)
        move, terms = receivables(self.tenant_b)
        self.assertEqual(move.invoice_payment_term_id, self.term_discount)
        self.assertEqual(len(terms), 1)
        self.assertEqual(terms.discount_date, run.invoice_date + relativedelta(days=10))
        self.assertTrue(terms.discount_balance)
        self.assertLess(terms.discount_balance, terms.balance)
        plain = self._move_of(run, self.tenant_c)
        self.assertFalse(plain.invoice_payment_term_id)
        self.assertEqual(len(plain.line_ids.filtered("date_maturity")), 1)
        self._assert_run_equals_odoos(run)

    def test_mixed_early_discount_takes_odoos_path(self):
        """With taxes computed on the discounted amount ("mixed"), Odoo
        adds early-payment-discount lines to the invoice: the payer's
        invoice has them, as Odoo's own has."""
        self.term_discount.early_pay_discount_computation = "mixed"
        Partner = self.env["res.partner"].with_company(self.company)
        Partner.browse(self.tenant_a.id).property_payment_term_id = self.term_discount
        with self._spy() as seen:
            run = self._generate()
        self.assertEqual(seen, {"prepared": 1 + 2, "odoo": 1 + 1, "checks": 1})
        move = self._move_of(run, self.tenant_a)
        self.assertTrue(move.line_ids.filtered(lambda line: line.display_type == "epd"))
        self._assert_run_equals_odoos(run)
