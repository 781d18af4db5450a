import base64
import io

from odoo import api, fields, models

from odoo.addons.property_tenant.spreadsheet import new_workbook

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
        Report = self.env["property.arrears.report"]
        domain = self._domain()
        output = io.BytesIO()
        workbook = new_workbook(output)
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        money = workbook.add_format({"num_format": "#,##0.00"})
        money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})

        sheet = workbook.add_worksheet(self.env._("Arrears"))
        headers = [
            self.env._("Customer"),
            self.env._("Tenant Archive"),
            self.env._("Site"),
            self.env._("Building"),
            self.env._("Unit"),
            self.env._("Tenant Kind"),
            self.env._("Collector"),
            self.env._("Invoice"),
            self.env._("Bill Date"),
            self.env._("Due Date"),
            self.env._("Days Overdue"),
            self.env._("Aging"),
            self.env._("Billed"),
            self.env._("Overdue"),
            self.env._("Last Dunning Level"),
            self.env._("Last Dunning Date"),
        ]
        sheet.write_row(0, 0, headers, bold)
        rows = Report.search(domain, order="partner_id, date_due, invoice_id")
        for row, line in enumerate(rows, 1):
            sheet.write_row(
                row,
                0,
                [
                    line.partner_id.display_name or "",
                    line.occupancy_id.display_name or "",
                    line.site_id.name or "",
                    line.building_id.name or "",
                    line.unit_id.code or "",
                    self._selection_label("tenant_kind", line.tenant_kind),
                    line.collector_id.name or "",
                    line.invoice_id.name or "",
                ],
            )
            if line.invoice_date:
                sheet.write_datetime(
                    row, 8, fields.Datetime.to_datetime(line.invoice_date), day
                )
            sheet.write_datetime(
                row, 9, fields.Datetime.to_datetime(line.date_due), day
            )
            sheet.write_number(row, 10, line.days_overdue)
            sheet.write_string(row, 11, self._selection_label("aging", line.aging))
            sheet.write_number(row, 12, line.amount_billed, money)
            sheet.write_number(row, 13, line.amount_overdue, money)
            sheet.write_string(row, 14, line.last_dunning_level_id.name or "")
            if line.last_dunning_date:
                sheet.write_datetime(
                    row, 15, fields.Datetime.to_datetime(line.last_dunning_date), day
                )
        total_row = len(rows) + 1
        sheet.write(total_row, 0, self.env._("Total"), bold)
        sheet.write_number(
            total_row, 13, sum(rows.mapped("amount_overdue")), money_bold
        )
        sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 1, 24)
        sheet.set_column(2, 7, 14)

        # totals by tenant
        tenants = workbook.add_worksheet(self.env._("By Customer"))
        tenants.write_row(
            0,
            0,
            [
                self.env._("Customer"),
                self.env._("Bills"),
                self.env._("Oldest Due Date"),
                self.env._("Days Overdue"),
                self.env._("Overdue"),
            ],
            bold,
        )
        groups = Report._read_group(
            domain,
            ["partner_id"],
            ["__count", "date_due:min", "days_overdue:max", "amount_overdue:sum"],
            order="amount_overdue:sum desc",
        )
        for row, (partner, count, oldest, days, amount) in enumerate(groups, 1):
            tenants.write_row(row, 0, [partner.display_name or "", count])
            tenants.write_datetime(row, 2, fields.Datetime.to_datetime(oldest), day)
            tenants.write_number(row, 3, days)
            tenants.write_number(row, 4, amount, money)
        tenants.set_column(0, 0, 30)

        # aging by site
        aging = workbook.add_worksheet(self.env._("Aging"))
        buckets = [key for key, _label in AGING_BUCKETS]
        aging.write_row(
            0,
            0,
            [self.env._("Site")]
            + [self._selection_label("aging", key) for key in buckets]
            + [self.env._("Total")],
            bold,
        )
        table = {}
        for site, bucket, amount in Report._read_group(
            domain, ["site_id", "aging"], ["amount_overdue:sum"]
        ):
            table.setdefault(site, dict.fromkeys(buckets, 0.0))[bucket] = amount
        for row, (site, amounts) in enumerate(
            sorted(table.items(), key=lambda item: item[0].name or ""), 1
        ):
            aging.write(row, 0, site.name or "")
            for col, key in enumerate(buckets, 1):
                aging.write_number(row, col, amounts[key], money)
            aging.write_number(row, len(buckets) + 1, sum(amounts.values()), money_bold)
        aging.set_column(0, 0, 24)
        workbook.close()
        return output.getvalue()

    def action_export(self):
        self.ensure_one()
        self.write(
            {
                "file": base64.b64encode(self._build_workbook()),
                "filename": self.env._(
                    "arrears_%(date)s.xlsx", date=fields.Date.context_today(self)
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file"
            f"&filename_field=filename&download=true",
        }
