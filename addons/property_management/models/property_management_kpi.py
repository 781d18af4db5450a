from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.property_helpdesk.models.property_helpdesk_kpi import (
    COMMERCIAL_KINDS,
    RESIDENT_KINDS,
)

from ..kpi import (
    KPI_CODES,
    KPI_TARGETS,
    PERIOD_MONTHS,
    kpi_percent,
    period_label,
    target_met,
    trend_periods,
)


class PropertyManagementKpi(models.AbstractModel):
    """The five service targets (服务目标, R-KPI) of a set of sites over a
    period, from the apps' own KPI functions: complaint handling, major-repair
    call-backs and call-back satisfaction from the service desk, survey
    satisfaction from the community app, archive completeness from the tenant
    archive, the collection rate from billing.  Every figure carries the
    records behind it (model and domains) for the drill-down."""

    _name = "property.management.kpi"
    _description = "Service Targets"

    @api.model
    def _kpi_names(self):
        return {
            "complaint_handling": self.env._("Complaint Handling Rate"),
            "major_repair_callback": self.env._("Major-Repair Call-back Rate"),
            "satisfaction": self.env._("Resident Satisfaction"),
            "archive_completeness": self.env._("Archive Completeness"),
            "collection_rate": self.env._("Property-Fee Collection Rate"),
        }

    @api.model
    def _source(self, name, figure, **extra):
        """One set of records behind a KPI figure."""
        return {
            "name": name,
            "model": figure["model"],
            "domain": figure["domain"],
            "numerator_domain": figure["numerator_domain"],
            "numerator": figure["numerator"],
            "denominator": figure["denominator"],
            "context": figure.get("context") or {},
            "numerator_field": figure.get("numerator_field"),
            "denominator_field": figure.get("denominator_field"),
            **extra,
        }

    @api.model
    def _sources(self, site_ids, date_from, date_to, collection=None):
        """The records behind each KPI: ``{code: [source, ...]}``;
        ``collection``: the collection rate of the period if known (see
        :meth:`_trend_figures`)."""
        _ = self.env._
        desk = self.env["property.helpdesk.kpi"].compute_kpis(
            site_ids, date_from, date_to
        )
        Survey = self.env["property.satisfaction.survey"]
        survey = Survey.satisfaction_rate(
            site_ids, date_from, date_to, tenant_kinds=RESIDENT_KINDS
        )
        # the archive as it stands today for a period not over yet
        as_of = min(date_to, fields.Date.context_today(self))
        archive = self.env["property.site"]._archive_completeness_kpi(site_ids, as_of)
        if collection is None:
            collection = self.env["property.collection.report"].collection_rate(
                site_ids, date_from, date_to, arrears=False
            )
        collection = dict(
            collection,
            numerator_domain=collection["domain"] + [("paid", "!=", 0)],
            numerator_field="paid",
            denominator_field="billed",
        )
        return {
            "complaint_handling": [
                self._source(_("Complaints"), desk["complaint_handling"])
            ],
            "major_repair_callback": [
                self._source(
                    _("Major-Repair Work Orders"), desk["major_repair_callback"]
                )
            ],
            "satisfaction": [
                self._source(_("Call-backs"), desk["satisfaction"]),
                self._source(_("Survey Answers"), survey),
            ],
            "satisfaction_commercial": [
                self._source(_("Call-backs"), desk["satisfaction_commercial"]),
                self._source(
                    _("Survey Answers"),
                    Survey.satisfaction_rate(
                        site_ids, date_from, date_to, tenant_kinds=COMMERCIAL_KINDS
                    ),
                ),
            ],
            "archive_completeness": [self._source(_("Tenant Archives"), archive)],
            "collection_rate": [self._source(_("Billed Fee Lines"), collection)],
        }

    @api.model
    def compute(self, site_ids, date_from, date_to):
        """The five KPIs of the sites over [date_from, date_to] (dates,
        inclusive), as a list of dicts in the seed's order: code, name,
        value (percent, two decimals, ``None`` with nothing to measure),
        numerator, denominator, target, met, model, domain and
        numerator_domain (of the first source), context (for the
        drill-down) and ``sources``, every set of records behind the figure
        (satisfaction adds call-backs and survey answers: two sources).
        Satisfaction counts residents' answers only; the figure of shops and
        offices (anchor tenants, small merchants) comes beside it, under
        ``beside`` (name, value, numerator, denominator, sources)."""
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        if not date_from or not date_to or date_from > date_to:
            raise UserError(
                self.env._(
                    "Choose a period whose start (%(start)s) is on or before "
                    "its end (%(end)s).",
                    start=date_from or "-",
                    end=date_to or "-",
                )
            )
        return self._compute(list(site_ids), date_from, date_to)

    @api.model
    def _compute(self, site_ids, date_from, date_to, collection=None):
        """:meth:`compute` of a valid period (``collection`` as in
        :meth:`_sources`)."""
        names = self._kpi_names()
        result = []
        all_sources = self._sources(site_ids, date_from, date_to, collection)
        # shops' and offices' satisfaction: beside the residents', not a target
        beside = all_sources.pop("satisfaction_commercial")
        beside_numerator = sum(source["numerator"] for source in beside)
        beside_denominator = sum(source["denominator"] for source in beside)
        for code, sources in all_sources.items():
            numerator = sum(source["numerator"] for source in sources)
            denominator = sum(source["denominator"] for source in sources)
            if code == "collection_rate":
                currency = self.env.company.currency_id
                numerator = currency.round(numerator)
                denominator = currency.round(denominator)
            value = kpi_percent(numerator, denominator)
            first = sources[0]
            result.append(
                {
                    "code": code,
                    "name": names[code],
                    "value": value,
                    "numerator": numerator,
                    "denominator": denominator,
                    "target": KPI_TARGETS[code],
                    "met": target_met(value, KPI_TARGETS[code]),
                    "model": first["model"],
                    "domain": first["domain"],
                    "numerator_domain": first["numerator_domain"],
                    "context": first["context"],
                    "sources": sources,
                }
            )
            if code == "satisfaction":
                result[-1]["beside"] = {
                    "name": self.env._("Shops and Offices"),
                    "value": kpi_percent(beside_numerator, beside_denominator),
                    "numerator": beside_numerator,
                    "denominator": beside_denominator,
                    "sources": beside,
                }
        result.sort(key=lambda kpi: KPI_CODES.index(kpi["code"]))
        return result

    @api.model
    def _trend_figures(self, site_ids, period="month", count=12, date_to=None):
        """``[(label, start, end, kpis)]`` of the ``count`` periods up to the
        one holding ``date_to`` (default today), oldest first.  The
        collection rates of all the periods come from one query."""
        if period not in PERIOD_MONTHS:
            raise UserError(
                self.env._(
                    "The trend goes by month, quarter or year, not by %s.", period
                )
            )
        day = fields.Date.to_date(date_to) or fields.Date.context_today(self)
        site_ids = list(site_ids)
        periods = trend_periods(period, day, count)
        collections = self.env["property.collection.report"].collection_rates(
            site_ids, periods
        )
        return [
            (
                period_label(period, start),
                start,
                end,
                self._compute(site_ids, start, end, collection),
            )
            for (start, end), collection in zip(periods, collections, strict=True)
        ]

    @api.model
    def trend(self, site_ids, period="month", count=12, date_to=None):
        """The KPI values of the ``count`` months, quarters or years up to
        the one holding ``date_to`` (default today), oldest first:
        ``{code: [(period label, value), ...]}``."""
        trend = {code: [] for code in KPI_CODES}
        for label, _start, _end, kpis in self._trend_figures(
            site_ids, period, count, date_to
        ):
            for kpi in kpis:
                trend[kpi["code"]].append((label, kpi["value"]))
        return trend
