from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

PERIODS = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]


def period_range(period, day):
    """First and last day of the month, quarter or year containing ``day``."""
    if period == "year":
        start = day.replace(month=1, day=1)
        return start, start + relativedelta(years=1, days=-1)
    if period == "quarter":
        start = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
        return start, start + relativedelta(months=3, days=-1)
    start = day.replace(day=1)
    return start, start + relativedelta(months=1, days=-1)


class PropertyHelpdeskKpiReport(models.TransientModel):
    _name = "property.helpdesk.kpi.report"
    _description = "Service Desk KPI Report"

    site_id = fields.Many2one("property.site", required=True)
    period = fields.Selection(PERIODS, required=True, default="month")
    date = fields.Date(
        string="In Period",
        required=True,
        default=fields.Date.context_today,
        help="Any day of the period to report on.",
    )
    date_from = fields.Date(compute="_compute_kpis")
    date_to = fields.Date(compute="_compute_kpis")
    complaint_handling_rate = fields.Float(compute="_compute_kpis", digits=(16, 2))
    complaint_handling_detail = fields.Char(compute="_compute_kpis")
    complaint_handling_measured = fields.Boolean(compute="_compute_kpis")
    major_repair_callback_rate = fields.Float(compute="_compute_kpis", digits=(16, 2))
    major_repair_callback_detail = fields.Char(compute="_compute_kpis")
    major_repair_callback_measured = fields.Boolean(compute="_compute_kpis")
    satisfaction_rate = fields.Float(compute="_compute_kpis", digits=(16, 2))
    satisfaction_detail = fields.Char(compute="_compute_kpis")
    satisfaction_measured = fields.Boolean(compute="_compute_kpis")
    satisfaction_commercial_rate = fields.Float(compute="_compute_kpis", digits=(16, 2))
    satisfaction_commercial_detail = fields.Char(compute="_compute_kpis")
    satisfaction_commercial_measured = fields.Boolean(compute="_compute_kpis")
    suggestion_callback_rate = fields.Float(compute="_compute_kpis", digits=(16, 2))
    suggestion_callback_detail = fields.Char(compute="_compute_kpis")
    suggestion_callback_measured = fields.Boolean(compute="_compute_kpis")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "site_id" in fields_list and not values.get("site_id"):
            site = self.env["property.site"].search([], limit=1)
            values["site_id"] = site.id
        return values

    @api.depends("site_id", "period", "date")
    def _compute_kpis(self):
        Kpi = self.env["property.helpdesk.kpi"]
        for report in self:
            start, end = period_range(report.period or "month", report.date)
            report.date_from, report.date_to = start, end
            figures = (
                Kpi.compute_kpis(report.site_id.ids, start, end)
                if report.site_id
                else {}
            )
            for key in (
                "complaint_handling",
                "major_repair_callback",
                "satisfaction",
                "satisfaction_commercial",
                "suggestion_callback",
            ):
                figure = figures.get(key)
                measured = bool(figure) and figure["value"] is not None
                report[f"{key}_measured"] = measured
                report[f"{key}_rate"] = figure["value"] if measured else 0.0
                if not figure:
                    report[f"{key}_detail"] = ""
                elif measured:
                    report[f"{key}_detail"] = self.env._(
                        "%(part)s of %(whole)s (target %(target)s%%)",
                        part=figure["numerator"],
                        whole=figure["denominator"],
                        target=int(figure["target"]),
                    )
                else:
                    report[f"{key}_detail"] = self.env._(
                        "No value: nothing to measure in the period (target "
                        "%(target)s%%)",
                        target=int(figure["target"]),
                    )

    def _open_records(self, key, part):
        self.ensure_one()
        figure = self.env["property.helpdesk.kpi"].compute_kpis(
            self.site_id.ids, self.date_from, self.date_to
        )[key]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Records behind the figure"),
            "res_model": figure["model"],
            "view_mode": "list,form",
            "domain": figure["numerator_domain" if part else "domain"],
            "context": {"create": False},
        }

    def action_open_complaints(self):
        return self._open_records("complaint_handling", False)

    def action_open_suggestions(self):
        return self._open_records("suggestion_callback", False)

    def action_open_major_repairs(self):
        return self._open_records("major_repair_callback", False)

    def action_open_callbacks(self):
        return self._open_records("satisfaction", False)

    def action_open_commercial_callbacks(self):
        return self._open_records("satisfaction_commercial", False)
