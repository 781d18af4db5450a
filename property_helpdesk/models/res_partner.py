from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    property_ticket_count = fields.Integer(
        compute="_compute_property_ticket_count",
        string="Service Item Count",
        groups="property_tenant.group_property_agent",
    )

    def _compute_property_ticket_count(self):
        counts = {
            partner.id: count
            for partner, count in self.env["property.ticket"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        }
        for partner in self:
            partner.property_ticket_count = counts.get(
                partner.commercial_partner_id.id, 0
            )

    def action_view_property_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_ticket_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.id}
        return action
