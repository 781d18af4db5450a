"""Tenant portal of paid services (特约服务, R-WO-5).

What a tenant can do here, and nothing else:

- read the quote of a paid work order of their own item
  (``/my/work-orders/<id>/quote``);
- accept it with their name and signature while it awaits their answer
  (``/my/work-orders/<id>/quote/accept``, JSON, the portal signature
  widget), after which the technician may start the work;
- refuse it with the reason (``/my/work-orders/<id>/quote/refuse``).

The invoice of a completed paid service is an ordinary posted invoice of the
tenant: it is listed and paid with the other bills (``/my/property-bills``).

Every work order is loaded through ``_document_check_access``: anything
that is not the tenant's (or not reachable with a valid access token) is a
404.
"""

import binascii

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

REASON_MAX_LENGTH = 2000


class PropertyPaidServicePortal(CustomerPortal):
    def _property_quote_messages(self):
        return {
            "accepted": request.env._(
                "Thank you: the quote is accepted. The technician can now start "
                "the work."
            ),
            "refused": request.env._(
                "The quote is refused. The service desk will contact you."
            ),
        }

    def _property_quote_errors(self):
        return {
            "locked": request.env._(
                "This quote cannot be answered any more: the page was out of date."
            ),
            "reason": request.env._("Tell us why you refuse the quote."),
            "failed": request.env._(
                "Your answer could not be recorded. Please try again or call the "
                "service desk."
            ),
        }

    def _property_quote_url(self, work_order_sudo, access_token=None, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        url = f"{work_order_sudo.access_url}/quote"
        if access_token:
            url += f"?access_token={access_token}" + (f"&{query}" if query else "")
        elif query:
            url += f"?{query}"
        return url

    @staticmethod
    def _property_can_answer_quote(work_order_sudo):
        return (
            work_order_sudo.charge_type == "paid"
            and work_order_sudo.state == "assigned"
            and work_order_sudo.quote_state == "sent"
        )

    @http.route(
        "/my/work-orders/<int:wo_id>/quote",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_work_order_quote(
        self, wo_id, access_token=None, message=None, error=None, **kw
    ):
        try:
            work_order_sudo = self._document_check_access(
                "property.work.order", wo_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        # a quote exists once it was sent; a free order has none
        if (
            work_order_sudo.charge_type != "paid"
            or work_order_sudo.quote_state == "draft"
        ):
            raise request.not_found()
        values = self._get_page_view_values(
            work_order_sudo,
            access_token,
            {
                "page_name": "property_work_order_quote",
                "work_order": work_order_sudo,
                "ticket": work_order_sudo.ticket_id,
                "can_answer": self._property_can_answer_quote(work_order_sudo),
                "property_message": self._property_quote_messages().get(message),
                "property_error": self._property_quote_errors().get(error),
            },
            "my_work_orders_history",
            False,
            **kw,
        )
        return request.render(
            "property_helpdesk_billing.portal_my_work_order_quote", values
        )

    @http.route(
        "/my/work-orders/<int:wo_id>/quote/accept",
        type="json",
        auth="public",
        website=True,
    )
    def portal_my_work_order_quote_accept(
        self, wo_id, access_token=None, name=None, signature=None
    ):
        """Acceptance of the quote by the customer, with their signature."""
        access_token = access_token or request.httprequest.args.get("access_token")
        try:
            work_order_sudo = self._document_check_access(
                "property.work.order", wo_id, access_token
            )
        except (AccessError, MissingError) as error:
            raise request.not_found() from error
        if not self._property_can_answer_quote(work_order_sudo):
            return {"error": request.env._("This quote cannot be accepted any more.")}
        name = (name or "").strip()
        if not name:
            return {"error": request.env._("Write your name.")}
        if not signature:
            return {"error": request.env._("Signature is missing.")}
        try:
            with request.env.cr.savepoint():
                work_order_sudo._quote_accept(name=name, signature=signature)
        except (TypeError, ValueError, binascii.Error, UserError, ValidationError):
            return {"error": request.env._("Invalid signature data.")}
        work_order_sudo.message_post(
            body=request.env._(
                "Quote accepted and signed on the portal by %(name)s.", name=name
            ),
            author_id=self._property_quote_author(work_order_sudo).id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return {
            "force_refresh": True,
            "redirect_url": work_order_sudo.get_portal_url(
                suffix="/quote", query_string="&message=accepted"
            ),
        }

    @http.route(
        "/my/work-orders/<int:wo_id>/quote/refuse",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_my_work_order_quote_refuse(
        self, wo_id, access_token=None, reason=None, **kw
    ):
        try:
            work_order_sudo = self._document_check_access(
                "property.work.order", wo_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        if not self._property_can_answer_quote(work_order_sudo):
            return request.redirect(
                self._property_quote_url(work_order_sudo, access_token, error="locked")
            )
        reason = (reason or "").strip()[:REASON_MAX_LENGTH]
        if not reason:
            return request.redirect(
                self._property_quote_url(work_order_sudo, access_token, error="reason")
            )
        try:
            with request.env.cr.savepoint():
                work_order_sudo._quote_refuse(reason=reason)
        except (UserError, ValidationError):
            return request.redirect(
                self._property_quote_url(work_order_sudo, access_token, error="failed")
            )
        work_order_sudo.message_post(
            body=request.env._(
                "Quote refused on the portal: %(reason)s", reason=reason
            ),
            author_id=self._property_quote_author(work_order_sudo).id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(
            self._property_quote_url(work_order_sudo, access_token, message="refused")
        )

    @staticmethod
    def _property_quote_author(work_order_sudo):
        return (
            work_order_sudo.partner_id
            if request.env.user._is_public()
            else request.env.user.partner_id
        )
