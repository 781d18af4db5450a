from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import request

from odoo.addons.property_tenant.spreadsheet import xlsx_response


class PropertyBillingXlsx(http.Controller):
    @http.route(
        "/property_billing/run/<int:run_id>/preview.xlsx",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def billing_run_preview_xlsx(self, run_id, **kwargs):
        """The charges of a billing run as xlsx, for the back-office users
        who may read the run (its record rules and access rights apply)."""
        if not request.env.user._is_internal():
            raise Forbidden()
        run = request.env["property.billing.run"].browse(run_id).exists()
        if not run:
            raise NotFound()
        try:
            run.check_access("read")
            content = run._preview_xlsx()
        except AccessError as error:
            raise Forbidden() from error
        return xlsx_response(content, run._preview_filename())
