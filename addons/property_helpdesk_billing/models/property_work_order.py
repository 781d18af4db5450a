from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.property_billing.billing import month_start

from ..costing import quote_total, work_order_cost

QUOTE_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("accepted", "Accepted"),
    ("refused", "Refused"),
]

SERVICE_BILLING = [
    ("next_bill", "On the Next Bill"),
    ("immediate", "Immediate Invoice"),
]

SERVICE_STATES = [
    ("to_bill", "To Bill"),
    ("invoiced", "Invoiced"),
    ("paid", "Paid"),
]


class PropertyWorkOrder(models.Model):
    """Paid services (特约服务, R-WO-5) and work order costs.

    A paid work order is quoted from the price list; the customer accepts
    the quote with a signature (on the portal or on the technician's
    device) before the work may start.  On completion the charge goes onto
    the tenant's next periodic bill or onto an invoice of its own, as the
    site says.  Every completed work order books its materials and labour
    on the site's analytic account."""

    _inherit = "property.work.order"

    occupancy_id = fields.Many2one(
        related="ticket_id.occupancy_id", store=True, index="btree_not_null"
    )
    # the price of a quoted order is the total of its quote
    price = fields.Monetary(compute="_compute_price", store=True, readonly=False)

    # quote
    quote_line_ids = fields.One2many(
        "property.work.order.quote.line", "work_order_id", string="Quote Lines"
    )
    quote_state = fields.Selection(
        QUOTE_STATES,
        string="Quote Status",
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    quote_amount = fields.Monetary(
        string="Quote Total", compute="_compute_quote_amount", store=True
    )
    quote_sent_at = fields.Datetime(string="Quote Sent On", readonly=True, copy=False)
    quote_signature = fields.Image(
        string="Acceptance Signature", copy=False, max_width=1024, max_height=1024
    )
    quote_signed_by = fields.Char(string="Accepted By", copy=False, tracking=True)
    quote_signed_at = fields.Datetime(string="Accepted On", readonly=True, copy=False)
    quote_refusal_reason = fields.Text(string="Refusal Reason", copy=False)

    # billing of the paid service
    service_date = fields.Date(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Day the work was completed: the day of the paid service.",
    )
    service_billing = fields.Selection(
        SERVICE_BILLING,
        string="Billed",
        readonly=True,
        copy=False,
        tracking=True,
        help="How the paid service was billed on completion, as set on the site.",
    )
    service_key_id = fields.Many2one(
        "property.billing.key",
        string="Billed Period",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    service_invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    service_state = fields.Selection(
        SERVICE_STATES,
        string="Billing Status",
        compute="_compute_service_state",
        store=True,
        index=True,
    )

    # costs
    material_ids = fields.One2many(
        "property.work.order.material", "work_order_id", string="Materials"
    )
    material_cost = fields.Monetary(
        string="Materials Cost", compute="_compute_material_cost", store=True
    )
    labour_cost = fields.Monetary(readonly=True, copy=False)
    cost_total = fields.Monetary(string="Total Cost", readonly=True, copy=False)
    cost_posted = fields.Boolean(
        string="Costs Booked",
        readonly=True,
        copy=False,
        help="Materials and labour are booked on the site's analytic account.",
    )
    analytic_line_ids = fields.One2many(
        "account.analytic.line",
        "property_work_order_id",
        string="Cost Entries",
        groups="analytic.group_analytic_accounting,account.group_account_invoice",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("quote_line_ids.quantity", "quote_line_ids.price_unit")
    def _compute_quote_amount(self):
        for work_order in self:
            work_order.quote_amount = float(
                quote_total(
                    [
                        (max(line.quantity, 0.0), line.price_unit)
                        for line in work_order.quote_line_ids
                    ]
                )
            )

    @api.depends("quote_amount")
    def _compute_price(self):
        # an order without a quote keeps the price typed on it
        for work_order in self:
            if work_order.quote_line_ids:
                work_order.price = work_order.quote_amount

    @api.depends("material_ids.amount")
    def _compute_material_cost(self):
        for work_order in self:
            work_order.material_cost = sum(work_order.material_ids.mapped("amount"))

    @api.depends(
        "charge_type",
        "state",
        "service_billing",
        "service_key_id.move_id",
        "service_invoice_id.state",
        "service_invoice_id.payment_state",
    )
    def _compute_service_state(self):
        for work_order in self:
            if (
                work_order.charge_type != "paid"
                or work_order.state != "done"
                or not work_order.service_billing
            ):
                work_order.service_state = False
            elif not work_order._service_billed():
                work_order.service_state = "to_bill"
            elif work_order.service_invoice_id.payment_state in ("paid", "in_payment"):
                work_order.service_state = "paid"
            else:
                work_order.service_state = "invoiced"

    def _service_billed(self):
        """Billed: on a run's invoice (its billed period exists, it is
        released when the invoice is cancelled or credited), or on an
        invoice of its own that is neither cancelled nor credited."""
        self.ensure_one()
        if self.service_billing == "next_bill":
            return bool(self.service_key_id)
        invoice = self.service_invoice_id
        return bool(
            invoice
            and invoice.state != "cancel"
            and invoice.payment_state != "reversed"
        )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def write(self, vals):
        if "charge_type" in vals:
            started = self.filtered(
                lambda w: w.state != "assigned" and w.charge_type != vals["charge_type"]
            )
            if started:
                raise UserError(
                    self.env._(
                        "Work order %s has started: whether it is paid or free is "
                        "decided on site, before the work starts.",
                        started[0].name,
                    )
                )
        return super().write(vals)

    @api.constrains("charge_type", "quote_state")
    def _check_quote_paid(self):
        for work_order in self:
            if work_order.charge_type != "paid" and work_order.quote_state in (
                "sent",
                "accepted",
            ):
                raise ValidationError(
                    self.env._(
                        "Work order %s has a quote with the customer: revise the "
                        "quote before making the work free.",
                        work_order.name,
                    )
                )

    def _check_quote_accepted(self):
        for work_order in self:
            if (
                work_order.charge_type == "paid"
                and work_order.quote_state != "accepted"
            ):
                raise UserError(
                    self.env._(
                        "Work order %s is a paid service: the customer must "
                        "accept and sign its quote before the work starts.",
                        work_order.name,
                    )
                )

    # ------------------------------------------------------------------
    # Quote
    # ------------------------------------------------------------------
    def _check_quote_step(self, quote_states):
        self._ensure_states(["assigned"])
        for work_order in self:
            if work_order.charge_type != "paid":
                raise UserError(
                    self.env._(
                        "Work order %s is free: only paid work is quoted.",
                        work_order.name,
                    )
                )
            if work_order.quote_state not in quote_states:
                raise UserError(
                    self.env._(
                        "The quote of work order %(name)s is %(state)s: this "
                        "step is not possible now.",
                        name=work_order.name,
                        state=dict(
                            self._fields["quote_state"]._description_selection(self.env)
                        )[work_order.quote_state],
                    )
                )

    def action_quote_send(self):
        """Send the quote to the customer, who accepts it on the portal."""
        self._check_quote_step(["draft"])
        for work_order in self:
            if not work_order.quote_line_ids:
                raise UserError(
                    self.env._(
                        "Add the services of the price list to the quote of %s "
                        "before sending it.",
                        work_order.name,
                    )
                )
            if not work_order.partner_id:
                raise UserError(
                    self.env._(
                        "Work order %s has no customer to send the quote to: set "
                        "the customer on its item first.",
                        work_order.name,
                    )
                )
        self.write({"quote_state": "sent", "quote_sent_at": fields.Datetime.now()})
        for work_order in self:
            work_order._notify_quote_sent()
        return True

    def _notify_quote_sent(self):
        self.ensure_one()
        url = self.get_portal_url(suffix="/quote")
        body = Markup("<p>%s</p><p><a href='%s'>%s</a></p>") % (
            self.env._(
                "The quote of work order %(name)s (%(amount)s) awaits your "
                "acceptance. The work starts once you have accepted and signed it.",
                name=self.name,
                amount=self.currency_id.format(self.quote_amount),
            ),
            url,
            self.env._("View and accept the quote"),
        )
        self.message_post(
            body=body,
            partner_ids=self.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def action_quote_accept(self):
        """Accepted on site: the customer signs on the technician's device."""
        for work_order in self:
            if (
                not work_order.quote_signature
                or not (work_order.quote_signed_by or "").strip()
            ):
                raise UserError(
                    self.env._(
                        "The customer signs the quote of %s and writes their name "
                        "to accept it.",
                        work_order.name,
                    )
                )
        self._quote_accept()
        return True

    def _quote_accept(self, name=None, signature=None):
        """Record the customer's acceptance (with their signature) and tell
        the assignee that the work may start."""
        self._check_quote_step(["sent"])
        vals = {"quote_state": "accepted", "quote_signed_at": fields.Datetime.now()}
        if name:
            vals["quote_signed_by"] = name
        if signature:
            vals["quote_signature"] = signature
        self.write(vals)
        for work_order in self:
            if work_order.user_id:
                work_order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=work_order.user_id.id,
                    summary=self.env._("Quote accepted: the work may start"),
                )

    def action_quote_refuse(self):
        """Refused by the customer (e.g. on the phone): the reason is kept."""
        for work_order in self:
            if not (work_order.quote_refusal_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Record why the customer refused the quote of %s.",
                        work_order.name,
                    )
                )
        self._quote_refuse()
        return True

    def _quote_refuse(self, reason=None):
        self._check_quote_step(["sent"])
        vals = {"quote_state": "refused"}
        if reason:
            vals["quote_refusal_reason"] = reason
        self.write(vals)
        for work_order in self:
            user = (
                work_order.user_id
                or work_order.department_id.head_id
                or work_order.ticket_id.user_id
            )
            if user:
                work_order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=self.env._("Quote refused"),
                    note=work_order.quote_refusal_reason,
                )

    def action_quote_revise(self):
        """Back to draft to change the quote; it is sent (and accepted)
        again."""
        self._check_quote_step(["sent", "accepted", "refused"])
        self.write(
            {
                "quote_state": "draft",
                "quote_sent_at": False,
                "quote_signature": False,
                "quote_signed_by": False,
                "quote_signed_at": False,
            }
        )
        return True

    # ------------------------------------------------------------------
    # Flow
    # ------------------------------------------------------------------
    def action_start(self):
        self._check_quote_accepted()
        return super().action_start()

    def action_done(self):
        self._check_quote_accepted()
        res = super().action_done()
        today = fields.Date.context_today(self)
        for work_order in self:
            work_order.sudo().service_date = today
            work_order._post_work_costs()
            if work_order.charge_type == "paid":
                work_order._bill_paid_service()
        return res

    # ------------------------------------------------------------------
    # Costs (R-FEE-7)
    # ------------------------------------------------------------------
    def _hourly_cost(self):
        self.ensure_one()
        return (
            self.department_id.hourly_cost
            or self.company_id.property_labour_hourly_cost
        )

    def _post_work_costs(self):
        """Book the materials (cost price × quantity) and the labour (hours ×
        hourly cost of the department, else of the company) of the completed
        work on the site's analytic account, as costs (negative amounts).
        Done once; the material lines are locked afterwards.  Booked by the
        system whoever completes the order (technicians have no accounting
        rights)."""
        self.ensure_one()
        if self.cost_posted:
            return
        work_order = self.sudo()
        company = work_order.company_id
        materials = work_order.material_ids
        for material in materials:
            material.unit_cost = material.product_id.with_company(
                company
            ).standard_price
        hourly_cost = work_order._hourly_cost()
        amounts, labour, total = work_order_cost(
            [(m.quantity, max(m.unit_cost, 0.0)) for m in materials],
            work_order.time_spent,
            hourly_cost,
        )
        analytic = work_order.site_id._billing_analytic_account()
        common = {
            "date": work_order.service_date,
            "company_id": company.id,
            analytic.plan_id._column_name(): analytic.id,
            "category": "property_work_order",
            "property_work_order_id": work_order.id,
            "partner_id": work_order.partner_id.commercial_partner_id.id,
            "user_id": (work_order.user_id or self.env.user).id,
        }
        vals_list = [
            {
                **common,
                "name": f"{work_order.name}: {material.product_id.display_name}",
                "amount": -float(amount),
                "unit_amount": material.quantity,
                "product_id": material.product_id.id,
                "product_uom_id": material.product_id.uom_id.id,
            }
            for material, amount in zip(materials, amounts, strict=True)
            if amount
        ]
        if labour:
            vals_list.append(
                {
                    **common,
                    "name": self.env._(
                        "%(order)s: labour %(hours)s h × %(rate)s",
                        order=work_order.name,
                        hours=round(work_order.time_spent, 2),
                        rate=company.currency_id.format(hourly_cost),
                    ),
                    "amount": -float(labour),
                    "unit_amount": work_order.time_spent,
                    "product_uom_id": self.env.ref("uom.product_uom_hour").id,
                }
            )
        self.env["account.analytic.line"].sudo().create(vals_list)
        work_order.write(
            {
                "cost_posted": True,
                "labour_cost": float(labour),
                "cost_total": float(total),
            }
        )
        notes = []
        if work_order.time_spent and not hourly_cost:
            notes.append(
                self.env._(
                    "The time spent is not costed: set the hourly labour cost of "
                    "department %(department)s or of the company.",
                    department=work_order.department_id.name,
                )
            )
        free = materials.filtered(lambda m: m.unit_cost <= 0)
        if free:
            notes.append(
                self.env._(
                    "These materials have no cost price and are not costed: %s.",
                    ", ".join(free.product_id.mapped("display_name")),
                )
            )
        for note in notes:
            work_order.message_post(body=note)

    def action_view_cost_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_site_revenue_cost_action"
        )
        action["display_name"] = self.env._("Costs: %s", self.name)
        action["domain"] = [("property_work_order_id", "=", self.id)]
        action["view_mode"] = "list,pivot"
        action["views"] = [(False, "list"), (False, "pivot")]
        return action

    # ------------------------------------------------------------------
    # Billing of paid services
    # ------------------------------------------------------------------
    def _service_payer(self):
        """Who pays a paid service: the tenant of the unit's archive (the
        customer of the item when it has none)."""
        self.ensure_one()
        return (self.occupancy_id.tenant_id or self.partner_id).commercial_partner_id

    def _service_has_billing_plan(self):
        self.ensure_one()
        return bool(
            self.occupancy_id
            and self.env["property.billing.plan"]
            .sudo()
            .search_count(
                [
                    ("occupancy_id", "=", self.occupancy_id.id),
                    ("state", "=", "running"),
                ],
                limit=1,
            )
        )

    def _bill_paid_service(self):
        """On completion: onto the next bill of the tenant archive, or onto
        an invoice now, as the site says.  Without a running billing plan
        there is no next bill: the service is invoiced now."""
        self.ensure_one()
        work_order = self.sudo()
        mode = work_order.site_id.paid_service_billing or "next_bill"
        if mode == "next_bill" and not work_order._service_has_billing_plan():
            mode = "immediate"
            work_order.message_post(
                body=self.env._(
                    "The tenant archive has no running billing plan, so there "
                    "is no next bill: the paid service is invoiced now."
                )
            )
        work_order.service_billing = mode
        if mode == "immediate":
            work_order._invoice_paid_service_safely()

    def _invoice_paid_service_safely(self):
        """Invoice now; a failure (e.g. no sales journal) never undoes the
        completion: it is recorded on the order and the billing staff of the
        site get an activity to invoice it."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._create_service_invoice()
        except (UserError, ValidationError) as error:
            site = self.site_id.sudo()
            user = site._dunning_collector() or self.env.user
            message = self.env._(
                "The paid service could not be invoiced: %s", error.args[0]
            )
            self.sudo().message_post(body=message)
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._("Invoice the paid service"),
                note=message,
            )

    def _service_journal(self):
        self.ensure_one()
        journal = self.site_id.sudo().billing_journal_id
        if not journal:
            Journal = self.env["account.journal"].sudo()
            journal = Journal.search(
                [
                    *Journal._check_company_domain(self.company_id),
                    ("type", "=", "sale"),
                ],
                limit=1,
            )
        if not journal:
            raise UserError(
                self.env._(
                    "Choose the sales journal of site %s (Billing tab) to invoice "
                    "its paid services.",
                    self.site_id.name,
                )
            )
        return journal

    def _service_line_label(self, line):
        unit = self.unit_id.code
        label = f"{self.name} {line.name}"
        return f"{label} ({unit})" if unit else label

    def _create_service_invoice(self):
        """A posted customer invoice of the paid service, one line per quote
        line, with the property fields of a bill (tenant archive, fee item,
        day of service) so that it is paid on the portal like any bill.
        Created by the system: technicians have no invoicing rights."""
        self.ensure_one()
        work_order = self.sudo()
        if not work_order.quote_line_ids:
            raise UserError(
                self.env._("Work order %s has no quote to invoice.", work_order.name)
            )
        site = work_order.site_id
        company = work_order.company_id
        day = work_order.service_date or fields.Date.context_today(self)
        analytic = site._billing_analytic_account()
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": work_order._service_payer().id,
                    "journal_id": work_order._service_journal().id,
                    "invoice_date": day,
                    "invoice_date_due": day
                    + timedelta(days=site.billing_due_days or 0),
                    "invoice_origin": work_order.name,
                    "property_site_id": site.id,
                    "property_period_start": month_start(day),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.fee_item_id.product_id.id,
                                "name": work_order._service_line_label(line),
                                "quantity": line.quantity,
                                "price_unit": line.price_unit,
                                "analytic_distribution": {str(analytic.id): 100},
                                "property_occupancy_id": work_order.occupancy_id.id,
                                "property_fee_item_id": line.fee_item_id.id,
                                "property_period_start": day,
                                "property_period_end": day,
                            }
                        )
                        for line in work_order.quote_line_ids
                    ],
                }
            )
        )
        move.action_post()
        work_order.write(
            {"service_billing": "immediate", "service_invoice_id": move.id}
        )
        work_order.message_post(
            body=Markup("%s %s")
            % (self.env._("Paid service invoiced:"), move._get_html_link())
        )
        return move

    def action_invoice_paid_service(self):
        """Invoice a paid service now (one not billed yet, or whose invoice
        was cancelled or credited)."""
        if not self.env.user.has_group("property_billing.group_property_fee_collector"):
            raise UserError(
                self.env._("Only fee collectors can invoice paid services.")
            )
        for work_order in self:
            if work_order.service_state != "to_bill":
                raise UserError(
                    self.env._(
                        "Work order %s is not a completed paid service waiting to "
                        "be billed.",
                        work_order.name,
                    )
                )
            work_order._create_service_invoice()
        return True

    def action_view_service_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.service_invoice_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
