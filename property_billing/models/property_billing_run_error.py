from odoo import fields, models


class PropertyBillingRunError(models.Model):
    _name = "property.billing.run.error"
    _description = "Billing Run Error"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "property.billing.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    plan_id = fields.Many2one("property.billing.plan")
    occupancy_id = fields.Many2one("property.occupancy", string="Tenant Archive")
    unit_id = fields.Many2one(related="occupancy_id.unit_id")
    move_id = fields.Many2one("account.move", string="Invoice")
    message = fields.Text(required=True)
