"""Shared costs (公摊费用, R-FEE-1, R-FEE-6).

A shared cost of a site (or of one building of it) for a period, e.g. the
common-area electricity of a master meter or the lift maintenance, is
apportioned over the units in its scope by floor area or by consumption
with :func:`~odoo.addons.property_billing.billing.apportion`: the parts
sum exactly to the total, and the cents left by rounding go to the largest
remainders, ties to the earlier unit code.

Rules (shown to tenants in the published table)
-----------------------------------------------
- Every unit of the scope takes its share, occupied or not.  The share of a
  unit that had no tenant in the period is borne by the owner (the
  company): it is shown in the table as "vacant" and never billed.
- The tenant of a unit for the period is the occupancy (active or ended)
  with the most days in the period; on a tie, the later move-in.
- Confirming apportions and locks the table; the tenants' shares are billed
  by the next billing run of the site whose month is the shared cost's
  month or later, once, with the shared cost's month as the billed period.
  A share whose invoice is cancelled or credited is billed again.  A share
  is billed through the tenant's billing plan; while the archive has no
  running plan, each run lists the share among its errors.
- A shared cost passes an actual cost on at cost: its charges have no fee
  standard; the billing manager's confirmation is their approval.
"""

import io
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

from odoo.addons.property_tenant.spreadsheet import (
    SUM,
    Cell,
    download_action,
    new_workbook,
)
from odoo.addons.property_tenant.utils import month_label

from ..billing import apportion, clip, month_end, month_start
from .property_fee_item import METER_TYPES

SHARED_COST_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("published", "Published"),
    ("cancel", "Cancelled"),
]

BASES = [
    ("area", "Floor Area"),
    ("consumption", "Consumption"),
]

# States in which the apportionment is final and the shares are billed.
LOCKED_STATES = ("confirmed", "published")

# What the apportionment depends on: frozen once confirmed.
LOCKED_FIELDS = {
    "site_id",
    "building_id",
    "item_id",
    "period_start",
    "period_end",
    "amount_total",
    "basis",
    "meter_type",
}


class PropertySharedCost(models.Model):
    """A shared cost (公摊) of a site or building for a period, apportioned
    to the units and billed to their tenants."""

    _name = "property.shared.cost"
    _description = "Shared Cost"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.sequence.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True
    _sequence_code = "property.shared.cost"
    _rec_names_search = ["name", "title"]

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    title = fields.Char(
        string="Description",
        required=True,
        tracking=True,
        help="What is shared, e.g. common-area electricity or lift maintenance.",
    )
    site_id = fields.Many2one(
        "property.site",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    building_id = fields.Many2one(
        "property.building",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain="[('site_id', '=', site_id)]",
        help="Leave empty to share the cost over every unit of the site.",
    )
    company_id = fields.Many2one(
        related="site_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    item_id = fields.Many2one(
        "property.fee.item",
        string="Fee Item",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('kind', '=', 'shared')]",
        default=lambda self: self._default_item(),
    )
    period_start = fields.Date(
        string="Month",
        required=True,
        tracking=True,
        default=lambda self: month_start(fields.Date.context_today(self)),
        help="First day of the month the cost belongs to; the shares are billed "
        "with this month as their period.",
    )
    period_end = fields.Date(
        compute="_compute_period_end",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        tracking=True,
        help="Last day of the period of the cost (the end of the month unless "
        "the cost covers several months).",
    )
    amount_total = fields.Monetary(
        string="Total Amount",
        required=True,
        tracking=True,
        currency_field="currency_id",
    )
    basis = fields.Selection(
        BASES,
        string="Apportioned By",
        required=True,
        default="area",
        tracking=True,
    )
    meter_type = fields.Selection(
        METER_TYPES,
        tracking=True,
        help="Meters whose consumption over the period weighs the shares.",
    )
    source = fields.Text(
        help="Where the amount comes from, e.g. the master meter reading or "
        "the vendor's bill."
    )
    vendor_bill_id = fields.Many2one(
        "account.move",
        check_company=True,
        tracking=True,
        domain="[('move_type', 'in', ('in_invoice', 'in_receipt'))]",
    )
    state = fields.Selection(
        SHARED_COST_STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    line_ids = fields.One2many(
        "property.shared.cost.line",
        "shared_cost_id",
        string="Apportionment",
        copy=False,
    )
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirmed_date = fields.Datetime(readonly=True, copy=False)
    published_date = fields.Datetime(readonly=True, copy=False)
    weight_total = fields.Float(
        compute="_compute_figures", string="Total Weight", digits=(16, 2)
    )
    unit_count = fields.Integer(compute="_compute_figures", string="Units")
    amount_tenants = fields.Monetary(
        compute="_compute_figures", string="Tenants' Shares"
    )
    amount_vacant = fields.Monetary(
        compute="_compute_figures",
        string="Vacant Units (Owner)",
        help="Shares of the units without tenant in the period, borne by the "
        "owner and not billed.",
    )
    amount_billed = fields.Monetary(compute="_compute_figures", string="Billed")

    _sql_constraints = [
        (
            "period_first_day",
            "CHECK(EXTRACT(DAY FROM period_start) = 1)",
            "A shared cost's month starts on the first day of the month.",
        ),
        (
            "period_order",
            "CHECK(period_end >= period_start)",
            "A shared cost's period cannot end before it starts.",
        ),
        (
            "amount_positive",
            "CHECK(amount_total > 0)",
            "The total amount of a shared cost must be greater than zero.",
        ),
    ]

    @api.model
    def _default_item(self):
        return self.env["property.fee.item"].search(
            [
                *self.env["property.fee.item"]._check_company_domain(self.env.company),
                ("kind", "=", "shared"),
            ],
            limit=1,
        )

    @api.model
    def _sequence_company(self, vals):
        site = self.env["property.site"].browse(vals.get("site_id"))
        return site.company_id or self.env.company

    @api.depends("period_start")
    def _compute_period_end(self):
        for cost in self:
            cost.period_end = cost.period_start and month_end(cost.period_start)

    @api.depends("line_ids.weight", "line_ids.amount", "line_ids.occupancy_id")
    def _compute_figures(self):
        Line = self.env["property.shared.cost.line"]
        figures = defaultdict(
            lambda: {"count": 0, "weight": 0.0, True: 0.0, False: 0.0}
        )
        for cost, occupancy, count, weight, amount in Line._read_group(
            [("shared_cost_id", "in", self.ids)],
            ["shared_cost_id", "occupancy_id"],
            ["__count", "weight:sum", "amount:sum"],
        ):
            figure = figures[cost.id]
            figure["count"] += count
            figure["weight"] += weight
            figure[bool(occupancy)] += amount
        billed = dict(
            Line._read_group(
                [("shared_cost_id", "in", self.ids), ("key_id", "!=", False)],
                ["shared_cost_id"],
                ["amount:sum"],
            )
        )
        for cost in self:
            figure = figures[cost.id]
            cost.unit_count = figure["count"]
            cost.weight_total = figure["weight"]
            cost.amount_tenants = figure[True]
            cost.amount_vacant = figure[False]
            cost.amount_billed = billed.get(cost, 0.0)

    @api.depends("name", "title")
    def _compute_display_name(self):
        for cost in self:
            cost.display_name = " ".join(
                part for part in (cost.name, cost.title) if part
            )

    # ------------------------------------------------------------------
    # Invariants
    # ------------------------------------------------------------------
    @api.constrains("site_id", "building_id")
    def _check_building_site(self):
        for cost in self:
            if cost.building_id and cost.building_id.site_id != cost.site_id:
                raise ValidationError(
                    self.env._(
                        "Building %(building)s is not part of site %(site)s: "
                        "pick a building of the site or none.",
                        building=cost.building_id.name,
                        site=cost.site_id.name,
                    )
                )

    @api.constrains("item_id")
    def _check_item_kind(self):
        for cost in self:
            if cost.item_id.kind != "shared":
                raise ValidationError(
                    self.env._(
                        "Fee item %(item)s is not a shared-cost (公摊) item: "
                        "choose a fee item of kind Shared Cost.",
                        item=cost.item_id.name,
                    )
                )

    @api.constrains("basis", "meter_type")
    def _check_meter_type(self):
        for cost in self:
            if cost.basis == "consumption" and not cost.meter_type:
                raise ValidationError(
                    self.env._(
                        "Shared cost %(cost)s is apportioned by consumption: "
                        "choose the meter type (water, electricity or gas) "
                        "whose consumption weighs the shares.",
                        cost=cost.display_name,
                    )
                )

    @api.constrains("state", "site_id", "building_id", "item_id", "period_start")
    def _check_one_confirmed(self):
        for cost in self.filtered(lambda c: c.state in LOCKED_STATES):
            clash = cost._clashing_costs()
            if clash:
                raise ValidationError(cost._clash_message(clash))

    def _clashing_costs(self):
        """Confirmed shared costs of the same item and month whose units
        overlap this one's: one per (site, building, item, month), and a
        site-wide one excludes any of a building of the site (a unit would
        otherwise be billed the same item twice for the same month)."""
        self.ensure_one()
        domain = [
            ("id", "!=", self.id),
            ("state", "in", LOCKED_STATES),
            ("site_id", "=", self.site_id.id),
            ("item_id", "=", self.item_id.id),
            ("period_start", "=", self.period_start),
        ]
        if self.building_id:
            domain += [("building_id", "in", (False, self.building_id.id))]
        return self.search(domain, limit=1)

    def _clash_message(self, clash):
        return self.env._(
            "Shared cost %(other)s already shares %(item)s of %(month)s over "
            "these units. Correct that one (or cancel it) instead of "
            "confirming a second one.",
            other=clash.display_name,
            item=self.item_id.name,
            month=month_label(self.period_start),
        )

    def write(self, vals):
        if LOCKED_FIELDS & set(vals) and any(
            cost.state in LOCKED_STATES for cost in self
        ):
            raise UserError(
                self.env._(
                    "A confirmed shared cost is locked: its amount, period, "
                    "scope and basis can no longer change. Cancel it (if no "
                    "share is billed yet) and record a corrected one."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(cost.state in LOCKED_STATES for cost in self):
            raise UserError(
                self.env._(
                    "A confirmed or published shared cost cannot be deleted; "
                    "cancel it instead."
                )
            )

    # ------------------------------------------------------------------
    # Apportionment
    # ------------------------------------------------------------------
    def _scope_units(self):
        """The units sharing the cost, by unit code (the tie order of the
        apportionment)."""
        self.ensure_one()
        domain = [("site_id", "=", self.site_id.id)]
        if self.building_id:
            domain.append(("building_id", "=", self.building_id.id))
        return self.env["property.unit"].search(domain, order="code, id")

    def _period_occupancies(self, units):
        """``{unit id: occupancy}``: the tenant of each unit for the period,
        the occupancy with the most days in it (on a tie, the later
        move-in); units without one are vacant."""
        self.ensure_one()
        occupancies = self.env["property.occupancy"].search_fetch(
            [
                ("unit_id", "in", units.ids),
                ("state", "in", ("active", "ended")),
                ("move_in_date", "<=", self.period_end),
                "|",
                ("move_out_date", "=", False),
                ("move_out_date", ">=", self.period_start),
            ],
            ["unit_id", "move_in_date", "move_out_date"],
            order="move_in_date, id",
        )
        best = {}
        for occupancy in occupancies:
            days = clip(
                self.period_start,
                self.period_end,
                occupancy.move_in_date,
                occupancy.move_out_date,
            )
            if not days:
                continue
            length = (days[1] - days[0]).days + 1
            current = best.get(occupancy.unit_id.id)
            if not current or length >= current[0]:
                best[occupancy.unit_id.id] = (length, occupancy)
        return {unit_id: occupancy for unit_id, (__, occupancy) in best.items()}

    def _weights(self, units):
        """``{unit id: weight}`` of the basis; raise when a weight cannot be
        known (a meter without reading in the period)."""
        self.ensure_one()
        if self.basis == "area":
            return {unit.id: unit.area for unit in units}
        Meter = self.env["property.meter"]
        usage = Meter._billing_consumption_prefetch(
            units, self.meter_type, self.period_start, self.period_end
        )
        metered = set(
            Meter.search(
                [("unit_id", "in", units.ids), ("meter_type", "=", self.meter_type)]
            ).unit_id.ids
        )
        unread = [
            unit.code
            for unit in units
            if unit.id in metered and usage[unit.id]["missing"]
        ]
        if unread:
            raise UserError(
                self.env._(
                    "The consumption of units %(units)s from %(date_from)s to "
                    "%(date_to)s is not known (a meter has no reading in the "
                    "period). Record their readings before apportioning "
                    "%(cost)s by consumption.",
                    units=", ".join(unread),
                    date_from=self.period_start,
                    date_to=self.period_end,
                    cost=self.display_name,
                )
            )
        # units without a meter of the type consume nothing of it
        return {
            unit.id: usage[unit.id]["quantity"] if unit.id in metered else 0.0
            for unit in units
        }

    def _apportion_vals(self):
        """The apportionment lines of the shared cost, as create values."""
        self.ensure_one()
        units = self._scope_units()
        if not units:
            raise UserError(
                self.env._(
                    "%(scope)s has no unit to share %(cost)s over.",
                    scope=(self.building_id or self.site_id).display_name,
                    cost=self.display_name,
                )
            )
        weights = self._weights(units)
        if not any(weights[unit.id] > 0 for unit in units):
            raise UserError(
                self.env._(
                    "No unit of %(scope)s has any %(basis)s to share %(cost)s by.",
                    scope=(self.building_id or self.site_id).display_name,
                    basis=dict(BASES)[self.basis].lower(),
                    cost=self.display_name,
                )
            )
        parts = apportion(self.amount_total, [weights[unit.id] for unit in units])
        occupancies = self._period_occupancies(units)
        return [
            {
                "shared_cost_id": self.id,
                "sequence": index,
                "unit_id": unit.id,
                "occupancy_id": occupancies[unit.id].id
                if unit.id in occupancies
                else False,
                "weight": weights[unit.id],
                "amount": float(part),
            }
            for index, (unit, part) in enumerate(zip(units, parts, strict=True))
        ]

    def action_apportion(self):
        """(Re)compute the apportionment of draft shared costs, for review."""
        for cost in self:
            if cost.state != "draft":
                raise UserError(
                    self.env._("Only a draft shared cost can be apportioned again.")
                )
            vals_list = cost._apportion_vals()
            cost.line_ids.unlink()
            self.env["property.shared.cost.line"].create(vals_list)
        return True

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group(
            "property_billing.group_property_billing_manager"
        ):
            raise UserError(
                self.env._(
                    "Only a billing manager can confirm, publish or cancel a "
                    "shared cost."
                )
            )

    def action_confirm(self):
        """Apportion again (figures as of now), lock the table: the tenants'
        shares are billed by the next billing run."""
        self._check_manager()
        for cost in self:
            if cost.state != "draft":
                raise UserError(
                    self.env._("Only a draft shared cost can be confirmed.")
                )
            clash = cost._clashing_costs()
            if clash:
                raise UserError(cost._clash_message(clash))
            cost.action_apportion()
            cost.write(
                {
                    "state": "confirmed",
                    "confirmed_by_id": self.env.user.id,
                    "confirmed_date": fields.Datetime.now(),
                }
            )
            cost.message_post(
                body=self.env._(
                    "Apportioned over %(count)s units: %(tenants)s to tenants, "
                    "%(vacant)s of vacant units borne by the owner.",
                    count=cost.unit_count,
                    tenants=cost.currency_id.format(cost.amount_tenants),
                    vacant=cost.currency_id.format(cost.amount_vacant),
                )
            )
        return True

    def action_publish(self):
        """Show the apportionment table to the tenants of the site."""
        self._check_manager()
        for cost in self:
            if cost.state != "confirmed":
                raise UserError(
                    self.env._("Confirm the shared cost before publishing it.")
                )
        self.write({"state": "published", "published_date": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._check_manager()
        for cost in self:
            if cost.line_ids.filtered("key_id"):
                raise UserError(
                    self.env._(
                        "Shares of %(cost)s are already billed: credit their "
                        "invoices first, then cancel the shared cost.",
                        cost=cost.display_name,
                    )
                )
        self.write({"state": "cancel"})
        return True

    def action_reset_draft(self):
        self._check_manager()
        for cost in self:
            if cost.state != "cancel":
                raise UserError(
                    self.env._("Only a cancelled shared cost can be reset to draft.")
                )
        self.write({"state": "draft", "published_date": False})
        return True

    # ------------------------------------------------------------------
    # Billing
    # ------------------------------------------------------------------
    def _charge_detail(self, line):
        """How a tenant's share was computed, for the invoice label."""
        self.ensure_one()
        if self.basis == "area":
            return self.env._(
                "%(title)s, 公摊 by floor area: %(weight)s of %(total)s m²",
                title=self.title,
                weight=float_round(line.weight, 2),
                total=float_round(self.weight_total, 2),
            )
        return self.env._(
            "%(title)s, 公摊 by consumption: %(weight)s of %(total)s",
            title=self.title,
            weight=float_round(line.weight, 2),
            total=float_round(self.weight_total, 2),
        )

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------
    def _xlsx_filename(self):
        self.ensure_one()
        return "{}_{}.xlsx".format(
            self.env._("shared_cost"), (self.name or "").replace("/", "-")
        )

    def _xlsx_content(self, for_tenants=False):
        """The apportionment table as an xlsx workbook (bytes).  Tenants'
        names are left out of the copy published to tenants."""
        self.ensure_one()
        _ = self.env._
        bases = dict(self._fields["basis"]._description_selection(self.env))
        facts = [
            (_("Reference"), self.name),
            (_("Description"), self.title),
            (_("Site"), self.site_id.name),
            (_("Building"), self.building_id.name or _("All")),
            (_("Fee Item"), self.item_id.name),
            (
                _("Period"),
                f"{self.period_start:%Y-%m-%d} ~ {self.period_end:%Y-%m-%d}",
            ),
            (_("Apportioned By"), bases.get(self.basis)),
            (_("Source"), self.source),
            (_("Total Amount"), Cell(self.amount_total, "money", strong=True)),
        ]
        columns = [
            (_("Unit"), "text", 22),
            (_("Building"), "text", 16),
            (_("Tenant"), "text", 16),
            (
                _("Floor Area (m²)") if self.basis == "area" else _("Consumption"),
                "number",
                16,
            ),
            (_("Share"), "ratio", 16),
            (_("Amount"), "money", 16),
            (_("Status"), "text", 16),
        ]
        rows = [
            [
                line.unit_id.code,
                line.unit_id.building_id.name,
                line.partner_id.name,
                line.weight,
                line.share / 100.0,
                line.amount,
                _("Tenant") if line.occupancy_id else _("Vacant (borne by the owner)"),
            ]
            for line in self.line_ids.sorted("sequence")
        ]
        totals = [_("Total"), None, None, self.weight_total, None, SUM]
        if for_tenants:
            for line in [columns, *rows, totals]:
                del line[2]
        workbook = new_workbook(io.BytesIO())
        workbook.write_table(
            _("Apportionment"),
            columns,
            rows,
            head=[[Cell(label, strong=True), value] for label, value in facts],
            totals=totals,
        )
        return workbook.content()

    def action_export_xlsx(self):
        """Download the apportionment table (with the tenants' names)."""
        self.ensure_one()
        return download_action(self, self._xlsx_filename(), self._xlsx_content())

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    @api.model
    def _portal_domain(self, partner):
        """Published shared costs of the sites where ``partner`` (a
        commercial partner) occupies a unit now."""
        return [
            ("state", "=", "published"),
            (
                "site_id.unit_ids.current_tenant_id.commercial_partner_id",
                "=",
                partner.id,
            ),
        ]

    def _portal_url(self):
        self.ensure_one()
        return f"/my/shared-costs/{self.id}"
