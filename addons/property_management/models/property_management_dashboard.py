import io

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.property_tenant.spreadsheet import download_action, new_workbook

from ..kpi import KPI_CODES, period_bounds, period_label

PERIODS = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
KPI_STATUSES = [
    ("met", "Met"),
    ("not_met", "Not Met"),
    ("none", "Nothing to Measure"),
]
# Changing one of these recomputes the board (and a trend shown, and drops
# the xlsx made before).
BOARD_INPUTS = {"site_id", "period", "date"}
MAX_TREND_PERIODS = 36


def kpi_status(kpi):
    """The status of a KPI dict of ``property.management.kpi.compute``."""
    if kpi["value"] is None:
        return "none"
    return "met" if kpi["met"] else "not_met"


class PropertyManagementDashboard(models.TransientModel):
    """The service-target dashboard (服务目标, R-KPI): the five KPIs of a
    site for a month, quarter or year against the seed's targets, the
    records behind each figure, their trend over the periods before, and
    the xlsx KPI report.

    The menu opens it as a new record: the KPIs are computed with the form
    (one request, nothing written); it is saved only when a button needs it,
    and computed again then and whenever the site or the period changes."""

    _name = "property.management.dashboard"
    _description = "Service Target Dashboard"

    site_id = fields.Many2one(
        "property.site",
        required=True,
        default=lambda self: self.env["property.site"].search(
            [("company_id", "in", self.env.companies.ids)], limit=1
        ),
    )
    period = fields.Selection(PERIODS, required=True, default="month")
    date = fields.Date(
        string="In Period",
        required=True,
        default=fields.Date.context_today,
        help="Any day of the month, quarter or year to report on.",
    )
    trend_count = fields.Integer(
        string="Trend Periods",
        required=True,
        default=12,
        help="How many periods, up to the one reported on, the trend shows.",
    )
    date_from = fields.Date(
        string="From", compute="_compute_board", store=True, compute_sudo=False
    )
    date_to = fields.Date(
        string="To", compute="_compute_board", store=True, compute_sudo=False
    )
    period_name = fields.Char(
        string="Reported Period",
        compute="_compute_board",
        store=True,
        compute_sudo=False,
    )
    line_ids = fields.One2many(
        "property.management.dashboard.line",
        "dashboard_id",
        string="Service Targets",
        compute="_compute_board",
        store=True,
        # computed as the user, not as superuser: the figures follow the
        # user's access rights and companies
        compute_sudo=False,
    )
    trend_ids = fields.One2many(
        "property.management.dashboard.trend", "dashboard_id", string="Trend Points"
    )
    trend_done = fields.Boolean(
        string="Trend Computed",
        readonly=True,
        help="The trend is computed when asked for (Compute Trend, Trend "
        "Chart, Export xlsx), then kept up to date with the board.",
    )
    met_count = fields.Integer(
        string="Targets Met", compute="_compute_board", store=True, compute_sudo=False
    )
    measured_count = fields.Integer(
        string="Targets Measured",
        compute="_compute_board",
        store=True,
        compute_sudo=False,
    )
    file = fields.Binary(string="KPI Report", readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    @api.depends("site_id", "period_name")
    def _compute_display_name(self):
        for board in self:
            board.display_name = self.env._(
                "Service Targets: %(site)s, %(period)s",
                site=board.site_id.display_name or "",
                period=board.period_name or "",
            )

    @api.constrains("trend_count")
    def _check_trend_count(self):
        for board in self:
            if not 1 <= board.trend_count <= MAX_TREND_PERIODS:
                raise ValidationError(
                    self.env._(
                        "The trend shows between 1 and %(max)s periods, not %(count)s.",
                        max=MAX_TREND_PERIODS,
                        count=board.trend_count,
                    )
                )

    def write(self, vals):
        if BOARD_INPUTS & set(vals):
            vals = {**vals, "file": False, "filename": False}
        result = super().write(vals)
        if (BOARD_INPUTS | {"trend_count"}) & set(vals):
            # a trend shown follows the board
            self.filtered("trend_done")._build_trend()
        return result

    def action_refresh(self):
        self._compute_board()
        self.write({"file": False, "filename": False})
        self.filtered("trend_done")._build_trend()
        return True

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _line_values(self, kpi, sequence):
        currency = self.env.company.currency_id
        money = kpi["code"] == "collection_rate"

        def amount(value):
            return currency.format(value) if money else f"{value:g}"

        return {
            "sequence": sequence,
            "code": kpi["code"],
            "name": kpi["name"],
            "value": kpi["value"] or 0.0,
            "has_value": kpi["value"] is not None,
            "target": kpi["target"],
            "status": kpi_status(kpi),
            "numerator": kpi["numerator"],
            "denominator": kpi["denominator"],
            "detail": self.env._(
                "%(part)s of %(whole)s",
                part=amount(kpi["numerator"]),
                whole=amount(kpi["denominator"]),
            ),
            "beside": self._beside_text(kpi.get("beside")),
        }

    @api.model
    def _beside_text(self, beside):
        """A figure shown beside a KPI and not mixed into it (shops' and
        offices' satisfaction beside the residents')."""
        if not beside:
            return False
        if beside["value"] is None:
            return self.env._("%(name)s: no answer", name=beside["name"])
        name = beside["name"]
        value = "{:.2f}".format(beside["value"])
        part = "{:g}".format(beside["numerator"])
        whole = "{:g}".format(beside["denominator"])
        return self.env._(
            "%(name)s: %(value)s %% (%(part)s of %(whole)s)",
            name=name,
            value=value,
            part=part,
            whole=whole,
        )

    @api.depends("site_id", "period", "date")
    def _compute_board(self):
        """The KPIs of the period (the board's lines, with the records behind
        each figure) and the period's bounds and name."""
        Kpi = self.env["property.management.kpi"]
        Source = self.env["property.management.dashboard.source"]
        for board in self:
            if not (board.site_id and board.period and board.date):
                board.update(
                    {
                        "line_ids": [Command.clear()],
                        "date_from": False,
                        "date_to": False,
                        "period_name": False,
                        "met_count": 0,
                        "measured_count": 0,
                    }
                )
                continue
            start, end = period_bounds(board.period, board.date)
            kpis = Kpi.compute(board.site_id.ids, start, end)
            board.update(
                {
                    "line_ids": [Command.clear()]
                    + [
                        Command.create(
                            {
                                **self._line_values(kpi, sequence),
                                "source_ids": [
                                    Command.create(Source._source_values(source))
                                    for source in kpi["sources"]
                                ],
                            }
                        )
                        for sequence, kpi in enumerate(kpis, 1)
                    ],
                    "date_from": start,
                    "date_to": end,
                    "period_name": period_label(board.period, start),
                    "met_count": sum(
                        kpi["value"] is not None and kpi["met"] for kpi in kpis
                    ),
                    "measured_count": sum(kpi["value"] is not None for kpi in kpis),
                }
            )

    def _build_trend(self):
        """(Re)compute the trend: the KPIs of the ``trend_count`` periods up
        to the one reported on (one KPI computation per period, so it is
        computed when asked for)."""
        Kpi = self.env["property.management.kpi"]
        for board in self:
            trend = Kpi._trend_figures(
                board.site_id.ids, board.period, board.trend_count, board.date
            )
            board.trend_ids.unlink()
            self.env["property.management.dashboard.trend"].create(
                [
                    {
                        "dashboard_id": board.id,
                        "sequence": KPI_CODES.index(kpi["code"]) + 1,
                        "code": kpi["code"],
                        "period_label": label,
                        "date_from": period_start,
                        "date_to": period_end,
                        "value": kpi["value"] or 0.0,
                        "has_value": kpi["value"] is not None,
                        "target": kpi["target"],
                        "status": kpi_status(kpi),
                        "numerator": kpi["numerator"],
                        "denominator": kpi["denominator"],
                    }
                    for label, period_start, period_end, period_kpis in trend
                    for kpi in period_kpis
                ]
            )
            board.trend_done = True

    # ------------------------------------------------------------------
    # Trend and export
    # ------------------------------------------------------------------
    def action_compute_trend(self):
        self._build_trend()
        return True

    def action_view_trend_chart(self):
        self.ensure_one()
        if not self.trend_done:
            self._build_trend()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_management.property_management_dashboard_trend_action"
        )
        action["domain"] = [("dashboard_id", "=", self.id), ("has_value", "=", True)]
        action["display_name"] = self.env._(
            "Trend of %(site)s up to %(period)s",
            site=self.site_id.display_name,
            period=self.period_name,
        )
        return action

    def _build_workbook(self):
        """The KPI report: the five KPIs of the period, and the trend."""
        self.ensure_one()
        if not self.trend_done:
            self._build_trend()
        _ = self.env._
        statuses = dict(
            self.env["property.management.dashboard.line"]
            ._fields["status"]
            ._description_selection(self.env)
        )
        lines = self.line_ids.sorted("sequence")
        workbook = new_workbook(io.BytesIO())
        workbook.write_table(
            _("Service Targets"),
            [
                (_("KPI"), "text", 32),
                (_("Value (%)"), "percent", 14),
                (_("Target (%)"), "percent", 14),
                (_("Status"), "text", 14),
                (_("Numerator"), "number", 14),
                (_("Denominator"), "number", 14),
                (_("Beside"), "text", 40),
            ],
            [
                [
                    line.name,
                    line.value if line.has_value else None,
                    line.target,
                    statuses[line.status],
                    line.numerator,
                    line.denominator,
                    line.beside,
                ]
                for line in lines
            ],
            title=_("Service Targets"),
            head=[
                [
                    _("Site"),
                    self.site_id.display_name,
                    _("Period"),
                    self.period_name,
                    fields.Date.to_string(self.date_from),
                    fields.Date.to_string(self.date_to),
                ]
            ],
        )
        points = {}
        for point in self.trend_ids:
            points.setdefault(point.period_label, {})[point.code] = (
                point.value if point.has_value else None
            )
        workbook.write_table(
            _("Trend"),
            [(_("Period"), "text", 12)]
            + [(name, "percent", 20) for name in lines.mapped("name")],
            [
                [label] + [points[label].get(code) for code in lines.mapped("code")]
                for label in sorted(points)
            ],
            freeze_columns=1,
        )
        return workbook.content()

    def action_export_xlsx(self):
        self.ensure_one()
        return download_action(
            self,
            self.env._(
                "service_targets_%(site)s_%(period)s.xlsx",
                site=self.site_id.code,
                period=self.period_name.replace(" ", "-"),
            ),
            self._build_workbook(),
        )
