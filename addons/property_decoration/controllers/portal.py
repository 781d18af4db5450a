"""Tenant portal of the decorations: "My Decorations".

A tenant applies for a decoration of one of their ACTIVE archives, follows
each step, pays the fees (the invoices' own pay pages), reads the
inspections and deductions, and downloads the permit once issued.  Every
record is loaded through ``_document_check_access``: anything that is not
the tenant's is a 404.
"""

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.property_tenant.upload import (
    attachment_values,
    request_uploads,
    upload_limits,
)

WORKER_ROWS = 4
STEPS = (
    "submitted",
    "review",
    "fees_due",
    "permitted",
    "works",
    "acceptance",
    "waiting",
    "closed",
)


class PropertyDecorationPortal(CustomerPortal):
    def _decoration_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("commercial_partner_id", "=", partner.id)]

    def _decoration_occupancies(self):
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

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "property_decoration_count" in counters:
            Decoration = request.env["property.decoration"]
            values["property_decoration_count"] = (
                Decoration.search_count(self._decoration_domain())
                if Decoration.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------
    @http.route("/my/decorations", type="http", auth="user", website=True)
    def portal_my_decorations(self, **kw):
        Decoration = request.env["property.decoration"]
        decorations = (
            Decoration.search(self._decoration_domain())
            if Decoration.has_access("read")
            else Decoration
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "property_decoration",
                "decorations": decorations,
                "can_apply": bool(self._decoration_occupancies()),
            }
        )
        return request.render("property_decoration.portal_my_decorations", values)

    # ------------------------------------------------------------------
    # Apply
    # ------------------------------------------------------------------
    def _decoration_form_values(self, occupancies, form, errors):
        limits = upload_limits(request.env)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "property_decoration_new",
                "occupancies": occupancies,
                "form": form,
                "errors": errors,
                "worker_rows": range(1, WORKER_ROWS + 1),
                "max_files": limits.max_files,
                "max_file_size": limits.max_size // (1024 * 1024),
            }
        )
        return values

    def _decoration_read_form(self, post):
        keys = (
            "occupancy_id",
            "contractor_name",
            "contractor_licence",
            "contractor_person",
            "contractor_phone",
            "scope",
            "area",
            "date_start",
            "date_end",
        )
        form = {key: (post.get(key) or "").strip() for key in keys}
        form["undertaking"] = bool(post.get("undertaking"))
        for row in range(1, WORKER_ROWS + 1):
            for key in ("worker_name", "worker_id"):
                form[f"{key}_{row}"] = (post.get(f"{key}_{row}") or "").strip()
        return form

    def _prepare_portal_decoration_vals(self, occupancy, form, errors):
        """The values of the new decoration (an overridable hook); parse
        errors are added to ``errors``."""
        vals = {
            "occupancy_id": occupancy.id,
            "contractor_name": form["contractor_name"],
            "contractor_licence": form["contractor_licence"],
            "contractor_person": form["contractor_person"],
            "contractor_phone": form["contractor_phone"],
            "scope": form["scope"],
            "undertaking_accepted": form["undertaking"],
            "undertaking_date": fields.Date.context_today(request.env.user)
            if form["undertaking"]
            else False,
            "worker_ids": [
                fields.Command.create(
                    {
                        "name": form[f"worker_name_{row}"],
                        "id_last_digits": form[f"worker_id_{row}"] or False,
                    }
                )
                for row in range(1, WORKER_ROWS + 1)
                if form[f"worker_name_{row}"]
            ],
        }
        try:
            vals["area"] = float(form["area"]) if form["area"] else 0.0
        except ValueError:
            errors.append(_("Give the decorated area in m², e.g. 85.5."))
        for key in ("date_start", "date_end"):
            try:
                vals[key] = fields.Date.to_date(form[key]) if form[key] else False
            except ValueError:
                errors.append(_("Give the planned dates as year-month-day."))
        return vals

    @http.route(
        "/my/decorations/new",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_my_decoration_new(self, **post):
        occupancies = self._decoration_occupancies()
        if request.httprequest.method != "POST":
            form = {
                "occupancy_id": str(occupancies.id) if len(occupancies) == 1 else ""
            }
            return request.render(
                "property_decoration.portal_my_decoration_new",
                self._decoration_form_values(occupancies, form, []),
            )
        form = self._decoration_read_form(post)
        errors = []
        occupancy = occupancies.filtered(lambda o: str(o.id) == form["occupancy_id"])
        if not occupancy:
            errors.append(_("Choose one of your units."))
        files = request_uploads("drawings", "document", errors)
        vals = self._prepare_portal_decoration_vals(occupancy, form, errors)
        if errors:
            return request.render(
                "property_decoration.portal_my_decoration_new",
                self._decoration_form_values(occupancies, form, errors),
            )
        # sudo: the portal has no create right; the archive is one of the
        # tenant's active archives (checked above), the model checks the rest
        try:
            with request.env.cr.savepoint():
                decoration_sudo = (
                    request.env["property.decoration"]
                    .sudo()
                    .with_company(occupancy.company_id)
                    .with_context(lang=request.env.lang)
                    .create(vals)
                )
                if files:
                    attachments = (
                        request.env["ir.attachment"]
                        .sudo()
                        .create(attachment_values(files, decoration_sudo))
                    )
                    decoration_sudo.attachment_ids = [
                        fields.Command.set(attachments.ids)
                    ]
                decoration_sudo.action_submit()
        except (UserError, ValidationError) as error:
            return request.render(
                "property_decoration.portal_my_decoration_new",
                self._decoration_form_values(occupancies, form, [error.args[0]]),
            )
        return request.redirect(f"{decoration_sudo.access_url}?message=submitted")

    # ------------------------------------------------------------------
    # Detail and permit
    # ------------------------------------------------------------------
    def _decoration_steps(self, decoration_sudo):
        """(label, done, current) of each step, for the progress list."""
        labels = dict(
            decoration_sudo._fields["state"]._description_selection(request.env)
        )
        state = decoration_sudo.state
        reached = STEPS.index(state) if state in STEPS else -1
        return [
            (labels[step], index < reached, index == reached)
            for index, step in enumerate(STEPS)
        ]

    @http.route(
        "/my/decorations/<int:decoration_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_decoration(
        self, decoration_id, access_token=None, message=None, **kw
    ):
        try:
            decoration_sudo = self._document_check_access(
                "property.decoration", decoration_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        values = self._get_page_view_values(
            decoration_sudo,
            access_token,
            {
                "page_name": "property_decoration",
                "decoration": decoration_sudo,
                "steps": self._decoration_steps(decoration_sudo),
                "invoices": decoration_sudo._portal_invoices(),
                "property_message": _(
                    "Your application is submitted: engineering reviews it, "
                    "you can follow each step here."
                )
                if message == "submitted"
                else False,
            },
            "my_decorations_history",
            False,
            **kw,
        )
        return request.render("property_decoration.portal_my_decoration", values)

    @http.route(
        "/my/decorations/<int:decoration_id>/permit",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_decoration_permit(self, decoration_id, access_token=None, **kw):
        try:
            decoration_sudo = self._document_check_access(
                "property.decoration", decoration_id, access_token
            )
        except (AccessError, MissingError):
            raise request.not_found() from None
        if not decoration_sudo.permit_date:
            raise request.not_found()
        return self._show_report(
            model=decoration_sudo,
            report_type="pdf",
            report_ref="property_decoration.action_report_decoration_permit",
            download=True,
        )
