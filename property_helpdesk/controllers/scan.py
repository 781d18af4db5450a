"""Where the QR label of a place leads (``/property/scan/<token>``).

The label of a unit or of a public spot (lift, lobby, car park…) carries
the place's secret token. Whoever scans it:

- not logged in: the login page, back here afterwards (a request needs a
  tenant);
- a tenant (portal): the portal request form with the place filled in, only
  when it is theirs (a unit they occupy, a spot of a site where they have
  one); otherwise the usual form, nothing of the place shown;
- staff of the desk: a new back-office item found on patrol, the place
  filled in;
- an unknown or revoked token: 404, for everyone.
"""

from urllib.parse import urlencode

from werkzeug.exceptions import Forbidden

from odoo import _, http
from odoo.http import request

# the server actions that open a new patrol item of a place of that model
PATROL_ACTIONS = {
    "property.unit": "property_helpdesk.property_unit_action_new_patrol_item",
    "property.spot": "property_helpdesk.property_spot_action_new_patrol_item",
}


class PropertyScan(http.Controller):
    def _property_scan_place(self, token):
        """The active unit or spot of the token, or an empty recordset.

        sudo: whoever scans may not read the place; the unguessable token
        is the proof of having the label in front of them. Nothing is
        shown of the record found here."""
        if not token or len(token) > 64:
            return request.env["property.unit"]
        for model in PATROL_ACTIONS:
            place_sudo = (
                request.env[model].sudo().search([("scan_token", "=", token)], limit=1)
            )
            if place_sudo:
                return place_sudo
        return request.env["property.unit"]

    def _property_scan_portal_url(self, place_sudo):
        """The portal request form, the place filled in only when it is one
        of the tenant's (the form checks it again, as the user)."""
        partner = request.env.user.partner_id.commercial_partner_id
        occupancies = request.env["property.occupancy"].search(
            [
                ("tenant_id.commercial_partner_id", "=", partner.id),
                ("state", "=", "active"),
            ]
        )
        if place_sudo._name == "property.unit":
            if place_sudo.id in occupancies.unit_id.ids:
                return "/my/requests/new?" + urlencode({"unit_id": place_sudo.id})
        elif place_sudo.site_id.id in occupancies.site_id.ids:
            return "/my/requests/new?" + urlencode({"spot_id": place_sudo.id})
        return "/my/requests/new"

    @http.route("/property/scan/<string:token>", type="http", auth="public")
    def property_scan(self, token, **kw):
        place_sudo = self._property_scan_place(token)
        if not place_sudo:
            raise request.not_found()
        user = request.env.user
        if user._is_public():
            return request.redirect(
                "/web/login?" + urlencode({"redirect": f"/property/scan/{token}"})
            )
        if user.share:
            return request.redirect(self._property_scan_portal_url(place_sudo))
        if not request.env["property.ticket"].has_access("create"):
            raise Forbidden(
                _(
                    "Only the service desk registers items. Tell the desk what "
                    "you found at %(place)s.",
                    place=place_sudo.display_name,
                )
            )
        return request.redirect(
            f"/odoo/{place_sudo.id}/action-{PATROL_ACTIONS[place_sudo._name]}"
        )
