"""Fees at approval, the permit only once they are paid, the deposit held
as a liability and refunded less the approved deductions in one move."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DecorationCase


@tagged("post_install", "-at_install")
class TestFees(DecorationCase):
    def _liability_balance(self):
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.deposit_account.id),
                ("parent_state", "=", "posted"),
            ]
        )
        return -sum(lines.mapped("balance"))

    def _deposits_held(self):
        groups = self.env["property.decoration"]._read_group(
            [("site_id", "=", self.site.id)], ["site_id"], ["deposit_held:sum"]
        )
        return groups[0][1] if groups else 0.0

    def test_approval_bills_each_fee_by_its_standard(self):
        decoration = self._decoration(
            extra_item_ids=[Command.set(self.item_rubbish.ids)]
        )
        self._approve(decoration)
        charges = decoration._charges()
        self.assertEqual(decoration.charge_count, 3)
        by_item = {charge.item_id: charge for charge in charges}
        self.assertAlmostEqual(by_item[self.item_fee].amount, 300.0)  # 60 m² × 5
        self.assertAlmostEqual(by_item[self.item_rubbish].amount, 200.0)
        self.assertAlmostEqual(by_item[self.item_deposit].amount, 3000.0)
        self.assertEqual(decoration.deposit_amount, 3000.0)
        invoices = self._invoices(decoration)
        self.assertEqual(len(invoices), 3)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(invoices.partner_id, self.tenant_a)

    def test_fixed_fee_basis(self):
        self.company.decoration_fee_basis = "fixed"
        self.item_fee.uom_name = False
        decoration = self._decoration()
        self._approve(decoration)
        fee = decoration._charges().filtered(lambda c: c.item_id == self.item_fee)
        self.assertEqual(fee.quantity, 1.0)
        self.assertAlmostEqual(fee.amount, 5.0)

    def test_permit_refused_while_a_fee_is_unpaid(self):
        decoration = self._decoration()
        self._approve(decoration)
        invoices = self._invoices(decoration)
        deposit_invoice = decoration._deposit_charge().move_id
        self._pay(deposit_invoice)
        self.assertEqual(decoration.state, "fees_due")
        self.assertTrue(decoration.deposit_paid)
        with self.assertRaisesRegex(UserError, "not every fee is paid"):
            decoration.with_user(self.agent).action_issue_permit()
        self.assertFalse(decoration.permit_date)
        # the last payment (counter or portal) issues the permit by itself
        self._pay(invoices - deposit_invoice)
        self.assertEqual(decoration.state, "permitted")
        self.assertTrue(decoration.permit_date)

    def test_deposits_held_equal_the_liability_account(self):
        first = self._in_works()
        second = self._decoration(occupancy=self.occupancy_b)
        self._approve(second)
        self._pay(second._deposit_charge().move_id)  # the deposit only
        third = self._decoration(
            occupancy=self.occupancy_b,
            date_start=date(2026, 7, 1),
            date_end=date(2026, 7, 31),
        )
        self._approve(third)  # invoiced, not paid yet: booked all the same
        fourth = self._decoration(
            occupancy=self.occupancy_b,
            date_start=date(2026, 8, 1),
            date_end=date(2026, 8, 31),
            cancel_reason="Tenant gave up",
        )
        self._approve(fourth)
        fourth.with_user(self.manager).action_cancel()  # credited: not held
        self.assertEqual(first.deposit_held, 3000.0)
        self.assertEqual(second.deposit_held, 3000.0)
        self.assertEqual(third.deposit_held, 3000.0)
        self.assertEqual(fourth.deposit_held, 0.0)
        self.assertEqual((first | second).mapped("deposit_paid"), [True, True])
        self.assertFalse(third.deposit_paid)
        self.assertAlmostEqual(self._deposits_held(), 9000.0)
        self.assertAlmostEqual(self._liability_balance(), self._deposits_held())

    def test_refund_less_approved_deductions_in_one_move(self):
        with freeze_time("2026-06-01"):
            decoration = self._in_works()
            approved = self._violation(decoration, amount=500.0)
            approved.with_user(self.agent).action_propose_deduction()
            approved.with_user(self.supervisor).action_approve_deduction()
            refused = self._violation(decoration, amount=300.0, name="Noise at noon")
            refused.with_user(self.agent).action_propose_deduction()
            refused.with_user(self.supervisor).action_refuse_deduction()
            self._violation(decoration, amount=200.0, name="Not proposed")
            decoration.with_user(self.agent).action_request_acceptance()
            decoration.with_user(self.engineer).action_accept()
            self.assertEqual(decoration.refund_date, date(2026, 7, 1))
            with self.assertRaisesRegex(UserError, "after the waiting period"):
                decoration.with_user(self.manager).action_refund()
        held_before = self._liability_balance()
        moves_before = self.env["account.move"].search_count([])
        with freeze_time("2026-07-01"):
            with self.assertRaises(AccessError):
                decoration.with_user(self.agent).action_refund()
            decoration.with_user(self.manager).action_refund()
        self.assertEqual(decoration.state, "closed")
        self.assertEqual(self.env["account.move"].search_count([]), moves_before + 1)
        refund = decoration.refund_move_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertAlmostEqual(refund.amount_total, 2500.0)  # 3000 − 500
        self.assertAlmostEqual(held_before - self._liability_balance(), 3000.0)
        kept = refund.line_ids.filtered(
            lambda line: line.account_id == self.deduction_account
        )
        self.assertAlmostEqual(-sum(kept.mapped("balance")), 500.0)
        self.assertEqual(decoration.deposit_held, 0.0)
        self.assertAlmostEqual(self._liability_balance(), self._deposits_held())
        # the tenant is told: portal message and e-mail
        message = decoration.message_ids.filtered(
            lambda m: "refunded" in (m.subject or "")
        )
        self.assertTrue(message)
        self.assertIn(self.tenant_a, message.notified_partner_ids | message.partner_ids)
        # nothing refunded twice
        with self.assertRaises(UserError):
            decoration.with_user(self.manager).action_refund()

    def test_refund_waits_for_pending_deductions(self):
        with freeze_time("2026-06-01"):
            decoration = self._accepted()
            violation = self._violation(decoration, amount=100.0)
            violation.with_user(self.agent).action_propose_deduction()
        with (
            freeze_time("2026-07-02"),
            self.assertRaisesRegex(UserError, "waits for the supervisor"),
        ):
            decoration.with_user(self.manager).action_refund()

    def test_refund_before_acceptance_is_refused(self):
        decoration = self._in_works()
        with self.assertRaises(UserError):
            decoration.with_user(self.manager).action_refund()

    def test_cancel_with_fees_due_credits_the_unpaid_invoices(self):
        decoration = self._decoration(cancel_reason="Tenant gave up")
        self._approve(decoration)
        invoices = self._invoices(decoration)
        decoration.with_user(self.manager).action_cancel()
        self.assertEqual(decoration.state, "cancel")
        self.assertEqual(set(invoices.mapped("payment_state")), {"reversed"})
        paid = self._decoration(
            occupancy=self.occupancy_b, cancel_reason="Tenant gave up"
        )
        self._approve(paid)
        self._pay(paid._deposit_charge().move_id)
        with self.assertRaisesRegex(UserError, "already paid"):
            paid.with_user(self.manager).action_cancel()
