"""Published figures in the tenant portal (R-FEE-6): the apportionment
tables of shared costs (公摊费用表) and the financial disclosures (财务公开)
of the sites where the tenant occupies a unit.

A tenant sees the published records of the sites of their ACTIVE
occupancies and nothing else: every record is loaded through
``_document_check_access`` (the portal record rules ask for a published
record of such a site) and checked once more against the same domain;
anything else is a 404.  No access token is accepted.
"""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.property_tenant.spreadsheet import xlsx_response


class PropertyPublishedFiguresPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _property_published_domain(self, model_name):
        partner = request.env.user.partner_id.commercial_partner_id
        return request.env[model_name]._portal_domain(partner)

    def _property_published_count(self, model_name):
        Model = request.env[model_name]
        if not Model.has_access("read"):
            return 0
        return Model.search_count(self._property_published_domain(model_name))

    def _property_published_record(self, model_name, record_id):
        """The published record ``record_id`` of one of the visitor's sites
        (sudo, to read its figures), or ``None``."""
        try:
            record_sudo = self._document_check_access(model_name, record_id)
        except (AccessError, MissingError):
            return None
        if not record_sudo.filtered_domain(self._property_published_domain(model_name)):
            return None
        return record_sudo

    def _property_published_list(self, model_name, url, page, order):
        Model = request.env[model_name]
        count = self._property_published_count(model_name)
        pager = portal_pager(url=url, total=count, page=page, step=self._items_per_page)
        records = (
            Model.search(
                self._property_published_domain(model_name),
                order=order,
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else Model
        )
        return records, pager

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "property_shared_cost_count" in counters:
            values["property_shared_cost_count"] = self._property_published_count(
                "property.shared.cost"
            )
        if "property_disclosure_count" in counters:
            values["property_disclosure_count"] = self._property_published_count(
                "property.financial.disclosure"
            )
        return values

    # ------------------------------------------------------------------
    # Shared costs (公摊费用表)
    # ------------------------------------------------------------------
    @http.route(
        ["/my/shared-costs", "/my/shared-costs/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_shared_costs(self, page=1, **kw):
        costs, pager = self._property_published_list(
            "property.shared.cost",
            "/my/shared-costs",
            page,
            "period_start desc, id desc",
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "shared_costs": costs,
                "page_name": "property_shared_cost",
                "pager": pager,
                "default_url": "/my/shared-costs",
            }
        )
        return request.render("property_billing.portal_my_shared_costs", values)

    @http.route(
        ["/my/shared-costs/<int:cost_id>"], type="http", auth="user", website=True
    )
    def portal_my_shared_cost(self, cost_id, **kw):
        cost_sudo = self._property_published_record("property.shared.cost", cost_id)
        if cost_sudo is None:
            raise request.not_found()
        partner = request.env.user.partner_id.commercial_partner_id
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "property_shared_cost",
                "shared_cost": cost_sudo,
                "lines": cost_sudo.line_ids.sorted("sequence"),
                "my_line_ids": cost_sudo.line_ids.filtered(
                    lambda line: line.partner_id.commercial_partner_id == partner
                ).ids,
            }
        )
        return request.render("property_billing.portal_my_shared_cost", values)

    @http.route(
        ["/my/shared-costs/<int:cost_id>/xlsx"], type="http", auth="user", website=True
    )
    def portal_my_shared_cost_xlsx(self, cost_id, **kw):
        cost_sudo = self._property_published_record("property.shared.cost", cost_id)
        if cost_sudo is None:
            raise request.not_found()
        return xlsx_response(
            cost_sudo._xlsx_content(for_tenants=True), cost_sudo._xlsx_filename()
        )

    # ------------------------------------------------------------------
    # Financial disclosures (财务公开)
    # ------------------------------------------------------------------
    @http.route(
        ["/my/disclosures", "/my/disclosures/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_disclosures(self, page=1, **kw):
        disclosures, pager = self._property_published_list(
            "property.financial.disclosure",
            "/my/disclosures",
            page,
            "date_to desc, id desc",
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "disclosures": disclosures,
                "page_name": "property_disclosure",
                "pager": pager,
                "default_url": "/my/disclosures",
            }
        )
        return request.render("property_billing.portal_my_disclosures", values)

    @http.route(
        ["/my/disclosures/<int:disclosure_id>"], type="http", auth="user", website=True
    )
    def portal_my_disclosure(self, disclosure_id, **kw):
        disclosure_sudo = self._property_published_record(
            "property.financial.disclosure", disclosure_id
        )
        if disclosure_sudo is None:
            raise request.not_found()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "property_disclosure",
                "disclosure": disclosure_sudo,
                "revenue_lines": disclosure_sudo.revenue_line_ids.sorted("sequence"),
                "shared_lines": disclosure_sudo.shared_line_ids.sorted("sequence"),
            }
        )
        return request.render("property_billing.portal_my_disclosure", values)

    @http.route(
        ["/my/disclosures/<int:disclosure_id>/xlsx"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_disclosure_xlsx(self, disclosure_id, **kw):
        disclosure_sudo = self._property_published_record(
            "property.financial.disclosure", disclosure_id
        )
        if disclosure_sudo is None:
            raise request.not_found()
        return xlsx_response(
            disclosure_sudo._xlsx_content(), disclosure_sudo._xlsx_filename()
        )
