from odoo import models

# the marker: only invoices of a sales journal of this code are changed, so
# that installing the module in a shared test database changes nothing else
JOURNAL_CODE = "OVRT"
# their receivable account (the company's account of this code)
ACCOUNT_CODE = "OVRT1122"


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _compute_account_id(self):
        # Overrides the hook whose receivable account billing's prepared
        # path restates (property_billing/models/account_move.py), as a
        # localisation or core's hr_expense override account choices.
        res = super()._compute_account_id()
        for line in self:
            move = line.move_id
            if (
                line.display_type == "payment_term"
                and move.is_sale_document(include_receipts=True)
                and move.journal_id.code == JOURNAL_CODE
            ):
                Account = self.env["account.account"].with_company(move.company_id)
                account = Account.search(
                    [
                        *Account._check_company_domain(move.company_id),
                        ("code", "=", ACCOUNT_CODE),
                        ("account_type", "=", "asset_receivable"),
                    ],
                    limit=1,
                )
                if account:
                    line.account_id = account
        return res
