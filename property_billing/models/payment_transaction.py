from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _create_payment(self, **extra_create_values):
        """An online payment of bills that were paid in the meantime (at the
        counter while the tenant was paying) cannot be refused: the money
        was taken.  The payment stays open on the payer's account, and the
        collectors are told to refund it or keep it as credit."""
        payment = super()._create_payment(**extra_create_values)
        invoices = self.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
        if invoices and not payment.is_reconciled:
            payment._property_flag_overpaid(invoices)
        return payment
