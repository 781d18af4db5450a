from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..billing import month_start
from ..collection import (
    AGING_BUCKETS,
    AGING_LIMITS,
    AGING_OVER,
    COLLECTION_TARGET,
    NOT_DUE,
    aging_bucket,
)
from ..collection import collection_rate as rate_percent

# The context key of the date the report's paid and open amounts are as of.
AS_OF_KEY = "collection_as_of"

# Dimensions of the collection figures: name -> SQL column of ``bill``.
DIMENSIONS = {
    "site": "site_id",
    "building": "building_id",
    "period": "period",
    "collector": "collector_id",
}


class PropertyCollectionReport(models.Model):
    """Collection analysis (收缴分析, R-FEE-3): one row per billed fee line
    of a posted customer invoice or credit note, with what was billed, what
    was paid of it and what is still open as of a date (the context's
    ``collection_as_of``, else today), and the age of the open amount.
    Figures are in the company's currency; see ``collection.py`` for the
    rules."""

    _name = "property.collection.report"
    _description = "Collection Analysis"
    _auto = False
    _order = "period desc, site_id, unit_id"
    _rec_name = "move_id"
    _depends = {
        "account.move": [
            "move_type",
            "state",
            "amount_total",
            "amount_total_signed",
            "invoice_date",
            "invoice_date_due",
            "commercial_partner_id",
            "company_id",
            "property_site_id",
            "property_period_start",
        ],
        "account.move.line": [
            "move_id",
            "display_type",
            "price_total",
            "property_occupancy_id",
            "property_fee_item_id",
            "property_period_start",
        ],
        "account.partial.reconcile": [
            "amount",
            "max_date",
            "debit_move_id",
            "credit_move_id",
        ],
        "property.occupancy": ["site_id", "building_id", "unit_id", "agent_id"],
        "property.site": ["fee_collector_id", "billing_manager_id", "agent_id"],
    }

    move_id = fields.Many2one("account.move", string="Bill", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit Note")],
        string="Type",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    site_id = fields.Many2one("property.site", readonly=True)
    building_id = fields.Many2one("property.building", readonly=True)
    unit_id = fields.Many2one("property.unit", readonly=True)
    occupancy_id = fields.Many2one(
        "property.occupancy", string="Tenant Archive", readonly=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    collector_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="The site's fee collector, else the tenant archive's responsible "
        "agent, else the site's billing manager or agent (as in the arrears "
        "list).",
    )
    fee_item_id = fields.Many2one("property.fee.item", readonly=True)
    period = fields.Date(string="Billing Month", readonly=True)
    invoice_date = fields.Date(string="Bill Date", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    billed = fields.Monetary(readonly=True)
    paid = fields.Monetary(readonly=True)
    open_amount = fields.Monetary(string="Open", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    aging = fields.Selection(AGING_BUCKETS, readonly=True)

    # ------------------------------------------------------------------
    # SQL
    # ------------------------------------------------------------------
    @api.model
    def _as_of(self):
        value = self.env.context.get(AS_OF_KEY)
        return fields.Date.to_date(value) if value else fields.Date.context_today(self)

    @api.model
    def _bill_query(self, where=None):
        """The billed fee lines: ``id, move_id, move_type, company_id,
        currency_id, site_id, building_id, unit_id, occupancy_id,
        partner_id, collector_id, fee_item_id, period, invoice_date,
        date_due, billed`` (signed, company currency) and ``ratio`` (signed
        share of the bill's total, to allocate payments)."""
        return SQL(
            """
            SELECT line.id,
                   line.move_id,
                   move.move_type,
                   move.company_id,
                   company.currency_id,
                   COALESCE(occ.site_id, move.property_site_id) AS site_id,
                   occ.building_id,
                   occ.unit_id,
                   line.property_occupancy_id AS occupancy_id,
                   move.commercial_partner_id AS partner_id,
                   COALESCE(
                       site.fee_collector_id, occ.agent_id,
                       site.billing_manager_id, site.agent_id
                   ) AS collector_id,
                   line.property_fee_item_id AS fee_item_id,
                   date_trunc('month', COALESCE(line.property_period_start,
                       move.property_period_start, move.invoice_date))::date AS period,
                   move.invoice_date,
                   COALESCE(move.invoice_date_due, move.invoice_date) AS date_due,
                   CASE WHEN move.amount_total = 0 THEN 0
                        ELSE line.price_total * move.amount_total_signed
                             / move.amount_total
                   END AS billed,
                   CASE WHEN move.amount_total = 0 THEN 0
                        WHEN move.move_type = 'out_refund'
                        THEN -line.price_total / move.amount_total
                        ELSE line.price_total / move.amount_total
                   END AS ratio
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN res_company company ON company.id = move.company_id
              JOIN property_occupancy occ ON occ.id = line.property_occupancy_id
              LEFT JOIN property_site site ON site.id = occ.site_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND line.display_type = 'product'
               AND %(where)s
            """,
            where=where or SQL("TRUE"),
        )

    @api.model
    def _paid_query(self, as_of, since=None):
        """What was paid on each bill of ``bill`` (a CTE) as of ``as_of``
        (``paid``) and before ``since`` (``paid_before``): the partial
        reconciliations of its receivable lines with anything but another
        invoice or credit note."""
        return SQL(
            """
            SELECT receivable.move_id,
                   SUM(partial.amount)
                       FILTER (WHERE partial.max_date <= %(as_of)s) AS paid,
                   SUM(partial.amount)
                       FILTER (WHERE partial.max_date < %(since)s) AS paid_before
              FROM account_move_line receivable
              JOIN account_partial_reconcile partial
                ON receivable.id IN (partial.debit_move_id, partial.credit_move_id)
              JOIN account_move_line counterpart
                ON counterpart.id = CASE WHEN partial.debit_move_id = receivable.id
                                         THEN partial.credit_move_id
                                         ELSE partial.debit_move_id END
              JOIN account_move counterpart_move
                ON counterpart_move.id = counterpart.move_id
             WHERE receivable.move_id IN (SELECT move_id FROM bill)
               AND receivable.display_type = 'payment_term'
               AND counterpart_move.move_type NOT IN ('out_invoice', 'out_refund')
          GROUP BY receivable.move_id
            """,
            as_of=as_of,
            since=since or as_of,
        )

    @api.model
    def _aging_case(self, days):
        whens = [SQL("WHEN %s < 0 THEN %s", days, NOT_DUE)]
        whens += [
            SQL("WHEN %s <= %s THEN %s", days, limit, key)
            for limit, key in AGING_LIMITS
        ]
        return SQL("CASE %s ELSE %s END", SQL(" ").join(whens), AGING_OVER)

    @property
    def _table_query(self):
        as_of = self._as_of()
        days = SQL("(%s::date - bill.date_due)", as_of)
        return SQL(
            """
            WITH bill AS (%(bill)s), paid AS (%(paid)s)
            SELECT bill.id, bill.move_id, bill.move_type, bill.company_id,
                   bill.currency_id, bill.site_id, bill.building_id, bill.unit_id,
                   bill.occupancy_id, bill.partner_id, bill.collector_id,
                   bill.fee_item_id, bill.period, bill.invoice_date, bill.date_due,
                   ROUND(bill.billed, 2) AS billed,
                   ROUND(bill.ratio * COALESCE(paid.paid, 0), 2) AS paid,
                   ROUND(bill.billed - bill.ratio * COALESCE(paid.paid, 0), 2)
                       AS open_amount,
                   GREATEST(%(days)s, 0) AS days_overdue,
                   %(aging)s AS aging
              FROM bill
              LEFT JOIN paid ON paid.move_id = bill.move_id
            """,
            bill=self._bill_query(SQL("move.invoice_date <= %s", as_of)),
            paid=self._paid_query(as_of),
            days=days,
            aging=self._aging_case(days),
        )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _site_where(self, site_ids):
        """Bills of the given sites (those of the user's companies)."""
        sites = self.env["property.site"].browse(site_ids).exists()
        sites = sites.filtered(lambda site: site.company_id in self.env.companies)
        return SQL(
            "COALESCE(occ.site_id, move.property_site_id) IN %s",
            tuple(sites.ids) or (None,),
        )

    @api.model
    def _collection_figures(
        self, site_ids, date_from, date_to, as_of=None, groupby=None
    ):
        """Collection figures of the sites for the billing months of
        [date_from, date_to], as of ``as_of`` (default: ``date_to``), in
        total or per ``groupby`` (one of :data:`DIMENSIONS`).

        Returns ``{key: {billed, paid, rate, arrears_open, arrears_paid,
        recovery_rate}}``; the key is ``False`` in total, else the id (a date
        for ``period``) of the group."""
        self.check_access("read")
        date_from = month_start(date_from)
        as_of = as_of or date_to
        key = SQL.identifier("bill", DIMENSIONS[groupby]) if groupby else SQL("FALSE")
        where = SQL(
            "%s AND move.invoice_date <= %s",
            self._site_where(site_ids),
            as_of,
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH bill AS (%(bill)s), paid AS (%(paid)s)
                SELECT %(key)s AS key,
                       SUM(bill.billed) FILTER (WHERE bill.period >= %(date_from)s
                                                  AND bill.period <= %(date_to)s),
                       SUM(bill.ratio * COALESCE(paid.paid, 0))
                           FILTER (WHERE bill.period >= %(date_from)s
                                     AND bill.period <= %(date_to)s),
                       SUM(bill.billed - bill.ratio * COALESCE(paid.paid_before, 0))
                           FILTER (WHERE bill.period < %(date_from)s
                                     AND bill.invoice_date < %(date_from)s),
                       SUM(bill.ratio * (COALESCE(paid.paid, 0)
                                         - COALESCE(paid.paid_before, 0)))
                           FILTER (WHERE bill.period < %(date_from)s
                                     AND bill.invoice_date < %(date_from)s)
                  FROM bill
                  LEFT JOIN paid ON paid.move_id = bill.move_id
              GROUP BY 1
                """,
                bill=self._bill_query(where),
                paid=self._paid_query(as_of, since=date_from),
                key=key,
                date_from=date_from,
                date_to=date_to,
            )
        )
        rows = self.env.cr.fetchall()
        currency = self.env.company.currency_id
        result = {}
        for group, billed, paid, arrears_open, arrears_paid in rows:
            billed, paid = currency.round(billed or 0.0), currency.round(paid or 0.0)
            arrears_open = currency.round(arrears_open or 0.0)
            arrears_paid = currency.round(arrears_paid or 0.0)
            if not (billed or paid or arrears_open or arrears_paid):
                continue
            result[group or False] = {
                "billed": billed,
                "paid": paid,
                "rate": rate_percent(paid, billed),
                "arrears_open": arrears_open,
                "arrears_paid": arrears_paid,
                "recovery_rate": rate_percent(arrears_paid, arrears_open),
            }
        return result

    @api.model
    def _aging_figures(self, site_ids, as_of, groupby=None):
        """Open amounts of the sites' bills as of ``as_of`` by aging
        bucket: ``{key: {bucket: amount}}`` (key as in
        :meth:`_collection_figures`)."""
        self.check_access("read")
        key = SQL.identifier("bill", DIMENSIONS[groupby]) if groupby else SQL("FALSE")
        where = SQL("%s AND move.invoice_date <= %s", self._site_where(site_ids), as_of)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH bill AS (%(bill)s), paid AS (%(paid)s)
                SELECT %(key)s AS key, bill.date_due,
                       SUM(bill.billed - bill.ratio * COALESCE(paid.paid, 0))
                  FROM bill
                  LEFT JOIN paid ON paid.move_id = bill.move_id
              GROUP BY 1, 2
                """,
                bill=self._bill_query(where),
                paid=self._paid_query(as_of),
                key=key,
            )
        )
        rows = self.env.cr.fetchall()
        currency = self.env.company.currency_id
        result = defaultdict(lambda: dict.fromkeys(dict(AGING_BUCKETS), 0.0))
        for group, date_due, amount in rows:
            if currency.is_zero(amount or 0.0):
                continue
            bucket = aging_bucket((as_of - date_due).days)
            result[group or False][bucket] = currency.round(
                result[group or False][bucket] + amount
            )
        return dict(result)

    @api.model
    def collection_rate(self, site_ids, date_from, date_to, as_of=None):
        """The property-fee collection rate KPI (物业管理费收缴率, target 98 %)
        of the sites for the billing months of [date_from, date_to], paid as
        of ``as_of`` (default: ``date_to``), in the shape of the suite's KPI
        dicts; ``arrears`` gives the recovery of earlier months' arrears."""
        as_of = as_of or date_to
        figures = self._collection_figures(site_ids, date_from, date_to, as_of).get(
            False,
            dict.fromkeys(("billed", "paid", "arrears_open", "arrears_paid"), 0.0),
        )
        first = fields.Date.to_string(month_start(date_from))
        domain = [
            ("site_id", "in", list(site_ids)),
            ("period", ">=", first),
            ("period", "<=", fields.Date.to_string(date_to)),
        ]
        return {
            "value": rate_percent(figures["paid"], figures["billed"]),
            "numerator": figures["paid"],
            "denominator": figures["billed"],
            "target": COLLECTION_TARGET,
            "model": self._name,
            "domain": domain,
            "context": {AS_OF_KEY: fields.Date.to_string(as_of)},
            "arrears": {
                "value": rate_percent(figures["arrears_paid"], figures["arrears_open"]),
                "numerator": figures["arrears_paid"],
                "denominator": figures["arrears_open"],
                "model": self._name,
                "domain": [
                    ("site_id", "in", list(site_ids)),
                    ("period", "<", first),
                    ("invoice_date", "<", first),
                ],
            },
        }
