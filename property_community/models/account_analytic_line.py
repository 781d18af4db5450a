from odoo import api, models


class AccountAnalyticLine(models.Model):
    """Costs booked on a community event's cost account (a posted vendor
    bill, an expense) change the event's stored actual cost."""

    _inherit = "account.analytic.line"

    def _property_event_accounts(self):
        plan = self.env["event.event"]._property_analytic_plan()
        if not plan:
            return self.env["account.analytic.account"]
        column = plan._column_name()
        if column not in self._fields:
            return self.env["account.analytic.account"]
        return self.sudo()[column]

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        self.env["event.event"]._property_refresh_costs(
            lines._property_event_accounts()
        )
        return lines

    def write(self, vals):
        accounts = self._property_event_accounts()
        result = super().write(vals)
        self.env["event.event"]._property_refresh_costs(
            accounts | self._property_event_accounts()
        )
        return result

    def unlink(self):
        accounts = self._property_event_accounts()
        result = super().unlink()
        self.env["event.event"]._property_refresh_costs(accounts)
        return result
