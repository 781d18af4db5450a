from odoo import fields, models


class PropertyUnit(models.Model):
    _inherit = "property.unit"

    ticket_ids = fields.One2many("property.ticket", "unit_id", string="Service Items")
    ticket_count = fields.Integer(
        compute="_compute_ticket_count",
        string="Service Item Count",
        groups="property_tenant.group_property_agent",
    )

    def _compute_ticket_count(self):
        counts = {
            unit.id: count
            for unit, count in self.env["property.ticket"]._read_group(
                [("unit_id", "in", self.ids)], ["unit_id"], ["__count"]
            )
        }
        for unit in self:
            unit.ticket_count = counts.get(unit.id, 0)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_ticket_action"
        )
        action["domain"] = [("unit_id", "=", self.id)]
        action["context"] = {
            "default_unit_id": self.id,
            "default_site_id": self.site_id.id,
        }
        action["display_name"] = self.env._("Service Items of %s", self.code)
        return action

    def _patrol_item_defaults(self):
        return dict(super()._patrol_item_defaults(), default_unit_id=self.id)
