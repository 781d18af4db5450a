from odoo import fields, models

CHECK_USES = [
    ("review", "Drawing Review"),
    ("inspection", "Inspections"),
    ("both", "Review and Inspections"),
]


class PropertyDecorationCheckItem(models.Model):
    """A point engineering checks (structure, fire, water-proofing,
    façade, …): configurable."""

    _name = "property.decoration.check.item"
    _description = "Decoration Check Item"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    applies_to = fields.Selection(CHECK_USES, required=True, default="both")
    guidance = fields.Text(translate=True, help="What the engineer looks at.")
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the item in every company."
    )
