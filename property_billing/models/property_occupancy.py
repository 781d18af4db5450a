from odoo import api, fields, models


class PropertyOccupancy(models.Model):
    _inherit = "property.occupancy"

    billing_plan_ids = fields.One2many("property.billing.plan", "occupancy_id")
    billing_plan_count = fields.Integer(compute="_compute_billing_plan_count")

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

    dunning_count = fields.Integer(
        string="Dunning",
        compute="_compute_dunning_count",
        groups="property_billing.group_property_fee_collector",
    )

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

    one_off_charge_ids = fields.One2many(
        "property.charge.one.off", "occupancy_id", string="One-off Charge"
    )
    one_off_charge_count = fields.Integer(
        string="One-off Charges",
        compute="_compute_one_off_charges",
        groups="property_billing.group_property_fee_collector",
    )
    deposit_held = fields.Monetary(
        string="Deposits Held",
        compute="_compute_one_off_charges",
        currency_field="deposit_currency_id",
        groups="property_billing.group_property_fee_collector",
        help="Deposits paid and not refunded yet (on the deposit liability account).",
    )
    deposit_currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends(
        "one_off_charge_ids.state",
        "one_off_charge_ids.paid",
        "one_off_charge_ids.amount",
    )
    def _compute_one_off_charges(self):
        Charge = self.env["property.charge.one.off"]
        counts = dict(
            Charge._read_group(
                [("occupancy_id", "in", self.ids)], ["occupancy_id"], ["__count"]
            )
        )
        held = dict(
            Charge._read_group(
                [
                    ("occupancy_id", "in", self.ids),
                    ("item_kind", "=", "deposit"),
                    ("state", "=", "billed"),
                    ("paid", "=", True),
                ],
                ["occupancy_id"],
                ["amount:sum"],
            )
        )
        for occupancy in self:
            occupancy.one_off_charge_count = counts.get(occupancy, 0)
            occupancy.deposit_held = held.get(occupancy, 0.0)

    def action_view_one_off_charges(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_charge_one_off_action"
        )
        action["domain"] = [("occupancy_id", "=", self.id)]
        action["context"] = {"default_occupancy_id": self.id}
        return action

    def action_view_deposits_held(self):
        action = self.action_view_one_off_charges()
        action["context"] = {
            "default_occupancy_id": self.id,
            "search_default_deposits_held": 1,
        }
        return action
