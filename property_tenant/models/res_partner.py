from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    property_occupancy_ids = fields.One2many(
        "property.occupancy", "tenant_id", string="Occupancies"
    )
    property_occupancy_count = fields.Integer(
        compute="_compute_property_occupancy_count",
        string="Occupancy Count",
        groups="property_tenant.group_property_agent",
    )

    def _compute_property_occupancy_count(self):
        counts = {
            partner.id: count
            for partner, count in self.env["property.occupancy"]._read_group(
                [("tenant_id", "in", self.ids)], ["tenant_id"], ["__count"]
            )
        }
        for partner in self:
            partner.property_occupancy_count = counts.get(partner.id, 0)

    def action_view_property_history(self):
        """The customer's whole story in every unit, newest first (R-ARC-6)."""
        self.ensure_one()
        return self.env["property.timeline"].action_open(
            self.env._("History of %s", self.display_name), partners=self
        )

    def action_view_property_occupancies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_tenant.property_occupancy_action"
        )
        action["domain"] = [("tenant_id", "=", self.id)]
        action["context"] = {"default_tenant_id": self.id}
        return action
