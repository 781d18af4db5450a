from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    property_opening_account_id = fields.Many2one(
        "account.account",
        string="Opening Balance Account",
        check_company=True,
        help="Counterpart of the opening receivables and deposits of a go-live "
        "import (the revenue was recognised by the former system). Empty: "
        "the undistributed profits account, as for Odoo's own opening balance.",
    )
    property_opening_journal_id = fields.Many2one(
        "account.journal",
        string="Opening Balances Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
    )

    def _property_opening_account(self):
        self.ensure_one()
        return (
            self.property_opening_account_id or self.get_unaffected_earnings_account()
        )

    def _property_opening_journal(self):
        """The sales journal of opening balances, created on first use."""
        self.ensure_one()
        if not self.property_opening_journal_id:
            Journal = self.env["account.journal"].sudo()
            journal = Journal.search(
                [
                    *Journal._check_company_domain(self),
                    ("code", "=", "OPEN"),
                    ("type", "=", "sale"),
                ],
                limit=1,
            ) or Journal.create(
                {
                    "name": self.env._("Opening Balances"),
                    "code": "OPEN",
                    "type": "sale",
                    "company_id": self.id,
                }
            )
            self.sudo().property_opening_journal_id = journal
        return self.property_opening_journal_id
