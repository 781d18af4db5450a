"""Tenant portal of notices and satisfaction surveys (R-COM-3).

What a tenant can do here, and nothing else:

- list the notices addressed to them (``/my/notices``): published, in their
  publish window, addressed to the site, building and tenant kind of one of
  their ACTIVE occupancies;
- open one (``/my/notices/<id>``), which records a read receipt when the
  notice is important, and download its files;
- list their open satisfaction surveys (``/my/satisfaction``), each linking
  to the survey's own answer page with the tenant's answer token.

Every notice is loaded through ``_document_check_access`` (the portal record
rule keeps the audience) and must be in its window; anything else is a 404.
"""

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.property_notice import NOTICE_CATEGORIES


class PropertyNoticePortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _property_notice_domain(self):
        partner = request.env.user.partner_id
        return request.env["property.notice"]._portal_domain(partner)

    def _property_notice_count(self):
        Notice = request.env["property.notice"]
        if not Notice.has_access("read"):
            return 0
        return Notice.search_count(self._property_notice_domain())

    def _property_survey_domain(self):
        """Open satisfaction surveys of the user: the survey's own answer page
        only accepts the partner the invitation was made for."""
        return [
            ("partner_id", "=", request.env.user.partner_id.id),
            ("satisfaction_survey_id.state", "=", "open"),
            ("state", "!=", "done"),
            ("test_entry", "=", False),
            "|",
            ("deadline", "=", False),
            ("deadline", ">", fields.Datetime.now()),
        ]

    def _property_open_surveys(self):
        # The domain is the user's own partner, never an id from the request.
        return (
            request.env["survey.user_input"]
            .sudo()
            .search(self._property_survey_domain(), order="deadline, id")
        )

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "property_notice_count" in counters:
            values["property_notice_count"] = self._property_notice_count()
        if "property_survey_count" in counters:
            values["property_survey_count"] = len(self._property_open_surveys())
        return values

    def _property_notice_filters(self):
        filters = {"all": {"label": request.env._("All"), "domain": []}}
        labels = dict(
            request.env["property.notice"]
            ._fields["category"]
            ._description_selection(request.env)
        )
        for category, _label in NOTICE_CATEGORIES:
            filters[category] = {
                "label": labels[category],
                "domain": [("category", "=", category)],
            }
        filters["important"] = {
            "label": request.env._("Important"),
            "domain": [("important", "=", True)],
        }
        return filters

    def _property_notice_check(self, notice_id):
        """The notice if it is shown to the user now, else raise."""
        notice_sudo = self._document_check_access("property.notice", notice_id)
        if not notice_sudo._is_on_portal():
            raise MissingError(request.env._("This notice is not published."))
        return notice_sudo

    # ------------------------------------------------------------------
    # Notices
    # ------------------------------------------------------------------
    @http.route(
        ["/my/notices", "/my/notices/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_notices(self, page=1, filterby=None, **kw):
        Notice = request.env["property.notice"]
        filters = self._property_notice_filters()
        filterby = filterby if filterby in filters else "all"
        domain = expression.AND(
            [self._property_notice_domain(), filters[filterby]["domain"]]
        )
        count = Notice.search_count(domain) if Notice.has_access("read") else 0
        pager = portal_pager(
            url="/my/notices",
            url_args={"filterby": filterby},
            total=count,
            page=page,
            step=self._items_per_page,
        )
        notices = (
            Notice.search(
                domain,
                order="publish_from desc, id desc",
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if count
            else Notice
        )
        tenant = request.env.user.partner_id.commercial_partner_id
        read_ids = set(
            request.env["property.notice.read"]
            .sudo()
            .search(
                [
                    ("notice_id", "in", notices.filtered("important").ids),
                    ("partner_id", "=", tenant.id),
                ]
            )
            .notice_id.ids
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "notices": notices,
                "unread_ids": set(notices.filtered("important").ids) - read_ids,
                "page_name": "property_notice",
                "pager": pager,
                "default_url": "/my/notices",
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("property_community.portal_my_notices", values)

    @http.route(
        ["/my/notices/<int:notice_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_notice(self, notice_id, **kw):
        try:
            notice_sudo = self._property_notice_check(notice_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        if request.env.user._is_portal():
            notice_sudo._mark_read(request.env.user.partner_id)
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "property_notice", "notice": notice_sudo})
        return request.render("property_community.portal_my_notice", values)

    @http.route(
        ["/my/notices/<int:notice_id>/files/<int:attachment_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_notice_file(self, notice_id, attachment_id, **kw):
        try:
            notice_sudo = self._property_notice_check(notice_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        attachment_sudo = notice_sudo.attachment_ids.filtered(
            lambda a: a.id == attachment_id
        )
        if not attachment_sudo:
            raise request.not_found() from None
        stream = request.env["ir.binary"]._get_stream_from(attachment_sudo)
        return stream.get_response(as_attachment=True)

    # ------------------------------------------------------------------
    # Satisfaction surveys
    # ------------------------------------------------------------------
    @http.route(["/my/satisfaction"], type="http", auth="user", website=True)
    def portal_my_satisfaction(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "answers": self._property_open_surveys(),
                "page_name": "property_satisfaction",
            }
        )
        return request.render("property_community.portal_my_satisfaction", values)
