"""Tenant portal of the community events (R-COM-2).

What a tenant can do here, and nothing else:

- see the upcoming community events of the sites where they are a current
  tenant (``/my/events``), and the past events they attended;
- register themselves and the members of their household recorded in the
  tenant archive, and cancel a registration before the event starts;
- show the QR code of each registration at the door;
- rate an event they attended, once it is over.

Events are read as the user first (record rules), then re-checked against
the user's own active tenancies; registrations are loaded through
``_document_check_access``. Anything else is a 404.
"""

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.event_registration import RATINGS

RATING_COMMENT_MAX_LENGTH = 2000


class PropertyEventPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _property_event_occupancies(self):
        """The user's ACTIVE tenancies, read as the user (record rules)."""
        Occupancy = request.env["property.occupancy"]
        if not Occupancy.has_access("read"):
            return Occupancy
        partner = request.env.user.partner_id.commercial_partner_id
        return Occupancy.search(
            [
                ("tenant_id.commercial_partner_id", "=", partner.id),
                ("state", "=", "active"),
            ]
        )

    def _property_event_base_domain(self, sites):
        domain = [("property_site_id", "in", sites.ids)]
        cancelled = request.env["event.event"]._property_cancelled_stage()
        if cancelled:
            domain.append(("stage_id", "!=", cancelled.id))
        return domain

    def _property_upcoming_domain(self, sites):
        return self._property_event_base_domain(sites) + [
            ("date_end", ">=", fields.Datetime.now())
        ]

    def _property_registration_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [
            ("partner_id.commercial_partner_id", "=", partner.id),
            ("property_site_id", "!=", False),
        ]

    def _property_get_event(self, event_id):
        """The event, sudo, if the user may see it: readable under the
        record rules AND of a site where the user is a current tenant."""
        event_sudo = self._document_check_access("event.event", event_id)
        sites = self._property_event_occupancies().site_id
        if not event_sudo.property_site_id or event_sudo.property_site_id not in sites:
            raise AccessError(_("This event is not open to you."))
        return event_sudo

    def _property_event_messages(self):
        return {
            "registered": _(
                "You are registered. Show the QR code of each attendee at the entrance."
            ),
            "cancelled": _("The registration is cancelled."),
            "rated": _("Thank you for your rating."),
        }

    def _property_event_errors(self):
        return {
            "locked": _("This is no longer possible: the page was out of date."),
            "rating": _("Choose a rating from 1 to 5 stars."),
        }

    def _property_can_register(self, event_sudo):
        return (
            event_sudo.date_begin > fields.Datetime.now()
            and not event_sudo._property_is_cancelled()
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "property_event_count" in counters:
            Event = request.env["event.event"]
            sites = self._property_event_occupancies().site_id
            values["property_event_count"] = (
                Event.search_count(self._property_upcoming_domain(sites))
                if sites and Event.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------
    @http.route(
        ["/my/events", "/my/events/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_events(self, page=1, **kw):
        Event = request.env["event.event"]
        sites = self._property_event_occupancies().site_id
        can_read = bool(sites) and Event.has_access("read")
        domain = self._property_upcoming_domain(sites)
        count = Event.search_count(domain) if can_read else 0
        pager = portal_pager(
            url="/my/events", total=count, page=page, step=self._items_per_page
        )
        events = (
            Event.search(
                domain,
                order="date_begin, id",
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else Event
        )
        Registration = request.env["event.registration"]
        registrations = (
            Registration.search(
                self._property_registration_domain() + [("state", "!=", "cancel")]
            )
            if Registration.has_access("read")
            else Registration
        )
        now = fields.Datetime.now()
        registrations_sudo = registrations.sudo()
        attended_sudo = registrations_sudo.filtered(
            lambda r: r.state == "done" and r.event_id.date_end < now
        ).sorted(lambda r: r.event_id.date_begin, reverse=True)[:20]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "events": events.sudo(),
                "registered_by_event": {
                    event: registrations_sudo.filtered(
                        lambda r, e=event: r.event_id == e
                    )
                    for event in events.sudo()
                },
                "attended": attended_sudo,
                "page_name": "property_event",
                "pager": pager,
                "default_url": "/my/events",
                "has_tenancy": bool(sites),
            }
        )
        return request.render("property_community.portal_my_events", values)

    # ------------------------------------------------------------------
    # Event detail, registration, cancellation, rating
    # ------------------------------------------------------------------
    def _property_event_page_values(self, event_sudo, error=None, message=None):
        occupancies = self._property_event_occupancies().filtered(
            lambda o: o.site_id == event_sudo.property_site_id
        )
        Registration = request.env["event.registration"]
        registrations_sudo = (
            Registration.search(
                self._property_registration_domain()
                + [("event_id", "=", event_sudo.id)]
            ).sudo()
            if Registration.has_access("read")
            else Registration.sudo()
        )
        live_sudo = registrations_sudo.filtered(lambda r: r.state != "cancel")
        now = fields.Datetime.now()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "property_event",
                "event": event_sudo,
                "occupancies": occupancies.sudo(),
                "registrations": registrations_sudo.sorted("id"),
                "registered_keys": {
                    (r.property_occupancy_id.id, r.property_member_id.id)
                    for r in live_sudo
                },
                "can_register": self._property_can_register(event_sudo),
                "can_cancel": event_sudo.date_begin > now,
                "is_over": event_sudo.date_end < now,
                "ratings": RATINGS,
                "user_partner": request.env.user.partner_id,
                "property_message": self._property_event_messages().get(message),
                "property_error": error,
            }
        )
        return values

    @http.route(
        "/my/events/<int:event_id>",
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_event(self, event_id, message=None, error=None, **kw):
        try:
            event_sudo = self._property_get_event(event_id)
        except (AccessError, MissingError) as error:
            raise request.not_found() from error
        values = self._property_event_page_values(
            event_sudo,
            error=self._property_event_errors().get(error),
            message=message,
        )
        return request.render("property_community.portal_my_event", values)

    @http.route(
        "/my/events/<int:event_id>/register",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_event_register(self, event_id, occupancy_id=None, **post):
        try:
            event_sudo = self._property_get_event(event_id)
        except (AccessError, MissingError) as error:
            raise request.not_found() from error
        occupancy = self._property_event_occupancies().filtered(
            lambda o: (
                str(o.id) == (occupancy_id or "")
                and o.site_id == event_sudo.property_site_id
            )
        )
        if not occupancy:
            raise request.not_found()
        attendees = request.httprequest.form.getlist("attendee")
        error = None
        if not self._property_can_register(event_sudo):
            error = _("Registration for this event is closed.")
        elif not attendees:
            error = _("Choose who will attend the event.")
        member_ids = []
        for key in attendees:
            if key == "tenant":
                continue
            if not key.isdigit():
                error = _("Only the members of your household can be registered.")
                break
            member_ids.append(int(key))
        if not error:
            partner = request.env.user.partner_id
            try:
                # sudo: the portal has no create right; the event and the
                # tenancy were checked above, the members are checked
                # against the tenancy by the model. The model checks
                # everything before writing anything (no savepoint: the
                # confirmation mails are sent, and committed, at once).
                request.env["event.registration"].sudo()._property_register_household(
                    event_sudo,
                    occupancy.sudo(),
                    member_ids,
                    partner if "tenant" in attendees else None,
                )
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
        if error:
            values = self._property_event_page_values(event_sudo, error=error)
            return request.render("property_community.portal_my_event", values)
        return request.redirect(f"/my/events/{event_sudo.id}?message=registered")

    def _property_get_registration(self, registration_id):
        registration_sudo = self._document_check_access(
            "event.registration", registration_id
        )
        if not registration_sudo.property_site_id:
            raise AccessError(_("This registration is not for a community event."))
        return registration_sudo

    @http.route(
        "/my/events/registration/<int:registration_id>/cancel",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_event_registration_cancel(self, registration_id, **post):
        try:
            registration_sudo = self._property_get_registration(registration_id)
        except (AccessError, MissingError) as error:
            raise request.not_found() from error
        event_id = registration_sudo.event_id.id
        try:
            # refused before anything is written
            registration_sudo.action_property_cancel()
        except UserError:
            return request.redirect(f"/my/events/{event_id}?error=locked")
        return request.redirect(f"/my/events/{event_id}?message=cancelled")

    @http.route(
        "/my/events/registration/<int:registration_id>/rate",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_event_registration_rate(
        self, registration_id, rating=None, comment=None, **post
    ):
        try:
            registration_sudo = self._property_get_registration(registration_id)
        except (AccessError, MissingError) as error:
            raise request.not_found() from error
        event_id = registration_sudo.event_id.id
        if rating not in dict(RATINGS):
            return request.redirect(f"/my/events/{event_id}?error=rating")
        try:
            # refused before anything is written
            registration_sudo._property_rate(
                rating, (comment or "")[:RATING_COMMENT_MAX_LENGTH]
            )
        except UserError:
            return request.redirect(f"/my/events/{event_id}?error=locked")
        return request.redirect(f"/my/events/{event_id}?message=rated")
