from odoo import fields, http
from odoo.exceptions import ValidationError
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
        Authorization = request.env["property.parcel.authorization"]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: the entries were searched with the tenant's rights; the
                # site's name is shown even when no unit of the tenant is there
                "entries": entries.sudo(),
                "waiting": FrontLog.search(
                    domain
                    + [
                        ("direction", "=", "in"),
                        ("state", "in", ("received", "notified")),
                    ]
                )
                if count
                else FrontLog,
                "authorizations": Authorization.search([])
                if Authorization.has_access("read")
                else Authorization,
                "authorization_error": self._property_authorization_errors().get(
                    kw.get("error")
                ),
                "page_name": "property_parcel",
                "pager": pager,
                "default_url": "/my/parcels",
            }
        )
        return request.render("property_helpdesk.portal_my_parcels", values)

    def _property_authorization_errors(self):
        _ = request.env._
        return {
            "item": _("Choose one of your items waiting at the desk."),
            "name": _("Write the collector's name."),
            "digits": _(
                "Give the last 4 to 6 characters of the collector's ID card "
                "(digits, or X)."
            ),
        }

    def _property_authorization_company(self, entry):
        """The company of a new authorisation: its item's, else that of the
        tenant's current tenancy."""
        if entry:
            return entry.company_id
        partner = request.env.user.partner_id.commercial_partner_id
        occupancy = (
            request.env["property.occupancy"]
            .sudo()
            .search(
                [
                    ("tenant_id.commercial_partner_id", "=", partner.id),
                    ("state", "=", "active"),
                ],
                limit=1,
            )
        )
        return occupancy.company_id or request.env.user.company_id

    @http.route(
        "/my/parcels/authorize",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_parcel_authorize(self, **post):
        """The tenant authorises a collector, for one waiting item (found
        with the tenant's own rights) or standing."""
        FrontLog = request.env["property.front.log"]
        scope = post.get("scope") if post.get("scope") in ("one", "standing") else "one"
        entry = FrontLog
        if scope == "one":
            entry_id = (
                int(post["entry_id"]) if post.get("entry_id", "").isdigit() else 0
            )
            entry = FrontLog.search(
                self._property_parcel_domain()
                + [("id", "=", entry_id), ("state", "in", ("received", "notified"))]
            )
            if not entry:
                return request.redirect("/my/parcels?error=item")
        partner = request.env.user.partner_id.commercial_partner_id
        vals = {
            "partner_id": partner.id,
            "company_id": self._property_authorization_company(entry).id,
            "collector_name": (post.get("collector_name") or "").strip(),
            "collector_phone": (post.get("collector_phone") or "").strip(),
            "id_last_digits": (post.get("id_last_digits") or "").strip().upper(),
            "scope": scope,
            "entry_id": entry.id or False,
            "date_end": fields.Date.to_date(post.get("date_end") or None)
            if scope == "standing"
            else False,
        }
        if not vals["collector_name"]:
            return request.redirect("/my/parcels?error=name")
        try:
            # sudo: tenants do not write the desk's records; the values are
            # the tenant's own (partner forced, item searched with their rights)
            with request.env.cr.savepoint():
                request.env["property.parcel.authorization"].sudo().create(vals)
        except ValidationError:
            return request.redirect("/my/parcels?error=digits")
        return request.redirect("/my/parcels")

    @http.route(
        "/my/parcels/authorizations/<int:authorization_id>/revoke",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_parcel_authorization_revoke(self, authorization_id, **post):
        # searched with the tenant's rights: another tenant's is not found
        authorization = request.env["property.parcel.authorization"].search(
            [("id", "=", authorization_id)]
        )
        if not authorization:
            raise request.not_found()
        authorization.sudo().action_revoke()
        return request.redirect("/my/parcels")
