from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.property_tenant.tests.flow_graph import FlowGraphMixin, never_ending

from .common_one_off import OneOffCase


@tagged("-at_install", "post_install")
class TestOneOffCharges(FlowGraphMixin, OneOffCase):
    def _bill_now(self, charge):
        charge.action_confirm()
        with freeze_time("2026-03-11"):
            return charge.action_bill_now()

    def test_priced_by_the_standard_of_its_date(self):
        february = self._charge(day=date(2026, 2, 20))
        march = self._charge(day=date(2026, 3, 10))
        self.assertEqual(february.quantity, 80.5, "per m²: the unit's area")
        self.assertEqual((february.price_unit, february.amount), (5.0, 402.5))
        self.assertEqual((march.price_unit, march.amount), (8.0, 644.0))
        card = self._charge(item=self.item_card, quantity=2)
        self.assertEqual(card.amount, 100.0, "a count: 2 × 50.00")
        self.assertEqual(march.payer_id, self.tenant_a, "the archive's payer")
        self.plan_home.payer_id = self.tenant_c  # e.g. the owner pays
        self.assertEqual(self._charge(occupancy=self.occ_home).payer_id, self.tenant_c)
        self.assertIn("T-201", march.name)

    def test_billed_now(self):
        charge = self._charge()
        move = self._bill_now(charge)
        self.assertEqual(charge.state, "billed")
        self.assertEqual(move, charge.move_id)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual(move.partner_id, self.tenant_a)
        self.assertEqual(move.invoice_date, date(2026, 3, 11))
        self.assertEqual(move.invoice_date_due, date(2026, 3, 26))
        self.assertEqual(move.amount_total, 644.0)
        line = move.invoice_line_ids
        self.assertEqual(line.account_id, self.income_account)
        self.assertEqual(line.property_occupancy_id, self.occ_office)
        self.assertEqual(line.property_one_off_charge_id, charge)
        self.assertEqual(charge.key_id.move_line_id, line)
        self.assertEqual(charge.key_id.one_off_charge_id, charge)
        self.assertFalse(charge.paid)
        self._pay(move)
        self.assertTrue(charge.paid)
        with self.assertRaises(UserError):
            charge.action_bill_now()
        self.assertEqual(self.occ_office.one_off_charge_count, 1)

    def test_two_charges_of_one_item_and_day_are_two_bills(self):
        first, second = self._charge(), self._charge()
        self._bill_now(first)
        self._bill_now(second)
        self.assertNotEqual(first.move_id, second.move_id)
        self.assertEqual(first.key_id.period_start, second.key_id.period_start)

    def test_without_standard_or_quantity_refused(self):
        charge = self._charge(day=date(2024, 12, 31))
        self.assertFalse(charge.standard_id)
        with self.assertRaisesRegex(UserError, "No approved fee standard"):
            charge.action_confirm()
        self.assertEqual(charge.state, "draft")
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._charge(quantity=-1)

    def test_access(self):
        charge = self._charge()
        with self.assertRaises(AccessError):
            charge.with_user(self.portal_a).read(["amount"])
        with self.assertRaises(AccessError):
            charge.with_user(self.agent).read(["amount"])
        with self.assertRaises(AccessError):
            charge.with_user(self.collector).unlink()
        charge.with_user(self.manager).unlink()
        self.assertFalse(charge.exists())

    def test_recurring_item_refused(self):
        with self.assertRaisesRegex(ValidationError, "billing plan"):
            self._charge(item=self.item_fee)

    def test_approval_branch(self):
        charge = self._charge(item=self.item_card)
        charge.action_confirm()
        self.assertEqual(charge.state, "to_approve")
        with self.assertRaises(UserError):
            charge.action_bill_now()
        with self.assertRaises(UserError):
            charge.action_approve()  # a collector
        charge.with_user(self.manager).action_approve()
        self.assertEqual(charge.state, "approved")
        self.assertEqual(charge.approved_by_id, self.manager)
        with self.assertRaises(UserError):
            charge.quantity = 3
        with freeze_time("2026-03-11"):
            charge.action_bill_now()
        self.assertEqual(charge.move_id.amount_total, 50.0)

    def test_release_by_credit_note(self):
        charge = self._charge()
        move = self._bill_now(charge)
        with self.assertRaises(UserError):
            charge.action_release()  # a collector
        charge.with_user(self.manager).action_release()
        self.assertEqual(charge.state, "released")
        refund = charge.refund_move_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.reversed_entry_id, move)
        self.assertEqual(refund.amount_total, 644.0)
        self.assertFalse(charge.key_id, "the credit note released the key")
        self.assertEqual(move.payment_state, "reversed", "nothing left to pay")

    def test_cancelled_invoice_waits_to_be_billed_again(self):
        charge = self._charge()
        move = self._bill_now(charge)
        move.button_draft()
        move.button_cancel()
        self.assertEqual(charge.state, "approved")
        self.assertFalse(charge.key_id)
        with freeze_time("2026-03-12"):
            again = charge.action_bill_now()
        self.assertNotEqual(again, move)
        self.assertEqual(charge.state, "billed")

    # ------------------------------------------------------------------
    # On the next bill
    # ------------------------------------------------------------------
    def _next_run_charge(self, **vals):
        charge = self._charge(billing="next_run", **vals)
        charge.action_confirm()
        self.assertEqual(charge.state, "to_bill")
        return charge

    def _lines(self, run, charge):
        return run.line_ids.filtered(lambda ln: ln.one_off_charge_id == charge)

    def test_billed_on_next_run_once(self):
        charge = self._next_run_charge()
        later = self._next_run_charge(day=date(2026, 4, 2))
        run = self._run()
        run.action_preview()
        line = self._lines(run, charge)
        self.assertEqual(
            (line.state, line.amount, line.payer_id), ("to_bill", 644.0, self.tenant_a)
        )
        self.assertFalse(self._lines(run, later), "dated after the run's month")
        run.action_generate()
        run.action_post()
        self.assertEqual(charge.state, "billed")
        invoice = charge.move_id
        self.assertEqual(invoice.property_billing_run_id, run)
        self.assertEqual(
            invoice.invoice_line_ids.filtered(
                lambda ml: ml.property_one_off_charge_id == charge
            ).price_subtotal,
            644.0,
        )
        self.assertEqual(len(invoice.invoice_line_ids), 2, "with the monthly fee")
        self.assertEqual(charge.key_id.run_id, run)
        # a second run of the month: the charge is not waiting any more
        second = self._run()
        second.action_preview()
        self.assertFalse(self._lines(second, charge))
        # a run of the next month bills the later charge, not this one again
        april = self._run(period=date(2026, 4, 1))
        april.action_preview()
        self.assertFalse(self._lines(april, charge))
        self.assertEqual(self._lines(april, later).state, "to_bill")

    def test_next_run_credit_note_bills_again(self):
        charge = self._next_run_charge()
        run = self._run()
        run.action_preview()
        run.action_generate()
        run.action_post()
        invoice = charge.move_id
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "wrong area", "journal_id": invoice.journal_id.id})
        )
        reversal.refund_moves()
        invoice.reversal_move_ids.action_post()
        self.assertEqual(charge.state, "to_bill", "the bill was wrong, not the charge")
        self.assertFalse(charge.key_id)
        april = self._run(period=date(2026, 4, 1))
        april.action_preview()
        self.assertEqual(self._lines(april, charge).state, "to_bill")
        april.action_generate()
        self.assertEqual(charge.state, "billed")
        self.assertEqual(charge.move_id.property_billing_run_id, april)

    def test_next_run_same_item_and_day_not_duplicates(self):
        first = self._next_run_charge()
        second = self._next_run_charge()
        run = self._run()
        run.action_preview()
        self.assertEqual(
            (self._lines(run, first).state, self._lines(run, second).state),
            ("to_bill", "to_bill"),
        )
        run.action_generate()
        self.assertEqual((first.state, second.state), ("billed", "billed"))
        self.assertNotEqual(first.key_id, second.key_id)

    def test_billed_at_once_after_preview_is_not_billed_again(self):
        charge = self._next_run_charge()
        run = self._run()
        run.action_preview()
        with freeze_time("2026-03-11"):
            now = charge.action_bill_now()
        run.action_generate()
        self.assertEqual(self._lines(run, charge).state, "duplicate")
        self.assertEqual(charge.move_id, now)
        billed = run.move_ids.invoice_line_ids.property_one_off_charge_id
        self.assertNotIn(charge, billed)

    def test_deleted_draft_invoice_gives_the_charge_back(self):
        charge = self._next_run_charge()
        run = self._run()
        run.action_preview()
        run.action_generate()
        self.assertEqual(charge.state, "billed")
        run.action_cancel()
        self.assertEqual(charge.state, "to_bill")

    def test_archive_without_running_plan_listed(self):
        self.plan_office.action_close()
        charge = self._next_run_charge()
        run = self._run()
        run.action_preview()
        self.assertFalse(self._lines(run, charge))
        error = run.error_ids.filtered(lambda e: e.occupancy_id == self.occ_office)
        self.assertIn("no running billing plan", error.message)
        self.assertIn("644.00", error.message)

    def test_billing_plan_still_refuses_one_off_items(self):
        with self.assertRaisesRegex(ValidationError, "one-off charge"):
            self.plan_office.line_ids = [Command.create({"item_id": self.item_deco.id})]

    def test_form_prices_as_the_desk_fills_it(self):
        form = Form(self.env["property.charge.one.off"].with_user(self.collector))
        form.occupancy_id = self.occ_office
        form.item_id = self.item_deco
        form.date = date(2026, 3, 10)
        self.assertEqual((form.quantity, form.price_unit), (80.5, 8.0))
        self.assertEqual(form.amount, 644.0)
        self.assertEqual(form.payer_id, self.tenant_a)
        form.item_id = self.item_card
        self.assertEqual((form.quantity, form.amount), (1.0, 50.0))
        charge = form.save()
        self.assertEqual(charge.name, "Test Card Replacement T-201")

    # ------------------------------------------------------------------
    # The flow
    # ------------------------------------------------------------------
    def _flow_situation(self, record):
        return (record.state, record.paid)

    def _flow_extra_moves(self, record):
        """The tenant pays the bill; a billing manager refunds a paid
        deposit (through the wizard the "Refund Deposit" button opens)."""
        moves = []
        if record.state == "billed" and not record.paid:
            moves.append(("Pay", lambda: self._pay(record.move_id)))
        if record.state == "billed" and record.item_kind == "deposit":
            moves.append(
                (
                    "Refund",
                    lambda: record.with_user(self.manager).action_refund_deposit(
                        100.0, "Damage"
                    ),
                )
            )
        return moves

    def test_deposit_flow_graph(self):
        deposit = self._charge(item=self.item_deposit)
        with freeze_time("2026-03-11"):
            edges = self.flow_graph(deposit, (self.collector, self.manager))
        self.assertIn(("billed", "Refund", "refunded"), edges)
        self.assertIn(("billed", "Release", "released"), edges, "unpaid: withdrawn")
        self.assertEqual(
            never_ending(edges, {"refunded", "released", "cancel"}, "draft"), set()
        )

    def test_flow_graph(self):
        for item, billing in (
            (self.item_deco, "now"),
            (self.item_card, "now"),
            (self.item_card, "next_run"),
        ):
            with self.subTest(item=item.code, billing=billing):
                charge = self._charge(item=item, billing=billing)
                with freeze_time("2026-03-11"):
                    edges = self.flow_graph(charge, (self.collector, self.manager))
                states = {e[0] for e in edges} | {e[2] for e in edges}
                self.assertIn("billed", states)
                self.assertIn("released", states)
                self.assertEqual(
                    "to_approve" in states, item.one_off_approval, "approval branch"
                )
                self.assertEqual(
                    never_ending(
                        edges, {"billed", "released", "cancel"}, "draft", ("Cancel",)
                    ),
                    set(),
                )


@tagged("-at_install", "post_install")
class TestOneOffPortal(HttpCase, OneOffCase):
    """A one-off invoice is an ordinary property bill of the tenant: it is
    listed in "My Property Bills" and opens, for its tenant only."""

    def test_one_off_invoice_in_my_property_bills(self):
        charge = self._charge(item=self.item_deposit)
        charge.action_confirm()
        with freeze_time("2026-03-11"):
            invoice = charge.action_bill_now()
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        html = self.url_open("/my/property-bills").text
        self.assertIn(invoice.name, html)
        self.assertIn("3,000.00", html)
        response = self.url_open(f"/my/invoices/{invoice.id}", allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.authenticate("pb_tenant_b", "pb_tenant_b")
        self.assertNotIn(invoice.name, self.url_open("/my/property-bills").text)
        response = self.url_open(f"/my/invoices/{invoice.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
