from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class PropertyFrontLogPortal(CustomerPortal):
    """The tenant's own documents and parcels kept at the front desk."""

    def _property_parcel_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("commercial_partner_id", "=", partner.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "property_parcel_count" in counters:
            FrontLog = request.env["property.front.log"]
            values["property_parcel_count"] = (
                FrontLog.search_count(self._property_parcel_domain())
                if FrontLog.has_access("read")
                else 0
            )
        return values

    @http.route(
        ["/my/parcels", "/my/parcels/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_parcels(self, page=1, **kw):
        FrontLog = request.env["property.front.log"]
        domain = self._property_parcel_domain()
        count = FrontLog.search_count(domain) if FrontLog.has_access("read") else 0
        pager = portal_pager(
            url="/my/parcels",
            total=count,
            page=page,
            step=self._items_per_page,
        )
        entries = (
            FrontLog.search(
                domain,
                order="received_at desc, id desc",
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else FrontLog
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: the entries were searched with the tenant's rights; the
                # site's name is shown even when no unit of the tenant is there
                "entries": entries.sudo(),
                "page_name": "property_parcel",
                "pager": pager,
                "default_url": "/my/parcels",
            }
        )
        return request.render("property_helpdesk.portal_my_parcels", values)
