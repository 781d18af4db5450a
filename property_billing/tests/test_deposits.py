from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_one_off import OneOffCase


@tagged("-at_install", "post_install")
class TestDeposits(OneOffCase):
    def _collected(self, occupancy=None, pay=True):
        deposit = self._charge(item=self.item_deposit, occupancy=occupancy)
        deposit.action_confirm()
        with freeze_time("2026-03-11"):
            invoice = deposit.action_bill_now()
        if pay:
            self._pay(invoice)
        return deposit

    def _liability_by_archive(self):
        """{tenant archive: balance held} of the deposit liability account,
        from the general ledger."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("account_id", "=", self.deposit_account.id),
                ("parent_state", "=", "posted"),
            ],
            ["property_occupancy_id"],
            ["balance:sum"],
        )
        return {occupancy: -balance for occupancy, balance in groups if balance}

    def test_collected_on_the_liability_account(self):
        deposit = self._collected(pay=False)
        line = deposit.move_line_id
        self.assertEqual(line.account_id, self.deposit_account)
        self.assertEqual(line.credit, 3000.0)
        self.assertEqual(deposit.move_id.amount_total, 3000.0, "no tax on a deposit")
        self.assertFalse(deposit.paid)
        self.assertEqual(self.occ_office.deposit_held, 0.0, "not paid: not held")
        with self.assertRaisesRegex(UserError, "only once it is paid"):
            deposit.with_user(self.manager).action_refund_deposit()
        self._pay(deposit.move_id)
        self.assertTrue(deposit.paid)
        self.assertEqual(self.occ_office.deposit_held, 3000.0)
        action = self.occ_office.with_user(self.collector).action_view_deposits_held()
        held = self.env["property.charge.one.off"].search(
            action["domain"] + [("paid", "=", True), ("item_kind", "=", "deposit")]
        )
        self.assertEqual(held, deposit)

    def test_refunded_with_part_kept(self):
        deposit = self._collected()
        with freeze_time("2026-06-30"):
            refund = deposit.with_user(self.manager).action_refund_deposit(
                amount_kept=500.0, reason="Damaged corridor wall"
            )
        self.assertEqual(deposit.state, "refunded")
        self.assertEqual(deposit.refund_move_id, refund)
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.partner_id, self.tenant_a)
        self.assertEqual(refund.amount_total, 2500.0, "the part given back")
        self.assertFalse(refund.reversed_entry_id, "the deposit invoice stands")
        lines = refund.line_ids
        liability = lines.filtered(lambda ml: ml.account_id == self.deposit_account)
        self.assertEqual((liability.debit, liability.credit), (3000.0, 0.0))
        kept = lines.filtered(lambda ml: ml.account_id == self.deduction_account)
        self.assertEqual((kept.debit, kept.credit), (0.0, 500.0))
        self.assertIn("Damaged corridor wall", kept.name)
        self.assertEqual(kept.property_occupancy_id, self.occ_office)
        receivable = lines.filtered(
            lambda ml: ml.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.credit, 2500.0, "owed back to the tenant")
        self.assertEqual(
            (deposit.amount_kept, deposit.kept_reason),
            (500.0, kept.name.split(": ", 1)[1]),
        )
        self.assertEqual(self.occ_office.deposit_held, 0.0)
        self.assertEqual(self._liability_by_archive(), {})
        # paid out by Accounting: the credit note is settled
        self._pay(refund, day=date(2026, 7, 2))
        self.assertIn(refund.payment_state, ("paid", "in_payment"))
        with self.assertRaises(UserError):
            deposit.with_user(self.manager).action_refund_deposit()

    def test_liability_per_tenant_equals_deposits_held(self):
        office = self._collected()
        home = self._collected(occupancy=self.occ_home)
        shop = self._collected(occupancy=self.occ_shop)
        home.with_user(self.manager).action_refund_deposit()
        shop.with_user(self.manager).action_refund_deposit(
            amount_kept=3000.0, reason="Unauthorised change of the façade"
        )
        self.assertEqual(shop.refund_move_id.amount_total, 0.0, "all kept")
        archives = self.occ_office | self.occ_home | self.occ_shop
        held = {occ: occ.deposit_held for occ in archives if occ.deposit_held}
        self.assertEqual(held, {self.occ_office: 3000.0})
        self.assertEqual(self._liability_by_archive(), held)
        self.assertEqual(office.state, "billed")
        # the general ledger balance of the account is the sum of deposits held
        charges = self.env["property.charge.one.off"]._read_group(
            [
                ("item_kind", "=", "deposit"),
                ("state", "=", "billed"),
                ("paid", "=", True),
                ("company_id", "=", self.company.id),
            ],
            [],
            ["amount:sum"],
        )
        [[total]] = charges
        [[balance]] = self.env["account.move.line"]._read_group(
            [
                ("account_id", "=", self.deposit_account.id),
                ("parent_state", "=", "posted"),
            ],
            [],
            ["balance:sum"],
        )
        self.assertEqual((total, -balance), (3000.0, 3000.0))
        income = self.env["account.move.line"].search(
            [("account_id", "=", self.deduction_account.id)]
        )
        self.assertEqual(sum(income.mapped("credit")), 3000.0)
        self.assertIn("façade", income.name)

    def test_bad_refunds_write_nothing(self):
        deposit = self._collected()
        refunds_before = self.env["account.move"].search_count(
            [("move_type", "=", "out_refund")]
        )
        manager_deposit = deposit.with_user(self.manager)
        for kept, reason, message in (
            (3500.0, "Too much", "between 0 and"),
            (-10.0, "Negative", "between 0 and"),
            (200.0, "  ", "Say why"),
        ):
            with (
                self.subTest(kept=kept),
                self.assertRaisesRegex(ValidationError, message),
            ):
                manager_deposit.action_refund_deposit(amount_kept=kept, reason=reason)
        with self.assertRaises(UserError):
            deposit.action_refund_deposit()  # a collector
        with self.assertRaisesRegex(UserError, "refund it"):
            manager_deposit.action_release()
        self.assertEqual(deposit.state, "billed")
        self.assertEqual(
            self.env["account.move"].search_count([("move_type", "=", "out_refund")]),
            refunds_before,
        )
        one_off = self._charge()
        one_off.action_confirm()
        with freeze_time("2026-03-11"):
            self._pay(one_off.action_bill_now())
        with self.assertRaisesRegex(UserError, "not a deposit"):
            one_off.with_user(self.manager).action_refund_deposit()

    def test_refund_wizard(self):
        deposit = self._collected()
        action = deposit.with_user(self.manager).action_open_deposit_refund()
        self.assertEqual(action["res_model"], "property.deposit.refund")
        wizard = (
            self.env["property.deposit.refund"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"amount_kept": 800.0, "reason": "Blocked drain"})
        )
        self.assertEqual(wizard.amount_refunded, 2200.0)
        result = wizard.action_confirm()
        self.assertEqual(result["res_id"], deposit.refund_move_id.id)
        self.assertEqual(deposit.refund_move_id.amount_total, 2200.0)
        self.assertEqual(deposit.amount_kept, 800.0)

    def test_deposit_on_next_run_is_collected_like_a_bill(self):
        deposit = self._charge(item=self.item_deposit, billing="next_run")
        deposit.action_confirm()
        run = self._run()
        run.action_preview()
        run.action_generate()
        run.action_post()
        self.assertEqual(deposit.state, "billed")
        self.assertEqual(deposit.move_line_id.account_id, self.deposit_account)
        self.assertEqual(deposit.move_line_id.credit, 3000.0)
        self._pay(deposit.move_id)
        self.assertTrue(deposit.paid)
        self.assertEqual(self._liability_by_archive(), {self.occ_office: 3000.0})
