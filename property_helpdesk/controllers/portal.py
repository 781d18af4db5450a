"""Tenant portal of the service desk (R-DESK-1 portal channel, R-WO-3, R-CB-1).

What a tenant can do here, and nothing else:

- list and open their own items (``/my/requests``), follow the timeline and
  comment through the portal chatter;
- register a new item of any kind for one of their ACTIVE occupancies, with
  photos (``/my/requests/new``);
- rate and sign a work order of their own item while the technician is on
  site (``/my/work-orders/<id>``); the signature completes the order only when
  the technician has already recorded the work done, otherwise the technician
  completes it from the back office as usual;
- answer a pending call-back of their own item online, which closes the item
  (satisfied) or dispatches it again (not satisfied).

Every record is loaded through ``_document_check_access``; anything that is
not the tenant's (or not reachable with a valid access token) is a 404.
"""

import binascii
from uuid import uuid4

from odoo import Command, _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.property_tenant.concurrency import serialize_on
from odoo.addons.property_tenant.upload import (
    PHOTO_TYPES,
    attachment_values,
    request_uploads,
    upload_limits,
)

from ..models.property_ticket import TICKET_KINDS
from ..utils import SATISFACTION_LEVELS, is_satisfied

SUMMARY_MAX_LENGTH = 200


class PropertyHelpdeskPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _property_request_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("commercial_partner_id", "=", partner.id)]

    def _property_request_occupancies(self):
        """The tenant's ACTIVE occupancies: the only units a request can be
        registered for. Read as the user, so the record rules apply too."""
        Occupancy = request.env["property.occupancy"]
        if not Occupancy.has_access("read"):
            return Occupancy
        partner = request.env.user.partner_id.commercial_partner_id
        return Occupancy.search(
            [
                ("tenant_id.commercial_partner_id", "=", partner.id),
                ("state", "=", "active"),
            ],
            order="site_id, unit_id",
        )

    def _property_request_spot(self, spot_id, occupancies):
        """The public spot a request is about (scanned from its QR label):
        read as the user, and only a spot of a site where the tenant has an
        active occupancy. Anything else is no spot at all."""
        Spot = request.env["property.spot"]
        if not spot_id or not str(spot_id).isdigit() or not Spot.has_access("read"):
            return Spot
        return Spot.search(
            [
                ("id", "=", int(spot_id)),
                ("site_id", "in", occupancies.site_id.ids),
            ],
            limit=1,
        )

    def _property_satisfaction_levels(self):
        """The 1 to 5 scale, labels in the visitor's language."""
        field = request.env["property.callback"]._fields["satisfaction"]
        return field._description_selection(request.env)

    def _property_messages(self):
        return {
            "created": _(
                "Your request has been registered. The service desk will "
                "contact you; you can follow it and add comments here."
            ),
            "rated": _("Thank you for your rating. Please sign the work order."),
            "signed": _("Thank you: the work order is signed."),
            "signed_done": _("Thank you: the work order is signed and completed."),
            "callback_closed": _("Thank you for your answer: the item is now closed."),
            "callback_reopened": _(
                "We are sorry the work did not satisfy you: the item has been "
                "handed to the department again."
            ),
            "callback_done": _("Thank you for your answer."),
        }

    def _property_errors(self):
        return {
            "satisfaction": _("Choose how satisfied you are (1 to 5)."),
            "locked": _("This step is no longer possible: the page was out of date."),
            "failed": _(
                "Your answer could not be recorded. Please try again or call "
                "the service desk."
            ),
        }

    def _property_redirect(self, record, access_token=None, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        url = record.access_url
        if access_token:
            url += f"?access_token={access_token}" + (f"&{query}" if query else "")
        elif query:
            url += f"?{query}"
        return request.redirect(url)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "property_request_count" in counters:
            Ticket = request.env["property.ticket"]
            values["property_request_count"] = (
                Ticket.search_count(self._property_request_domain())
                if Ticket.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # My requests: list
    # ------------------------------------------------------------------
    def _property_request_filters(self):
        return {
            "all": {"label": _("All"), "domain": []},
            "open": {"label": _("Open"), "domain": [("is_open", "=", True)]},
            "closed": {"label": _("Closed"), "domain": [("is_open", "=", False)]},
        }

    def _property_request_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "received_at desc, id desc"},
            "name": {"label": _("Reference"), "order": "name desc"},
            "state": {"label": _("Status"), "order": "state, received_at desc"},
        }

    @http.route(
        ["/my/requests", "/my/requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_requests(self, page=1, sortby=None, filterby=None, **kw):
        Ticket = request.env["property.ticket"]
        filters = self._property_request_filters()
        sortings = self._property_request_sortings()
        filterby = filterby if filterby in filters else "all"
        sortby = sortby if sortby in sortings else "date"
        domain = self._property_request_domain() + filters[filterby]["domain"]
        count = Ticket.search_count(domain) if Ticket.has_access("read") else 0
        pager = portal_pager(
            url="/my/requests",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        tickets = (
            Ticket.search(
                domain,
                order=sortings[sortby]["order"],
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else Ticket
        )
        request.session["my_requests_history"] = tickets.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "tickets": tickets,
                "page_name": "property_request",
                "pager": pager,
                "default_url": "/my/requests",
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "can_submit": bool(self._property_request_occupancies()),
            }
        )
        return request.render("property_helpdesk.portal_my_requests", values)

    # ------------------------------------------------------------------
    # New request
    # ------------------------------------------------------------------
    def _property_request_form_values(self, occupancies, form, errors, spot=None):
        limits = upload_limits(request.env)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "property_request_new",
                "occupancies": occupancies,
                "spot": spot,
                # sudo: the spot is the tenant's (checked); its building may
                # not be one they can read
                "spot_label": spot.sudo().display_name if spot else "",
                "kinds": [
                    (key, label)
                    for key, label in request.env["property.ticket"]
                    ._fields["kind"]
                    ._description_selection(request.env)
                ],
                "form": form,
                "errors": errors,
                "max_photos": limits.max_files,
                "max_photo_size": limits.max_size // (1024 * 1024),
            }
        )
        return values

    def _property_request_errors(self, form, occupancy, spot, spot_asked):
        errors = []
        if form["kind"] not in dict(TICKET_KINDS):
            errors.append(_("Choose what kind of request this is."))
        if spot_asked and not spot:
            errors.append(_("This place is not at one of your sites."))
        elif not occupancy and not spot:
            errors.append(_("Choose one of your units."))
        if not form["summary"]:
            errors.append(_("Say in a few words what it is about."))
        elif len(form["summary"]) > SUMMARY_MAX_LENGTH:
            errors.append(
                _(
                    "Keep the subject under %(count)s characters; write the "
                    "details in the description.",
                    count=SUMMARY_MAX_LENGTH,
                )
            )
        return errors

    def _property_request_already_sent(self, submission):
        """The request this form already created, if it was sent before
        (double click, browser retry)."""
        if not submission:
            return None
        partner = request.env.user.partner_id
        # the same form sent twice at once: the second waits for the first
        # and is replayed by Odoo on its result, where it finds the request
        serialize_on(partner)
        return (
            request.env["property.ticket"]
            .sudo()
            .search(
                [
                    ("portal_submission", "=", submission),
                    ("partner_id", "=", partner.id),
                ],
                limit=1,
            )
        )

    @http.route(
        "/my/requests/new",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_my_request_new(self, **post):
        occupancies = self._property_request_occupancies()
        spot = self._property_request_spot(post.get("spot_id"), occupancies)
        if request.httprequest.method != "POST":
            unit_id = post.get("unit_id") or ""
            if unit_id not in [str(unit_id) for unit_id in occupancies.unit_id.ids]:
                unit_id = str(occupancies.unit_id.id) if len(occupancies) == 1 else ""
            # the form's own key: the same form sent twice (double click,
            # browser retry) is one request
            form = {"kind": "service", "unit_id": unit_id, "submission": uuid4().hex}
            return request.render(
                "property_helpdesk.portal_my_request_new",
                self._property_request_form_values(occupancies, form, [], spot),
            )

        form = {
            "kind": post.get("kind") or "",
            "unit_id": post.get("unit_id") or "",
            "summary": (post.get("summary") or "").strip(),
            "description": (post.get("description") or "").strip(),
            "submission": (post.get("property_submission") or "")[:64],
        }
        if sent := self._property_request_already_sent(form["submission"]):
            return request.redirect(f"{sent.access_url}?message=created")
        occupancy = occupancies.filtered(
            lambda o: str(o.unit_id.id) == form["unit_id"]
        )[:1]
        errors = self._property_request_errors(
            form, occupancy, spot, bool(post.get("spot_id"))
        )
        photos = request_uploads("photos", "photo", errors)
        if errors:
            return request.render(
                "property_helpdesk.portal_my_request_new",
                self._property_request_form_values(occupancies, form, errors, spot),
            )

        partner = request.env.user.partner_id
        # a public spot (scanned label) is the place, else the tenant's unit
        unit = occupancy.unit_id if not spot else occupancy.unit_id.browse()
        place = spot or unit
        # the site's service agent follows the items that come in online
        agent = place.site_id.sudo().agent_id
        if place.company_id not in agent.company_ids:
            agent = agent.browse()
        # sudo: the portal has no create right; everything was validated above:
        # the unit is one of the tenant's active occupancies, the spot is at
        # the site of one.
        try:
            with request.env.cr.savepoint():
                ticket_sudo = (
                    request.env["property.ticket"]
                    .sudo()
                    .with_company(place.company_id)
                    .create(
                        {
                            "kind": form["kind"],
                            "channel": "portal",
                            "company_id": place.company_id.id,
                            "site_id": place.site_id.id,
                            "unit_id": unit.id,
                            "spot_id": spot.id,
                            "occupancy_id": occupancy.id if unit else False,
                            "partner_id": partner.id,
                            "contact_name": partner.name,
                            "contact_phone": partner.phone or partner.mobile,
                            "email_from": partner.email,
                            "summary": form["summary"],
                            "description": plaintext2html(form["description"])
                            if form["description"]
                            else False,
                            "user_id": agent.id,
                            "portal_submission": form["submission"] or False,
                        }
                    )
                )
                if photos:
                    attachments_sudo = (
                        request.env["ir.attachment"]
                        .sudo()
                        .create(attachment_values(photos, ticket_sudo))
                    )
                    ticket_sudo.photo_ids = [Command.set(attachments_sudo.ids)]
        except (UserError, ValidationError) as error:
            return request.render(
                "property_helpdesk.portal_my_request_new",
                self._property_request_form_values(
                    occupancies, form, [error.args[0]], spot
                ),
            )
        return request.redirect(f"{ticket_sudo.access_url}?message=created")

    # ------------------------------------------------------------------
    # Request detail, its photos, its call-back
    # ------------------------------------------------------------------
    def _property_ticket_timeline(self, ticket_sudo):
        """The dated steps of the item, oldest first."""
        channel = dict(
            ticket_sudo._fields["channel"]._description_selection(request.env)
        )
        satisfaction = dict(self._property_satisfaction_levels())
        events = [
            (
                ticket_sudo.received_at,
                _("Registered (%(channel)s)", channel=channel[ticket_sudo.channel]),
            )
        ]
        if ticket_sudo.reply_date and ticket_sudo.reply:
            events.append(
                (
                    fields.Datetime.to_datetime(ticket_sudo.reply_date),
                    _("Answered by the service desk"),
                )
            )
        for work_order in ticket_sudo.work_order_ids:
            events.append(
                (
                    work_order.create_date,
                    _(
                        "Work order %(name)s sent to %(department)s",
                        name=work_order.name,
                        department=work_order.department_id.name,
                    ),
                )
            )
            if work_order.started_at:
                events.append(
                    (
                        work_order.started_at,
                        _("Work started (%(name)s)", name=work_order.name),
                    )
                )
            if work_order.done_at:
                events.append(
                    (
                        work_order.done_at,
                        _("Work completed (%(name)s)", name=work_order.name),
                    )
                )
        for callback in ticket_sudo.callback_ids.filtered(
            lambda c: c.state == "done" and c.done_at
        ):
            events.append(
                (
                    callback.done_at,
                    _(
                        "Call-back: %(answer)s",
                        answer=satisfaction.get(callback.satisfaction, "-"),
                    ),
                )
            )
        if ticket_sudo.closed_at:
            events.append((ticket_sudo.closed_at, _("Closed")))
        events = [(date, label) for date, label in events if date]
        return sorted(events, key=lambda event: event[0])

    @http.route(
        "/my/requests/<int:ticket_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_request(self, ticket_id, access_token=None, message=None, **kw):
        try:
            ticket_sudo = self._document_check_access(
                "property.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        callback_sudo = ticket_sudo.callback_ids.filtered(lambda c: c.state == "todo")[
            :1
        ]
        values = self._get_page_view_values(
            ticket_sudo,
            access_token,
            {
                "page_name": "property_request",
                "ticket": ticket_sudo,
                "work_orders": ticket_sudo.work_order_ids.sorted("id"),
                "callback": callback_sudo,
                "timeline": self._property_ticket_timeline(ticket_sudo),
                "satisfaction_levels": self._property_satisfaction_levels(),
                "property_message": self._property_messages().get(message),
                "property_error": self._property_errors().get(kw.get("error")),
            },
            "my_requests_history",
            False,
            **kw,
        )
        return request.render("property_helpdesk.portal_my_request", values)

    @http.route(
        "/my/requests/<int:ticket_id>/photos/<int:photo_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_request_photo(self, ticket_id, photo_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access(
                "property.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        photo_sudo = ticket_sudo.photo_ids.filtered(lambda a: a.id == photo_id)
        if not photo_sudo:
            raise request.not_found()
        stream = request.env["ir.binary"]._get_stream_from(photo_sudo)
        # shown inline only when it is a picture (files added at the desk may
        # be anything)
        inline = stream.mimetype in PHOTO_TYPES and not kw.get("download")
        return stream.get_response(as_attachment=not inline)

    @http.route(
        "/my/requests/<int:ticket_id>/callback/<int:callback_id>",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_my_request_callback(
        self,
        ticket_id,
        callback_id,
        access_token=None,
        satisfaction=None,
        comment=None,
        **kw,
    ):
        try:
            ticket_sudo = self._document_check_access(
                "property.ticket", ticket_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        callback_sudo = ticket_sudo.callback_ids.filtered(lambda c: c.id == callback_id)
        if not callback_sudo:
            raise request.not_found()
        if callback_sudo.state != "todo":
            return self._property_redirect(ticket_sudo, access_token, error="locked")
        if satisfaction not in dict(SATISFACTION_LEVELS):
            return self._property_redirect(
                ticket_sudo, access_token, error="satisfaction"
            )
        try:
            with request.env.cr.savepoint():
                callback_sudo.write(
                    {
                        "method": "portal",
                        "satisfaction": satisfaction,
                        "comment": (comment or "").strip() or False,
                    }
                )
                callback_sudo.action_done()
        except (UserError, ValidationError):
            return self._property_redirect(ticket_sudo, access_token, error="failed")
        if ticket_sudo.state == "closed":
            message = "callback_closed"
        elif not is_satisfied(satisfaction) and ticket_sudo.state == "in_progress":
            message = "callback_reopened"
        else:
            message = "callback_done"
        return self._property_redirect(ticket_sudo, access_token, message=message)

    # ------------------------------------------------------------------
    # Work order: detail, PDF, rating and signature
    # ------------------------------------------------------------------
    @http.route(
        "/my/work-orders/<int:wo_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_work_order(
        self,
        wo_id,
        access_token=None,
        report_type=None,
        download=False,
        message=None,
        **kw,
    ):
        try:
            work_order_sudo = self._document_check_access(
                "property.work.order", wo_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=work_order_sudo,
                report_type=report_type,
                report_ref="property_helpdesk.action_report_work_order",
                download=download,
            )
        values = self._get_page_view_values(
            work_order_sudo,
            access_token,
            {
                "page_name": "property_work_order",
                "work_order": work_order_sudo,
                "ticket": work_order_sudo.ticket_id,
                "can_rate": self._property_can_rate(work_order_sudo),
                "can_sign": self._property_can_sign(work_order_sudo),
                "satisfaction_levels": self._property_satisfaction_levels(),
                "property_message": self._property_messages().get(message),
                "property_error": self._property_errors().get(kw.get("error")),
            },
            "my_work_orders_history",
            False,
            **kw,
        )
        return request.render("property_helpdesk.portal_my_work_order", values)

    def _property_can_rate(self, work_order_sudo):
        """Rating belongs to the sign-off: while on site, before signing."""
        return work_order_sudo.state == "in_progress" and not work_order_sudo.signature

    def _property_can_sign(self, work_order_sudo):
        return self._property_can_rate(work_order_sudo) and bool(
            work_order_sudo.satisfaction
        )

    @http.route(
        "/my/work-orders/<int:wo_id>/rate",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_my_work_order_rate(
        self, wo_id, access_token=None, satisfaction=None, comment=None, **kw
    ):
        try:
            work_order_sudo = self._document_check_access(
                "property.work.order", wo_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        if not self._property_can_rate(work_order_sudo):
            return self._property_redirect(
                work_order_sudo, access_token, error="locked"
            )
        if satisfaction not in dict(SATISFACTION_LEVELS):
            return self._property_redirect(
                work_order_sudo, access_token, error="satisfaction"
            )
        work_order_sudo.write(
            {
                "satisfaction": satisfaction,
                "customer_comment": (comment or "").strip() or False,
            }
        )
        return self._property_redirect(work_order_sudo, access_token, message="rated")

    @http.route(
        "/my/work-orders/<int:wo_id>/sign",
        type="json",
        auth="public",
        website=True,
    )
    def portal_my_work_order_sign(
        self, wo_id, access_token=None, name=None, signature=None
    ):
        """Sign-off by the customer (R-WO-3).

        The signature, the signer's name and the time are stored. When the
        technician has already recorded the work done, the signature is the
        last thing missing and the order is completed (which plans the
        call-back); otherwise the technician completes it as usual.
        """
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            work_order_sudo = self._document_check_access(
                "property.work.order", wo_id, access_token
            )
        except (AccessError, MissingError) as error:
            # not the tenant's: the same 404 as every other route
            raise request.not_found() from error
        if not self._property_can_rate(work_order_sudo):
            return {"error": _("This work order cannot be signed any more.")}
        if not work_order_sudo.satisfaction:
            return {"error": _("Rate the work before signing.")}
        name = (name or "").strip()
        if not name:
            return {"error": _("Write your name.")}
        if not signature:
            return {"error": _("Signature is missing.")}
        try:
            with request.env.cr.savepoint():
                work_order_sudo.write(
                    {
                        "signature": signature,
                        "signed_by": name,
                        "signed_at": fields.Datetime.now(),
                    }
                )
        except (TypeError, ValueError, binascii.Error, UserError):
            return {"error": _("Invalid signature data.")}
        author = (
            work_order_sudo.partner_id
            if request.env.user._is_public()
            else request.env.user.partner_id
        )
        work_order_sudo.message_post(
            body=_("Signed on the portal by %(name)s.", name=name),
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        message = "signed"
        if work_order_sudo.work_done:
            try:
                with request.env.cr.savepoint():
                    work_order_sudo.action_done()
                    message = "signed_done"
            except UserError:
                message = "signed"
        return {
            "force_refresh": True,
            "redirect_url": work_order_sudo.get_portal_url(
                query_string=f"&message={message}"
            ),
        }
