from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.property_tenant.models.property_occupancy import TENANT_KINDS
from odoo.addons.property_tenant.models.property_unit import USAGES

from ..billing import clip

STANDARD_STATES = [
    ("draft", "Draft"),
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]

# What an approval fixes: an approved standard changes only by a new version.
APPROVED_FIELDS = {
    "item_id",
    "site_id",
    "usage",
    "tenant_kind",
    "rate",
    "tier_ids",
    "daily_rate_permille",
    "grace_days",
    "cap_percent",
    "date_from",
}


class PropertyFeeStandard(models.Model):
    """A fee standard (收费标准): the approved rate of a fee item for a site,
    optionally for one unit usage or tenant kind, over a validity window.
    Only approved standards in force can be billed; a new rate is a new
    version and the old one stays as history."""

    _name = "property.fee.standard"
    _description = "Fee Standard"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "site_id, item_id, date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    item_id = fields.Many2one(
        "property.fee.item",
        string="Fee Item",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    item_kind = fields.Selection(related="item_id.kind", string="Kind")
    uom_name = fields.Char(related="item_id.uom_name")
    site_id = fields.Many2one(
        "property.site",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="site_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    usage = fields.Selection(
        USAGES,
        tracking=True,
        help="Leave empty for a rate that applies to every usage.",
    )
    tenant_kind = fields.Selection(
        TENANT_KINDS,
        tracking=True,
        help="Leave empty for a rate that applies to every kind of tenant.",
    )
    rate = fields.Float(
        digits="Product Price",
        tracking=True,
        help="Per m² per month, per month, per unit consumed, or the one-off "
        "amount, depending on the fee item.",
    )
    tier_ids = fields.One2many(
        "property.fee.standard.tier",
        "standard_id",
        string="Tiers",
        help="Graduated prices of a metered item: each band from its quantity "
        "to the next band's is priced at its own rate.",
    )
    daily_rate_permille = fields.Float(
        string="Daily Rate (‰)",
        digits=(16, 4),
        tracking=True,
        help="Late fees: per mille of the overdue amount per day late.",
    )
    grace_days = fields.Integer(tracking=True)
    cap_percent = fields.Float(
        string="Cap (% of overdue)",
        tracking=True,
        help="Late fees never exceed this share of the overdue amount.",
    )
    date_from = fields.Date(
        string="Effective From", required=True, tracking=True, index=True
    )
    date_to = fields.Date(string="Effective To", tracking=True, index=True)
    state = fields.Selection(
        STANDARD_STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    version = fields.Integer(default=1, readonly=True, copy=False)
    previous_id = fields.Many2one(
        "property.fee.standard",
        string="Previous Version",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    basis = fields.Text(
        string="Basis / Approval Reference",
        help="Price approval document or board decision this rate rests on.",
    )

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_to IS NULL OR date_to >= date_from)",
            "A fee standard cannot end before it starts.",
        ),
    ]

    @api.depends("item_id", "site_id", "usage", "tenant_kind", "version")
    def _compute_name(self):
        usages = dict(self._fields["usage"]._description_selection(self.env))
        kinds = dict(self._fields["tenant_kind"]._description_selection(self.env))
        for standard in self:
            parts = [standard.site_id.code or "", standard.item_id.name or ""]
            if standard.usage:
                parts.append(usages[standard.usage])
            if standard.tenant_kind:
                parts.append(kinds[standard.tenant_kind])
            standard.name = " / ".join(p for p in parts if p) + f" v{standard.version}"

    @api.constrains("tier_ids", "item_id")
    def _check_tiers(self):
        for standard in self:
            if not standard.tier_ids:
                continue
            if standard.item_id.kind != "metered":
                raise ValidationError(
                    self.env._("Only metered fee items can have tiered prices.")
                )
            starts = standard.tier_ids.mapped("from_quantity")
            if min(starts) != 0:
                raise ValidationError(
                    self.env._(
                        "The first price tier of %(standard)s must start at 0.",
                        standard=standard.name,
                    )
                )
            if len(set(starts)) != len(starts):
                raise ValidationError(
                    self.env._(
                        "Two price tiers of %(standard)s start at the same quantity.",
                        standard=standard.name,
                    )
                )

    @api.constrains("state", "date_from", "date_to", "item_id", "site_id")
    def _check_overlap(self):
        for standard in self.filtered(lambda s: s.state == "approved"):
            others = self.search(
                [
                    ("id", "!=", standard.id),
                    ("state", "=", "approved"),
                    ("item_id", "=", standard.item_id.id),
                    ("site_id", "=", standard.site_id.id),
                    ("usage", "=", standard.usage),
                    ("tenant_kind", "=", standard.tenant_kind),
                ]
            )
            for other in others:
                if clip(
                    standard.date_from,
                    standard.date_to or fields.Date.to_date("9999-12-31"),
                    other.date_from,
                    other.date_to,
                ):
                    raise ValidationError(
                        self.env._(
                            "%(standard)s overlaps the approved %(other)s: end "
                            "the old rate first (a new rate is a new version).",
                            standard=standard.name,
                            other=other.name,
                        )
                    )

    def write(self, vals):
        locked = APPROVED_FIELDS & set(vals)
        if locked and not self.env.context.get("property_standard_versioning"):
            approved = self.filtered(lambda s: s.state == "approved")
            if approved:
                raise UserError(
                    self.env._(
                        "Fee standard %(standard)s is approved and cannot be "
                        "changed: create a new version with the new rate.",
                        standard=approved[0].name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if any(s.state == "approved" or s.previous_id for s in self):
            raise UserError(
                self.env._(
                    "Approved fee standards and their versions are history: "
                    "they cannot be deleted. End them with an end date instead."
                )
            )

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group(
            "property_billing.group_property_billing_manager"
        ):
            raise UserError(
                self.env._("Only a billing manager can approve fee standards.")
            )

    def action_submit(self):
        for standard in self:
            if standard.state not in ("draft", "refused"):
                raise UserError(
                    self.env._(
                        "Only draft fee standards can be submitted for approval."
                    )
                )
            if standard.item_id.kind == "late_fee":
                if standard.daily_rate_permille <= 0:
                    raise UserError(
                        self.env._("Set the daily rate of the late-fee standard.")
                    )
            elif standard.rate <= 0 and not standard.tier_ids:
                raise UserError(
                    self.env._(
                        "Set the rate (or the tiers) of %(standard)s before "
                        "submitting it.",
                        standard=standard.name,
                    )
                )
        self.write({"state": "to_approve"})

    def action_approve(self):
        self._check_manager()
        for standard in self:
            if standard.state != "to_approve":
                raise UserError(
                    self.env._(
                        "Only fee standards waiting for approval can be approved."
                    )
                )
            previous = standard.previous_id
            if previous and previous.state == "approved":
                end = standard.date_from - timedelta(days=1)
                if previous.date_from > end:
                    raise UserError(
                        self.env._(
                            "The new version must start after the previous "
                            "one (%(date)s).",
                            date=previous.date_from,
                        )
                    )
                if not previous.date_to or previous.date_to > end:
                    previous.with_context(property_standard_versioning=True).write(
                        {"date_to": end}
                    )
        self.write(
            {
                "state": "approved",
                "approved_by_id": self.env.user.id,
                "approved_date": fields.Datetime.now(),
            }
        )

    def action_refuse(self):
        self._check_manager()
        self.filtered(lambda s: s.state == "to_approve").write({"state": "refused"})

    def action_reset_draft(self):
        self.filtered(lambda s: s.state == "refused").write({"state": "draft"})

    def action_new_version(self):
        """A draft copy taking over from this standard: approved, it ends
        this one the day before it starts."""
        self.ensure_one()
        if self.state != "approved":
            raise UserError(self.env._("Only an approved standard gets new versions."))
        start = max(
            fields.Date.context_today(self) + timedelta(days=1),
            self.date_from + timedelta(days=1),
        )
        new = self.copy(
            {
                "previous_id": self.id,
                "version": self.version + 1,
                "date_from": start,
                "date_to": False,
                "tier_ids": [
                    fields.Command.create(
                        {"from_quantity": t.from_quantity, "rate": t.rate}
                    )
                    for t in self.tier_ids
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Lookup
    # ------------------------------------------------------------------
    @api.model
    def _standards_by_item(self, site, items=None):
        """Approved standards of ``site`` grouped by fee item, for
        :meth:`_pick`; one query for a whole billing run."""
        domain = [("site_id", "=", site.id), ("state", "=", "approved")]
        if items is not None:
            domain.append(("item_id", "in", items.ids))
        result = {}
        for standard in self.search(domain, order="date_from desc, id desc"):
            result.setdefault(standard.item_id.id, []).append(standard)
        return result

    @api.model
    def _pick(self, candidates, usage, tenant_kind, on_date):
        """Most specific of ``candidates`` in force on ``on_date`` for the
        usage and tenant kind: a standard naming both beats one naming one,
        which beats a general one."""
        best, best_score = self.browse(), -1
        for standard in candidates:
            if standard.date_from > on_date or (
                standard.date_to and standard.date_to < on_date
            ):
                continue
            if standard.usage and standard.usage != usage:
                continue
            if standard.tenant_kind and standard.tenant_kind != tenant_kind:
                continue
            score = (2 if standard.usage else 0) + (1 if standard.tenant_kind else 0)
            if score > best_score:
                best, best_score = standard, score
        return best

    @api.model
    def _find_standard(self, item, site, usage, tenant_kind, on_date):
        """The approved standard of ``item`` billed on ``on_date`` at
        ``site`` for a unit of ``usage`` and a tenant of ``tenant_kind``
        (an empty recordset when there is none: nothing may be billed)."""
        candidates = self._standards_by_item(site, item).get(item.id, [])
        return self._pick(candidates, usage, tenant_kind, on_date)

    def _tiers(self):
        self.ensure_one()
        return [(t.from_quantity, t.rate) for t in self.tier_ids]
