from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class PropertyPaidService(models.Model):
    """An entry of the price list of paid services (特约服务价目表): what a
    technician may quote to a tenant, at which price.  Only billing managers
    keep it, every change is tracked: the price list is the approved tariff
    of paid services (R-FEE-1, no arbitrary charges), and a quote takes its
    prices from it."""

    _name = "property.paid.service"
    _description = "Paid Service"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    list_price = fields.Monetary(
        string="Unit Price",
        required=True,
        tracking=True,
        help="Price of one unit of the service, taxes as the fee item's product says.",
    )
    uom_name = fields.Char(
        string="Pricing Unit",
        translate=True,
        help="What the price is for, e.g. time, hour, m, piece.",
    )
    fee_item_id = fields.Many2one(
        "property.fee.item",
        required=True,
        check_company=True,
        tracking=True,
        domain="[('kind', '=', 'service')]",
        help="Fee item of kind Paid Service under which the service is billed: "
        "its product gives the income account and the taxes.",
    )
    product_id = fields.Many2one(related="fee_item_id.product_id")
    department_id = fields.Many2one(
        "property.department",
        check_company=True,
        help="Department that provides the service (optional).",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "Another paid service of this company already uses this code.",
        ),
        (
            "list_price_positive",
            "CHECK(list_price > 0)",
            "The price of a paid service must be greater than zero.",
        ),
    ]

    @api.depends("name", "code")
    def _compute_display_name(self):
        for service in self:
            service.display_name = (
                f"[{service.code}] {service.name}" if service.code else service.name
            ) or ""

    @api.constrains("fee_item_id")
    def _check_fee_item_kind(self):
        for service in self:
            if service.fee_item_id.kind != "service":
                raise ValidationError(
                    self.env._(
                        "Paid service %(service)s must be billed under a fee "
                        "item of kind Paid Service, not under %(item)s.",
                        service=service.name,
                        item=service.fee_item_id.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_quoted(self):
        quoted = (
            self.env["property.work.order.quote.line"]
            .sudo()
            .search_count([("service_id", "in", self.ids)], limit=1)
        )
        if quoted:
            raise UserError(
                self.env._(
                    "A paid service that was quoted cannot be deleted: archive "
                    "it instead."
                )
            )
