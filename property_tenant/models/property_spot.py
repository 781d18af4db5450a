from odoo import api, fields, models
from odoo.exceptions import ValidationError

SPOT_KINDS = [
    ("lift", "Lift"),
    ("lobby", "Lobby"),
    ("car_park", "Car Park Zone"),
    ("garden", "Garden"),
    ("corridor", "Corridor"),
    ("entrance", "Entrance"),
    ("other", "Other"),
]


class PropertySpot(models.Model):
    """A public spot of a site (公共区域): a lift, a lobby, a car-park zone, a
    garden. It carries a QR label like a unit, so that tenants and staff on
    patrol report what is wrong there."""

    _name = "property.spot"
    _description = "Public Spot"
    _inherit = ["mail.thread", "property.scan.mixin"]
    _order = "site_id, building_id, sequence, code, id"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    name = fields.Char(required=True, tracking=True, translate=True)
    code = fields.Char(
        required=True,
        tracking=True,
        copy=False,
        default="/",
        help="Short code printed on the label, unique within the site; "
        "numbered automatically when left empty.",
    )
    sequence = fields.Integer(default=10)
    kind = fields.Selection(SPOT_KINDS, required=True, default="other", tracking=True)
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
        help="Leave empty for a spot outside the buildings (garden, gate).",
    )
    floor = fields.Integer(help="Floor number; basements are negative (-1 = B1).")
    location_note = fields.Char(
        string="Location",
        translate=True,
        help="Where exactly, e.g. 'beside the east stairs'.",
    )
    note = fields.Html()

    _sql_constraints = [
        (
            "code_site_uniq",
            "unique(site_id, code)",
            "Another spot of this site already has this code. "
            "Spot codes must be unique within a site.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("code", "/") in ("/", False, ""):
                site = self.env["property.site"].browse(vals.get("site_id"))
                vals["code"] = self.env["ir.sequence"].with_company(
                    site.company_id or self.env.company
                ).next_by_code("property.spot") or self.env._("New")
        return super().create(vals_list)

    @api.constrains("building_id", "site_id")
    def _check_building_site(self):
        for spot in self:
            if spot.building_id and spot.building_id.site_id != spot.site_id:
                raise ValidationError(
                    self.env._(
                        "Spot %(spot)s is in building %(building)s, which "
                        "belongs to another site. Pick a building of site "
                        "%(site)s.",
                        spot=spot.name,
                        building=spot.building_id.name,
                        site=spot.site_id.name,
                    )
                )

    @api.depends("name", "building_id.name")
    def _compute_display_name(self):
        for spot in self:
            spot.display_name = (
                f"{spot.name}, {spot.building_id.name}"
                if spot.building_id
                else (spot.name or "")
            )

    @api.onchange("building_id")
    def _onchange_building_id(self):
        if self.building_id:
            self.site_id = self.building_id.site_id
