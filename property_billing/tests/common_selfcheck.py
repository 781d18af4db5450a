from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command

from . import test_invoice_presync
from .common import PropertyBillingCase

LOGGER = "odoo.addons.property_billing.models.account_move"


class SelfCheckCase(PropertyBillingCase):
    """The billing world plus what the tests of the prepared path's
    self-check share: a spy on how invoices are created, a run of three
    invoices, and the comparison of an invoice with the one Odoo's own path
    creates from its lines (every journal item, as test_invoice_presync)."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )

    def snapshot(self, move):
        return test_invoice_presync.TestInvoicePresync._snapshot(self, move)

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

    def _generate(self, count=3):
        run = self._run()
        run.action_preview()
        run.action_generate()
        self.assertEqual(len(run.move_ids), count)
        return run

    def _odoos(self, move):
        """The invoice Odoo's own path creates from ``move``'s lines."""
        return (
            self.env["account.move"]
            .with_company(self.company)
            .create(
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
        )

    def _assert_equal_odoos(self, moves):
        """Each invoice equals one Odoo's own path creates from its lines."""
        for move in moves:
            self.assertEqual(self.snapshot(move), self.snapshot(self._odoos(move)))

    def _run_messages(self, run):
        return run.message_ids.filtered(
            lambda message: "differ from Odoo" in (message.body or "")
        )
