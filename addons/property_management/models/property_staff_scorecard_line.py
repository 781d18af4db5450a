from odoo import fields, models


class PropertyStaffScorecardLine(models.TransientModel):
    _inherit = "property.staff.scorecard.line"

    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    slip_count = fields.Integer(
        string="Transfer Slips",
        help="Per person: slips issued in the period; per department: slips "
        "received in the period.",
    )
    slip_failed_count = fields.Integer(
        string="Failed Inspections",
        help="Inspections of these slips that found the rectification not up "
        "to standard.",
    )
    payment_count = fields.Integer(
        string="Counter Payments", help="Payments taken at the fee counter."
    )
    payment_amount = fields.Monetary(string="Collected at the Counter")
    dunning_count = fields.Integer(
        string="Dunning Steps", help="Dunning steps of the bills the person follows."
    )
