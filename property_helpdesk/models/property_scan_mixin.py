from odoo import models

from ..utils import qr_code_data_uri


class PropertyScanMixin(models.AbstractModel):
    """The QR label of a place leads to ``/property/scan/<token>`` (see
    controllers/scan.py): tenants land on the portal request form, staff on
    patrol on a new item, the place filled in."""

    _inherit = "property.scan.mixin"

    def _get_scan_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/property/scan/{self.scan_token}"

    def _get_scan_qr_data_uri(self):
        """The QR code of the label, as a PNG data URI."""
        self.ensure_one()
        return qr_code_data_uri(self._get_scan_url())

    def _patrol_item_defaults(self):
        """Default values of an item registered at the place (``default_*``
        keys of a form's context)."""
        self.ensure_one()
        return {"default_site_id": self.site_id.id}

    def _action_new_patrol_item(self):
        """A new back-office item found on patrol at the place, prefilled."""
        context = {"default_channel": "patrol"}
        if len(self) == 1:
            context.update(self._patrol_item_defaults())
        view = False
        if not self.env.user.has_group("property_tenant.group_property_agent"):
            # department staff: the patrol finding's own form
            view = self.env.ref("property_helpdesk.property_ticket_view_form_patrol").id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Patrol Item"),
            "res_model": "property.ticket",
            "views": [(view, "form")],
            "view_mode": "form",
            "target": "current",
            "context": context,
        }
