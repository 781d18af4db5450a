from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# Rows of a unit's history shown in the portal (the newest).
HISTORY_ROWS = 50


class PropertyTenantPortal(CustomerPortal):
    def _property_occupancy_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [
            ("tenant_id.commercial_partner_id", "=", partner.id),
            ("state", "in", ("active", "ended")),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "property_unit_count" in counters:
            Occupancy = request.env["property.occupancy"]
            values["property_unit_count"] = (
                Occupancy.search_count(self._property_occupancy_domain())
                if Occupancy.has_access("read")
                else 0
            )
        return values

    @http.route(
        ["/my/units", "/my/units/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_units(self, page=1, **kw):
        Occupancy = request.env["property.occupancy"]
        domain = self._property_occupancy_domain()
        count = Occupancy.search_count(domain) if Occupancy.has_access("read") else 0
        pager = portal_pager(
            url="/my/units",
            total=count,
            page=page,
            step=self._items_per_page,
        )
        occupancies = (
            Occupancy.search(
                domain,
                order="state, move_in_date desc, id desc",
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else Occupancy
        )
        request.session["my_units_history"] = occupancies.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "occupancies": occupancies,
                "page_name": "property_unit",
                "pager": pager,
                "default_url": "/my/units",
            }
        )
        return request.render("property_tenant.portal_my_units", values)

    @http.route(
        ["/my/units/<int:occupancy_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_unit(self, occupancy_id, access_token=None, **kw):
        try:
            occupancy_sudo = self._document_check_access(
                "property.occupancy", occupancy_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        values = self._get_page_view_values(
            occupancy_sudo,
            access_token,
            {
                "page_name": "property_unit",
                "occupancy": occupancy_sudo,
                "documents": occupancy_sudo._portal_documents(),
                "members": occupancy_sudo.member_ids,
                # the tenant's own part of the unit's story, newest first
                "history": occupancy_sudo.env["property.timeline"].timeline(
                    occupancies=occupancy_sudo, portal=True
                )[:HISTORY_ROWS],
            },
            "my_units_history",
            False,
            **kw,
        )
        return request.render("property_tenant.portal_my_unit", values)

    @http.route(
        [
            "/my/units/<int:occupancy_id>/document/<int:document_id>"
            "/file/<int:attachment_id>"
        ],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_unit_document_file(
        self, occupancy_id, document_id, attachment_id, access_token=None, **kw
    ):
        try:
            occupancy_sudo = self._document_check_access(
                "property.occupancy", occupancy_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        document_sudo = occupancy_sudo._portal_documents().filtered(
            lambda d: d.id == document_id
        )
        attachment_sudo = document_sudo.attachment_ids.filtered(
            lambda a: a.id == attachment_id
        )
        if not attachment_sudo:
            raise request.not_found()
        stream = request.env["ir.binary"]._get_stream_from(attachment_sudo)
        return stream.get_response(as_attachment=True)
