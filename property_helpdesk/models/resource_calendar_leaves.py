from odoo import fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    holiday_line_id = fields.Many2one(
        "property.holiday.schedule.line",
        string="Official Holiday",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="The day of the official holiday schedule this time off comes "
        "from; it follows the schedule.",
    )
