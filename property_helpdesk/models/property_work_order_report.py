from odoo import models

from ..utils import qr_code_data_uri


class PropertyWorkOrder(models.Model):
    _inherit = "property.work.order"

    def _get_report_location(self):
        """Where the work is: site, building, floor and unit (or the public
        spot of an item reported there).

        Read as superuser on purpose: the department staff who print and
        carry the order need the address but have no access to the tenant
        archive (sites and units)."""
        self.ensure_one()
        unit = self.sudo().unit_id
        place = unit or self.sudo().ticket_id.spot_id
        parts = [self.sudo().site_id.name, place.building_id.name]
        if place.floor:
            parts.append(self.env._("Floor %(floor)s", floor=place.floor))
        parts.append(unit.code if unit else place.name)
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
        return qr_code_data_uri(self._get_qr_payload())
