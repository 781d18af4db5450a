"""Financial disclosure (财务公开, R-FEE-6).

The revenue of a site by fee item over a period, and the shared costs of
the period, published to the tenants of the site.

Figures
-------
- Revenue: the posted customer invoices and credit notes of the site dated
  (accounting date) in the period, by fee item, untaxed, in the company's
  currency; credit notes count negative.  Deposits are refundable and never
  revenue: they are left out.
- Shared costs: the confirmed or published shared costs of the site whose
  month is in the period, with the part borne by the owner (vacant units).

The figures are computed in draft (``Compute``) and computed once more when
the disclosure is published; a published disclosure never changes.
"""

import io

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.property_tenant.spreadsheet import Cell, download_action, new_workbook

DISCLOSURE_STATES = [
    ("draft", "Draft"),
    ("published", "Published"),
]


# What the figures depend on: frozen once published.
LOCKED_FIELDS = {"site_id", "date_from", "date_to", "line_ids", "name", "note"}


class PropertyFinancialDisclosure(models.Model):
    """A financial disclosure (财务公开) of a site for a period."""

    _name = "property.financial.disclosure"
    _description = "Financial Disclosure"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Title",
        required=True,
        tracking=True,
        help="Title shown to tenants, e.g. Financial disclosure 2026 Q1.",
    )
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
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    state = fields.Selection(
        DISCLOSURE_STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    note = fields.Html(
        help="Explanations published with the figures (e.g. what the shared "
        "costs were spent on)."
    )
    line_ids = fields.One2many(
        "property.financial.disclosure.line",
        "disclosure_id",
        string="Figures",
        copy=False,
    )
    revenue_line_ids = fields.One2many(
        "property.financial.disclosure.line",
        "disclosure_id",
        domain=[("kind", "=", "revenue")],
        string="Revenue by Fee Item",
    )
    shared_line_ids = fields.One2many(
        "property.financial.disclosure.line",
        "disclosure_id",
        domain=[("kind", "=", "shared")],
        string="Shared Costs",
    )
    revenue_total = fields.Monetary(
        compute="_compute_totals", store=True, string="Total Revenue"
    )
    shared_total = fields.Monetary(
        compute="_compute_totals", store=True, string="Total Shared Costs"
    )
    computed_date = fields.Datetime(string="Figures As Of", readonly=True, copy=False)
    published_date = fields.Datetime(readonly=True, copy=False)
    published_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_to >= date_from)",
            "A disclosure period cannot end before it starts.",
        ),
    ]

    @api.depends("line_ids.kind", "line_ids.amount")
    def _compute_totals(self):
        for disclosure in self:
            lines = disclosure.line_ids
            disclosure.revenue_total = sum(
                lines.filtered(lambda line: line.kind == "revenue").mapped("amount")
            )
            disclosure.shared_total = sum(
                lines.filtered(lambda line: line.kind == "shared").mapped("amount")
            )

    def write(self, vals):
        if LOCKED_FIELDS & set(vals) and any(
            disclosure.state == "published" for disclosure in self
        ):
            raise UserError(
                self.env._(
                    "A published disclosure cannot change: reset it to draft, "
                    "correct it and publish it again."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        if any(disclosure.state == "published" for disclosure in self):
            raise UserError(
                self.env._(
                    "A published disclosure cannot be deleted; reset it to draft first."
                )
            )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def _revenue_domain(self):
        self.ensure_one()
        return [
            ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            # the site of the bill, or of the tenant archive of the line: a
            # credit note does not copy its invoice's site, only its lines
            "|",
            ("move_id.property_site_id", "=", self.site_id.id),
            ("property_occupancy_id.site_id", "=", self.site_id.id),
            ("display_type", "=", "product"),
            ("property_fee_item_id", "!=", False),
            ("property_fee_item_id.kind", "!=", "deposit"),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]

    def _revenue_vals(self):
        """Revenue of the period by fee item (untaxed, credit notes
        negative), as line values."""
        self.ensure_one()
        groups = self.env["account.move.line"]._read_group(
            self._revenue_domain(),
            ["property_fee_item_id"],
            ["balance:sum", "move_id:count_distinct"],
        )
        groups.sort(key=lambda group: (group[0].sequence, group[0].id))
        return [
            {
                "disclosure_id": self.id,
                "kind": "revenue",
                "sequence": index,
                "item_id": item.id,
                "name": item.name,
                # income is a credit: the revenue is minus the balance
                "amount": self.currency_id.round(-balance),
                "invoice_count": count,
            }
            for index, (item, balance, count) in enumerate(groups)
        ]

    def _shared_cost_vals(self):
        self.ensure_one()
        costs = self.env["property.shared.cost"].search(
            [
                ("site_id", "=", self.site_id.id),
                ("state", "in", ("confirmed", "published")),
                ("period_start", ">=", self.date_from),
                ("period_start", "<=", self.date_to),
            ],
            order="period_start, name, id",
        )
        return [
            {
                "disclosure_id": self.id,
                "kind": "shared",
                "sequence": index,
                "item_id": cost.item_id.id,
                "shared_cost_id": cost.id,
                "name": cost.title,
                "amount": cost.amount_total,
                "amount_vacant": cost.amount_vacant,
            }
            for index, cost in enumerate(costs)
        ]

    def action_compute(self):
        """Compute the figures of draft disclosures from the accounting."""
        for disclosure in self:
            if disclosure.state != "draft":
                raise UserError(
                    self.env._("The figures of a published disclosure are final.")
                )
            vals_list = disclosure._revenue_vals() + disclosure._shared_cost_vals()
            disclosure.line_ids.unlink()
            self.env["property.financial.disclosure.line"].create(vals_list)
            disclosure.computed_date = fields.Datetime.now()
        return True

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group(
            "property_billing.group_property_billing_manager"
        ):
            raise UserError(
                self.env._("Only a billing manager can publish a financial disclosure.")
            )

    def action_publish(self):
        """Compute the figures as of now and show them to the tenants of
        the site."""
        self._check_manager()
        for disclosure in self:
            if disclosure.state != "draft":
                raise UserError(self.env._("This disclosure is already published."))
        self.action_compute()
        self.write(
            {
                "state": "published",
                "published_date": fields.Datetime.now(),
                "published_by_id": self.env.user.id,
            }
        )
        for disclosure in self:
            disclosure.message_post(
                body=self.env._(
                    "Published: revenue %(revenue)s, shared costs %(shared)s.",
                    revenue=disclosure.currency_id.format(disclosure.revenue_total),
                    shared=disclosure.currency_id.format(disclosure.shared_total),
                )
            )
        return True

    def action_reset_draft(self):
        self._check_manager()
        self.write(
            {"state": "draft", "published_date": False, "published_by_id": False}
        )
        return True

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------
    def _xlsx_filename(self):
        self.ensure_one()
        return "{}_{}_{:%Y%m%d}_{:%Y%m%d}.xlsx".format(
            self.env._("disclosure"),
            self.site_id.code or self.site_id.id,
            self.date_from,
            self.date_to,
        )

    def _xlsx_content(self):
        """The disclosure as an xlsx workbook (bytes): revenue by fee item
        and the shared costs of the period."""
        self.ensure_one()
        _ = self.env._
        workbook = new_workbook(io.BytesIO())
        facts = [
            (_("Title"), self.name),
            (_("Site"), self.site_id.name),
            (_("Period"), f"{self.date_from:%Y-%m-%d} ~ {self.date_to:%Y-%m-%d}"),
            (_("Currency"), self.currency_id.name),
        ]
        workbook.write_table(
            _("Revenue"),
            [
                (_("Fee Item"), "text", 30),
                (_("Invoices"), "integer", 18),
                (_("Revenue (untaxed)"), "money", 18),
            ],
            [
                [line.name, line.invoice_count, line.amount]
                for line in self.revenue_line_ids.sorted("sequence")
            ],
            head=[[Cell(label, strong=True), value] for label, value in facts],
            totals=[_("Total"), None, self.revenue_total],
        )
        workbook.write_table(
            _("Shared Costs"),
            [
                (_("Reference"), "text", 22),
                (_("Description"), "text", 22),
                (_("Month"), "text", 22),
                (_("Amount"), "money", 18),
                (_("Borne by the Owner (vacant units)"), "money", 18),
            ],
            [
                [
                    line.shared_cost_id.name,
                    line.name,
                    line.shared_cost_id.period_start.strftime("%Y-%m"),
                    line.amount,
                    line.amount_vacant,
                ]
                for line in self.shared_line_ids.sorted("sequence")
            ],
            totals=[_("Total"), None, None, self.shared_total],
        )
        return workbook.content()

    def action_export_xlsx(self):
        self.ensure_one()
        return download_action(self, self._xlsx_filename(), self._xlsx_content())

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    @api.model
    def _portal_domain(self, partner):
        """Published disclosures of the sites where ``partner`` (a
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
        return f"/my/disclosures/{self.id}"
