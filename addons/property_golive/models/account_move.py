from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    property_golive_import_id = fields.Many2one(
        "property.golive.import",
        string="Go-live Import",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The go-live import whose opening balances this entry holds.",
    )
