from odoo import fields, models


class PropertyUnit(models.Model):
    _inherit = "property.unit"

    meter_ids = fields.One2many(
        "property.meter",
        "unit_id",
        string="Meters",
        groups="property_billing.group_property_fee_collector",
    )
    meter_count = fields.Integer(
        compute="_compute_meter_count",
        groups="property_billing.group_property_fee_collector",
    )

    def _compute_meter_count(self):
        counts = dict(
            self.env["property.meter"]._read_group(
                [("unit_id", "in", self.ids)], ["unit_id"], ["__count"]
            )
        )
        for unit in self:
            unit.meter_count = counts.get(unit, 0)

    def action_view_meters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_meter_action"
        )
        action["domain"] = [("unit_id", "=", self.id)]
        action["context"] = {"default_unit_id": self.id}
        return action
