import io

from odoo import api, fields, models

from odoo.addons.property_tenant.spreadsheet import (
    SUM,
    Cell,
    Column,
    download_action,
    new_workbook,
)

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

    def _figure_row(self, label, figures):
        """A row of the collection figures: billed, paid, rate (red below
        the target), target, arrears, recovered, recovery; a rate without
        anything to collect is left blank."""
        rate = figures["rate"]
        return [
            label,
            figures["billed"],
            figures["paid"],
            Cell(rate, alert=rate is not None and rate < COLLECTION_TARGET),
            COLLECTION_TARGET,
            figures["arrears_open"],
            figures["arrears_paid"],
            figures["recovery_rate"],
        ]

    def _dimension_sheet(self, workbook, name, groupby, label):
        """The collection figures by site, building, month or collector."""
        _ = self.env._
        report, sites = self._report(), self._sites()
        figures = report._collection_figures(
            sites.ids, self.date_from, self.date_to, self.as_of, groupby=groupby
        )
        labels = self._group_labels(groupby, figures)
        if groupby == "period":
            keys = sorted(figures)
        else:
            keys = sorted(figures, key=lambda key: str(labels[key]))
        total = report._collection_figures(
            sites.ids, self.date_from, self.date_to, self.as_of
        ).get(False)
        workbook.write_table(
            name,
            [
                (label, "text", 28),
                (_("Billed"), "money", 16),
                (_("Paid"), "money", 16),
                (_("Collection Rate (%)"), "percent", 16),
                (_("Target (%)"), "percent", 16),
                (_("Arrears at Start"), "money", 16),
                (_("Arrears Recovered"), "money", 16),
                (_("Arrears Recovery (%)"), "percent", 16),
            ],
            [self._figure_row(labels[key], figures[key]) for key in keys],
            title=_("Collection Rate by %(dimension)s", dimension=label),
            head=[
                [
                    _("Billing months"),
                    f"{self.date_from:%Y-%m} ~ {self.date_to:%Y-%m}",
                    _("Paid as of"),
                    fields.Date.to_string(self.as_of),
                ]
            ],
            totals=self._figure_row(_("Total"), total) if total else None,
            freeze_columns=1,
        )

    def _aging_sheet(self, workbook):
        """The open amounts of each site by days overdue."""
        _ = self.env._
        bucket_labels = dict(
            self.env["property.collection.report"]
            ._fields["aging"]
            ._description_selection(self.env)
        )
        aging = self._report()._aging_figures(
            self._sites().ids, self.as_of, groupby="site"
        )
        labels = self._group_labels("site", aging)
        workbook.write_table(
            _("Aging"),
            [(_("Site"), "text", 28)]
            + [(bucket_labels[key], "money", 16) for key, _label in AGING_BUCKETS]
            + [Column(_("Total Open"), "money", 16, strong=True)],
            [
                [
                    labels[key],
                    *(aging[key][bucket] for bucket, _label in AGING_BUCKETS),
                    sum(aging[key].values()),
                ]
                for key in sorted(aging, key=lambda key: str(labels[key]))
            ],
            title=_(
                "Open amounts as of %(date)s by days overdue",
                date=fields.Date.to_string(self.as_of),
            ),
            totals=[_("Total")] + [SUM] * (len(AGING_BUCKETS) + 1),
        )

    def _build_workbook(self):
        self.ensure_one()
        _ = self.env._
        workbook = new_workbook(io.BytesIO())
        self._dimension_sheet(workbook, _("By Site"), "site", _("Site"))
        self._dimension_sheet(workbook, _("By Building"), "building", _("Building"))
        self._dimension_sheet(workbook, _("By Month"), "period", _("Billing Month"))
        self._dimension_sheet(workbook, _("By Collector"), "collector", _("Collector"))
        self._aging_sheet(workbook)
        return workbook.content()

    def action_export(self):
        self.ensure_one()
        return download_action(
            self,
            self.env._(
                "collection_%(start)s_%(end)s_as_of_%(as_of)s.xlsx",
                start=self.date_from.strftime("%Y%m"),
                end=self.date_to.strftime("%Y%m"),
                as_of=fields.Date.to_string(self.as_of),
            ),
            self._build_workbook(),
        )
