from odoo import api, fields, models
from odoo.exceptions import UserError

from .property_management_dashboard import KPI_STATUSES

KPI_SELECTION = [
    ("complaint_handling", "Complaint Handling Rate"),
    ("major_repair_callback", "Major-Repair Call-back Rate"),
    ("satisfaction", "Resident Satisfaction"),
    ("archive_completeness", "Archive Completeness"),
    ("collection_rate", "Property-Fee Collection Rate"),
]


class PropertyManagementDashboardLine(models.TransientModel):
    """One KPI of the service-target dashboard, with the sets of records
    behind it."""

    _name = "property.management.dashboard.line"
    _description = "Service Target Dashboard KPI"
    _order = "sequence, id"

    dashboard_id = fields.Many2one(
        "property.management.dashboard", required=True, ondelete="cascade"
    )
    sequence = fields.Integer()
    code = fields.Selection(KPI_SELECTION, string="KPI", required=True)
    name = fields.Char(string="Service Target", required=True)
    value = fields.Float(string="Value (%)", digits=(16, 2))
    has_value = fields.Boolean(
        string="Measured", help="There was something to measure in the period."
    )
    value_display = fields.Char(string="Value", compute="_compute_value_display")
    target = fields.Float(string="Target (%)", digits=(16, 2))
    status = fields.Selection(KPI_STATUSES, required=True, default="none")
    numerator = fields.Float(digits=(16, 2))
    denominator = fields.Float(digits=(16, 2))
    detail = fields.Char(string="Counted")
    beside = fields.Char(
        help="A figure shown beside the target and not mixed into it: the "
        "satisfaction of shops and offices beside the residents'."
    )
    source_ids = fields.One2many(
        "property.management.dashboard.source", "line_id", string="Records Behind"
    )

    def _compute_value_display(self):
        for line in self:
            line.value_display = f"{line.value:.2f} %" if line.has_value else "-"

    def _open(self, counted):
        self.ensure_one()
        if len(self.source_ids) == 1:
            return self.source_ids._open(counted)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Records behind %s", self.name),
            "res_model": "property.management.dashboard.source",
            "view_mode": "list",
            "views": [(False, "list")],
            "domain": [("line_id", "=", self.id)],
            "target": "new",
            "context": {"create": False},
        }

    @api.model
    def _open_from_board(self):
        """A line's button, run by a server action from the dashboard's form
        with the dashboard, the line's KPI and the button in the context.  A
        new dashboard's lines have no id: the form saves the dashboard before
        it runs a button, which computes the lines again, so the line is
        found again by its dashboard and its KPI."""
        context = self.env.context
        button = context.get("property_board_button")
        if button not in (
            "action_open_records",
            "action_open_counted",
            "action_view_trend",
        ):
            raise UserError(self.env._("This button does not belong to the board."))
        board = self.env["property.management.dashboard"].search(
            [("id", "=", context.get("property_board_id") or 0)]
        )
        line = board.line_ids.filtered(
            lambda line: line.code == context.get("property_board_code")
        )[:1]
        if not line:
            raise UserError(
                self.env._("This KPI is no longer on the board: refresh the board.")
            )
        return getattr(line, button)()

    def action_open_records(self):
        """The records the figure is measured on (its denominator)."""
        return self._open(counted=False)

    def action_open_counted(self):
        """The records counted in the figure's numerator."""
        return self._open(counted=True)

    def action_view_trend(self):
        self.ensure_one()
        action = self.dashboard_id.action_view_trend_chart()
        action["domain"] += [("code", "=", self.code)]
        action["display_name"] = self.env._(
            "Trend of %(kpi)s, %(site)s",
            kpi=self.name,
            site=self.dashboard_id.site_id.display_name,
        )
        return action
