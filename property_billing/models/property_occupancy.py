from odoo import fields, models


class PropertyOccupancy(models.Model):
    _inherit = "property.occupancy"

    billing_plan_ids = fields.One2many("property.billing.plan", "occupancy_id")
    billing_plan_count = fields.Integer(compute="_compute_billing_plan_count")

    dunning_count = fields.Integer(
        string="Dunning",
        compute="_compute_dunning_count",
        groups="property_billing.group_property_fee_collector",
    )

    def _compute_billing_plan_count(self):
        counts = dict(
            self.env["property.billing.plan"]._read_group(
                [("occupancy_id", "in", self.ids)], ["occupancy_id"], ["__count"]
            )
        )
        for occupancy in self:
            occupancy.billing_plan_count = counts.get(occupancy, 0)

    def action_create_billing_plan(self):
        """A draft billing plan with the fee items that have an approved
        standard for this unit, billed to the tenant."""
        self.ensure_one()
        plan = self.env["property.billing.plan"].create({"occupancy_id": self.id})
        plan.action_fill_items()
        return {
            "type": "ir.actions.act_window",
            "res_model": "property.billing.plan",
            "res_id": plan.id,
            "view_mode": "form",
        }

    def action_view_billing_plans(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_billing_plan_action"
        )
        action["domain"] = [("occupancy_id", "=", self.id)]
        action["context"] = {"default_occupancy_id": self.id}
        return action

    def _compute_dunning_count(self):
        counts = dict(
            self.env["property.dunning"]._read_group(
                [("occupancy_id", "in", self.ids)], ["occupancy_id"], ["__count"]
            )
        )
        for occupancy in self:
            occupancy.dunning_count = counts.get(occupancy, 0)

    def action_view_dunning(self):
        """The dunning history of the tenant archive."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_dunning_action"
        )
        action["domain"] = [("occupancy_id", "=", self.id)]
        action["context"] = {}
        return action
