from odoo import api, fields, models


class PropertyBuilding(models.Model):
    _name = "property.building"
    _description = "Property Building"
    _inherit = ["mail.thread"]
    _order = "site_id, sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=True)
    code = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    site_id = fields.Many2one(
        "property.site",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="site_id.company_id", store=True, index=True, precompute=True
    )
    floor_count = fields.Integer(string="Floors Above Ground")
    basement_count = fields.Integer(string="Basement Floors")
    unit_ids = fields.One2many("property.unit", "building_id", string="Units")
    unit_count = fields.Integer(compute="_compute_unit_count")
    spot_ids = fields.One2many("property.spot", "building_id", string="Public Spots")
    spot_count = fields.Integer(compute="_compute_spot_count", string="Spots")
    note = fields.Html()

    _sql_constraints = [
        (
            "code_site_uniq",
            "unique(site_id, code)",
            "Another building of this site already uses this code. "
            "Choose a different building code.",
        ),
    ]

    def _compute_unit_count(self):
        counts = {
            building.id: count
            for building, count in self.env["property.unit"]._read_group(
                [("building_id", "in", self.ids)], ["building_id"], ["__count"]
            )
        }
        for building in self:
            building.unit_count = counts.get(building.id, 0)

    def _compute_spot_count(self):
        counts = {
            building.id: count
            for building, count in self.env["property.spot"]._read_group(
                [("building_id", "in", self.ids)], ["building_id"], ["__count"]
            )
        }
        for building in self:
            building.spot_count = counts.get(building.id, 0)

    @api.depends("name", "site_id.code")
    def _compute_display_name(self):
        for building in self:
            building.display_name = (
                f"{building.site_id.code} / {building.name}"
                if building.site_id.code
                else building.name
            )

    def action_view_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_tenant.property_unit_action"
        )
        action["domain"] = [("building_id", "=", self.id)]
        action["context"] = {
            "default_site_id": self.site_id.id,
            "default_building_id": self.id,
        }
        return action

    def action_view_spots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_tenant.property_spot_action"
        )
        action["domain"] = [("building_id", "=", self.id)]
        action["context"] = {
            "default_site_id": self.site_id.id,
            "default_building_id": self.id,
        }
        return action

    def _get_scan_places(self):
        """What gets a QR label in the building: its units, then its public
        spots, in their usual order."""
        self.ensure_one()
        return list(self.unit_ids) + list(self.spot_ids)
