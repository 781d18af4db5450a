from odoo import api, fields, models

from odoo.addons.property_tenant.utils import completeness_percent

# the decoration papers the archive must hold once the step is reached
PERMIT_STATES = ("permitted", "works", "acceptance", "waiting", "closed")
ACCEPTANCE_STATES = ("waiting", "closed")


class PropertyOccupancy(models.Model):
    _inherit = "property.occupancy"

    decoration_ids = fields.One2many(
        "property.decoration", "occupancy_id", string="Decorations"
    )
    decoration_count = fields.Integer(compute="_compute_decoration_count")

    def _compute_decoration_count(self):
        counts = dict(
            self.env["property.decoration"]._read_group(
                [("occupancy_id", "in", self.ids)], ["occupancy_id"], ["__count"]
            )
        )
        for occupancy in self:
            occupancy.decoration_count = counts.get(occupancy, 0)

    def _decoration_required_types(self):
        """Document types the archive needs for its decorations: the permit
        once issued, the acceptance once passed (R-ARC-4)."""
        self.ensure_one()
        types = self.env["property.document.type"]
        states = set(self.sudo().decoration_ids.mapped("state"))
        if states & set(PERMIT_STATES):
            types |= self.env.ref("property_tenant.document_type_decoration_permit")
        if states & set(ACCEPTANCE_STATES):
            types |= self.env.ref(
                "property_decoration.document_type_decoration_acceptance"
            )
        return types

    @api.depends("decoration_ids.state")
    def _compute_completeness(self):
        res = super()._compute_completeness()
        for occupancy in self:
            required = occupancy._decoration_required_types()
            if not required:
                continue
            valid = occupancy._valid_document_types()
            missing = required - valid
            occupancy.required_item_count += len(required)
            occupancy.present_item_count += len(required) - len(missing)
            occupancy.completeness = completeness_percent(
                occupancy.present_item_count, occupancy.required_item_count
            )
            occupancy.is_archive_complete = (
                occupancy.is_archive_complete and not missing
            )
            names = [occupancy.missing_items] if occupancy.missing_items else []
            names += missing.mapped("name")
            occupancy.missing_items = "\n".join(names) or False
        return res

    def action_view_decorations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_decoration.property_decoration_action"
        )
        action["domain"] = [("occupancy_id", "=", self.id)]
        action["context"] = {"default_occupancy_id": self.id}
        return action
