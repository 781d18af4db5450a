import base64
import io

import qrcode

from odoo import models


class PropertyWorkOrder(models.Model):
    _inherit = "property.work.order"

    def _get_report_location(self):
        """Where the work is: site, building, floor and unit.

        Read as superuser on purpose: the department staff who print and
        carry the order need the address but have no access to the tenant
        archive (sites and units)."""
        self.ensure_one()
        unit = self.sudo().unit_id
        parts = [self.sudo().site_id.name, unit.building_id.name]
        if unit.floor:
            parts.append(self.env._("Floor %(floor)s", floor=unit.floor))
        parts.append(unit.code)
        return " / ".join(part for part in parts if part)

    def _get_qr_payload(self):
        """The back-office address of the work order: scanning the printed
        copy opens it (R-WO-4)."""
        self.ensure_one()
        return (
            f"{self.get_base_url()}"
            f"/odoo/action-property_helpdesk.property_work_order_action/{self.id}"
        )

    def _get_qr_code_data_uri(self):
        """The QR code of ``_get_qr_payload`` as a PNG data URI, for the
        printed work order."""
        self.ensure_one()
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=6, border=2
        )
        code.add_data(self._get_qr_payload())
        code.make(fit=True)
        stream = io.BytesIO()
        code.make_image().save(stream, format="PNG")
        return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()
