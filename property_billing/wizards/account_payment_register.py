from odoo import models
from odoo.exceptions import UserError

from odoo.addons.property_tenant.concurrency import serialize_on


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        """A customer payment is registered on the bills as they are now,
        not as they were when the window was opened: two people registering
        the same bill at once (or one after the other from windows opened
        together) would otherwise take it twice, the second payment left
        open on the payer's account without a word."""
        if self.partner_type == "customer":
            # the second of two at once waits, then is replayed on the
            # first's result (a serialization conflict on the bills)
            serialize_on(self.line_ids.move_id)
            self._property_check_still_due()
        return super()._create_payments()

    def _property_check_still_due(self):
        lines = self.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        )
        paid = lines.filtered(
            lambda line: (
                line.reconciled
                or line.currency_id.is_zero(line.amount_residual_currency)
            )
        )
        if paid:
            raise UserError(
                self.env._(
                    "%(bills)s is already paid: a payment was registered in the "
                    "meantime. Nothing was registered; close this window and "
                    "look at the bill again.",
                    bills=", ".join(paid.move_id.mapped("display_name")),
                )
            )
        if (
            not self.can_edit_wizard
            or len(lines.currency_id) != 1
            or self.currency_id != lines.currency_id
        ):
            return
        currency = lines.currency_id
        left = abs(sum(lines.mapped("amount_residual_currency")))
        if currency.compare_amounts(left, self.source_amount_currency) < 0 and (
            currency.compare_amounts(self.amount, left) > 0
        ):
            raise UserError(
                self.env._(
                    "%(bills)s was partly paid in the meantime: %(left)s is "
                    "left to pay, less than the %(amount)s entered. Nothing was "
                    "registered; close this window and register the payment again.",
                    bills=", ".join(lines.move_id.mapped("display_name")),
                    left=currency.format(left),
                    amount=currency.format(self.amount),
                )
            )
