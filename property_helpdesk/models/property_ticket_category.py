from odoo import fields, models

from .property_ticket import TICKET_KINDS


class PropertyTicketCategory(models.Model):
    _name = "property.ticket.category"
    _description = "Service Item Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        TICKET_KINDS, help="Leave empty for a category used by every kind."
    )
    department_id = fields.Many2one(
        "property.department",
        string="Default Department",
        help="Department proposed when an item of this category is dispatched.",
    )
    is_major_repair = fields.Boolean(
        string="Major Repair",
        help="Work orders of this category are major repairs (大维修): each of "
        "them is called back.",
    )
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the category between companies."
    )
