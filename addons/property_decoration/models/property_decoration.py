import base64

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.property_helpdesk.utils import qr_code_data_uri

from ..utils import fee_quantity, kept_amount, periods_overlap, refund_date

# The decoration flow (装修手续, R-DEC):
#   draft → submitted → review → fees_due → permitted → works → acceptance
#   → waiting → closed;  review → draft (changes asked), review → rejected,
#   acceptance → works (rectify), cancel from the early states.
DECORATION_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("review", "Engineering Review"),
    ("fees_due", "Fees Due"),
    ("permitted", "Permit Issued"),
    ("works", "Works"),
    ("acceptance", "Acceptance"),
    ("waiting", "Waiting for Refund"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
    ("cancel", "Cancelled"),
]
# a unit cannot have two of these decorations over the same days
LIVE_STATES = (
    "draft",
    "submitted",
    "review",
    "fees_due",
    "permitted",
    "works",
    "acceptance",
)
CANCELLABLE_STATES = ("draft", "submitted", "review", "fees_due")
DEPOSIT_HELD_STATES = ("fees_due", "permitted", "works", "acceptance", "waiting")

DESK_GROUP = "property_tenant.group_property_agent"
ENGINEERING_GROUP = "property_helpdesk.group_property_technician"
SUPERVISOR_GROUP = "property_tenant.group_property_supervisor"
CHARGE_MODEL = "property.charge.one.off"


class PropertyDecoration(models.Model):
    _name = "property.decoration"
    _description = "Decoration"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "property.sequence.mixin",
    ]
    _sequence_code = "property.decoration"
    _order = "id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "unit_id.code", "partner_id.name"]

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    state = fields.Selection(
        DECORATION_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_group_expand_states",
    )
    occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain="[('state', '=', 'active')]",
    )
    unit_id = fields.Many2one(
        related="occupancy_id.unit_id", store=True, index=True, string="Unit"
    )
    site_id = fields.Many2one(related="occupancy_id.site_id", store=True, index=True)
    company_id = fields.Many2one(
        related="occupancy_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        related="occupancy_id.tenant_id", store=True, index=True, string="Tenant"
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # contractor and workers
    contractor_name = fields.Char(string="Contractor", tracking=True)
    contractor_licence = fields.Char(string="Licence No.", tracking=True)
    contractor_person = fields.Char(string="Person in Charge", tracking=True)
    contractor_phone = fields.Char(tracking=True)
    worker_ids = fields.One2many(
        "property.decoration.worker", "decoration_id", string="Workers", copy=True
    )

    # the works
    scope = fields.Text(string="Scope of Works", tracking=True)
    area = fields.Float(string="Decorated Area (m²)", digits=(16, 2), tracking=True)
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "property_decoration_attachment_rel",
        "decoration_id",
        "attachment_id",
        string="Drawings and Documents",
    )
    date_start = fields.Date(string="Planned Start", tracking=True)
    date_end = fields.Date(string="Planned End", tracking=True)
    hour_from = fields.Float(string="Working Hours From", default=8.0)
    hour_to = fields.Float(string="Working Hours To", default=18.0)
    undertaking_accepted = fields.Boolean(
        string="Undertakings Accepted",
        tracking=True,
        copy=False,
        help="The tenant and the contractor accept the decoration rules "
        "(working hours, noise, no change to structure or façade).",
    )
    undertaking_date = fields.Date(string="Undertakings Accepted On", copy=False)

    # review
    check_ids = fields.One2many(
        "property.decoration.check",
        "decoration_id",
        string="Review Checklist",
        domain=[("inspection_id", "=", False)],
    )
    review_remarks = fields.Text(tracking=True, copy=False)
    reject_reason = fields.Text(string="Rejection Reasons", tracking=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Date(string="Approved On", readonly=True, copy=False)

    # fees
    extra_item_ids = fields.Many2many(
        "property.fee.item",
        string="Other One-off Fees",
        check_company=True,
        domain="[('kind', '=', 'one_off')]",
        help="One-off fees charged at approval besides the decoration "
        "management fee and the deposit (rubbish removal, passes, …).",
    )
    charge_count = fields.Integer(compute="_compute_charges")
    charges_paid = fields.Boolean(
        string="Fees Paid", compute="_compute_charges", search="_search_charges_paid"
    )
    deposit_amount = fields.Monetary(readonly=True, copy=False, tracking=True)
    deposit_paid = fields.Boolean(readonly=True, copy=False, tracking=True)
    deposit_held = fields.Monetary(
        compute="_compute_deposit_held",
        store=True,
        help="Deposit invoiced and not yet refunded: what the liability "
        "account holds for this decoration (paid, or still to collect).",
    )

    # permit and works
    permit_date = fields.Date(string="Permit Issued On", readonly=True, copy=False)
    permit_document_id = fields.Many2one(
        "property.document", readonly=True, copy=False, check_company=True
    )
    inspection_ids = fields.One2many(
        "property.decoration.inspection", "decoration_id", string="Inspections"
    )
    violation_ids = fields.One2many(
        "property.decoration.violation", "decoration_id", string="Violations"
    )
    extension_ids = fields.One2many(
        "property.decoration.extension", "decoration_id", string="Extensions"
    )
    inspection_count = fields.Integer(compute="_compute_counts")
    violation_count = fields.Integer(compute="_compute_counts")
    deduction_total = fields.Monetary(
        string="Approved Deductions", compute="_compute_deduction_total", store=True
    )

    # acceptance and refund
    acceptance_date = fields.Date(string="Accepted On", readonly=True, copy=False)
    acceptance_remarks = fields.Text(tracking=True, copy=False)
    acceptance_rounds = fields.Integer(readonly=True, copy=False, default=0)
    acceptance_document_id = fields.Many2one(
        "property.document", readonly=True, copy=False, check_company=True
    )
    refund_date = fields.Date(
        string="Refund From", readonly=True, copy=False, tracking=True
    )
    refund_move_id = fields.Many2one(
        "account.move", string="Refund Entry", readonly=True, copy=False
    )
    is_acceptance_overdue = fields.Boolean(
        compute="_compute_is_acceptance_overdue",
        search="_search_is_acceptance_overdue",
    )
    cancel_reason = fields.Text(tracking=True, copy=False)
    color = fields.Integer()

    _sql_constraints = [
        (
            "area_positive",
            "CHECK(area >= 0)",
            "The decorated area cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in DECORATION_STATES if key not in ("cancel",)]

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for decoration in self:
            decoration.access_url = f"/my/decorations/{decoration.id}"
        return res

    @api.depends("name", "unit_id.code")
    def _compute_display_name(self):
        for decoration in self:
            parts = [decoration.name, decoration.unit_id.code]
            decoration.display_name = " - ".join(p for p in parts if p)

    def _charges(self):
        """The one-off charges (fees and deposit) of these decorations."""
        return (
            self.env[CHARGE_MODEL]
            .sudo()
            .search([("res_model", "=", self._name), ("res_id", "in", self.ids)])
        )

    def _compute_charges(self):
        charges = self._charges() if self.ids else self.env[CHARGE_MODEL]
        for decoration in self:
            own = charges.filtered(
                lambda c, d=decoration: (
                    c.res_id == d.id and c.state not in ("cancel", "released")
                )
            )
            decoration.charge_count = len(own)
            decoration.charges_paid = all(c.paid for c in own)

    def _search_charges_paid(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the fees paid."))
        unpaid = (
            self.env[CHARGE_MODEL]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("state", "not in", ("cancel", "released")),
                    ("paid", "=", False),
                ]
            )
        )
        wanted_paid = (operator == "=") == value
        return [("id", "not in" if wanted_paid else "in", unpaid.mapped("res_id"))]

    @api.depends("deposit_amount", "state")
    def _compute_deposit_held(self):
        for decoration in self:
            decoration.deposit_held = (
                decoration.deposit_amount
                if decoration.state in DEPOSIT_HELD_STATES
                else 0.0
            )

    def _compute_counts(self):
        for decoration in self:
            decoration.inspection_count = len(decoration.inspection_ids)
            decoration.violation_count = len(decoration.violation_ids)

    @api.depends("violation_ids.deduction_state", "violation_ids.deduction_amount")
    def _compute_deduction_total(self):
        for decoration in self:
            decoration.deduction_total = sum(
                decoration.violation_ids.filtered(
                    lambda v: v.deduction_state == "approved"
                ).mapped("deduction_amount")
            )

    def _compute_is_acceptance_overdue(self):
        today = fields.Date.context_today(self)
        for decoration in self:
            decoration.is_acceptance_overdue = bool(
                decoration.state in ("works", "acceptance")
                and decoration.date_end
                and decoration.date_end < today
            )

    def _search_is_acceptance_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue acceptances."))
        domain = [
            ("state", "in", ("works", "acceptance")),
            ("date_end", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for decoration in self:
            if (
                decoration.date_start
                and decoration.date_end
                and decoration.date_end < decoration.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "The planned end (%(end)s) of decoration %(name)s is "
                        "before its planned start (%(start)s).",
                        end=decoration.date_end,
                        start=decoration.date_start,
                        name=decoration.display_name,
                    )
                )

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for decoration in self:
            if not 0 <= decoration.hour_from < decoration.hour_to <= 24:
                raise ValidationError(
                    self.env._(
                        "The working hours must run forward within one day "
                        "(e.g. 08:00 to 18:00)."
                    )
                )

    @api.constrains("unit_id", "date_start", "date_end", "state")
    def _check_overlap(self):
        for decoration in self.filtered(
            lambda d: d.state in LIVE_STATES and d.date_start and d.date_end
        ):
            others = self.sudo().search(
                [
                    ("id", "!=", decoration.id),
                    ("unit_id", "=", decoration.unit_id.id),
                    ("state", "in", LIVE_STATES),
                    ("date_start", "!=", False),
                    ("date_end", "!=", False),
                ]
            )
            clash = others.filtered(
                lambda o, d=decoration: periods_overlap(
                    d.date_start, d.date_end, o.date_start, o.date_end
                )
            )[:1]
            if clash:
                raise ValidationError(
                    self.env._(
                        "Unit %(unit)s already has decoration %(other)s from "
                        "%(start)s to %(end)s: two works cannot overlap on one "
                        "unit. Choose other dates or finish the other works first.",
                        unit=decoration.unit_id.display_name,
                        other=clash.name,
                        start=clash.date_start,
                        end=clash.date_end,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(decoration.state not in ("draft", "cancel") for decoration in self):
            raise UserError(
                self.env._(
                    "Only draft or cancelled decorations can be deleted; "
                    "cancel the decoration instead."
                )
            )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _ensure_states(self, states):
        for decoration in self:
            if decoration.state not in states:
                raise UserError(
                    self.env._(
                        "Decoration %(name)s is %(state)s: this step is not "
                        "possible now.",
                        name=decoration.display_name,
                        state=decoration._state_label(),
                    )
                )

    def _check_group(self, group, role):
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(
                self.env._("Only the %(role)s can do this step.", role=role)
            )

    def _require(self, field_name, message):
        for decoration in self:
            if not (decoration[field_name] or "").strip():
                raise UserError(message)

    def _missing_for_submit(self):
        """The labels of what an application still lacks."""
        self.ensure_one()
        required = [
            "contractor_name",
            "contractor_person",
            "contractor_phone",
            "scope",
            "date_start",
            "date_end",
        ]
        missing = [
            self._fields[name].get_description(self.env)["string"]
            for name in required
            if not self[name]
        ]
        if not self.worker_ids:
            missing.append(self.env._("Workers"))
        if not self.undertaking_accepted:
            missing.append(self._fields["undertaking_accepted"].string)
        return missing

    # ------------------------------------------------------------------
    # Application and review
    # ------------------------------------------------------------------
    def action_submit(self):
        self._ensure_states(("draft",))
        for decoration in self:
            missing = decoration._missing_for_submit()
            if missing:
                raise UserError(
                    self.env._(
                        "The application %(name)s is not complete: fill in "
                        "%(missing)s.",
                        name=decoration.display_name,
                        missing=", ".join(missing),
                    )
                )
            if decoration.occupancy_id.state != "active":
                raise UserError(
                    self.env._(
                        "Only the tenant of an active archive can apply for a "
                        "decoration; %(archive)s is not active.",
                        archive=decoration.occupancy_id.display_name,
                    )
                )
        self.write({"state": "submitted"})
        for decoration in self:
            decoration.message_subscribe(decoration.partner_id.ids)
        return True

    def action_start_review(self):
        self._check_group(ENGINEERING_GROUP, self.env._("engineering"))
        self._ensure_states(("submitted",))
        items = self.env["property.decoration.check.item"].search(
            [("applies_to", "in", ("review", "both"))]
        )
        for decoration in self:
            items_here = items.filtered(
                lambda i, d=decoration: not i.company_id or i.company_id == d.company_id
            )
            decoration.write(
                {
                    "state": "review",
                    "check_ids": [fields.Command.clear()]
                    + [
                        fields.Command.create({"item_id": item.id})
                        for item in items_here
                    ],
                }
            )
        return True

    def action_return_for_changes(self):
        """Engineering asks the tenant to change the drawings (rectify at
        review): back to draft, with the remarks."""
        self._check_group(ENGINEERING_GROUP, self.env._("engineering"))
        self._ensure_states(("review",))
        self._require(
            "review_remarks",
            self.env._("Write in the review remarks what the tenant must change."),
        )
        self.write({"state": "draft", "undertaking_accepted": False})
        for decoration in self:
            decoration.message_post(
                body=self.env._(
                    "Changes asked by engineering: %(remarks)s",
                    remarks=decoration.review_remarks,
                ),
                partner_ids=decoration.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_reject(self):
        self._check_group(SUPERVISOR_GROUP, self.env._("service supervisor"))
        self._ensure_states(("submitted", "review"))
        self._require(
            "reject_reason",
            self.env._("Write the reasons for the rejection: the tenant reads them."),
        )
        self.write({"state": "rejected"})
        return True

    def action_approve(self):
        self._check_group(SUPERVISOR_GROUP, self.env._("service supervisor"))
        self._ensure_states(("review",))
        for decoration in self:
            checks = decoration.check_ids
            if not checks or any(not c.result for c in checks):
                raise UserError(
                    self.env._(
                        "Engineering has not finished the review checklist of "
                        "%(name)s: give a result to every item.",
                        name=decoration.display_name,
                    )
                )
            if any(c.result == "fail" for c in checks):
                raise UserError(
                    self.env._(
                        "An item of the review of %(name)s failed: return the "
                        "application for changes or reject it.",
                        name=decoration.display_name,
                    )
                )
        self.write(
            {
                "state": "fees_due",
                "approved_by_id": self.env.user.id,
                "approved_date": fields.Date.context_today(self),
            }
        )
        self._create_charges()
        return True

    # ------------------------------------------------------------------
    # Fees (one-off charges of property_billing)
    # ------------------------------------------------------------------
    def _fee_items(self):
        """(management fee item, deposit item) of the decoration's company:
        the settings, else the fee items coded DECO and DECO-DEP."""
        self.ensure_one()
        company = self.company_id
        Item = self.env["property.fee.item"].sudo()
        fee = company.decoration_fee_item_id or Item.search(
            [("code", "=", "DECO"), ("company_id", "=", company.id)], limit=1
        )
        deposit = company.decoration_deposit_item_id or Item.search(
            [("code", "=", "DECO-DEP"), ("company_id", "=", company.id)], limit=1
        )
        return fee, deposit

    def _charge_vals(self, item, quantity):
        self.ensure_one()
        return {
            "occupancy_id": self.occupancy_id.id,
            "payer_id": self.partner_id.commercial_partner_id.id,
            "item_id": item.id,
            "date": self.approved_date or fields.Date.context_today(self),
            "quantity": quantity,
            "billing": "now",
            "origin_ref": self.name,
            "res_model": self._name,
            "res_id": self.id,
        }

    def _create_charges(self):
        """The management fee (by area or fixed), the other one-off fees and
        the deposit, priced by their approved standards and each billed at
        once on its own invoice (a fee whose item needs a billing manager's
        approval is billed once approved)."""
        Charge = self.env[CHARGE_MODEL].sudo()
        for decoration in self:
            fee, deposit = decoration._fee_items()
            if not fee or not deposit:
                raise UserError(
                    self.env._(
                        "Set the decoration management fee and deposit items "
                        "in the settings before approving decorations."
                    )
                )
            area = decoration.area or decoration.unit_id.area
            basis = decoration.company_id.decoration_fee_basis
            items = [(fee, fee_quantity(basis, area))]
            items += [(item, 1.0) for item in decoration.extra_item_ids]
            items.append((deposit, 1.0))
            charges = Charge.create(
                [decoration._charge_vals(item, qty) for item, qty in items]
            )
            charges.action_confirm()
            charges.filtered(lambda c: c.state in ("approved", "to_bill")).with_context(
                lang=decoration.partner_id.lang or self.env.lang
            ).action_bill_now()
            # the deposit booked on the liability account (its invoice posted)
            decoration.deposit_amount = sum(
                charges.filtered(
                    lambda c, d=deposit: c.item_id == d and c.state == "billed"
                ).mapped("amount")
            )

    def _deposit_charge(self):
        self.ensure_one()
        deposit_item = self._fee_items()[1]
        return self._charges().filtered(
            lambda c: c.item_id == deposit_item and c.state in ("billed", "refunded")
        )[:1]

    def _on_charges_paid(self):
        """A payment reached an invoice of these decorations: note the
        deposit paid, issue the permit once every fee is paid."""
        self.invalidate_recordset(["charges_paid", "charge_count"])
        for decoration in self:
            deposit = decoration._deposit_charge()
            if deposit.paid and not decoration.deposit_paid:
                decoration.deposit_paid = True
            if decoration.state == "fees_due" and decoration.charges_paid:
                decoration._issue_permit()

    def action_view_charges(self):
        self.ensure_one()
        charges = self._charges()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Fees of %s", self.name),
            "res_model": CHARGE_MODEL,
            "view_mode": "list,form",
            "domain": [("id", "in", charges.ids)],
        }

    def _portal_invoices(self):
        """The invoices of the fees, for the tenant's pay links."""
        return self._charges().move_id.filtered(lambda m: m.state == "posted")

    # ------------------------------------------------------------------
    # Permit and works
    # ------------------------------------------------------------------
    def action_issue_permit(self):
        self._check_group(DESK_GROUP, self.env._("service desk"))
        self._ensure_states(("fees_due",))
        self.invalidate_recordset(["charges_paid", "charge_count"])
        for decoration in self:
            if not decoration.charges_paid:
                raise UserError(
                    self.env._(
                        "The permit of %(name)s cannot be issued: not every "
                        "fee is paid. The tenant pays in the portal or at the "
                        "counter.",
                        name=decoration.display_name,
                    )
                )
            decoration._on_charges_paid()
        return True

    def _issue_permit(self):
        for decoration in self:
            decoration.write(
                {
                    "state": "permitted",
                    "permit_date": fields.Date.context_today(self),
                }
            )
            decoration.permit_document_id = decoration._file_document(
                "property_decoration.action_report_decoration_permit",
                "property_tenant.document_type_decoration_permit",
                self.env._("Decoration Permit %s", decoration.name),
                expiry=max(decoration.date_end, decoration.permit_date),
            )
            decoration.message_post(
                body=self.env._(
                    "Every fee is paid: the decoration permit is issued. You "
                    "can download it from the portal."
                ),
                partner_ids=decoration.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def _file_document(self, report_ref, type_ref, title, expiry=False):
        """Render ``report_ref`` for this decoration and file it in the
        tenant archive (R-ARC-4) as a document of type ``type_ref``."""
        self.ensure_one()
        Report = self.env["ir.actions.report"].sudo()
        if self.env.context.get("property_decoration_html_documents"):
            # the demo is loaded without a web server: wkhtmltopdf could not
            # fetch the styles, the document is filed as HTML
            content = Report._render_qweb_html(report_ref, self.ids)[0]
            ext = "html"
        else:
            content, ext = Report._render_qweb_pdf(report_ref, self.ids)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{title}.{ext}",
                    "datas": base64.b64encode(content),
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        return (
            self.env["property.document"]
            .sudo()
            .create(
                {
                    "name": title,
                    "document_type_id": self.env.ref(type_ref).id,
                    "occupancy_id": self.occupancy_id.id,
                    "reference": self.name,
                    "issue_date": fields.Date.context_today(self),
                    "expiry_date": expiry,
                    "attachment_ids": [fields.Command.set(attachment.ids)],
                }
            )
        )

    def action_start_works(self):
        self._check_group(DESK_GROUP, self.env._("service desk"))
        self._ensure_states(("permitted",))
        self.write({"state": "works"})
        return True

    def action_request_acceptance(self):
        self._ensure_states(("works",))
        self.write({"state": "acceptance"})
        return True

    def action_rectify(self):
        """Acceptance failed: back to works, with what to put right."""
        self._check_group(ENGINEERING_GROUP, self.env._("engineering"))
        self._ensure_states(("acceptance",))
        self._require(
            "acceptance_remarks",
            self.env._("Write in the acceptance remarks what must be rectified."),
        )
        for decoration in self:
            decoration.write(
                {
                    "state": "works",
                    "acceptance_rounds": decoration.acceptance_rounds + 1,
                }
            )
            decoration.message_post(
                body=self.env._(
                    "Acceptance not passed, to rectify: %(remarks)s",
                    remarks=decoration.acceptance_remarks,
                ),
                partner_ids=decoration.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_accept(self):
        self._check_group(ENGINEERING_GROUP, self.env._("engineering"))
        self._ensure_states(("acceptance",))
        today = fields.Date.context_today(self)
        for decoration in self:
            decoration.write(
                {
                    "state": "waiting",
                    "acceptance_date": today,
                    "acceptance_rounds": decoration.acceptance_rounds + 1,
                    "refund_date": refund_date(
                        today, decoration.company_id.decoration_waiting_days
                    ),
                }
            )
            decoration.acceptance_document_id = decoration._file_document(
                "property_decoration.action_report_decoration_acceptance",
                "property_decoration.document_type_decoration_acceptance",
                self.env._("Decoration Acceptance %s", decoration.name),
            )
        return True

    # ------------------------------------------------------------------
    # Refund and cancel
    # ------------------------------------------------------------------
    def action_refund(self):
        """Refund the deposit less the approved deductions: one accounting
        document; the tenant is told in the portal and by e-mail."""
        self._check_group(SUPERVISOR_GROUP, self.env._("service supervisor"))
        self._ensure_states(("waiting",))
        today = fields.Date.context_today(self)
        for decoration in self:
            if decoration.refund_date and today < decoration.refund_date:
                raise UserError(
                    self.env._(
                        "The deposit of %(name)s can be refunded from %(date)s, "
                        "after the waiting period.",
                        name=decoration.display_name,
                        date=decoration.refund_date,
                    )
                )
            if decoration.violation_ids.filtered(
                lambda v: v.deduction_state == "proposed"
            ):
                raise UserError(
                    self.env._(
                        "A deduction proposed on %(name)s waits for the "
                        "supervisor: approve or refuse it before the refund.",
                        name=decoration.display_name,
                    )
                )
            decoration._refund_deposit()
        return True

    def _refund_deposit(self):
        self.ensure_one()
        deposit = self._deposit_charge()
        kept = kept_amount(
            self.deposit_amount,
            self.violation_ids.filtered(
                lambda v: v.deduction_state == "approved"
            ).mapped("deduction_amount"),
        )
        move = False
        if deposit:
            reasons = "; ".join(
                self.violation_ids.filtered(
                    lambda v: v.deduction_state == "approved"
                ).mapped("name")
            )
            # as the user: the refund is a billing manager's step
            move = deposit.with_env(self.env).action_refund_deposit(
                amount_kept=kept, reason=reasons
            )
        self.write({"state": "closed", "refund_move_id": move and move.id})
        template = self.env.ref("property_decoration.mail_template_decoration_refunded")
        self.message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    def action_cancel(self):
        self._check_group(DESK_GROUP, self.env._("service desk"))
        self._ensure_states(CANCELLABLE_STATES)
        self._require(
            "cancel_reason", self.env._("Write why the decoration is cancelled.")
        )
        for decoration in self:
            charges = decoration._charges().filtered(lambda c: c.state != "cancel")
            if any(c.paid for c in charges):
                raise UserError(
                    self.env._(
                        "A fee of %(name)s is already paid: it cannot be "
                        "cancelled here; refund it through accounting first.",
                        name=decoration.display_name,
                    )
                )
            charges.filtered(lambda c: c.state != "billed").action_cancel()
            billed = charges.filtered(lambda c: c.state == "billed")
            if billed:
                # an unpaid invoice is credited (a billing manager's step)
                billed.with_env(self.env).action_release()
        self.write({"state": "cancel"})
        return True

    def _amount_to_refund(self):
        """Deposit minus approved deductions, for the e-mail and the portal."""
        return self.deposit_amount - kept_amount(
            self.deposit_amount, [self.deduction_total]
        )

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Decoration Permit %s", self.name).replace("/", "-")

    def _permit_qr_data_uri(self):
        """The QR code of the permit: it opens the decoration in the portal."""
        self.ensure_one()
        return qr_code_data_uri(f"{self.get_base_url()}{self.access_url}")
