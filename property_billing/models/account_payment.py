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
