from odoo import fields, models

CHECK_RESULTS = [
    ("pass", "Pass"),
    ("condition", "Pass with Conditions"),
    ("fail", "Fail"),
]


class PropertyDecorationCheck(models.Model):
    """One line of a checklist: of the drawing review, or of an inspection."""

    _name = "property.decoration.check"
    _description = "Decoration Checklist Line"
    _order = "sequence, id"
    _check_company_auto = True

    decoration_id = fields.Many2one(
        "property.decoration", required=True, index=True, ondelete="cascade"
    )
    inspection_id = fields.Many2one(
        "property.decoration.inspection", index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="decoration_id.company_id", store=True, index=True
    )
    item_id = fields.Many2one(
        "property.decoration.check.item", required=True, ondelete="restrict"
    )
    sequence = fields.Integer(related="item_id.sequence", store=True)
    result = fields.Selection(CHECK_RESULTS)
    remarks = fields.Char(help="Conditions or what is wrong.")
