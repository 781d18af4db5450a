from collections import defaultdict

from odoo import fields, models

from ..receipt import period_label, rmb_capitals


class AccountPayment(models.Model):
    _inherit = "account.payment"

    property_receipt_number = fields.Char(
        string="Receipt Number",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Number of the receipt (收据) given at the fee counter.",
    )
    property_cashier_id = fields.Many2one(
        "res.users",
        string="Cashier",
        readonly=True,
        copy=False,
        help="Who took the payment at the fee counter.",
    )

    def _property_assign_receipt_number(self):
        """Number the counter receipts of these payments (once)."""
        for payment in self.filtered(lambda p: not p.property_receipt_number):
            payment.property_receipt_number = (
                self.env["ir.sequence"]
                .with_company(payment.company_id)
                .next_by_code("property.counter.receipt")
            )

    def _property_flag_overpaid(self, invoices):
        """This payment came for ``invoices`` after they were paid: say so
        on the bills and give the collectors a to-do on the payment (refund
        it, or keep it as the payer's credit)."""
        self.ensure_one()
        amount = self.currency_id.format(self.amount)
        responsible = self._property_overpaid_responsible(invoices)
        for invoice in invoices:
            invoice.message_post(
                body=self.env._(
                    "Paid twice: %(payment)s (%(amount)s) came after this bill "
                    "was already paid. It is kept on the payer's account until "
                    "refunded or used for the next bill.",
                    payment=self.display_name,
                    amount=amount,
                )
            )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Paid twice: refund or keep as credit"),
            note=self.env._(
                "%(amount)s was paid for %(bills)s, which were already paid. "
                "Refund it to %(payer)s, or keep it as credit for the next bill.",
                amount=amount,
                bills=", ".join(invoices.mapped("display_name")),
                payer=self.partner_id.display_name,
            ),
            **({"user_id": responsible.id} if responsible else {}),
        )

    def _property_overpaid_responsible(self, invoices):
        """Who sorts out a double payment: the collector who took the other
        payment at the counter, else the bill's salesperson, else a billing
        manager of the company."""
        cashier = invoices.matched_payment_ids.property_cashier_id
        if cashier:
            return cashier[-1:]
        if invoices.invoice_user_id:
            return invoices.invoice_user_id[:1]
        group = self.env.ref("property_billing.group_property_billing_manager")
        return (
            group.sudo()
            .users.filtered(lambda u, c=self.company_id: c in u.company_ids)
            .sorted("id")[:1]
        )

    def _property_receipt_values(self):
        """What the receipt prints: the invoices this payment settled (the
        amount applied to each), their units, billed periods and fee items,
        and the amount in Chinese capitals."""
        self.ensure_one()
        applied = defaultdict(float)
        for (
            _partial,
            amount,
            invoice_line,
        ) in self.move_id._get_reconciled_invoices_partials()[0]:
            applied[invoice_line.move_id] += amount
        invoices = (
            self.env["account.move"].union(*applied)
            if applied
            else self.reconciled_invoice_ids
        )
        rows = []
        units = self.env["property.unit"]
        for invoice in invoices.sorted(lambda m: (m.invoice_date or m.date, m.id)):
            lines = invoice.invoice_line_ids.filtered(
                lambda line: line.display_type == "product"
            )
            units |= lines.property_occupancy_id.unit_id
            rows.append(
                {
                    "invoice": invoice,
                    "applied": applied.get(invoice, 0.0),
                    "lines": [
                        {
                            "unit": line.property_occupancy_id.unit_id.display_name
                            or "",
                            "item": line.property_fee_item_id.name or line.name,
                            "period": period_label(
                                line.property_period_start, line.property_period_end
                            ),
                            "amount": line.price_total,
                        }
                        for line in lines
                    ],
                }
            )
        return {
            "rows": rows,
            "units": units,
            "amount_capitals": rmb_capitals(self.amount),
        }
