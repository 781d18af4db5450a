from odoo import api, fields, models
from odoo.exceptions import ValidationError

USAGES = [
    ("shop", "Shop"),
    ("office", "Office"),
    ("home", "Home"),
    ("other", "Other"),
]

UNIT_STATUSES = [
    ("vacant", "Vacant"),
    ("occupied", "Occupied"),
    ("renovation", "Under Renovation"),
    ("reserved", "Reserved"),
    ("unavailable", "Unavailable"),
]


class PropertyUnit(models.Model):
    _name = "property.unit"
    _description = "Property Unit"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.scan.mixin"]
    _order = "site_id, building_id, floor, code, id"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    code = fields.Char(
        string="Unit Code",
        required=True,
        tracking=True,
        help="Room number (房号), unique within its site, e.g. A-0101.",
    )
    name = fields.Char(
        string="Description",
        tracking=True,
        help="Optional trading name or description of the unit.",
    )
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
    building_id = fields.Many2one(
        "property.building",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain="[('site_id', '=', site_id)]",
    )
    floor = fields.Integer(
        tracking=True, help="Floor number; basements are negative (-1 = B1)."
    )
    usage = fields.Selection(USAGES, required=True, default="shop", tracking=True)
    area = fields.Float(
        string="Floor Area (m²)",
        required=True,
        tracking=True,
        digits="Product Unit of Measure",
        help="Chargeable floor area, the base of the property management fee.",
    )
    status = fields.Selection(
        UNIT_STATUSES,
        required=True,
        default="vacant",
        tracking=True,
        index=True,
        help="Occupied and vacant follow the unit's active occupancy; "
        "the other statuses are set by hand.",
    )
    occupancy_ids = fields.One2many(
        "property.occupancy", "unit_id", string="Occupancy History"
    )
    current_occupancy_id = fields.Many2one(
        "property.occupancy",
        compute="_compute_current_occupancy",
        store=True,
        index=True,
    )
    current_tenant_id = fields.Many2one(
        "res.partner",
        related="current_occupancy_id.tenant_id",
        store=True,
        index=True,
        string="Current Tenant",
    )
    document_ids = fields.One2many("property.document", "unit_id", string="Documents")
    defect_ids = fields.One2many("property.defect", "unit_id", string="Defects")
    occupancy_count = fields.Integer(compute="_compute_counts")
    document_count = fields.Integer(compute="_compute_counts")
    defect_open_count = fields.Integer(compute="_compute_counts", string="Open Defects")
    note = fields.Html()

    _sql_constraints = [
        (
            "code_site_uniq",
            "unique(site_id, code)",
            "Another unit of this site already has this unit code. "
            "Unit codes must be unique within a site.",
        ),
    ]

    @api.constrains("area")
    def _check_area(self):
        for unit in self:
            if unit.area <= 0:
                raise ValidationError(
                    self.env._(
                        "The floor area of unit %(unit)s must be greater than "
                        "zero (m²). Enter the chargeable area from the floor "
                        "plan.",
                        unit=unit.code,
                    )
                )

    @api.constrains("building_id", "site_id")
    def _check_building_site(self):
        for unit in self:
            if unit.building_id and unit.building_id.site_id != unit.site_id:
                raise ValidationError(
                    self.env._(
                        "Unit %(unit)s is in building %(building)s, which "
                        "belongs to another site. Pick a building of site "
                        "%(site)s.",
                        unit=unit.code,
                        building=unit.building_id.name,
                        site=unit.site_id.name,
                    )
                )

    @api.depends("occupancy_ids.state")
    def _compute_current_occupancy(self):
        active = self.env["property.occupancy"].search(
            [("unit_id", "in", self.ids), ("state", "=", "active")],
            order="move_in_date desc, id desc",
        )
        by_unit = {}
        for occupancy in active:
            by_unit.setdefault(occupancy.unit_id.id, occupancy)
        for unit in self:
            unit.current_occupancy_id = by_unit.get(unit.id, False)

    def _compute_counts(self):
        def count_by_unit(model, domain):
            return {
                unit.id: count
                for unit, count in self.env[model]._read_group(
                    [("unit_id", "in", self.ids)] + domain, ["unit_id"], ["__count"]
                )
            }

        occupancies = count_by_unit("property.occupancy", [])
        documents = count_by_unit("property.document", [])
        defects = count_by_unit(
            "property.defect", [("state", "in", ("open", "in_progress"))]
        )
        for unit in self:
            unit.occupancy_count = occupancies.get(unit.id, 0)
            unit.document_count = documents.get(unit.id, 0)
            unit.defect_open_count = defects.get(unit.id, 0)

    @api.depends("code", "building_id.code")
    def _compute_display_name(self):
        for unit in self:
            unit.display_name = unit.code or ""

    @api.onchange("building_id")
    def _onchange_building_id(self):
        if self.building_id:
            self.site_id = self.building_id.site_id

    def _sync_status_from_occupancy(self):
        """Occupied while an occupancy is active, vacant once it ends.

        Hand-set statuses (renovation, reserved, unavailable) are kept when
        no tenant occupies the unit.
        """
        for unit in self:
            if unit.current_occupancy_id:
                if unit.status != "occupied":
                    unit.status = "occupied"
            elif unit.status == "occupied":
                unit.status = "vacant"

    def _action_for(self, xmlid, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("unit_id", "=", self.id)]
        action["context"] = {
            "default_unit_id": self.id,
            "search_default_unit_id": self.id,
        }
        action["display_name"] = name
        return action

    def action_view_history(self):
        """Everything that happened in the unit, newest first (R-ARC-6)."""
        self.ensure_one()
        return self.env["property.timeline"].action_open(
            self.env._("History of %s", self.display_name), units=self
        )

    def action_view_occupancies(self):
        return self._action_for(
            "property_tenant.property_occupancy_action",
            self.env._("Occupancy History of %s", self.code),
        )

    def action_view_documents(self):
        return self._action_for(
            "property_tenant.property_document_action",
            self.env._("Documents of %s", self.code),
        )

    def action_view_defects(self):
        return self._action_for(
            "property_tenant.property_defect_action",
            self.env._("Construction Defects of %s", self.code),
        )
