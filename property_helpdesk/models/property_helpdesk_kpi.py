from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.property_tenant.utils import KPI_TARGETS, kpi_percent

# Whose answers make the residents' satisfaction (the service target) and
# whose are shown beside it (tenant kinds of the archive).
RESIDENT_KINDS = ("resident",)
COMMERCIAL_KINDS = ("anchor", "small")


class PropertyHelpdeskKpi(models.AbstractModel):
    """The service desk's KPIs, computed from the records with grouped
    queries. Each figure comes with the domain of the records behind it."""

    _name = "property.helpdesk.kpi"
    _description = "Service Desk KPIs"

    @api.model
    def _period_bounds(self, date_from, date_to):
        start = datetime.combine(date_from, time.min)
        end = datetime.combine(date_to + relativedelta(days=1), time.min)
        return fields.Datetime.to_string(start), fields.Datetime.to_string(end)

    @api.model
    def compute_kpis(self, site_ids, date_from, date_to):
        """KPIs of the sites over [date_from, date_to] (dates, inclusive);
        each value is ``kpi_percent`` of its numerator and denominator:
        ``None`` when there is nothing to measure.

        complaint_handling: complaints received in the period that are
        closed with a recorded call-back, valid or invalid (judged again or
        not); a complaint a supervisor cancelled (registered twice, …) is
        neither handled nor counted;
        major_repair_callback: major-repair work orders completed in the
        period whose customer was called back afterwards;
        satisfaction: call-backs of residents (社区居民) recorded in the
        period (items and campaigns) answered satisfied or very satisfied;
        satisfaction_commercial: the same for shops and offices (anchor
        tenants and small merchants), shown beside it, never mixed in;
        call-backs of nobody in the archive count in neither;
        suggestion_callback: suggestions received in the period (cancelled
        ones excepted) whose customer was called back (R-DESK-4: 100 %).
        """
        start, end = self._period_bounds(date_from, date_to)
        site_domain = [("site_id", "in", list(site_ids))]

        complaints = site_domain + [
            ("kind", "=", "complaint"),
            ("state", "!=", "cancel"),
            ("received_at", ">=", start),
            ("received_at", "<", end),
        ]
        handled_domain = complaints + [
            ("state", "=", "closed"),
            ("last_callback_id", "!=", False),
        ]
        Ticket = self.env["property.ticket"]
        received = Ticket.search_count(complaints)
        handled = Ticket.search_count(handled_domain)
        suggestions = site_domain + [
            ("kind", "=", "suggestion"),
            ("state", "!=", "cancel"),
            ("received_at", ">=", start),
            ("received_at", "<", end),
        ]
        suggestions_called_domain = suggestions + [("last_callback_id", "!=", False)]
        suggestion_total = Ticket.search_count(suggestions)
        suggestion_called = Ticket.search_count(suggestions_called_domain)

        major = site_domain + [
            ("is_major_repair", "=", True),
            ("state", "=", "done"),
            ("done_at", ">=", start),
            ("done_at", "<", end),
        ]
        WorkOrder = self.env["property.work.order"]
        major_groups = dict(
            WorkOrder._read_group(major, ["callback_done"], ["__count"])
        )
        major_total = sum(major_groups.values())
        major_called = major_groups.get(True, 0)

        answered_callbacks = site_domain + [
            ("state", "=", "done"),
            ("done_at", ">=", start),
            ("done_at", "<", end),
        ]
        satisfaction_groups = self.env["property.callback"]._read_group(
            answered_callbacks + [("tenant_kind", "!=", False)],
            ["tenant_kind", "is_satisfied"],
            ["__count"],
        )

        def satisfaction(kinds):
            domain = answered_callbacks + [("tenant_kind", "in", kinds)]
            groups = [
                (satisfied, count)
                for kind, satisfied, count in satisfaction_groups
                if kind in kinds
            ]
            answered = sum(count for _satisfied, count in groups)
            satisfied = sum(count for is_satisfied, count in groups if is_satisfied)
            return {
                "value": kpi_percent(satisfied, answered),
                "numerator": satisfied,
                "denominator": answered,
                "target": KPI_TARGETS["satisfaction"],
                "model": "property.callback",
                "domain": domain,
                "numerator_domain": domain + [("is_satisfied", "=", True)],
            }

        return {
            "complaint_handling": {
                "value": kpi_percent(handled, received),
                "numerator": handled,
                "denominator": received,
                "target": KPI_TARGETS["complaint_handling"],
                "model": "property.ticket",
                "domain": complaints,
                "numerator_domain": handled_domain,
            },
            "major_repair_callback": {
                "value": kpi_percent(major_called, major_total),
                "numerator": major_called,
                "denominator": major_total,
                "target": KPI_TARGETS["major_repair_callback"],
                "model": "property.work.order",
                "domain": major,
                "numerator_domain": major + [("callback_done", "=", True)],
            },
            "suggestion_callback": {
                "value": kpi_percent(suggestion_called, suggestion_total),
                "numerator": suggestion_called,
                "denominator": suggestion_total,
                "target": KPI_TARGETS["suggestion_callback"],
                "model": "property.ticket",
                "domain": suggestions,
                "numerator_domain": suggestions_called_domain,
            },
            "satisfaction": satisfaction(RESIDENT_KINDS),
            "satisfaction_commercial": satisfaction(COMMERCIAL_KINDS),
        }
