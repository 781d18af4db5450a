from odoo import api, fields, models
from odoo.exceptions import UserError

LINE_KINDS = [
    ("revenue", "Revenue"),
    ("shared", "Shared Cost"),
]


class PropertyFinancialDisclosureLine(models.Model):
    """One figure of a disclosure: the revenue of a fee item, or a shared
    cost of the period."""

    _name = "property.financial.disclosure.line"
    _description = "Financial Disclosure Figure"
    _order = "disclosure_id, kind, sequence, id"
    _check_company_auto = True

    disclosure_id = fields.Many2one(
        "property.financial.disclosure", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="disclosure_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="disclosure_id.currency_id")
    kind = fields.Selection(LINE_KINDS, required=True)
    sequence = fields.Integer()
    item_id = fields.Many2one(
        "property.fee.item", string="Fee Item", check_company=True
    )
    shared_cost_id = fields.Many2one(
        "property.shared.cost", check_company=True, ondelete="restrict"
    )
    name = fields.Char(string="Description", required=True)
    amount = fields.Monetary(currency_field="currency_id")
    amount_vacant = fields.Monetary(
        string="Borne by the Owner",
        currency_field="currency_id",
        help="Part of the shared cost of the units without tenant.",
    )
    invoice_count = fields.Integer(string="Invoices")

    def write(self, vals):
        if any(line.disclosure_id.state == "published" for line in self):
            raise UserError(
                self.env._("The figures of a published disclosure are final.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        if any(line.disclosure_id.state == "published" for line in self):
            raise UserError(
                self.env._("The figures of a published disclosure are final.")
            )
