from odoo import api, fields, models


class PropertyDefect(models.Model):
    """A construction defect repaired by the property company goes through
    the service desk: a desk item and its work order; completing the work
    order fixes the defect."""

    _inherit = "property.defect"

    ticket_ids = fields.One2many("property.ticket", "defect_id", string="Desk Items")
    work_order_ids = fields.One2many(
        "property.work.order", "defect_id", string="Work Orders"
    )
    work_order_count = fields.Integer(compute="_compute_work_order_count")

    @api.depends("work_order_ids")
    def _compute_work_order_count(self):
        for defect in self:
            defect.work_order_count = len(defect.work_order_ids)

    def _repair_source(self):
        return super()._repair_source() or bool(
            self.work_order_ids.filtered(lambda w: w.state != "cancel")
        )

    def action_repair_by_work_order(self):
        """A desk item for the defect's unit, prefilled, to dispatch the
        repair to a department."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "property.ticket",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_kind": "service",
                "default_channel": "patrol",
                "default_site_id": self.site_id.id,
                "default_unit_id": self.unit_id.id,
                "default_summary": self.env._("Defect %s", self.display_name),
                "default_description": self.description,
                "default_defect_id": self.id,
            },
        }

    def action_view_work_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_work_order_action"
        )
        action["domain"] = [("defect_id", "=", self.id)]
        action["context"] = {}
        return action

    def _on_work_order_dispatched(self):
        self.filtered(lambda d: d.state == "open").action_start()

    def _on_work_order_done(self):
        self.filtered(lambda d: d.state in ("open", "in_progress")).action_fixed()
