from odoo import fields, models

from .property_management_dashboard import KPI_STATUSES
from .property_management_dashboard_line import KPI_SELECTION


class PropertyManagementDashboardTrend(models.TransientModel):
    """One KPI of one period of the dashboard's trend."""

    _name = "property.management.dashboard.trend"
    _description = "Service Target Trend"
    _order = "date_from, sequence, id"

    dashboard_id = fields.Many2one(
        "property.management.dashboard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    code = fields.Selection(KPI_SELECTION, string="KPI", required=True)
    period_label = fields.Char(string="Period", required=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    value = fields.Float(string="Value (%)", digits=(16, 2), aggregator="avg")
    has_value = fields.Boolean(string="Measured")
    target = fields.Float(string="Target (%)", digits=(16, 2), aggregator="avg")
    status = fields.Selection(KPI_STATUSES, required=True, default="none")
    numerator = fields.Float(digits=(16, 2))
    denominator = fields.Float(digits=(16, 2))
