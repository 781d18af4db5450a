"""Files a tenant attaches to a message in the portal chatter of one of the
suite's records (a service request, a decoration...) pass the same gate as
the forms' files (property_tenant/upload.py): Odoo's chatter upload takes
any file otherwise."""

import io

from werkzeug.datastructures import FileStorage

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.attachment import PortalAttachmentController

from ..upload import read_uploads

# the records of the suite: their chatter is the tenants'
SUITE_MODEL_PREFIX = "property."


class PropertyAttachmentController(PortalAttachmentController):
    @http.route()
    def mail_attachment_upload(
        self, ufile, thread_id, thread_model, is_pending=False, **kwargs
    ):
        if request.env.user.share and str(thread_model).startswith(SUITE_MODEL_PREFIX):
            errors = []
            uploads = read_uploads(request.env, [ufile], "document", errors)
            if errors:
                return request.make_json_response({"error": errors[0]})
            if uploads:
                # what passed the gate: clean name, bytes (a HEIC photo's JPEG)
                upload = uploads[0]
                ufile = FileStorage(
                    io.BytesIO(upload.data),
                    filename=upload.name,
                    content_type=upload.mimetype,
                )
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )
