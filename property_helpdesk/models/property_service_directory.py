from odoo import fields, models


class PropertyServiceDirectory(models.Model):
    _name = "property.service.directory"
    _description = "Outside Service Directory Entry"
    _order = "category_id, name, id"

    name = fields.Char(string="Service Provider", required=True, translate=True)
    category_id = fields.Many2one("property.ticket.category", ondelete="set null")
    phone = fields.Char(required=True)
    address = fields.Char()
    opening_hours = fields.Char()
    note = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the entry between companies."
    )

    def _compute_display_name(self):
        for entry in self:
            entry.display_name = f"{entry.name} ({entry.phone})"
