from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    property_dunning_count = fields.Integer(
        string="Dunning",
        compute="_compute_property_dunning_count",
        groups="property_billing.group_property_fee_collector",
    )

    def _compute_property_dunning_count(self):
        counts = dict(
            self.env["property.dunning"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.property_dunning_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_property_view_dunning(self):
        """The dunning history of the tenant (its company and contacts)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_dunning_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action
