from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .property_fee_item import RECURRING_KINDS


class PropertyBillingPlanLine(models.Model):
    _name = "property.billing.plan.line"
    _description = "Billing Plan Item"
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "property.billing.plan", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    item_id = fields.Many2one(
        "property.fee.item",
        string="Fee Item",
        required=True,
        check_company=True,
        domain="[('kind', 'in', ('area', 'fixed', 'metered'))]",
    )
    item_kind = fields.Selection(related="item_id.kind")
    quantity = fields.Float(
        digits="Product Unit of Measure",
        help="Billed quantity instead of the floor area (per m² items) or "
        "instead of 1 (fixed items); leave 0 for the default.",
    )

    _sql_constraints = [
        (
            "item_uniq",
            "unique(plan_id, item_id)",
            "A fee item appears only once in a billing plan.",
        ),
    ]

    @api.constrains("item_id")
    def _check_recurring(self):
        for line in self:
            if line.item_id.kind not in RECURRING_KINDS:
                raise ValidationError(
                    self.env._(
                        "%(item)s is not a recurring fee: billing plans hold "
                        "per-m², fixed monthly and metered items only. Charge "
                        "a one-off fee or a deposit as a one-off charge.",
                        item=line.item_id.name,
                    )
                )
