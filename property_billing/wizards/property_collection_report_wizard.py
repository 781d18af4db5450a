import base64
import io

from odoo import api, fields, models

from odoo.addons.property_tenant.spreadsheet import new_workbook

from ..billing import month_end, month_start
from ..collection import AGING_BUCKETS, COLLECTION_TARGET
from ..models.property_collection_report import AS_OF_KEY


class PropertyCollectionReportWizard(models.TransientModel):
    """The collection report (收缴率报表): collection rate of the billing
    months against the 98 % target, recovery of earlier arrears and aging
    of what is open, per site, building, month and collector; on screen,
    in the analysis (pivot/graph) and as an xlsx workbook."""

    _name = "property.collection.report.wizard"
    _description = "Collection Report"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    site_ids = fields.Many2many(
        "property.site",
        string="Sites",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty for every site of the company.",
    )
    date_from = fields.Date(
        string="From Billing Month",
        required=True,
        default=lambda self: month_start(fields.Date.context_today(self)),
    )
    date_to = fields.Date(
        string="To Billing Month",
        required=True,
        default=lambda self: month_end(fields.Date.context_today(self)),
    )
    as_of = fields.Date(
        string="Paid As Of",
        required=True,
        default=fields.Date.context_today,
        help="Payments reconciled after this date are not counted.",
    )
    billed = fields.Monetary(compute="_compute_figures")
    paid = fields.Monetary(compute="_compute_figures")
    rate = fields.Float(string="Collection Rate (%)", compute="_compute_figures")
    rate_measured = fields.Boolean(compute="_compute_figures")
    target = fields.Float(string="Target (%)", compute="_compute_figures")
    arrears_open = fields.Monetary(
        string="Arrears at Start", compute="_compute_figures"
    )
    arrears_paid = fields.Monetary(
        string="Arrears Recovered", compute="_compute_figures"
    )
    recovery_rate = fields.Float(
        string="Arrears Recovery (%)", compute="_compute_figures"
    )
    recovery_measured = fields.Boolean(compute="_compute_figures")
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def _sites(self):
        self.ensure_one()
        return self.site_ids or self.env["property.site"].search(
            [("company_id", "=", self.company_id.id)]
        )

    def _report(self):
        return self.env["property.collection.report"].with_company(self.company_id)

    @api.depends("site_ids", "date_from", "date_to", "as_of", "company_id")
    def _compute_figures(self):
        for wizard in self:
            figures = {}
            if wizard.date_from and wizard.date_to and wizard.as_of:
                figures = (
                    wizard._report()
                    ._collection_figures(
                        wizard._sites().ids,
                        wizard.date_from,
                        wizard.date_to,
                        wizard.as_of,
                    )
                    .get(False, {})
                )
            wizard.billed = figures.get("billed", 0.0)
            wizard.paid = figures.get("paid", 0.0)
            # nothing billed: no value (shown as such), never 100 %
            wizard.rate = figures.get("rate") or 0.0
            wizard.rate_measured = figures.get("rate") is not None
            wizard.target = COLLECTION_TARGET
            wizard.arrears_open = figures.get("arrears_open", 0.0)
            wizard.arrears_paid = figures.get("arrears_paid", 0.0)
            wizard.recovery_rate = figures.get("recovery_rate") or 0.0
            wizard.recovery_measured = figures.get("recovery_rate") is not None

    # ------------------------------------------------------------------
    # Analysis
    # ------------------------------------------------------------------
    def _analysis_action(self, name, domain, context):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_collection_report_action"
        )
        action.update(
            {
                "name": name,
                "domain": [("site_id", "in", self._sites().ids), *domain],
                "context": {
                    AS_OF_KEY: fields.Date.to_string(self.as_of),
                    **context,
                },
            }
        )
        return action

    def action_open_analysis(self):
        return self._analysis_action(
            self.env._("Collection Analysis"),
            [
                ("period", ">=", month_start(self.date_from)),
                ("period", "<=", self.date_to),
            ],
            {
                "pivot_row_groupby": ["site_id"],
                "pivot_column_groupby": ["period:month"],
            },
        )

    def action_open_aging(self):
        return self._analysis_action(
            self.env._("Aging of Open Bills"),
            [("open_amount", "!=", 0)],
            {
                "pivot_row_groupby": ["site_id"],
                "pivot_column_groupby": ["aging"],
                "pivot_measures": ["open_amount"],
            },
        )

    # ------------------------------------------------------------------
    # xlsx
    # ------------------------------------------------------------------
    def _group_labels(self, groupby, keys):
        """Display names of the group keys of a dimension."""
        none = self.env._("None")
        if groupby == "period":
            return {key: key.strftime("%Y-%m") if key else none for key in keys}
        model = {
            "site": "property.site",
            "building": "property.building",
            "collector": "res.users",
        }[groupby]
        records = self.env[model].sudo().browse([key for key in keys if key])
        labels = {record.id: record.display_name for record in records}
        return {key: labels.get(key, none) for key in keys}

    def _build_workbook(self):  # noqa: PLR0915 - over budget before it existed, to split
        self.ensure_one()
        report = self._report()
        sites = self._sites()
        output = io.BytesIO()
        workbook = new_workbook(output)
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        title = workbook.add_format({"bold": True, "font_size": 13})
        money = workbook.add_format({"num_format": "#,##0.00"})
        money_bold = workbook.add_format({"num_format": "#,##0.00", "bold": True})
        percent = workbook.add_format({"num_format": "0.00"})
        percent_bold = workbook.add_format({"num_format": "0.00", "bold": True})
        below = workbook.add_format({"num_format": "0.00", "font_color": "#C00000"})

        heading = [
            self.env._("Billed"),
            self.env._("Paid"),
            self.env._("Collection Rate (%)"),
            self.env._("Target (%)"),
            self.env._("Arrears at Start"),
            self.env._("Arrears Recovered"),
            self.env._("Arrears Recovery (%)"),
        ]

        def write_figures(sheet, row, figures, strong=False):
            """Billed, paid, rate, target, arrears, recovered, recovery; a
            rate without anything to collect is left blank."""
            amount = money_bold if strong else money
            ratio = percent_bold if strong else percent
            sheet.write_number(row, 1, figures["billed"], amount)
            sheet.write_number(row, 2, figures["paid"], amount)
            if figures["rate"] is not None:
                below_target = figures["rate"] < COLLECTION_TARGET
                sheet.write_number(
                    row, 3, figures["rate"], below if below_target else ratio
                )
            sheet.write_number(row, 4, COLLECTION_TARGET, percent)
            sheet.write_number(row, 5, figures["arrears_open"], amount)
            sheet.write_number(row, 6, figures["arrears_paid"], amount)
            if figures["recovery_rate"] is not None:
                sheet.write_number(row, 7, figures["recovery_rate"], ratio)

        def dimension_sheet(name, groupby, label):
            sheet = workbook.add_worksheet(name)
            sheet.write(
                0,
                0,
                self.env._("Collection Rate by %(dimension)s", dimension=label),
                title,
            )
            sheet.write_row(
                1,
                0,
                [
                    self.env._("Billing months"),
                    f"{self.date_from:%Y-%m} ~ {self.date_to:%Y-%m}",
                    self.env._("Paid as of"),
                    fields.Date.to_string(self.as_of),
                ],
            )
            sheet.write_row(3, 0, [label, *heading], bold)
            figures = report._collection_figures(
                sites.ids, self.date_from, self.date_to, self.as_of, groupby=groupby
            )
            labels = self._group_labels(groupby, figures)
            if groupby == "period":
                keys = sorted(figures)
            else:
                keys = sorted(figures, key=lambda key: str(labels[key]))
            row = 4
            for key in keys:
                sheet.write(row, 0, labels[key])
                write_figures(sheet, row, figures[key])
                row += 1
            total = report._collection_figures(
                sites.ids, self.date_from, self.date_to, self.as_of
            ).get(False)
            if total:
                sheet.write(row, 0, self.env._("Total"), bold)
                write_figures(sheet, row, total, strong=True)
            sheet.set_column(0, 0, 28)
            sheet.set_column(1, 7, 16)
            sheet.freeze_panes(4, 1)

        dimension_sheet(self.env._("By Site"), "site", self.env._("Site"))
        dimension_sheet(self.env._("By Building"), "building", self.env._("Building"))
        dimension_sheet(self.env._("By Month"), "period", self.env._("Billing Month"))
        dimension_sheet(
            self.env._("By Collector"), "collector", self.env._("Collector")
        )

        sheet = workbook.add_worksheet(self.env._("Aging"))
        sheet.write(
            0,
            0,
            self.env._(
                "Open amounts as of %(date)s by days overdue",
                date=fields.Date.to_string(self.as_of),
            ),
            title,
        )
        bucket_labels = dict(
            self.env["property.collection.report"]
            ._fields["aging"]
            ._description_selection(self.env)
        )
        sheet.write_row(
            2,
            0,
            [
                self.env._("Site"),
                *(bucket_labels[key] for key, _label in AGING_BUCKETS),
                self.env._("Total Open"),
            ],
            bold,
        )
        aging = report._aging_figures(sites.ids, self.as_of, groupby="site")
        labels = self._group_labels("site", aging)
        totals = dict.fromkeys(dict(AGING_BUCKETS), 0.0)
        row = 3
        for key in sorted(aging, key=lambda key: str(labels[key])):
            sheet.write(row, 0, labels[key])
            for column, (bucket, _label) in enumerate(AGING_BUCKETS, 1):
                sheet.write_number(row, column, aging[key][bucket], money)
                totals[bucket] += aging[key][bucket]
            sheet.write_number(
                row, len(AGING_BUCKETS) + 1, sum(aging[key].values()), money_bold
            )
            row += 1
        sheet.write(row, 0, self.env._("Total"), bold)
        for column, (bucket, _label) in enumerate(AGING_BUCKETS, 1):
            sheet.write_number(
                row, column, self.currency_id.round(totals[bucket]), money_bold
            )
        sheet.write_number(
            row,
            len(AGING_BUCKETS) + 1,
            self.currency_id.round(sum(totals.values())),
            money_bold,
        )
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(AGING_BUCKETS) + 1, 16)

        workbook.close()
        return output.getvalue()

    def action_export(self):
        self.ensure_one()
        self.write(
            {
                "file": base64.b64encode(self._build_workbook()),
                "filename": self.env._(
                    "collection_%(start)s_%(end)s_as_of_%(as_of)s.xlsx",
                    start=self.date_from.strftime("%Y%m"),
                    end=self.date_to.strftime("%Y%m"),
                    as_of=fields.Date.to_string(self.as_of),
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file"
            f"&filename_field=filename&download=true",
        }
