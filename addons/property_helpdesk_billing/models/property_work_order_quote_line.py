from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..costing import line_amount


class PropertyWorkOrderQuoteLine(models.Model):
    """A line of the quote of a paid work order: a service of the price list,
    how many, at the list price of the day the line was added."""

    _name = "property.work.order.quote.line"
    _description = "Work Order Quote Line"
    _order = "work_order_id, sequence, id"
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
    sequence = fields.Integer(default=10)
    service_id = fields.Many2one(
        "property.paid.service",
        required=True,
        check_company=True,
        ondelete="restrict",
    )
    fee_item_id = fields.Many2one(
        related="service_id.fee_item_id", store=True, string="Fee Item"
    )
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    uom_name = fields.Char(related="service_id.uom_name")
    quantity = fields.Float(
        default=1.0, required=True, digits="Product Unit of Measure"
    )
    # The price of the price list when the line is added: later changes of
    # the list do not change a quote already made.
    price_unit = fields.Monetary(
        string="Unit Price",
        compute="_compute_price_unit",
        store=True,
        precompute=True,
    )
    amount = fields.Monetary(compute="_compute_amount", store=True)

    @api.depends("service_id")
    def _compute_name(self):
        for line in self:
            if line.service_id:
                line.name = line.service_id.name
            elif not line.name:
                line.name = False

    @api.depends("service_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.service_id.list_price

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for line in self:
            # a negative quantity is refused by the constraint below
            line.amount = float(line_amount(max(line.quantity, 0.0), line.price_unit))

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of %(service)s on the quote of %(order)s "
                        "must be greater than zero.",
                        service=line.service_id.name,
                        order=line.work_order_id.name,
                    )
                )

    def _check_quote_editable(self):
        for work_order in self.work_order_id:
            if work_order.quote_state != "draft" or work_order.state != "assigned":
                raise UserError(
                    self.env._(
                        "The quote of work order %s was sent to the customer: "
                        "revise it (back to draft) before changing its lines.",
                        work_order.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_quote_editable()
        return lines

    def write(self, vals):
        self._check_quote_editable()
        res = super().write(vals)
        if "work_order_id" in vals:
            self._check_quote_editable()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        self._check_quote_editable()
