import ast

from odoo import api, fields, models


class PropertyManagementDashboardSource(models.TransientModel):
    """A set of records behind a KPI of the dashboard: the model, the
    domain of the records measured and of those counted, as the KPI
    functions of the apps return them."""

    _name = "property.management.dashboard.source"
    _description = "Service Target Dashboard Records"
    _order = "id"

    line_id = fields.Many2one(
        "property.management.dashboard.line", required=True, ondelete="cascade"
    )
    name = fields.Char(string="Records", required=True)
    model_name = fields.Char(string="Model", required=True)
    domain = fields.Text(required=True)
    numerator_domain = fields.Text(required=True)
    context = fields.Text(default="{}")
    numerator = fields.Float(digits=(16, 2))
    denominator = fields.Float(digits=(16, 2))

    @api.model
    def _source_values(self, source):
        return {
            "name": source["name"],
            "model_name": source["model"],
            "domain": repr(source["domain"]),
            "numerator_domain": repr(source["numerator_domain"]),
            "context": repr(source["context"] or {}),
            "numerator": source["numerator"],
            "denominator": source["denominator"],
        }

    def _domain(self, counted):
        self.ensure_one()
        return ast.literal_eval(self.numerator_domain if counted else self.domain)

    def _open(self, counted):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("%(records)s counted", records=self.name)
            if counted
            else self.name,
            "res_model": self.model_name,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": self._domain(counted),
            "context": {**ast.literal_eval(self.context or "{}"), "create": False},
            "target": "current",
        }

    def action_open_records(self):
        return self._open(counted=False)

    def action_open_counted(self):
        return self._open(counted=True)
