from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PaidServiceCase


@tagged("post_install", "-at_install")
class TestPaidServiceBilling(PaidServiceCase):
    """A completed paid service is billed exactly once: on an invoice of
    its own, or on the tenant's next bill, as the site says."""

    def _done_paid(self, lines=None, unit=None, day="2026-03-10 02:00:00"):
        with freeze_time(day):
            work_order = self._quoted(lines=lines, unit=unit)
            self._accept_on_site(work_order)
            # read back as the superuser (the technician has no billing rights)
            return self._complete(work_order, hours=1.0).with_env(self.env)

    def _service_lines(self, run):
        return run.line_ids.filtered(lambda line: line.item_id == self.item_service)

    # ------------------------------------------------------------------
    # Immediate invoice
    # ------------------------------------------------------------------
    def test_paid_services_are_the_last_charge_source(self):
        """The paid services plug into the run as a charge source, after
        the billing plans, meters, shared costs and late fees: their lines
        come after theirs on a bill."""
        names = [s._name for s in self.env["property.charge.source"]._charge_sources()]
        expected = [
            "property.charge.source.plan",
            "property.charge.source.meter",
            "property.charge.source.shared.cost",
            "property.charge.source.late.fee",
            "property.charge.source.paid.service",
        ]
        self.assertEqual([name for name in names if name in expected], expected)

    def test_immediate_invoice_then_payment(self):
        self.site.paid_service_billing = "immediate"
        work_order = self._done_paid()
        self.assertEqual(work_order.service_billing, "immediate")
        self.assertEqual(work_order.service_date, date(2026, 3, 10))
        invoice = work_order.service_invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.tenant_a)
        self.assertEqual(invoice.invoice_origin, work_order.name)
        self.assertEqual(invoice.invoice_date, date(2026, 3, 10))
        self.assertEqual(invoice.invoice_date_due, date(2026, 3, 25), "15 days")
        self.assertEqual(invoice.property_site_id, self.site)
        self.assertEqual(invoice.property_period_start, date(2026, 3, 1))
        self.assertEqual(invoice.amount_untaxed, 180.0)
        self.assertEqual(invoice.amount_tax, 10.80)
        self.assertEqual(invoice.amount_total, 190.80)
        analytic = self.site.analytic_account_id
        self.assertTrue(analytic)
        self.assertEqual(
            [
                (
                    line.name,
                    line.quantity,
                    line.price_unit,
                    line.property_occupancy_id,
                    line.property_fee_item_id,
                    line.property_period_start,
                    line.property_period_end,
                    line.analytic_distribution,
                )
                for line in invoice.invoice_line_ids
            ],
            [
                (
                    f"{work_order.name} Test unblock a drain (T-201)",
                    1.0,
                    80.0,
                    self.occ_office,
                    self.item_service,
                    date(2026, 3, 10),
                    date(2026, 3, 10),
                    {str(analytic.id): 100},
                ),
                (
                    f"{work_order.name} Test replace a tap (T-201)",
                    2.0,
                    50.0,
                    self.occ_office,
                    self.item_service,
                    date(2026, 3, 10),
                    date(2026, 3, 10),
                    {str(analytic.id): 100},
                ),
            ],
        )
        self.assertTrue(invoice._property_is_bill(), "paid like any other bill")
        self.assertEqual(work_order.service_state, "invoiced")
        # not invoiced twice
        with self.assertRaises(UserError):
            work_order.with_user(self.desk_collector).action_invoice_paid_service()

        self._pay(invoice, 190.80, date(2026, 3, 12))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(work_order.service_state, "paid")
        # the next run does not bill it again
        run = self._run(date(2026, 4, 1))
        run.action_preview()
        self.assertFalse(self._service_lines(run))

    def test_immediate_invoice_failure_keeps_completion(self):
        """When the service cannot be invoiced (here: no sales journal) the
        work is completed anyway, and the site's billing staff are asked to
        invoice it."""
        self.site.write(
            {"paid_service_billing": "immediate", "fee_collector_id": self.collector.id}
        )
        WorkOrder = self.registry["property.work.order"]
        with patch.object(
            WorkOrder, "_service_journal", side_effect=UserError("No sales journal")
        ):
            work_order = self._done_paid()
        self.assertEqual(work_order.state, "done")
        self.assertEqual(work_order.service_state, "to_bill")
        self.assertFalse(work_order.service_invoice_id)
        self.assertFalse(
            self.env["account.move"].search([("invoice_origin", "=", work_order.name)])
        )
        activity = work_order.activity_ids.filtered(
            lambda a: a.user_id == self.collector
        )
        self.assertEqual(activity.summary, "Invoice the paid service")
        self.assertIn("No sales journal", activity.note)
        # the desk's billing staff invoice it once the journal is fixed
        with self.assertRaises(UserError):
            work_order.with_user(self.agent).action_invoice_paid_service()
        work_order.with_user(self.desk_collector).action_invoice_paid_service()
        self.assertEqual(work_order.service_invoice_id.amount_total, 190.80)
        self.assertEqual(work_order.service_state, "invoiced")

    # ------------------------------------------------------------------
    # Next bill
    # ------------------------------------------------------------------
    def test_next_bill_billed_once_by_a_run(self):
        self.site.paid_service_billing = "next_bill"
        first = self._done_paid()
        second = self._done_paid(
            lines=[(self.svc_drain, 1.0)], day="2026-03-20 02:00:00"
        )
        for work_order in first | second:
            self.assertEqual(work_order.service_billing, "next_bill")
            self.assertEqual(work_order.service_state, "to_bill")
            self.assertFalse(work_order.service_invoice_id)

        march = self._run(date(2026, 3, 1))
        march.action_preview()
        line = self._service_lines(march)
        self.assertEqual(len(line), 1, "one charge per fee item and archive")
        self.assertEqual(line.occupancy_id, self.occ_office)
        self.assertEqual(line.payer_id, self.tenant_a)
        self.assertEqual(line.amount, 260.0)
        self.assertEqual(line.period_start, date(2026, 3, 1))
        self.assertEqual(
            line.name,
            f"Test Paid Services T-201: {first.name} (2026-03-10), "
            f"{second.name} (2026-03-20)",
        )
        self.assertEqual(line.source_ref, f"{first.name}, {second.name}")
        self.assertFalse(march.error_ids)
        march.action_generate()
        march.action_post()
        invoice = line.move_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.partner_id, self.tenant_a)
        service_line = invoice.invoice_line_ids.filtered(
            lambda ln: ln.property_fee_item_id == self.item_service
        )
        self.assertEqual(service_line.price_subtotal, 260.0)
        self.assertEqual(service_line.price_total, 275.60)
        # on the same bill as the tenant's management fee
        self.assertIn(self.item_fee, invoice.invoice_line_ids.property_fee_item_id)
        for work_order in first | second:
            self.assertEqual(work_order.service_invoice_id, invoice)
            self.assertEqual(work_order.service_state, "invoiced")
            self.assertEqual(work_order.service_key_id.move_id, invoice)

        # another run of the same month, and the next month: never again
        again = self._run(date(2026, 3, 1))
        again.action_preview()
        self.assertFalse(self._service_lines(again))
        april = self._run(date(2026, 4, 1))
        april.action_preview()
        self.assertFalse(self._service_lines(april))
        self.assertFalse(april.error_ids)

    def test_service_after_the_run_waits_for_the_next_one(self):
        self.site.paid_service_billing = "next_bill"
        work_order = self._done_paid(day="2026-04-03 02:00:00")
        march = self._run(date(2026, 3, 1))
        march.action_preview()
        self.assertFalse(self._service_lines(march), "done after March")
        april = self._run(date(2026, 4, 1))
        april.action_preview()
        self.assertEqual(self._service_lines(april).amount, 180.0)
        self.assertEqual(self._service_lines(april).source_ref, work_order.name)

    def test_two_runs_previewed_bill_once(self):
        """Previewed by two runs before either is generated: the second to
        generate finds it billed and leaves it out."""
        self.site.paid_service_billing = "next_bill"
        work_order = self._done_paid()
        march = self._run(date(2026, 3, 1))
        march.action_preview()
        april = self._run(date(2026, 4, 1))
        april.action_preview()
        self.assertTrue(self._service_lines(march))
        self.assertTrue(self._service_lines(april))
        april.action_generate()
        march.action_generate()
        self.assertEqual(self._service_lines(april).state, "billed")
        self.assertEqual(self._service_lines(march).state, "duplicate")
        self.assertEqual(
            work_order.service_invoice_id, self._service_lines(april).move_id
        )
        self.assertNotIn(
            self.item_service, march.move_ids.invoice_line_ids.property_fee_item_id
        )
        # the rest of March was billed as usual
        self.assertIn(
            self.item_fee, march.move_ids.invoice_line_ids.property_fee_item_id
        )

    def test_credited_bill_releases_the_service(self):
        self.site.paid_service_billing = "next_bill"
        work_order = self._done_paid()
        march = self._run(date(2026, 3, 1))
        march.action_preview()
        march.action_generate()
        march.action_post()
        invoice = work_order.service_invoice_id
        invoice._reverse_moves(cancel=True)
        self.assertFalse(work_order.service_key_id)
        self.assertEqual(work_order.service_state, "to_bill")
        april = self._run(date(2026, 4, 1))
        april.action_preview()
        self.assertEqual(self._service_lines(april).amount, 180.0)

    def test_without_billing_plan_invoiced_now(self):
        self.site.paid_service_billing = "next_bill"
        self.plan_home.action_close()
        work_order = self._done_paid(unit=self.unit_home)
        self.assertEqual(work_order.service_billing, "immediate")
        self.assertEqual(work_order.service_invoice_id.partner_id, self.tenant_b)
        self.assertEqual(work_order.service_invoice_id.amount_total, 190.80)
        self.assertIn(
            "no running billing plan",
            " ".join(work_order.message_ids.mapped("body")),
        )

    def test_plan_closed_after_completion_is_a_run_error(self):
        self.site.paid_service_billing = "next_bill"
        work_order = self._done_paid(unit=self.unit_home)
        self.plan_home.action_close()
        march = self._run(date(2026, 3, 1))
        march.action_preview()
        self.assertFalse(self._service_lines(march))
        error = march.error_ids.filtered(lambda e: e.occupancy_id == self.occ_home)
        self.assertEqual(len(error), 1)
        self.assertIn(work_order.name, error.message)
        self.assertIn("no running billing plan", error.message)
        # billed at once from the work order instead
        work_order.with_user(self.desk_collector).action_invoice_paid_service()
        self.assertEqual(work_order.service_state, "invoiced")

    def test_owner_pays_the_bills_tenant_pays_the_service(self):
        """An archive whose bills go to the owner: the tenant who accepted
        the quote gets the paid service on a bill of their own."""
        owner = self.env["res.partner"].create({"name": "Test unit owner"})
        self.plan_office.payer_id = owner
        self.site.paid_service_billing = "next_bill"
        self._done_paid()
        march = self._run(date(2026, 3, 1))
        march.action_preview()
        march.action_generate()
        self.assertEqual(self._service_lines(march).payer_id, self.tenant_a)
        self.assertEqual(self._service_lines(march).move_id.partner_id, self.tenant_a)
        fee = march.line_ids.filtered(
            lambda ln: (
                ln.item_id == self.item_fee and ln.occupancy_id == self.occ_office
            )
        )
        self.assertEqual(fee.move_id.partner_id, owner)
