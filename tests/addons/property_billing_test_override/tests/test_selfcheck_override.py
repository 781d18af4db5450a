from datetime import date

from odoo import Command
from odoo.tests import tagged

from odoo.addons.property_billing.tests.common_selfcheck import LOGGER, SelfCheckCase

from ..models.account_move_line import ACCOUNT_CODE, JOURNAL_CODE


@tagged("-at_install", "post_install")
class TestSelfCheckOverride(SelfCheckCase):
    """This module overrides a core hook the prepared path restates (the
    receivable account of ``_compute_account_id``) for the invoices of a
    journal coded OVRT: billing's self-check sees the difference, the run
    notes it and its invoices take Odoo's own path; a run of another
    journal keeps the prepared path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal_marked = cls.journal.copy(
            {"name": "Test overridden fees", "code": JOURNAL_CODE}
        )
        cls.receivable_marked = cls.env["account.account"].create(
            {
                "name": "Test receivable of overridden bills",
                "code": ACCOUNT_CODE,
                "account_type": "asset_receivable",
                "reconcile": True,
            }
        )
        cls.receivable = cls.tenant_a.with_company(
            cls.company
        ).property_account_receivable_id

    def _receivables(self, moves):
        return moves.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).account_id

    def test_module_is_installed(self):
        """These tests prove nothing without the override: fail, not skip,
        when the module is missing (tools/test.sh installs it)."""
        module = self.env["ir.module.module"].search(
            [("name", "=", "property_billing_test_override")]
        )
        self.assertEqual(module.state, "installed")

    def test_marked_run_falls_back_to_odoos_path(self):
        self.site.billing_journal_id = self.journal_marked
        with (
            self.assertLogs(LOGGER, "WARNING") as logs,
            self._spy() as seen,
        ):
            run = self._generate()
        self.assertEqual(run.journal_id, self.journal_marked)
        # one shape, one check (one invoice each way, rolled back), then
        # the three invoices by Odoo's own path
        self.assertEqual(seen, {"prepared": 1, "odoo": 1 + 3, "checks": 1})
        self.assertIn("differ from Odoo", logs.output[0])
        self.assertEqual(self._receivables(run.move_ids), self.receivable_marked)
        self._assert_equal_odoos(run.move_ids)
        note = self._run_messages(run)
        self.assertEqual(len(note), 1)
        self.assertIn(self.receivable_marked.display_name, note.body)
        self.assertIn(self.receivable.display_name, note.body)
        self.assertIn("Account", note.body)
        # posted together by the run (without their synchronisation), they
        # still equal invoices Odoo posts one by one
        run.action_post()
        self.assertEqual(set(run.move_ids.mapped("state")), {"posted"})
        for move in run.move_ids:
            odoo = self._odoos(move)
            odoo.action_post()
            self.assertEqual(self.snapshot(move), self.snapshot(odoo))

    def test_unmarked_run_stays_prepared(self):
        """With the module installed, a run of another journal: the check
        finds no difference, the invoices are prepared and equal Odoo's."""
        with self._spy() as seen:
            run = self._generate()
        self.assertNotEqual(run.journal_id, self.journal_marked)
        self.assertEqual(seen, {"prepared": 1 + 3, "odoo": 1, "checks": 1})
        self.assertEqual(self._receivables(run.move_ids), self.receivable)
        self._assert_equal_odoos(run.move_ids)
        self.assertFalse(self._run_messages(run))

    def test_difference_noted_once_per_run(self):
        """Every batch that differs the same way takes Odoo's own path; the
        run notes the difference once."""
        run = self._run()
        Move = self.env["account.move"].with_company(self.company)
        for partner in (self.tenant_a, self.tenant_b):
            vals = {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "journal_id": self.journal_marked.id,
                "invoice_date": date(2026, 3, 1),
                "invoice_date_due": date(2026, 3, 15),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_fee.id,
                            "name": "Test management fee 2026-03",
                            "quantity": 10.0,
                            "price_unit": 2.8,
                        }
                    )
                ],
            }
            with self.assertLogs(LOGGER, "WARNING"), self._spy() as seen:
                moves = Move._property_create_invoices([vals], report_to=run)
            self.assertEqual(seen, {"prepared": 1, "odoo": 1 + 1, "checks": 1})
            self.assertEqual(self._receivables(moves), self.receivable_marked)
            self._assert_equal_odoos(moves)
        self.assertEqual(len(self._run_messages(run)), 1)
