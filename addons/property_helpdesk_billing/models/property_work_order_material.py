from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..costing import line_amount


class PropertyWorkOrderMaterial(models.Model):
    """A material used on a work order.  Its cost (the product's cost price
    × quantity) is booked on the site's analytic account when the work order
    is completed."""

    _name = "property.work.order.material"
    _description = "Work Order Material"
    _order = "work_order_id, id"
    _check_company_auto = True

    work_order_id = fields.Many2one(
        "property.work.order",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="work_order_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        string="Material",
        required=True,
        check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    quantity = fields.Float(
        default=1.0, required=True, digits="Product Unit of Measure"
    )
    uom_id = fields.Many2one(related="product_id.uom_id", string="Unit of Measure")
    unit_cost = fields.Monetary(
        compute="_compute_unit_cost",
        store=True,
        precompute=True,
        help="The product's cost price; fixed when the work order is completed.",
    )
    amount = fields.Monetary(
        string="Cost", compute="_compute_amount", store=True, precompute=True
    )

    @api.depends("product_id")
    def _compute_unit_cost(self):
        for line in self:
            line.unit_cost = line.product_id.with_company(
                line.company_id or self.env.company
            ).standard_price

    @api.depends("quantity", "unit_cost")
    def _compute_amount(self):
        for line in self:
            # a negative quantity is refused by the constraint below
            line.amount = float(
                line_amount(max(line.quantity, 0.0), max(line.unit_cost, 0.0))
            )

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of %(material)s used on %(order)s must be "
                        "greater than zero.",
                        material=line.product_id.display_name,
                        order=line.work_order_id.name,
                    )
                )

    def _check_not_costed(self):
        for work_order in self.work_order_id:
            if work_order.cost_posted:
                raise UserError(
                    self.env._(
                        "The costs of work order %s are booked: its materials "
                        "cannot be changed any more.",
                        work_order.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_not_costed()
        return lines

    def write(self, vals):
        self._check_not_costed()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_costed(self):
        self._check_not_costed()
