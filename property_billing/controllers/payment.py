"""The portal's "Pay" of a bill (Odoo's own ``/invoice/transaction`` route),
made safe against a double click, a browser retry and a page left open: the
same request twice gives the same transaction, and a bill paid in the
meantime (at the counter, in another tab) is not charged again."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers import payment
from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing
from odoo.addons.property_tenant.concurrency import serialize_on

# a draft transaction of the same bills, amount and method this recent is
# the same payment asked again (double click, retry), not a new one
REUSE_DRAFT_MINUTES = 10
IN_FLIGHT_STATES = ("pending", "authorized", "done")


class PaymentPortal(payment.PaymentPortal):
    def _process_transaction(
        self, partner_id, currency_id, invoice_ids, payment_reference, **kwargs
    ):
        invoices = request.env["account.move"].sudo().browse(invoice_ids)
        # two requests for the same bills at once: the second waits for the
        # first and is replayed on its result (and finds its transaction)
        serialize_on(invoices)
        if draft := self._property_same_draft(partner_id, invoices, kwargs):
            PaymentPostProcessing.monitor_transaction(draft)
            return draft._get_processing_values()
        self._property_check_due(invoices, kwargs.get("amount"))
        return super()._process_transaction(
            partner_id, currency_id, invoice_ids, payment_reference, **kwargs
        )

    def _property_same_draft(self, partner_id, invoices, kwargs):
        if kwargs.get("flow") not in ("direct", "redirect") or kwargs.get(
            "is_validation"
        ):
            return None
        since = fields.Datetime.now() - timedelta(minutes=REUSE_DRAFT_MINUTES)
        drafts = (
            request.env["payment.transaction"]
            .sudo()
            .search(
                [
                    ("invoice_ids", "in", invoices.ids),
                    ("state", "=", "draft"),
                    ("partner_id", "=", partner_id),
                    ("provider_id", "=", kwargs.get("provider_id")),
                    ("payment_method_id", "=", kwargs.get("payment_method_id")),
                    ("operation", "=", f"online_{kwargs['flow']}"),
                    ("create_date", ">=", since),
                ],
                order="id desc",
            )
        )
        for draft in drafts:
            if draft.invoice_ids == invoices and not draft.currency_id.compare_amounts(
                draft.amount, kwargs.get("amount") or 0.0
            ):
                return draft
        return None

    def _property_check_due(self, invoices, amount):
        """Refuse a payment of more than is left to pay on the bills, less
        what other payments of them already on their way will settle."""
        customer_invoices = invoices.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        if not customer_invoices or amount is None:
            return
        currency = customer_invoices.currency_id[:1]
        coming = customer_invoices.transaction_ids.filtered(
            lambda tx: tx.state in IN_FLIGHT_STATES and not tx.payment_id
        )
        left = sum(customer_invoices.mapped("amount_residual")) - sum(
            coming.mapped("amount")
        )
        env = request.env
        if currency.compare_amounts(left, 0.0) <= 0:
            raise ValidationError(
                env._(
                    "This bill has nothing left to pay: it was paid in the "
                    "meantime. Nothing was charged; reload the page."
                )
            )
        if currency.compare_amounts(float(amount), left) > 0:
            raise ValidationError(
                env._(
                    "Only %(left)s is left to pay on this bill: part of it was "
                    "paid in the meantime. Nothing was charged; reload the page.",
                    left=currency.format(left),
                )
            )
