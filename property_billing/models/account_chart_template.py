from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        # a company with sites getting its chart of accounts gets its
        # counter journals (one without sites gets nothing)
        self.env["account.journal"]._property_setup_counter_journals(
            company or self.env.company
        )
        return result
