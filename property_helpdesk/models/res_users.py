from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    property_department_ids = fields.Many2many(
        "property.department",
        "property_department_member_rel",
        "user_id",
        "department_id",
        string="Property Departments",
    )
