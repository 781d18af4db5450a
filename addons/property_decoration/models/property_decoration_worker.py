from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PropertyDecorationWorker(models.Model):
    """A worker of the contractor, with the pass the desk issues."""

    _name = "property.decoration.worker"
    _description = "Decoration Worker"
    _order = "id"
    _check_company_auto = True

    decoration_id = fields.Many2one(
        "property.decoration", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="decoration_id.company_id", store=True, index=True
    )
    name = fields.Char(required=True)
    id_last_digits = fields.Char(
        string="ID Last 4 Digits",
        size=4,
        help="Only the last four characters of the identity card: enough to "
        "check the person at the gate, nothing more is kept.",
    )
    pass_number = fields.Char(string="Pass No.")

    @api.constrains("id_last_digits")
    def _check_id_last_digits(self):
        for worker in self:
            digits = worker.id_last_digits
            if digits and not (
                len(digits) == 4
                and digits[:3].isdigit()
                and (digits[3].isdigit() or digits[3] in "Xx")
            ):
                raise ValidationError(
                    self.env._(
                        "Give only the last 4 characters of %(name)s's identity "
                        "card (digits, the last may be X).",
                        name=worker.name,
                    )
                )
