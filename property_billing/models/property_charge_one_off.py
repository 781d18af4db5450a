from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from .property_fee_item import ONE_OFF_KINDS

ONE_OFF_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("to_bill", "Waiting for the Next Bill"),
    ("billed", "Billed"),
    ("released", "Released"),
    ("refunded", "Deposit Refunded"),
    ("cancel", "Cancelled"),
]

ONE_OFF_BILLING = [
    ("now", "Invoice Now"),
    ("next_run", "On the Next Bill"),
]

# what prices a charge: fixed once it is approved
PRICING_FIELDS = {"occupancy_id", "item_id", "date", "quantity"}

# the states in which a charge waits to be billed
READY_STATES = ("approved", "to_bill")


class PropertyChargeOneOff(models.Model):
    """A one-off charge (一次性收费) of a tenant archive: a fee item of kind
    one-off or deposit (decoration management fee, rubbish removal, card
    replacement, decoration deposit, …) priced by the approved fee standard
    in force on its date (rate × quantity), approved first when the item
    asks for it, and billed either at once (its own posted invoice) or on
    the archive's next billing run (see property.charge.source.one_off).

    Never billed twice: billing a charge writes its own billed-period key
    (archive, item, date and the charge itself), so two charges of the same
    item are two bills while a charge cannot be billed a second time.
    The key follows the rule of every key: cancelling or crediting the
    invoice (a credit note made in Accounting) releases it, and the charge
    waits to be billed again ("Approved" when it is invoiced at once,
    "Waiting for the Next Bill" otherwise) — the bill is corrected, the
    charge still stands.  "Release" on the charge credits its invoice line
    and withdraws the charge for good ("Released").

    Deposits are never revenue: their item books on a liability account.
    A paid deposit is refunded by ONE credit note (out_refund, no reversal
    of the deposit invoice): its deposit line debits the liability by the
    whole deposit, its "deposit deduction" line credits income by the part
    kept (with the reason in its label), so the credit note's total is the
    part given back, left on the tenant's receivable for Accounting to pay
    out (Register Payment on the credit note).  The liability account then
    holds, per tenant archive, exactly the deposits billed and not
    refunded; ``deposit_held`` counts those paid."""

    _name = "property.charge.one.off"
    _description = "One-off Charge"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Label",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Printed on the bill.",
    )
    occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    unit_id = fields.Many2one(related="occupancy_id.unit_id", store=True)
    site_id = fields.Many2one(related="occupancy_id.site_id", store=True, index=True)
    company_id = fields.Many2one(
        related="occupancy_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    payer_id = fields.Many2one(
        "res.partner",
        compute="_compute_payer_id",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        tracking=True,
        index=True,
    )
    item_id = fields.Many2one(
        "property.fee.item",
        string="Fee Item",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('kind', 'in', ('one_off', 'deposit'))]",
    )
    item_kind = fields.Selection(related="item_id.kind", store=True)
    uom_name = fields.Char(related="item_id.uom_name", string="Unit of Measure")
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="The approved fee standard in force on this day prices the charge.",
    )
    quantity = fields.Float(
        compute="_compute_quantity",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Unit of Measure",
        tracking=True,
        help="Area (m²) for an item priced per m², otherwise a count.",
    )
    standard_id = fields.Many2one(
        "property.fee.standard",
        string="Fee Standard",
        compute="_compute_standard",
        store=True,
    )
    price_unit = fields.Float(
        string="Rate",
        compute="_compute_standard",
        store=True,
        digits="Product Price",
        tracking=True,
    )
    amount = fields.Monetary(compute="_compute_amount", store=True, tracking=True)
    billing = fields.Selection(
        ONE_OFF_BILLING, required=True, default="now", tracking=True
    )
    state = fields.Selection(
        ONE_OFF_STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    key_id = fields.Many2one(
        "property.billing.key",
        string="Billed Period",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, copy=False, tracking=True
    )
    move_line_id = fields.Many2one("account.move.line", readonly=True, copy=False)
    refund_move_id = fields.Many2one(
        "account.move", string="Credit Note", readonly=True, copy=False, tracking=True
    )
    paid = fields.Boolean(compute="_compute_paid", store=True)
    amount_kept = fields.Monetary(
        string="Kept from Deposit", readonly=True, copy=False, tracking=True
    )
    kept_reason = fields.Text(string="Reason Kept", readonly=True, copy=False)
    # what the charge comes from (e.g. a decoration application)
    origin_ref = fields.Char(string="Origin", tracking=True)
    res_model = fields.Char(string="Origin Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Origin Record", model_field="res_model", readonly=True, index=True
    )
    note = fields.Text()

    @api.depends("item_id", "occupancy_id")
    def _compute_name(self):
        for charge in self:
            if charge.item_id and charge.state == "draft":
                lang = charge.payer_id.lang or self.env.lang
                item_name = charge.item_id.with_context(lang=lang).name
                unit = charge.occupancy_id.unit_id.code
                charge.name = f"{item_name} {unit}" if unit else item_name
            elif not charge.name:
                charge.name = False

    @api.depends("occupancy_id")
    def _compute_payer_id(self):
        """Who pays the archive's bills: the payer of its running billing
        plan (e.g. the owner), else the tenant."""
        for charge in self:
            if charge.payer_id and charge.state != "draft":
                continue
            occupancy = charge.occupancy_id
            plans = occupancy.billing_plan_ids.filtered(lambda p: p.state == "running")
            charge.payer_id = (
                plans[:1].payer_id or occupancy.tenant_id.commercial_partner_id
            )

    @api.depends("item_id", "occupancy_id")
    def _compute_quantity(self):
        for charge in self:
            if charge.state != "draft":
                continue
            per_area = (charge.item_id.uom_name or "").strip() in ("m²", "m2", "㎡")
            charge.quantity = (
                charge.occupancy_id.unit_id.area if per_area else 0.0
            ) or 1.0

    @api.depends(
        "item_id",
        "date",
        "occupancy_id.unit_id.usage",
        "occupancy_id.tenant_kind",
    )
    def _compute_standard(self):
        Standard = self.env["property.fee.standard"]
        for charge in self:
            if charge.state not in ("draft", "to_approve"):
                continue  # priced for good once confirmed
            occupancy = charge.occupancy_id
            standard = Standard
            if charge.item_id and occupancy and charge.date:
                standard = Standard._find_standard(
                    charge.item_id,
                    occupancy.site_id,
                    occupancy.unit_id.usage,
                    occupancy.tenant_kind,
                    charge.date,
                )
            charge.standard_id = standard
            charge.price_unit = standard.rate

    @api.depends("quantity", "price_unit", "currency_id")
    def _compute_amount(self):
        for charge in self:
            amount = charge.quantity * charge.price_unit
            charge.amount = (
                charge.currency_id.round(amount) if charge.currency_id else amount
            )

    @api.depends("state", "move_id.payment_state")
    def _compute_paid(self):
        for charge in self:
            charge.paid = charge.state in ("billed", "refunded") and (
                charge.move_id.payment_state in ("paid", "in_payment")
            )

    @api.depends("name", "item_id", "unit_id", "date")
    def _compute_display_name(self):
        for charge in self:
            charge.display_name = " ".join(
                part
                for part in (
                    charge.item_id.code,
                    charge.unit_id.code,
                    charge.date and f"{charge.date:%Y-%m-%d}",
                )
                if part
            ) or (charge.name or "")

    @api.constrains("quantity")
    def _check_quantity(self):
        for charge in self:
            if charge.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of one-off charge %(charge)s must be "
                        "greater than zero (an area in m² or a count).",
                        charge=charge.display_name,
                    )
                )

    @api.constrains("item_id")
    def _check_item_kind(self):
        for charge in self:
            if charge.item_id.kind not in ONE_OFF_KINDS:
                raise ValidationError(
                    self.env._(
                        "%(item)s is billed every cycle from the billing plan, "
                        "not as a one-off charge: choose a one-off fee item or "
                        "a deposit.",
                        item=charge.item_id.name,
                    )
                )

    def write(self, vals):
        if PRICING_FIELDS & set(vals) and self.filtered(
            lambda c: c.state not in ("draft", "to_approve")
        ):
            raise UserError(
                self.env._(
                    "A one-off charge is priced for good once approved: cancel "
                    "it and charge again to change its item, date or quantity."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        if any(charge.state not in ("draft", "cancel") for charge in self):
            raise UserError(
                self.env._(
                    "Only a draft or cancelled one-off charge can be deleted; "
                    "cancel it or release its bill instead."
                )
            )

    # ------------------------------------------------------------------
    # Flow
    # ------------------------------------------------------------------
    def _check_state(self, states, message):
        """Refuse unless every charge is in one of ``states``; ``message``
        (translated) names the charge and its state."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for charge in self:
            if charge.state not in states:
                raise UserError(
                    message
                    % {"charge": charge.display_name, "state": labels[charge.state]}
                )

    def _ready_state(self):
        self.ensure_one()
        return "to_bill" if self.billing == "next_run" else "approved"

    def _check_priced(self):
        for charge in self:
            if not charge.standard_id:
                raise UserError(
                    self.env._(
                        "No approved fee standard of %(item)s for unit %(unit)s "
                        "on %(date)s: nothing may be charged without one.",
                        item=charge.item_id.name,
                        unit=charge.unit_id.code,
                        date=charge.date,
                    )
                )
            if float_is_zero(charge.amount, precision_digits=2):
                raise UserError(
                    self.env._(
                        "One-off charge %(charge)s amounts to nothing: check its "
                        "quantity and fee standard.",
                        charge=charge.display_name,
                    )
                )

    def action_confirm(self):
        """Draft → To Approve when the item asks for a billing manager's
        approval, otherwise ready to bill."""
        self._check_state(
            ("draft",),
            self.env._(
                "Only a draft one-off charge can be confirmed: %(charge)s is %(state)s."
            ),
        )
        self._check_priced()
        for charge in self:
            if charge.item_id.one_off_approval:
                charge.state = "to_approve"
            else:
                charge.state = charge._ready_state()
        return True

    def _check_manager(self):
        if not self.env.user.has_group(
            "property_billing.group_property_billing_manager"
        ):
            raise UserError(
                self.env._(
                    "Only a billing manager may approve, release or refund a "
                    "one-off charge."
                )
            )

    def action_approve(self):
        self._check_manager()
        self._check_state(
            ("to_approve",),
            self.env._(
                "Only a one-off charge waiting for approval can be approved: "
                "%(charge)s is %(state)s."
            ),
        )
        for charge in self:
            charge.write(
                {"state": charge._ready_state(), "approved_by_id": self.env.uid}
            )
        return True

    def action_cancel(self):
        self._check_state(
            ("draft", "to_approve", "approved", "to_bill"),
            self.env._(
                "A billed one-off charge cannot be cancelled, release it "
                "instead: %(charge)s is %(state)s."
            ),
        )
        self.write({"state": "cancel"})
        return True

    def action_draft(self):
        self._check_state(
            ("cancel",),
            self.env._(
                "Only a cancelled one-off charge can be reset to draft: "
                "%(charge)s is %(state)s."
            ),
        )
        self.write({"state": "draft", "approved_by_id": False})
        return True

    # ------------------------------------------------------------------
    # Billing at once
    # ------------------------------------------------------------------
    def _lock(self):
        """Lock the charges' rows: billing the same charge twice at the same
        time waits here and then finds it billed."""
        self.env.cr.execute(
            "SELECT id FROM property_charge_one_off WHERE id IN %s FOR UPDATE",
            [tuple(self.ids)],
        )
        self.invalidate_recordset(["state"])

    def _journal(self):
        self.ensure_one()
        return self.site_id.billing_journal_id or self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "sale"),
            ],
            limit=1,
        )

    def _invoice_line_vals(self):
        self.ensure_one()
        analytic = self.site_id._billing_analytic_account()
        return {
            "product_id": self.item_id.product_id.id,
            "name": self.name,
            "quantity": self.quantity,
            "price_unit": self.price_unit,
            "analytic_distribution": {str(analytic.id): 100} if analytic else False,
            "property_occupancy_id": self.occupancy_id.id,
            "property_fee_item_id": self.item_id.id,
            "property_period_start": self.date,
            "property_period_end": self.date,
            "property_one_off_charge_id": self.id,
        }

    def _invoice_vals(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        return {
            "move_type": "out_invoice",
            "partner_id": self.payer_id.id,
            "journal_id": self._journal().id,
            "invoice_date": today,
            "invoice_date_due": today + timedelta(days=self.site_id.billing_due_days),
            "invoice_origin": self.origin_ref or self.display_name,
            "property_site_id": self.site_id.id,
            "property_period_start": self.date.replace(day=1),
            "invoice_line_ids": [Command.create(self._invoice_line_vals())],
        }

    def action_bill_now(self):
        """Invoice each charge at once (its own posted invoice); return the
        invoices."""
        if not self:
            return self.env["account.move"]
        self._lock()
        self._check_state(
            READY_STATES,
            self.env._(
                "Only an approved one-off charge not billed yet can be "
                "invoiced: %(charge)s is %(state)s."
            ),
        )
        moves = self.env["account.move"]
        for charge in self:
            move = (
                self.env["account.move"]
                .with_company(charge.company_id)
                .create(charge._invoice_vals())
            )
            line = move.invoice_line_ids
            key = (
                self.env["property.billing.key"]
                .sudo()
                .create(
                    {
                        "occupancy_id": charge.occupancy_id.id,
                        "item_id": charge.item_id.id,
                        "period_start": charge.date,
                        "period_end": charge.date,
                        "move_id": move.id,
                        "move_line_id": line.id,
                        "one_off_charge_id": charge.id,
                        "company_id": charge.company_id.id,
                    }
                )
            )
            move.action_post()
            charge._mark_billed(key)
            moves |= move
        return moves

    def _mark_billed(self, key):
        self.ensure_one()
        self.write(
            {
                "state": "billed",
                "key_id": key.id,
                "move_id": key.move_id.id,
                "move_line_id": key.move_line_id.id,
            }
        )

    def _key_released(self):
        """The invoice of these charges was cancelled or credited: they wait
        to be billed again (see the class)."""
        for charge in self.filtered(lambda c: c.state == "billed"):
            charge.state = charge._ready_state()
            charge.message_post(
                body=self.env._(
                    "Invoice %(move)s was cancelled or credited: the charge "
                    "waits to be billed again.",
                    move=charge.move_id.name,
                )
            )

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": (self.refund_move_id or self.move_id).id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Release and deposit refund: credit notes
    # ------------------------------------------------------------------
    def _refund_line_vals(self, product, name, price_unit):
        self.ensure_one()
        return {
            "product_id": product.id,
            "name": name,
            "quantity": 1.0,
            "price_unit": price_unit,
            "tax_ids": [Command.clear()],
            "analytic_distribution": self.move_line_id.analytic_distribution,
            "property_occupancy_id": self.occupancy_id.id,
        }

    def _credit_note(self, line_vals, reversed_move=None):
        self.ensure_one()
        today = fields.Date.context_today(self)
        refund = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": self.payer_id.id,
                    "journal_id": self.move_id.journal_id.id,
                    "invoice_date": today,
                    "invoice_origin": self.move_id.name,
                    "ref": self.display_name,
                    "reversed_entry_id": reversed_move.id if reversed_move else False,
                    "property_site_id": self.site_id.id,
                    "invoice_line_ids": [Command.create(v) for v in line_vals],
                }
            )
        )
        refund.action_post()
        return refund

    def action_release(self):
        """Credit the invoice line of each billed charge and withdraw the
        charge (the credit note releases its billed-period key)."""
        self._check_manager()
        self._check_state(
            ("billed",),
            self.env._(
                "Only a billed one-off charge can be released: %(charge)s is %(state)s."
            ),
        )
        for charge in self:
            if charge.item_kind == "deposit" and charge.paid:
                raise UserError(
                    self.env._(
                        "Deposit %(charge)s is paid: refund it (keeping part "
                        "of it if need be) instead of releasing its bill.",
                        charge=charge.display_name,
                    )
                )
            if charge.move_id.state != "posted":
                raise UserError(
                    self.env._(
                        "Invoice %(move)s of %(charge)s is not posted: post it "
                        "or remove it from its billing run first.",
                        move=charge.move_id.display_name,
                        charge=charge.display_name,
                    )
                )
            line = charge.move_line_id
            vals = charge._refund_line_vals(line.product_id, line.name, line.price_unit)
            vals.update(
                quantity=line.quantity,
                discount=line.discount,
                tax_ids=[Command.set(line.tax_ids.ids)],
                property_fee_item_id=charge.item_id.id,
                property_period_start=line.property_period_start,
                property_period_end=line.property_period_end,
                property_one_off_charge_id=charge.id,
            )
            refund = charge._credit_note([vals], reversed_move=charge.move_id)
            # an unpaid invoice is settled by its credit note
            receivable = (charge.move_id | refund).line_ids.filtered(
                lambda ml: (
                    ml.account_id.account_type == "asset_receivable"
                    and not ml.reconciled
                )
            )
            if receivable.move_id == charge.move_id | refund:
                receivable.reconcile()
            charge.write({"state": "released", "refund_move_id": refund.id})
        return True

    def action_refund_deposit(self, amount_kept=0.0, reason=None):
        """Refund a paid deposit, keeping ``amount_kept`` as income for
        ``reason``: ONE credit note (see the class).  Returns it."""
        self.ensure_one()
        self._check_manager()
        self._check_deposit_refund(amount_kept, reason)
        line = self.move_line_id
        vals = [
            self._refund_line_vals(
                line.product_id,
                self.env._("Refund of deposit %(charge)s", charge=self.display_name),
                self.amount,
            )
        ]
        vals[0]["property_fee_item_id"] = self.item_id.id
        if amount_kept:
            vals.append(
                self._refund_line_vals(
                    self.item_id._deposit_deduction_product(),
                    self.env._(
                        "Kept from deposit %(charge)s: %(reason)s",
                        charge=self.display_name,
                        reason=reason,
                    ),
                    -amount_kept,
                )
            )
        refund = self._credit_note(vals)
        self.write(
            {
                "state": "refunded",
                "refund_move_id": refund.id,
                "amount_kept": amount_kept,
                "kept_reason": reason or False,
            }
        )
        return refund

    def _check_deposit_refund(self, amount_kept, reason):
        if self.item_id.kind != "deposit":
            raise UserError(
                self.env._(
                    "%(charge)s is not a deposit: release its bill instead.",
                    charge=self.display_name,
                )
            )
        if self.state != "billed" or not self.paid:
            raise UserError(
                self.env._(
                    "Deposit %(charge)s can be refunded only once it is paid "
                    "and not refunded yet.",
                    charge=self.display_name,
                )
            )
        digits = self.currency_id.decimal_places
        if (
            float_compare(amount_kept, 0.0, precision_digits=digits) < 0
            or float_compare(amount_kept, self.amount, precision_digits=digits) > 0
        ):
            raise ValidationError(
                self.env._(
                    "The amount kept from deposit %(charge)s must be between "
                    "0 and %(amount)s.",
                    charge=self.display_name,
                    amount=self.currency_id.format(self.amount),
                )
            )
        if amount_kept and not (reason or "").strip():
            raise ValidationError(
                self.env._(
                    "Say why part of deposit %(charge)s is kept: the reason is "
                    "printed on the tenant's credit note.",
                    charge=self.display_name,
                )
            )

    def action_open_deposit_refund(self):
        self.ensure_one()
        self._check_deposit_refund(0.0, None)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refund Deposit"),
            "res_model": "property.deposit.refund",
            "view_mode": "form",
            "target": "new",
            "context": {"default_charge_id": self.id},
        }
