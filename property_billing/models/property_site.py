from odoo import api, fields, models


class PropertySite(models.Model):
    _inherit = "property.site"

    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        copy=False,
        check_company=True,
        help="Revenue and costs of the site (R-FEE-7) are booked on this "
        "analytic account; created at the first billing run if empty.",
    )
    billing_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
    )
    billing_due_days = fields.Integer(
        string="Payment Due (days)",
        default=15,
        help="Days between a bill's date and its due date.",
    )
    billing_auto_run = fields.Boolean(
        string="Scheduled Billing",
        help="Preview and generate this site's monthly run automatically.",
    )
    billing_run_day = fields.Integer(
        string="Billing Day", default=1, help="Day of the month of the scheduled run."
    )
    billing_auto_post = fields.Boolean(
        string="Post Automatically",
        help="Post the invoices of the scheduled run without review.",
    )
    billing_manager_id = fields.Many2one(
        "res.users",
        help="Billing manager in whose name the scheduled runs are made.",
    )
    billing_run_ids = fields.One2many("property.billing.run", "site_id")

    _sql_constraints = [
        (
            "billing_run_day_range",
            "CHECK(billing_run_day BETWEEN 1 AND 28)",
            "The billing day is a day between 1 and 28.",
        ),
        (
            "meter_anomaly_factor_positive",
            "CHECK(meter_anomaly_factor > 0)",
            "The anomaly factor of the meter readings must be greater than zero.",
        ),
        (
            "meter_anomaly_history_positive",
            "CHECK(meter_anomaly_history > 0)",
            "The anomaly check averages at least one previous reading.",
        ),
    ]

    fee_collector_id = fields.Many2one(
        "res.users",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Collector (收费员) who follows up the arrears of this site: "
        "receives the dunning phone calls and is shown on the arrears list.",
    )
    meter_anomaly_factor = fields.Float(
        string="Anomaly Factor",
        default=3.0,
        digits=(16, 2),
        help="A reading is flagged when its consumption is above this many "
        "times the average of the unit's previous readings.",
    )
    meter_anomaly_history = fields.Integer(
        string="Readings Averaged",
        default=3,
        help="How many previous readings of the unit the average of the "
        "anomaly check is taken over.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        sites = super().create(vals_list)
        # a company starts using the fee app with its first site: it gets
        # the counter journals then (never merely for having a chart)
        self.env["account.journal"]._property_setup_counter_journals(sites.company_id)
        return sites

    def _billing_analytic_account(self):
        """The site's analytic account, created in the property-site plan on
        first use."""
        self.ensure_one()
        if not self.analytic_account_id:
            plan = self.env.ref(
                "property_billing.analytic_plan_property_sites",
                raise_if_not_found=False,
            )
            if not plan:
                plan = (
                    self.env["account.analytic.plan"]
                    .sudo()
                    .create({"name": self.env._("Property Sites")})
                )
            self.sudo().analytic_account_id = (
                self.env["account.analytic.account"]
                .sudo()
                .create(
                    {
                        "name": self.name,
                        "code": self.code,
                        "plan_id": plan.id,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return self.analytic_account_id

    def action_view_billing_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_billing_run_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"default_site_id": self.id}
        return action

    def _dunning_collector(self):
        """Who calls the late payers of the site: its fee collector, else
        its billing manager, else its project manager."""
        self.ensure_one()
        return self.fee_collector_id or self.billing_manager_id or self.manager_id

    def _dunning_supervisor(self):
        """Who signs the dunning letters of the site: its billing manager,
        else its project manager."""
        self.ensure_one()
        return self.billing_manager_id or self.manager_id

    def action_view_revenue_cost(self):
        """Revenue against cost of the site (R-FEE-7): the analytic lines
        of its analytic account, customer invoices (revenue, positive)
        against vendor bills and other expenses (cost, negative), by
        category and month."""
        self.ensure_one()
        analytic = self._billing_analytic_account()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_site_revenue_cost_action"
        )
        action["display_name"] = self.env._(
            "Revenue vs Cost: %(site)s", site=self.display_name
        )
        action["domain"] = [(analytic.plan_id._column_name(), "=", analytic.id)]
        return action
