from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..utils import completeness_percent, periods_overlap

TENANT_KINDS = [
    ("anchor", "Anchor Tenant"),
    ("small", "Small Merchant"),
    ("resident", "Resident"),
]

OCCUPANCY_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("ended", "Ended"),
    ("cancel", "Cancelled"),
]

# Fields of an occupancy that an archive requirement can ask for. Completeness
# depends on them, so they are listed once here and in the compute's depends.
REQUIRABLE_FIELDS = [
    ("handover_date", "Handover Date"),
    ("move_in_date", "Move-in Date"),
    ("member_ids", "Household / Staff Members"),
    ("emergency_contact_name", "Emergency Contact"),
    ("emergency_contact_phone", "Emergency Contact Phone"),
    ("tenant_phone", "Tenant Phone"),
    ("tenant_email", "Tenant Email"),
    ("tenant_vat", "Tenant Tax ID / ID Number"),
    ("agent_id", "Responsible Agent"),
]


class PropertyOccupancy(models.Model):
    _name = "property.occupancy"
    _description = "Occupancy (Tenant Archive)"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "property.sequence.mixin",
    ]
    _order = "move_in_date desc, id desc"
    _sequence_code = "property.occupancy"
    _check_company_auto = True
    _rec_names_search = ["name", "unit_id.code", "tenant_id.name"]

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    state = fields.Selection(
        OCCUPANCY_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    unit_id = fields.Many2one(
        "property.unit",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    site_id = fields.Many2one(
        related="unit_id.site_id", store=True, index=True, precompute=True
    )
    building_id = fields.Many2one(
        related="unit_id.building_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="unit_id.company_id", store=True, index=True, precompute=True
    )
    unit_area = fields.Float(related="unit_id.area", string="Floor Area (m²)")
    unit_usage = fields.Selection(related="unit_id.usage", string="Usage")
    tenant_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The company or person who occupies the unit.",
    )
    tenant_is_company = fields.Boolean(related="tenant_id.is_company")
    tenant_phone = fields.Char(related="tenant_id.phone", readonly=False)
    tenant_email = fields.Char(related="tenant_id.email", readonly=False)
    tenant_vat = fields.Char(
        related="tenant_id.vat", readonly=False, string="Tax ID / ID Number"
    )
    tenant_kind = fields.Selection(
        TENANT_KINDS,
        required=True,
        default="resident",
        tracking=True,
        index=True,
        help="Anchor tenants (主力商户) need firm collection, small merchants "
        "(小商户) are reminded of the property handbook, residents (社区居民) "
        "are served as a community.",
    )
    agent_id = fields.Many2one(
        "res.users",
        string="Responsible Agent",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user if not self.env.user.share else False,
    )
    handover_date = fields.Date(
        tracking=True, help="Date the keys were handed over (入伙日期)."
    )
    move_in_date = fields.Date(
        tracking=True, help="Date the tenant moved in (入住日期)."
    )
    move_out_date = fields.Date(tracking=True, copy=False)
    member_ids = fields.One2many(
        "property.occupancy.member",
        "occupancy_id",
        string="Members",
        copy=True,
    )
    member_count = fields.Integer(compute="_compute_member_count")
    emergency_contact_name = fields.Char(string="Emergency Contact", tracking=True)
    emergency_contact_phone = fields.Char(tracking=True)
    emergency_contact_relation = fields.Char(string="Relation to Tenant")
    document_ids = fields.One2many(
        "property.document", "occupancy_id", string="Documents"
    )
    document_count = fields.Integer(compute="_compute_document_count")
    note = fields.Html()

    required_item_count = fields.Integer(
        compute="_compute_completeness",
        store=True,
        aggregator="sum",
        string="Required Items",
    )
    present_item_count = fields.Integer(
        compute="_compute_completeness",
        store=True,
        aggregator="sum",
        string="Present Items",
    )
    completeness = fields.Float(
        string="Completeness (%)",
        compute="_compute_completeness",
        store=True,
        aggregator="avg",
        digits=(16, 2),
    )
    is_archive_complete = fields.Boolean(
        string="Archive Complete",
        compute="_compute_completeness",
        store=True,
        index=True,
    )
    missing_items = fields.Text(
        compute="_compute_completeness",
        store=True,
        help="The required documents and fields that the archive still lacks.",
    )

    @api.model
    def _sequence_company(self, vals):
        if vals.get("unit_id"):
            return self.env["property.unit"].browse(vals["unit_id"]).company_id
        return super()._sequence_company(vals)

    @api.model_create_multi
    def create(self, vals_list):
        occupancies = super().create(vals_list)
        occupancies.unit_id._sync_status_from_occupancy()
        return occupancies

    def write(self, vals):
        units_before = self.unit_id
        res = super().write(vals)
        if {"state", "unit_id"} & set(vals):
            (units_before | self.unit_id)._sync_status_from_occupancy()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        for occupancy in self:
            if occupancy.state not in ("draft", "cancel"):
                raise UserError(
                    self.env._(
                        "Occupancy %(name)s is part of the tenant archive and "
                        "cannot be deleted. End it or cancel it instead.",
                        name=occupancy.name,
                    )
                )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for occupancy in self:
            occupancy.access_url = f"/my/units/{occupancy.id}"
        return res

    @api.depends("name", "unit_id.code", "tenant_id.name")
    def _compute_display_name(self):
        for occupancy in self:
            parts = [occupancy.unit_id.code, occupancy.tenant_id.name]
            occupancy.display_name = " - ".join(p for p in parts if p) or (
                occupancy.name or ""
            )

    def _compute_member_count(self):
        counts = {
            occupancy.id: count
            for occupancy, count in self.env["property.occupancy.member"]._read_group(
                [("occupancy_id", "in", self.ids)], ["occupancy_id"], ["__count"]
            )
        }
        for occupancy in self:
            occupancy.member_count = counts.get(occupancy.id, 0)

    def _compute_document_count(self):
        counts = {
            occupancy.id: count
            for occupancy, count in self.env["property.document"]._read_group(
                [("occupancy_id", "in", self.ids)], ["occupancy_id"], ["__count"]
            )
        }
        for occupancy in self:
            occupancy.document_count = counts.get(occupancy.id, 0)

    # ------------------------------------------------------------------
    # Archive completeness (档案完好率)
    # ------------------------------------------------------------------
    @api.depends(
        "tenant_kind",
        "company_id",
        "document_ids.document_type_id",
        "document_ids.attachment_ids",
        "document_ids.verified_by_id",
        "document_ids.expiry_state",
        "document_ids.active",
        *[name for name, _label in REQUIRABLE_FIELDS],
    )
    def _compute_completeness(self):
        requirements = (
            self.env["property.archive.requirement"]
            .with_context(active_test=True)
            .search([("company_id", "in", self.company_id.ids + [False])])
        )
        # the rules that apply to a (company, tenant kind), computed once
        applicable_by_key = {}
        for occupancy in self:
            key = (occupancy.company_id.id, occupancy.tenant_kind)
            if key not in applicable_by_key:
                applicable_by_key[key] = requirements.filtered(
                    lambda r, occ=occupancy: (
                        (not r.tenant_kind or r.tenant_kind == occ.tenant_kind)
                        and (not r.company_id or r.company_id == occ.company_id)
                    )
                )
            applicable = applicable_by_key[key]
            valid_types = occupancy._valid_document_types()
            missing = applicable.filtered(
                lambda r, occ=occupancy, types=valid_types: (
                    not r._is_satisfied_by(occ, types)
                )
            )
            required = len(applicable)
            present = required - len(missing)
            occupancy.required_item_count = required
            occupancy.present_item_count = present
            occupancy.completeness = completeness_percent(present, required)
            occupancy.is_archive_complete = not missing
            occupancy.missing_items = "\n".join(missing.mapped("name")) or False

    def _valid_document_types(self):
        """Document types for which the archive holds a usable document:
        not expired, and filed with at least one file or its original
        checked by an agent (verified: a paper document held at the office,
        e.g. brought over from the former system at go-live)."""
        self.ensure_one()
        return self.document_ids.filtered(
            lambda d: (
                d.active
                and (d.attachment_ids or d.verified_by_id)
                and d.expiry_state != "expired"
            )
        ).document_type_id

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("handover_date", "move_in_date", "move_out_date")
    def _check_dates_order(self):
        for occupancy in self:
            if (
                occupancy.handover_date
                and occupancy.move_in_date
                and occupancy.move_in_date < occupancy.handover_date
            ):
                raise ValidationError(
                    self.env._(
                        "The move-in date (%(move_in)s) of %(name)s cannot be "
                        "before the handover date (%(handover)s). The tenant "
                        "receives the keys first, then moves in.",
                        move_in=occupancy.move_in_date,
                        handover=occupancy.handover_date,
                        name=occupancy.display_name,
                    )
                )
            if (
                occupancy.move_in_date
                and occupancy.move_out_date
                and occupancy.move_out_date < occupancy.move_in_date
            ):
                raise ValidationError(
                    self.env._(
                        "The move-out date (%(move_out)s) of %(name)s cannot be "
                        "before the move-in date (%(move_in)s).",
                        move_out=occupancy.move_out_date,
                        move_in=occupancy.move_in_date,
                        name=occupancy.display_name,
                    )
                )

    def _period(self):
        self.ensure_one()
        return (self.move_in_date or self.handover_date, self.move_out_date)

    @api.constrains(
        "unit_id", "state", "handover_date", "move_in_date", "move_out_date"
    )
    def _check_no_overlap(self):
        """Two live occupancies (active or ended) of a unit never overlap.

        The unit rows are locked first, so that two users activating
        occupancies of the same unit at the same moment are serialised.
        """
        live = self.filtered(lambda o: o.state in ("active", "ended"))
        if not live:
            return
        self.env.cr.execute(
            "SELECT id FROM property_unit WHERE id IN %s FOR NO KEY UPDATE",
            [tuple(live.unit_id.ids)],
        )
        others = self.search(
            [
                ("unit_id", "in", live.unit_id.ids),
                ("state", "in", ("active", "ended")),
            ]
        )
        for occupancy in live:
            start, end = occupancy._period()
            for other in others:
                if other == occupancy or other.unit_id != occupancy.unit_id:
                    continue
                other_start, other_end = other._period()
                if periods_overlap(start, end, other_start, other_end):
                    raise ValidationError(
                        self.env._(
                            "Unit %(unit)s is already occupied by %(other)s "
                            "(%(other_ref)s) from %(other_start)s to "
                            "%(other_end)s. Two occupancies of the same unit "
                            "cannot overlap: end the other occupancy first or "
                            "change the dates.",
                            unit=occupancy.unit_id.code,
                            other=other.tenant_id.name,
                            other_ref=other.name,
                            other_start=other_start or "-",
                            other_end=other_end or self.env._("open-ended"),
                        )
                    )

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_activate(self):
        for occupancy in self:
            if occupancy.state != "draft":
                raise UserError(
                    self.env._(
                        "Only draft occupancies can be activated (%s).",
                        occupancy.name,
                    )
                )
            if not occupancy.move_in_date:
                raise UserError(
                    self.env._(
                        "Enter the move-in date of %s before activating it.",
                        occupancy.display_name,
                    )
                )
        self.write({"state": "active"})
        return True

    def action_end(self):
        today = fields.Date.context_today(self)
        for occupancy in self:
            if occupancy.state != "active":
                raise UserError(
                    self.env._(
                        "Only active occupancies can be ended (%s).", occupancy.name
                    )
                )
            vals = {"state": "ended"}
            if not occupancy.move_out_date:
                vals["move_out_date"] = max(today, occupancy.move_in_date)
            occupancy.write(vals)
        return True

    def action_cancel(self):
        if any(occupancy.state != "draft" for occupancy in self):
            raise UserError(
                self.env._(
                    "Only draft occupancies can be cancelled; an active one is "
                    "ended with its move-out date."
                )
            )
        self.write({"state": "cancel"})
        return True

    def action_reset_to_draft(self):
        if any(occupancy.state != "cancel" for occupancy in self):
            raise UserError(
                self.env._("Only cancelled occupancies can be set back to draft.")
            )
        self.write({"state": "draft"})
        return True

    def _portal_documents(self):
        """Documents of this archive, and of its unit, shared with the tenant."""
        self.ensure_one()
        Document = self.env["property.document"]
        domain = [("portal_visible", "=", True), ("occupancy_id", "=", self.id)]
        if self.state == "active":
            domain = [
                ("portal_visible", "=", True),
                "|",
                ("occupancy_id", "=", self.id),
                "&",
                ("occupancy_id", "=", False),
                ("unit_id", "=", self.unit_id.id),
            ]
        return Document.search(domain)

    def action_preview(self):
        """Open the occupancy as the tenant sees it in the portal."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": self.get_portal_url(),
        }

    def action_view_history(self):
        """The tenancy's whole story, newest first (R-ARC-6)."""
        self.ensure_one()
        return self.env["property.timeline"].action_open(
            self.env._("History of %s", self.display_name), occupancies=self
        )

    def action_view_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_tenant.property_document_action"
        )
        action["domain"] = [("occupancy_id", "=", self.id)]
        action["context"] = {
            "default_occupancy_id": self.id,
            "default_unit_id": self.unit_id.id,
        }
        return action
