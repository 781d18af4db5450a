from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from odoo.addons.property_tenant.concurrency import serialize_on


class PropertyCounterPayment(models.TransientModel):
    """Take a payment at the fee counter (收费台): the collector picks the
    payer's open bills, the method (cash, bank card, WeChat Pay, Alipay) and
    the amount; the payment is registered by Odoo's own payment wizard (so
    the reconciliation is Odoo's) and the receipt (收据) is printed at once."""

    _name = "property.counter.payment"
    _description = "Counter Payment"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Payer",
        required=True,
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    unit_id = fields.Many2one(
        "property.unit",
        check_company=True,
        help="Only the bills of this unit.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Bills",
        compute="_compute_invoice_ids",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('company_id', '=', company_id), "
        "('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount_due = fields.Monetary(compute="_compute_amount_due")
    journal_id = fields.Many2one(
        "account.journal",
        string="Method",
        required=True,
        check_company=True,
        domain="[('company_id', '=', company_id), "
        "('property_counter_method', '!=', False)]",
        default=lambda self: self._default_journal(),
    )
    amount = fields.Monetary(
        string="Amount Received", compute="_compute_amount", store=True, readonly=False
    )
    payment_date = fields.Date(required=True, default=fields.Date.context_today)
    reference = fields.Char(
        help="Transaction number of the card terminal, WeChat Pay or Alipay, "
        "printed on the receipt."
    )

    @api.model
    def _default_journal(self):
        return self.env["account.journal"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("property_counter_method", "=", "cash"),
            ],
            order="sequence, id",
            limit=1,
        )

    @api.model
    def default_get(self, fields_list):
        self._check_collector()
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if not ids or model not in ("account.move", "res.partner", "property.unit"):
            return values
        records = self.env[model].browse(ids)
        if model == "account.move":
            invoices = records.filtered(
                lambda m: (
                    m.move_type == "out_invoice"
                    and m.state == "posted"
                    and m.payment_state in ("not_paid", "partial")
                )
            )
            if not invoices:
                raise UserError(
                    self.env._("The selected invoices have nothing left to pay.")
                )
            partners = invoices.commercial_partner_id
            if len(partners) > 1 or len(invoices.company_id) > 1:
                raise UserError(
                    self.env._(
                        "Take the payment of one payer at a time: the selected "
                        "invoices are of %(payers)s.",
                        payers=", ".join(partners.mapped("display_name")),
                    )
                )
            values.update(
                partner_id=partners.id,
                company_id=invoices.company_id.id,
                invoice_ids=[Command.set(invoices.ids)],
            )
        elif model == "res.partner":
            values["partner_id"] = records[:1].commercial_partner_id.id
        else:
            unit = records[:1]
            values.update(
                unit_id=unit.id,
                company_id=unit.company_id.id or self.env.company.id,
                partner_id=self._unit_payer(unit).id,
            )
        return values

    @api.model
    def _unit_payer(self, unit):
        """The payer whose open bills of ``unit`` are the oldest, else the
        current tenant of the unit."""
        line = self.env["account.move.line"].search(
            [
                ("property_occupancy_id.unit_id", "=", unit.id),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "=", "posted"),
                ("move_id.payment_state", "in", ("not_paid", "partial")),
            ],
            order="date, id",
            limit=1,
        )
        partner = line.move_id.commercial_partner_id or unit.current_tenant_id
        return partner.commercial_partner_id

    def _open_invoice_domain(self):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("commercial_partner_id", "=", self.partner_id.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        if self.unit_id:
            domain.append(
                ("invoice_line_ids.property_occupancy_id.unit_id", "=", self.unit_id.id)
            )
        return domain

    @api.depends("partner_id", "unit_id", "company_id")
    def _compute_invoice_ids(self):
        for wizard in self:
            if not wizard.partner_id:
                wizard.invoice_ids = False
                continue
            preselected = wizard.invoice_ids._origin.filtered(
                lambda m, w=wizard: m.commercial_partner_id == w.partner_id
            )
            if preselected and not wizard.unit_id:
                continue
            wizard.invoice_ids = self.env["account.move"].search(
                wizard._open_invoice_domain(),
                order="invoice_date_due, invoice_date, id",
            )

    @api.depends("invoice_ids", "company_id")
    def _compute_currency_id(self):
        for wizard in self:
            currency = wizard.invoice_ids.currency_id
            wizard.currency_id = (
                currency if len(currency) == 1 else wizard.company_id.currency_id
            )

    @api.depends("invoice_ids")
    def _compute_amount_due(self):
        for wizard in self:
            wizard.amount_due = sum(wizard.invoice_ids.mapped("amount_residual"))

    @api.depends("invoice_ids")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.amount_due

    def _check_collector(self):
        if not self.env.user.has_group("property_billing.group_property_fee_collector"):
            raise AccessError(
                self.env._("Only fee collectors can take payments at the counter.")
            )

    def _check_payment(self):
        self.ensure_one()
        invoices = self.invoice_ids
        if not invoices:
            raise UserError(self.env._("Choose the bills the payer pays."))
        paid = invoices.filtered(
            lambda m: (
                m.state == "posted" and m.payment_state not in ("not_paid", "partial")
            )
        )
        if paid:
            # paid since the window was opened: at another counter, online
            raise UserError(
                self.env._(
                    "%(bills)s is already paid: a payment was registered in the "
                    "meantime (at another counter or online). Nothing was "
                    "taken; close this window and look at the payer's bills again.",
                    bills=", ".join(paid.mapped("display_name")),
                )
            )
        wrong = invoices.filtered(
            lambda m: (
                m.move_type != "out_invoice"
                or m.state != "posted"
                or m.payment_state not in ("not_paid", "partial")
                or m.commercial_partner_id != self.partner_id
                or m.company_id != self.company_id
            )
        )
        if wrong:
            raise UserError(
                self.env._(
                    "These bills cannot be paid here: %(bills)s. Only posted, "
                    "unpaid bills of %(payer)s can be paid together.",
                    bills=", ".join(wrong.mapped("display_name")),
                    payer=self.partner_id.display_name,
                )
            )
        if len(invoices.currency_id) > 1:
            raise UserError(
                self.env._(
                    "Bills in different currencies are paid one currency at a time."
                )
            )
        if not self.journal_id.property_counter_method:
            raise UserError(
                self.env._(
                    "Journal %(journal)s is not a counter payment method.",
                    journal=self.journal_id.display_name,
                )
            )
        currency = invoices.currency_id
        due = sum(invoices.mapped("amount_residual"))
        if float_compare(self.amount, 0.0, precision_rounding=currency.rounding) <= 0:
            raise UserError(self.env._("The amount received must be more than zero."))
        if float_compare(self.amount, due, precision_rounding=currency.rounding) > 0:
            raise UserError(
                self.env._(
                    "The amount received (%(amount)s) is more than the bills "
                    "chosen ask (%(due)s): give the change back, or choose more bills.",
                    amount=currency.format(self.amount),
                    due=currency.format(due),
                )
            )

    def action_register(self):
        """Register the payment through account.payment.register, number
        the receipt and return the receipt PDF."""
        self.ensure_one()
        self._check_collector()
        # two collectors taking the same bill: the second waits for the
        # first and is replayed on its result, which the checks refuse
        serialize_on(self.invoice_ids)
        self._check_payment()
        register = (
            self.env["account.payment.register"]
            .with_company(self.company_id)
            .with_context(active_model="account.move", active_ids=self.invoice_ids.ids)
            .create(
                {
                    "journal_id": self.journal_id.id,
                    "amount": self.amount,
                    "payment_date": self.payment_date,
                    "group_payment": True,
                    "payment_difference_handling": "open",
                    **({"communication": self.reference} if self.reference else {}),
                }
            )
        )
        payments = register._create_payments()
        payments.write({"property_cashier_id": self.env.user.id})
        payments._property_assign_receipt_number()
        action = self.env.ref(
            "property_billing.action_report_property_counter_receipt"
        ).report_action(payments)
        if action.get("type") == "ir.actions.report":
            # the dialog closes once the receipt is downloaded
            action["close_on_report_download"] = True
        return action
