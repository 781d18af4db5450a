from odoo import fields, models


class PropertySpot(models.Model):
    _inherit = "property.spot"

    ticket_ids = fields.One2many("property.ticket", "spot_id", string="Service Items")
    ticket_count = fields.Integer(
        compute="_compute_ticket_count",
        string="Service Item Count",
        groups="property_tenant.group_property_agent",
    )

    def _compute_ticket_count(self):
        counts = {
            spot.id: count
            for spot, count in self.env["property.ticket"]._read_group(
                [("spot_id", "in", self.ids)], ["spot_id"], ["__count"]
            )
        }
        for spot in self:
            spot.ticket_count = counts.get(spot.id, 0)

    def _patrol_item_defaults(self):
        return dict(super()._patrol_item_defaults(), default_spot_id=self.id)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_ticket_action"
        )
        action["domain"] = [("spot_id", "=", self.id)]
        action["context"] = {
            "default_spot_id": self.id,
            "default_site_id": self.site_id.id,
        }
        action["display_name"] = self.env._("Service Items of %s", self.display_name)
        return action
