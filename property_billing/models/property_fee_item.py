from odoo import api, fields, models
from odoo.exceptions import ValidationError

FEE_KINDS = [
    ("area", "Per m² per Month"),
    ("fixed", "Fixed Monthly"),
    ("metered", "Metered"),
    ("one_off", "One-off"),
    ("deposit", "Deposit"),
    ("shared", "Shared Cost (公摊)"),
    ("late_fee", "Late Fee"),
    ("service", "Paid Service"),
]

METER_TYPES = [
    ("water", "Water"),
    ("electricity", "Electricity"),
    ("gas", "Gas"),
]

# Kinds billed every cycle from a billing plan.
RECURRING_KINDS = ("area", "fixed", "metered")

# Kinds charged once to a tenant archive (property.charge.one.off).
ONE_OFF_KINDS = ("one_off", "deposit")


class PropertyFeeItem(models.Model):
    """A fee item (收费项目): what can be charged, tied to the service
    product that carries its income account and taxes."""

    _name = "property.fee.item"
    _description = "Fee Item"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(FEE_KINDS, required=True, default="area", tracking=True)
    meter_type = fields.Selection(METER_TYPES, tracking=True)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        tracking=True,
        domain="[('type', '=', 'service')]",
        help="Service product of the invoice lines: its income account and "
        "customer taxes are used. For a deposit, the product's income account "
        "must be a liability account (deposits are refundable, never revenue).",
    )
    uom_name = fields.Char(
        string="Unit",
        translate=True,
        help="Unit shown on bills, e.g. m², m³, kWh.",
    )
    description = fields.Text(translate=True)
    one_off_approval = fields.Boolean(
        string="Charge Needs Approval",
        tracking=True,
        help="A one-off charge of this item waits for a billing manager's "
        "approval before it is billed.",
    )
    deduction_product_id = fields.Many2one(
        "product.product",
        string="Kept Part Booked As",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="For a deposit: the service product whose income account books "
        "the part of the deposit kept when it is refunded (e.g. for damage).",
    )
    standard_ids = fields.One2many("property.fee.standard", "item_id")
    standard_count = fields.Integer(compute="_compute_standard_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "Another fee item of this company already uses this code.",
        ),
    ]

    def _compute_standard_count(self):
        counts = dict(
            self.env["property.fee.standard"]._read_group(
                [("item_id", "in", self.ids)], ["item_id"], ["__count"]
            )
        )
        for item in self:
            item.standard_count = counts.get(item, 0)

    @api.depends("name", "code")
    def _compute_display_name(self):
        for item in self:
            item.display_name = (
                f"[{item.code}] {item.name}" if item.code else item.name or ""
            )

    @api.constrains("kind", "meter_type")
    def _check_meter_type(self):
        for item in self:
            if item.kind == "metered" and not item.meter_type:
                raise ValidationError(
                    self.env._(
                        "Fee item %(item)s is metered: choose the meter type "
                        "(water, electricity or gas) it is read from.",
                        item=item.name,
                    )
                )

    @api.constrains("kind", "product_id")
    def _check_deposit_account(self):
        for item in self:
            if item.kind != "deposit" or not item.product_id:
                continue
            account = item.product_id.with_company(
                item.company_id
            ).property_account_income_id
            if account and account.internal_group != "liability":
                raise ValidationError(
                    self.env._(
                        "Deposit %(item)s must be booked on a liability "
                        "account, not on %(account)s: a deposit is refundable "
                        "and never revenue. Set a liability account as the "
                        "income account of product %(product)s.",
                        item=item.name,
                        account=account.display_name,
                        product=item.product_id.display_name,
                    )
                )

    def _deposit_deduction_product(self):
        self.ensure_one()
        return self.deduction_product_id or self.env.ref(
            "property_billing.product_deposit_deduction"
        )

    def action_view_standards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_fee_standard_action"
        )
        action["domain"] = [("item_id", "=", self.id)]
        action["context"] = {"default_item_id": self.id}
        return action
