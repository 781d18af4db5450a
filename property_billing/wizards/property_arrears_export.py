import io

from odoo import api, fields, models

from odoo.addons.property_tenant.spreadsheet import (
    Column,
    download_action,
    new_workbook,
)

from ..models.property_arrears_report import AGING_BUCKETS


class PropertyArrearsExport(models.TransientModel):
    """The arrears list (欠费清单) as an xlsx workbook for the collectors:
    every overdue bill, then the totals by tenant and the aging by site."""

    _name = "property.arrears.export"
    _description = "Arrears List Export"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    site_id = fields.Many2one(
        "property.site", domain="[('company_id', '=', company_id)]"
    )
    collector_id = fields.Many2one("res.users", domain="[('share', '=', False)]")
    min_days_overdue = fields.Integer(
        string="Overdue at Least (days)",
        help="Leave 0 to list every overdue bill.",
    )
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def _domain(self):
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id)]
        if self.site_id:
            domain.append(("site_id", "=", self.site_id.id))
        if self.collector_id:
            domain.append(("collector_id", "=", self.collector_id.id))
        if self.min_days_overdue:
            domain.append(("days_overdue", ">=", self.min_days_overdue))
        return domain

    @api.model
    def _selection_label(self, field_name, value):
        selection = dict(
            self.env["property.arrears.report"]
            ._fields[field_name]
            ._description_selection(self.env)
        )
        return selection.get(value, "") if value else ""

    def _build_workbook(self):
        self.ensure_one()
        workbook = new_workbook(io.BytesIO())
        self._arrears_sheet(workbook)
        self._customer_sheet(workbook)
        self._aging_sheet(workbook)
        return workbook.content()

    def _arrears_sheet(self, workbook):
        """Every overdue bill, and the total overdue."""
        _ = self.env._
        label = self._selection_label
        lines = self.env["property.arrears.report"].search(
            self._domain(), order="partner_id, date_due, invoice_id"
        )
        workbook.write_table(
            _("Arrears"),
            [
                (_("Customer"), "text", 24),
                (_("Tenant Archive"), "text", 24),
                (_("Site"), "text", 14),
                (_("Building"), "text", 14),
                (_("Unit"), "text", 14),
                (_("Tenant Kind"), "text", 14),
                (_("Collector"), "text", 14),
                (_("Invoice"), "text", 14),
                (_("Bill Date"), "date"),
                (_("Due Date"), "date"),
                (_("Days Overdue"), "integer"),
                (_("Aging"),),
                (_("Billed"), "money"),
                (_("Overdue"), "money"),
                (_("Last Dunning Level"),),
                (_("Last Dunning Date"), "date"),
            ],
            [
                [
                    line.partner_id.display_name,
                    line.occupancy_id.display_name,
                    line.site_id.name,
                    line.building_id.name,
                    line.unit_id.code,
                    label("tenant_kind", line.tenant_kind),
                    line.collector_id.name,
                    line.invoice_id.name,
                    line.invoice_date,
                    line.date_due,
                    line.days_overdue,
                    label("aging", line.aging),
                    line.amount_billed,
                    line.amount_overdue,
                    line.last_dunning_level_id.name,
                    line.last_dunning_date,
                ]
                for line in lines
            ],
            totals=[_("Total")] + [None] * 12 + [sum(lines.mapped("amount_overdue"))],
            autofilter=True,
        )

    def _customer_sheet(self, workbook):
        """The overdue total of each customer, largest first."""
        _ = self.env._
        groups = self.env["property.arrears.report"]._read_group(
            self._domain(),
            ["partner_id"],
            ["__count", "date_due:min", "days_overdue:max", "amount_overdue:sum"],
            order="amount_overdue:sum desc",
        )
        workbook.write_table(
            _("By Customer"),
            [
                (_("Customer"), "text", 30),
                (_("Bills"), "integer"),
                (_("Oldest Due Date"), "date"),
                (_("Days Overdue"), "integer"),
                (_("Overdue"), "money"),
            ],
            [[partner.display_name, *figures] for partner, *figures in groups],
        )

    def _aging_sheet(self, workbook):
        """The overdue amounts of each site by aging bucket."""
        _ = self.env._
        buckets = [key for key, _label in AGING_BUCKETS]
        table = {}
        for site, bucket, amount in self.env["property.arrears.report"]._read_group(
            self._domain(), ["site_id", "aging"], ["amount_overdue:sum"]
        ):
            table.setdefault(site, dict.fromkeys(buckets, 0.0))[bucket] = amount
        workbook.write_table(
            _("Aging"),
            [(_("Site"), "text", 24)]
            + [(self._selection_label("aging", key), "money") for key in buckets]
            + [Column(_("Total"), "money", strong=True)],
            [
                [site.name, *(amounts[key] for key in buckets), sum(amounts.values())]
                for site, amounts in sorted(
                    table.items(), key=lambda item: item[0].name or ""
                )
            ],
        )

    def action_export(self):
        self.ensure_one()
        return download_action(
            self,
            self.env._("arrears_%(date)s.xlsx", date=fields.Date.context_today(self)),
            self._build_workbook(),
        )
