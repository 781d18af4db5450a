from odoo import fields, models


class PropertyEventBudgetLine(models.Model):
    """A planned cost of a community event (stage, gifts, food, ...). The
    actual cost comes from the bills booked on the event's cost account."""

    _name = "property.event.budget.line"
    _description = "Community Event Budget Line"
    _order = "event_id, sequence, id"
    _check_company_auto = True

    event_id = fields.Many2one(
        "event.event",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="event_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Description", required=True)
    currency_id = fields.Many2one(related="event_id.property_currency_id")
    planned_amount = fields.Monetary(required=True, default=0.0)

    _sql_constraints = [
        (
            "planned_amount_positive",
            "CHECK(planned_amount >= 0)",
            "A planned cost cannot be negative.",
        ),
    ]
