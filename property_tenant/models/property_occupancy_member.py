from odoo import fields, models

RELATIONS = [
    ("self", "Tenant Themselves"),
    ("spouse", "Spouse"),
    ("child", "Child"),
    ("parent", "Parent"),
    ("relative", "Other Relative"),
    ("staff", "Staff Member"),
    ("manager", "Store / Office Manager"),
    ("other", "Other"),
]

ID_TYPES = [
    ("id_card", "Resident ID Card"),
    ("passport", "Passport"),
    ("hk_macau_permit", "Hong Kong / Macau Permit"),
    ("taiwan_permit", "Taiwan Permit"),
    ("residence_permit", "Foreigner Residence Permit"),
    ("other", "Other"),
]


class PropertyOccupancyMember(models.Model):
    _name = "property.occupancy.member"
    _description = "Household or Staff Member"
    _order = "occupancy_id, sequence, id"
    _check_company_auto = True

    occupancy_id = fields.Many2one(
        "property.occupancy",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="occupancy_id.company_id", store=True, index=True, precompute=True
    )
    unit_id = fields.Many2one(related="occupancy_id.unit_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    relation = fields.Selection(RELATIONS, required=True, default="other")
    phone = fields.Char()
    id_type = fields.Selection(ID_TYPES, string="ID Type")
    id_number = fields.Char(string="ID Number", groups="base.group_user")
    birth_year = fields.Integer(
        help="Helps the community team plan activities for children and the elderly."
    )
    active = fields.Boolean(default=True)
