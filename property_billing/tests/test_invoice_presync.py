from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PropertyBillingCase

LINE_FIELDS = (
    "display_type",
    "account_id",
    "partner_id",
    "product_id",
    "product_uom_id",
    "name",
    "quantity",
    "price_unit",
    "discount",
    "tax_ids",
    "tax_tag_ids",
    "tax_repartition_line_id",
    "tax_line_id",
    "group_tax_id",
    "tax_base_amount",
    "tax_tag_invert",
    "balance",
    "amount_currency",
    "debit",
    "credit",
    "amount_residual",
    "price_subtotal",
    "price_total",
    "date_maturity",
    "currency_id",
    "analytic_distribution",
    "discount_date",
    "discount_balance",
)
MOVE_FIELDS = (
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "amount_residual",
    "amount_total_signed",
    "amount_untaxed_signed",
    "invoice_date_due",
    "invoice_payment_term_id",
    "fiscal_position_id",
    "currency_id",
    "date",
    "state",
    "payment_state",
    "tax_totals",
)


@tagged("-at_install", "post_install")
class TestInvoicePresync(PropertyBillingCase):
    """Invoices created with their journal items prepared up front
    (``skip_invoice_sync``) are the invoices Odoo's own synchronisation
    builds from the same lines: every journal item, amount, tax grid and
    total is compared with an invoice created the usual way."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tax = cls.env["account.tax"]
        company = {"company_id": cls.company.id, "type_tax_use": "sale"}
        cls.tax_9_included = Tax.create(
            {
                **company,
                "name": "Test VAT 9% included",
                "amount": 9.0,
                "amount_type": "percent",
                "price_include_override": "tax_included",
            }
        )
        cls.tax_fixed = Tax.create(
            {**company, "name": "Test eco 0.35", "amount": 0.35, "amount_type": "fixed"}
        )
        children = Tax.create(
            [
                {
                    **company,
                    "type_tax_use": "none",
                    "name": f"Test part {rate}%",
                    "amount": rate,
                    "amount_type": "percent",
                }
                for rate in (3.0, 10.0)
            ]
        )
        cls.tax_group = Tax.create(
            {
                **company,
                "name": "Test group 13%",
                "amount_type": "group",
                "children_tax_ids": [Command.set(children.ids)],
            }
        )
        Product = cls.env["product.product"]

        def product(name, taxes):
            return Product.create(
                {"name": name, "type": "service", "taxes_id": [Command.set(taxes.ids)]}
            )

        cls.product_included = product("Test parking", cls.tax_9_included)
        cls.product_fixed = product("Test eco fee", cls.tax_fixed | cls.tax)
        cls.product_group = product("Test lift", cls.tax_group)
        plan = cls.env["account.analytic.plan"].create({"name": "Test sites"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "Test site TBP", "plan_id": plan.id}
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )

    def _vals(self, partner, lines):
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "journal_id": self.journal.id,
            "invoice_date": date(2026, 3, 1),
            "invoice_date_due": date(2026, 3, 15),
            "invoice_origin": "TEST",
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "name": f"{product.name} 2026-03",
                        "quantity": quantity,
                        "price_unit": price,
                        "discount": discount,
                        "analytic_distribution": {str(self.analytic.id): 100},
                    }
                )
                for product, quantity, price, discount in lines
            ],
        }

    def _snapshot(self, move):
        def value(record, name):
            field = record._fields[name]
            val = record[name]
            if field.type == "many2one":
                return val.id
            if field.type in ("many2many", "one2many"):
                return tuple(sorted(val.ids))
            if field.type == "float":
                return round(val, 6)
            return val

        def line_value(line, name):
            # the receivable lines are named after the invoice's own number
            # ("INV/2026/00001", "INV/2026/00001 installment #1")
            if name == "name" and move.name and line.name:
                if line.name == move.name:
                    return "<number>"
                if move.name != "/" and move.name in line.name:
                    return line.name.replace(move.name, "<number>")
            return value(line, name)

        lines = sorted(
            tuple(line_value(line, name) for name in LINE_FIELDS)
            for line in move.line_ids
        )
        return {name: value(move, name) for name in MOVE_FIELDS}, lines

    def _assert_same(self, vals, post=True):
        """Create ``vals`` both ways and compare; returns the moves."""
        Move = self.env["account.move"].with_company(self.company)
        setup = Move._property_presync_setup(self.company, self.journal)
        presynced = Move._property_presynced_vals(setup, dict(vals))
        self.assertTrue(presynced, "these invoices take the prepared path")
        fast = Move._property_create_invoices([dict(vals)])
        usual = Move.create(dict(vals))
        self.assertEqual(len(fast.line_ids), len(usual.line_ids))
        self.assertEqual(self._snapshot(fast), self._snapshot(usual))
        if post:
            fast._property_post_invoices()
            usual.action_post()
            self.assertEqual(self._snapshot(fast), self._snapshot(usual))
        return fast, usual

    def test_one_fee_line(self):
        fast, _usual = self._assert_same(
            self._vals(self.tenant_a, [(self.product_fee, 88.35, 2.8, 0.0)])
        )
        # 88.35 m² × 2.80 = 247.38, 6 % = 14.84
        self.assertEqual(fast.amount_untaxed, 247.38)
        self.assertEqual(fast.amount_tax, 14.84)
        self.assertEqual(len(fast.line_ids), 3)

    def test_mixed_taxes_discounts_and_rounding(self):
        lines = [
            (self.product_fee, 88.35, 2.8, 0.0),
            (self.product_fee, 12.5, 3.333, 7.5),
            (self.product_water, 17.0, 3.45, 0.0),
            (self.product_included, 1.0, 300.0, 0.0),
            (self.product_included, 3.0, 33.33, 10.0),
            (self.product_fixed, 7.0, 1.99, 0.0),
            (self.product_group, 1.0, 1234.56, 0.0),
        ]
        for method in ("round_per_line", "round_globally"):
            with self.subTest(rounding=method):
                self.company.tax_calculation_rounding_method = method
                fast, _usual = self._assert_same(self._vals(self.tenant_c, lines))
                self.assertTrue(fast.line_ids.filtered("tax_repartition_line_id"))

    def test_payer_follows_once(self):
        fast, usual = self._assert_same(
            self._vals(self.tenant_b, [(self.product_fee, 50.0, 2.8, 0.0)])
        )
        self.assertIn(self.tenant_b, fast.message_partner_ids)
        self.assertEqual(
            sorted(fast.message_partner_ids.ids), sorted(usual.message_partner_ids.ids)
        )
        for move in (fast, usual):
            follower = move.message_follower_ids.filtered(
                lambda f: f.partner_id == self.tenant_b
            )
            self.assertEqual(len(follower), 1)
        self.assertEqual(
            fast.message_follower_ids.filtered(
                lambda f: f.partner_id == self.tenant_b
            ).subtype_ids,
            usual.message_follower_ids.filtered(
                lambda f: f.partner_id == self.tenant_b
            ).subtype_ids,
        )

    def test_usual_path_when_not_supported(self):
        """Payment terms, fiscal positions and cash-basis taxes are left to
        the invoice's own synchronisation: the invoice is the same."""
        Move = self.env["account.move"].with_company(self.company)
        line = [(self.product_fee, 10.0, 2.8, 0.0)]
        term = self.env.ref("account.account_payment_term_30days")
        self.tenant_a.with_company(self.company).property_payment_term_id = term
        position = self.env["account.fiscal.position"].create(
            {"name": "Test exempt", "company_id": self.company.id}
        )
        self.tenant_b.with_company(self.company).property_account_position_id = position
        self.company.tax_exigibility = True
        caba_account = self.env["account.account"].create(
            {
                "name": "Test VAT on payment",
                "code": "TCABA1",
                "account_type": "liability_current",
                "reconcile": True,
            }
        )
        caba = self.tax.copy({"name": "Test VAT on payment"})
        caba.write(
            {
                "tax_exigibility": "on_payment",
                "cash_basis_transition_account_id": caba_account.id,
            }
        )
        product_caba = self.product_fee.copy({"taxes_id": [Command.set(caba.ids)]})
        setup = Move._property_presync_setup(self.company, self.journal)
        cases = {
            "payment term": self._vals(self.tenant_a, line),
            "fiscal position": self._vals(self.tenant_b, line),
            "cash basis": self._vals(self.tenant_c, [(product_caba, 1.0, 9.0, 0.0)]),
        }
        for label, vals in cases.items():
            with self.subTest(label):
                self.assertIsNone(Move._property_presynced_vals(setup, dict(vals)))
                move = Move._property_create_invoices([dict(vals)])
                usual = Move.create(dict(vals))
                self.assertEqual(self._snapshot(move), self._snapshot(usual))
        self.assertEqual(
            Move._property_create_invoices(
                [cases["payment term"]]
            ).invoice_payment_term_id,
            term,
        )

    def test_billing_run_invoices_equal_usual_ones(self):
        """A whole run: each invoice equals one created the usual way from
        its own invoice lines."""
        run = self._run()
        run.action_preview()
        run.action_generate()
        self.assertEqual(len(run.move_ids), 3)
        Move = self.env["account.move"].with_company(self.company)
        for move in run.move_ids:
            vals = {
                "move_type": "out_invoice",
                "partner_id": move.partner_id.id,
                "journal_id": move.journal_id.id,
                "invoice_date": move.invoice_date,
                "invoice_date_due": move.invoice_date_due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "quantity": line.quantity,
                            "price_unit": line.price_unit,
                            "discount": line.discount,
                            "analytic_distribution": line.analytic_distribution,
                        }
                    )
                    for line in move.invoice_line_ids
                ],
            }
            usual = Move.create(vals)
            self.assertEqual(self._snapshot(move), self._snapshot(usual))

    def test_batch_numbers_follow_on(self):
        """Invoices posted as a batch take the next numbers of their
        journal, in order, and invoices posted one by one afterwards go on
        from there."""
        Move = self.env["account.move"].with_company(self.company)
        vals = self._vals(self.tenant_a, [(self.product_fee, 10.0, 2.8, 0.0)])
        first = Move.create(dict(vals))
        first.action_post()
        batch = Move._property_create_invoices([dict(vals) for _i in range(5)])
        batch._property_post_invoices()
        after = Move.create(dict(vals))
        after.action_post()
        numbers = [m.sequence_number for m in first | batch.sorted("id") | after]
        start = first.sequence_number
        self.assertEqual(numbers, list(range(start, start + 7)))
        self.assertEqual(len(set((first | batch | after).mapped("name"))), 7)
        self.assertTrue(all(m.state == "posted" for m in batch))

    def test_batch_post_refuses_unbalanced_entries(self):
        """Posting a batch skips the per-invoice balance check of posting's
        writes but checks the batch once: an unbalanced entry is refused."""
        Move = self.env["account.move"].with_company(self.company)
        vals = self._vals(self.tenant_a, [(self.product_fee, 10.0, 2.8, 0.0)])
        moves = Move._property_create_invoices([dict(vals), dict(vals)])
        term = moves[1].line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        term.with_context(check_move_validity=False, skip_invoice_sync=True).write(
            {"balance": term.balance + 1.0, "amount_currency": term.balance + 1.0}
        )
        with self.assertRaisesRegex(UserError, "not balanced"):
            moves._property_post_invoices()

    def test_batch_numbers_of_several_sequences(self):
        """A batch mixing two sales journals (two prefixes) and a credit
        note posts each on its own sequence, as posting one by one does."""
        Move = self.env["account.move"].with_company(self.company)
        other = self.journal.copy({"name": "Test fees 2", "code": "TFB2"})
        self.journal.refund_sequence = True
        line = [(self.product_fee, 10.0, 2.8, 0.0)]
        vals = self._vals(self.tenant_a, line)
        first = Move.create(dict(vals))
        first.action_post()
        refund = first._reverse_moves()
        batch = Move._property_create_invoices(
            [dict(vals), {**vals, "journal_id": other.id}, dict(vals)]
        ).sorted("id")
        (batch | refund)._property_post_invoices()
        self.assertTrue(all(m.state == "posted" for m in batch | refund))
        ours = batch.filtered(lambda m: m.journal_id == self.journal)
        self.assertEqual(
            ours.mapped("sequence_number"),
            [first.sequence_number + 1, first.sequence_number + 2],
        )
        self.assertEqual(ours.mapped("sequence_prefix"), [first.sequence_prefix] * 2)
        theirs = batch - ours
        self.assertNotEqual(theirs.sequence_prefix, first.sequence_prefix)
        self.assertIn("TFB2", theirs.name)
        self.assertNotEqual(refund.sequence_prefix, first.sequence_prefix)
        after = Move.create({**vals, "journal_id": other.id})
        after.action_post()
        self.assertEqual(after.sequence_number, theirs.sequence_number + 1)

    def test_batch_numbers_when_sequence_cache_cleared(self):
        """The number format is read once per sequence and batch; should
        core's transaction cache of numbers be cleared in the middle of the
        batch, the next invoices still take the next free numbers."""
        Move = self.env["account.move"].with_company(self.company)
        Class = type(Move)
        vals = self._vals(self.tenant_a, [(self.product_fee, 10.0, 2.8, 0.0)])
        first = Move.create(dict(vals))
        first.action_post()
        batch = Move._property_create_invoices([dict(vals) for _i in range(5)])
        increment, last_sequence = Class._locked_increment, Class._get_last_sequence
        calls = {"increment": 0, "last": 0}

        def locked_increment(move, format_string, format_values):
            calls["increment"] += 1
            if calls["increment"] == 3:
                move._get_sequence_cache().clear()
            return increment(move, format_string, format_values)

        def get_last_sequence(move, relaxed=False, with_prefix=None):
            calls["last"] += 1
            return last_sequence(move, relaxed=relaxed, with_prefix=with_prefix)

        with (
            patch.object(Class, "_locked_increment", locked_increment),
            patch.object(Class, "_get_last_sequence", get_last_sequence),
        ):
            batch._property_post_invoices()
        self.assertEqual(calls["increment"], 5)
        self.assertEqual(calls["last"], 1, "read once for the batch")
        start = first.sequence_number
        self.assertEqual(
            batch.sorted("id").mapped("sequence_number"),
            list(range(start + 1, start + 6)),
        )
        self.assertEqual(set(batch.mapped("sequence_prefix")), {first.sequence_prefix})

    def test_batch_numbers_of_a_prefix_of_its_own(self):
        """A module giving some documents a sequence of their own (as debit
        notes and localisations do, through _get_starting_sequence and
        _get_last_sequence_domain) is followed in a batch."""
        Move = self.env["account.move"].with_company(self.company)
        Class = type(Move)
        starting, domain = Class._get_starting_sequence, Class._get_last_sequence_domain
        own = self.tenant_b

        def get_starting_sequence(move):
            prefix = "D" if move.partner_id == own else ""
            return prefix + starting(move)

        def get_last_sequence_domain(move, relaxed=False):
            where, params = domain(move, relaxed)
            where += (
                " AND partner_id = %(own)s"
                if move.partner_id == own
                else " AND partner_id != %(own)s"
            )
            return where, {**params, "own": own.id}

        line = [(self.product_fee, 10.0, 2.8, 0.0)]
        with (
            patch.object(Class, "_get_starting_sequence", get_starting_sequence),
            patch.object(Class, "_get_last_sequence_domain", get_last_sequence_domain),
        ):
            first = Move.create(self._vals(self.tenant_a, line))
            first.action_post()
            batch = Move._property_create_invoices(
                [
                    self._vals(partner, line)
                    for partner in (own, self.tenant_a, own, self.tenant_a)
                ]
            ).sorted("id")
            batch._property_post_invoices()
        theirs = batch.filtered(lambda m: m.partner_id == own)
        ours = batch - theirs
        start = first.sequence_number
        self.assertEqual(ours.mapped("sequence_number"), [start + 1, start + 2])
        self.assertEqual(set(ours.mapped("sequence_prefix")), {first.sequence_prefix})
        self.assertEqual(theirs.mapped("sequence_number"), [1, 2])
        self.assertEqual(
            set(theirs.mapped("sequence_prefix")), {"D" + first.sequence_prefix}
        )
