from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from . import test_invoice_presync
from .common import PropertyBillingCase

LOGGER = "odoo.addons.property_billing.models.account_move"


@tagged("-at_install", "post_install")
class TestInvoiceSelfCheck(PropertyBillingCase):
    """The prepared path proves itself at run time: in every batch the first
    invoice of each shape is also built by Odoo's own path and compared; a
    module overriding a hook the prepared path restates makes the batch take
    Odoo's own path, noted on the run; a hook it calls is followed.

    The "module" overriding core's hook is the registry class of
    ``account.move.line`` patched for the test (``patch.object``): what an
    installed module's override does, without installing one."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.other_receivable = Account.create(
            {
                "name": "Test receivable of property bills",
                "code": "TPB1122",
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
        cls.other_income = Account.create(
            {
                "name": "Test property fee income",
                "code": "TPB6001",
                "account_type": "income",
            }
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        plan = cls.env["account.analytic.plan"].create({"name": "Test sites"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "Test site TBP", "plan_id": plan.id}
        )
        cls.snapshot = test_invoice_presync.TestInvoicePresync._snapshot

    # -- helpers ---------------------------------------------------------
    @contextmanager
    def _override_account(self, display_type, account):
        """As a module overriding ``_compute_account_id`` would: the lines
        of ``display_type`` of customer invoices get ``account``."""
        Line = type(self.env["account.move.line"])
        original = Line._compute_account_id

        def _compute_account_id(lines):
            original(lines)
            for line in lines:
                if line.display_type == display_type and (
                    line.move_id.move_type == "out_invoice"
                ):
                    line.account_id = account

        with patch.object(Line, "_compute_account_id", _compute_account_id):
            yield

    @contextmanager
    def _spy(self):
        """Records how ``account.move`` records are created (prepared, or
        by Odoo's own path) and each self-check."""
        Move = type(self.env["account.move"])
        create, check = Move.create, Move._property_self_check
        seen = {"prepared": 0, "odoo": 0, "checks": 0}

        def spy_create(moves, vals_list):
            records = create(moves, vals_list)
            kind = "prepared" if moves.env.context.get("skip_invoice_sync") else "odoo"
            seen[kind] += len(records)
            return records

        def spy_check(moves, vals, presynced):
            seen["checks"] += 1
            return check(moves, vals, presynced)

        with (
            patch.object(Move, "create", spy_create),
            patch.object(Move, "_property_self_check", spy_check),
        ):
            yield seen

    def _generate(self):
        run = self._run()
        run.action_preview()
        run.action_generate()
        self.assertEqual(len(run.move_ids), 3)
        return run

    def _assert_equal_odoos(self, moves):
        """Each invoice equals one Odoo's own path creates from its lines."""
        Move = self.env["account.move"].with_company(self.company)
        for move in moves:
            usual = Move.create(
                {
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
            )
            self.assertEqual(self.snapshot(move), self.snapshot(usual))

    def _run_messages(self, run):
        return run.message_ids.filtered(
            lambda message: "differ from Odoo" in (message.body or "")
        )

    # -- tests -----------------------------------------------------------
    def test_each_shape_checked_once_and_nothing_left(self):
        """Two shapes (two tax sets) among four invoices: two checks, whose
        invoices are rolled back; the four invoices are prepared."""
        Move = self.env["account.move"].with_company(self.company)
        vals = test_invoice_presync.TestInvoicePresync._vals
        fee = [(self.product_fee, 10.0, 2.8, 0.0)]
        water = [(self.product_water, 3.0, 3.45, 0.0)]
        batch = [
            vals(self, partner, lines)
            for partner, lines in (
                (self.tenant_a, fee),
                (self.tenant_b, fee),
                (self.tenant_c, water),
                (self.tenant_a, water),
            )
        ]
        before = Move.search_count([])
        with self._spy() as seen:
            moves = Move._property_create_invoices(batch)
        self.assertEqual(seen["checks"], 2)
        # each check created one invoice each way, then rolled them back
        self.assertEqual(seen, {"prepared": 4 + 2, "odoo": 2, "checks": 2})
        self.assertEqual(Move.search_count([]), before + 4)
        self.assertEqual(len(moves), 4)
        self._assert_equal_odoos(moves)

    def test_run_prepared_without_note(self):
        with self._spy() as seen:
            run = self._generate()
        self.assertEqual(seen["checks"], 1)  # one shape: the fee at 6 %
        self.assertEqual(seen["odoo"], 1)  # the check's own, rolled back
        self.assertFalse(self._run_messages(run))
        self._assert_equal_odoos(run.move_ids)

    def test_overridden_receivable_falls_back(self):
        """A module sends the receivable of customer invoices to another
        account (a hook the prepared path restates): the self-check sees
        it, the run notes it and its invoices take Odoo's own path."""
        with (
            self._override_account("payment_term", self.other_receivable),
            self.assertLogs(LOGGER, "WARNING") as logs,
            self._spy() as seen,
        ):
            run = self._generate()
            self.assertEqual(seen["prepared"], 1)  # the check's only
            self.assertEqual(seen["odoo"], 1 + 3)
            self._assert_equal_odoos(run.move_ids)
        self.assertIn("differ from Odoo", logs.output[0])
        receivables = run.move_ids.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        self.assertEqual(receivables.account_id, self.other_receivable)
        note = self._run_messages(run)
        self.assertEqual(len(note), 1)
        self.assertIn(self.other_receivable.display_name, note.body)
        self.assertIn(
            self.tenant_a.with_company(
                self.company
            ).property_account_receivable_id.display_name,
            note.body,
        )
        self.assertIn("Account", note.body)

    def test_difference_noted_once_per_run(self):
        """Every batch that differs the same way takes Odoo's own path; the
        run notes the difference once."""
        run = self._run()
        Move = self.env["account.move"].with_company(self.company)
        fee = [(self.product_fee, 10.0, 2.8, 0.0)]
        with (
            self._override_account("payment_term", self.other_receivable),
            self.assertLogs(LOGGER, "WARNING"),
        ):
            for partner in (self.tenant_a, self.tenant_b):
                moves = Move._property_create_invoices(
                    [test_invoice_presync.TestInvoicePresync._vals(self, partner, fee)],
                    report_to=run,
                )
                self.assertEqual(
                    moves.line_ids.filtered(
                        lambda line: line.display_type == "payment_term"
                    ).account_id,
                    self.other_receivable,
                )
        self.assertEqual(len(self._run_messages(run)), 1)

    def test_overridden_income_account_followed(self):
        """A module changes the income account of invoice lines (a hook the
        prepared path calls): the prepared invoices follow it, the check
        finds no difference and the batch stays prepared."""
        with (
            self._override_account("product", self.other_income),
            self._spy() as seen,
        ):
            run = self._generate()
            self.assertEqual(seen["prepared"], 1 + 3)
            self._assert_equal_odoos(run.move_ids)
        self.assertEqual(run.move_ids.invoice_line_ids.account_id, self.other_income)
        self.assertFalse(self._run_messages(run))

    def test_setting_off_takes_odoos_path(self):
        """The company turns the prepared path off: no invoice is prepared,
        none is checked, all equal Odoo's."""
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.property_billing_prepared_path)
        settings.property_billing_prepared_path = False
        settings.execute()
        self.assertFalse(self.company.property_billing_prepared_path)
        with self._spy() as seen:
            run = self._generate()
        self.assertEqual(seen, {"prepared": 0, "odoo": 3, "checks": 0})
        self._assert_equal_odoos(run.move_ids)
        self.assertFalse(self._run_messages(run))
