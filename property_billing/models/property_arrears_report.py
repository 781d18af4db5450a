from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.property_tenant.models.property_occupancy import TENANT_KINDS

AGING_BUCKETS = [
    ("0_30", "0-30 Days"),
    ("31_60", "31-60 Days"),
    ("61_90", "61-90 Days"),
    ("90_plus", "Over 90 Days"),
]


def aging_bucket(days_overdue):
    """The aging bucket (账龄) of a bill ``days_overdue`` days overdue."""
    if days_overdue <= 30:
        return "0_30"
    if days_overdue <= 60:
        return "31_60"
    if days_overdue <= 90:
        return "61_90"
    return "90_plus"


class PropertyArrearsReport(models.Model):
    """The arrears list (欠费清单): what each tenant archive still owes on its
    overdue property bills today, with the age of the debt and the last
    dunning step.  One row per overdue bill and tenant archive; a bill
    shared by several archives is split in proportion to their lines."""

    _name = "property.arrears.report"
    _description = "Arrears List"
    _auto = False
    _order = "days_overdue desc, invoice_id"
    _rec_name = "invoice_id"
    _depends = {
        "account.move": [
            "move_type",
            "state",
            "payment_state",
            "amount_residual",
            "amount_total",
            "invoice_date",
            "invoice_date_due",
            "commercial_partner_id",
            "company_id",
            "currency_id",
        ],
        "account.move.line": [
            "move_id",
            "property_occupancy_id",
            "display_type",
            "price_total",
        ],
        "property.occupancy": [
            "unit_id",
            "site_id",
            "building_id",
            "tenant_kind",
            "agent_id",
        ],
        "property.site": ["fee_collector_id", "billing_manager_id", "agent_id"],
        "property.dunning": ["invoice_id", "state", "level_id", "date"],
    }

    invoice_id = fields.Many2one("account.move", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    occupancy_id = fields.Many2one(
        "property.occupancy", string="Tenant Archive", readonly=True
    )
    unit_id = fields.Many2one("property.unit", readonly=True)
    site_id = fields.Many2one("property.site", readonly=True)
    building_id = fields.Many2one("property.building", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    tenant_kind = fields.Selection(TENANT_KINDS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    invoice_date = fields.Date(string="Bill Date", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True, aggregator="min")
    amount_billed = fields.Monetary(string="Billed", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    aging = fields.Selection(AGING_BUCKETS, readonly=True)
    last_dunning_level_id = fields.Many2one("property.dunning.level", readonly=True)
    last_dunning_date = fields.Date(readonly=True, aggregator="max")

    @property
    def _table_query(self):
        return self._arrears_query(fields.Date.context_today(self))

    @api.model
    def _arrears_query(self, today):
        return SQL(
            """
            WITH shares AS (
                SELECT MIN(line.id) AS id,
                       line.move_id,
                       line.property_occupancy_id AS occupancy_id,
                       SUM(line.price_total) AS share
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                 WHERE line.property_occupancy_id IS NOT NULL
                   AND line.display_type = 'product'
                   AND move.move_type = 'out_invoice'
                   AND move.state = 'posted'
                   AND move.payment_state IN ('not_paid', 'partial')
                   AND move.amount_residual > 0
                   AND move.invoice_date_due < %(today)s
              GROUP BY line.move_id, line.property_occupancy_id
            ),
            days AS (
                SELECT shares.*, (%(today)s - move.invoice_date_due) AS days_overdue
                  FROM shares
                  JOIN account_move move ON move.id = shares.move_id
            )
            SELECT days.id,
                   move.id AS invoice_id,
                   move.commercial_partner_id AS partner_id,
                   days.occupancy_id,
                   occ.unit_id,
                   occ.site_id,
                   occ.building_id,
                   occ.tenant_kind,
                   COALESCE(
                       site.fee_collector_id, occ.agent_id,
                       site.billing_manager_id, site.agent_id
                   ) AS collector_id,
                   move.company_id,
                   move.currency_id,
                   move.invoice_date,
                   move.invoice_date_due AS date_due,
                   days.share AS amount_billed,
                   ROUND(
                       move.amount_residual * days.share
                       / NULLIF(move.amount_total, 0),
                       2
                   ) AS amount_overdue,
                   days.days_overdue,
                   CASE
                       WHEN days.days_overdue <= 30 THEN '0_30'
                       WHEN days.days_overdue <= 60 THEN '31_60'
                       WHEN days.days_overdue <= 90 THEN '61_90'
                       ELSE '90_plus'
                   END AS aging,
                   last_step.level_id AS last_dunning_level_id,
                   last_step.date AS last_dunning_date
              FROM days
              JOIN account_move move ON move.id = days.move_id
              JOIN property_occupancy occ ON occ.id = days.occupancy_id
              JOIN property_site site ON site.id = occ.site_id
              LEFT JOIN LATERAL (
                    SELECT step.level_id, step.date
                      FROM property_dunning step
                     WHERE step.invoice_id = move.id AND step.state = 'done'
                  ORDER BY step.date DESC, step.id DESC
                     LIMIT 1
              ) last_step ON TRUE
            """,
            today=today,
        )

    def action_open_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "view_mode": "form",
        }
