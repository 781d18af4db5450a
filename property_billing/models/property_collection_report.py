from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, sql

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

# The billing month of a billed line of ``_bill_query`` (``bill.period``).
PERIOD = SQL(
    "date_trunc('month', COALESCE(line.property_period_start, "
    "move.property_period_start, move.invoice_date))::date"
)

# The fee lines without a billing month of their own, written as in the
# index on them.
NO_PERIOD_LINE = (
    "property_period_start IS NULL AND property_occupancy_id IS NOT NULL"
    " AND display_type = 'product'"
)

# The receivable lines still open (an unknown residual counts as open),
# written as in the index on them.
OPEN_RECEIVABLE = (
    "display_type = 'payment_term'"
    " AND (amount_residual != 0 OR amount_residual IS NULL)"
)

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

    def init(self):
        res = super().init()
        # What the collection figures find the bills of a period and those
        # that may be in arrears by (see _period_bill_query and
        # _arrears_moves), on tables of other modules: the fee lines
        # without a billing month of their own (few: the others are found
        # by theirs), the receivable lines still open and the
        # reconciliations by date.
        cr = self.env.cr
        sql.create_index(
            cr,
            "account_move_line__property_no_period_index",
            "account_move_line",
            ["move_id"],
            where=NO_PERIOD_LINE,
        )
        sql.create_index(
            cr,
            "account_move_line__open_payment_term_index",
            "account_move_line",
            ["move_id"],
            where=OPEN_RECEIVABLE,
        )
        sql.create_index(
            cr,
            "account_partial_reconcile__max_date_index",
            "account_partial_reconcile",
            ["max_date"],
        )
        return res

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
        date_due, billed`` (signed, company currency), ``ratio`` (signed
        share of the bill's total, to allocate payments) and ``settled``
        (what the bill's receivable lines were reconciled with so far, in
        the company currency: its total less its open amount, as the
        accounting keeps them)."""
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
                   %(period)s AS period,
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
                   END AS ratio,
                   ABS(move.amount_total_signed - move.amount_residual_signed)
                       AS settled
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
            period=PERIOD,
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
    def _unsettled_partials(self, since):
        """The ids of the partial reconciliations that may leave part of
        what is settled on a bill unpaid at a date from the eve of
        ``since`` on: those dated ``since`` or later, and those of credit
        notes (a customer invoice's receivable lines are debits: it is
        settled by a credit, so a reconciliation with another invoice
        involves a credit note)."""
        return SQL(" UNION ").join(
            [
                SQL(
                    "SELECT id FROM account_partial_reconcile WHERE max_date >= %s",
                    since,
                ),
                *(
                    SQL(
                        """
                        SELECT partial.id
                          FROM account_move refund
                          JOIN account_move_line refund_line
                            ON refund_line.move_id = refund.id
                          JOIN account_partial_reconcile partial
                            ON partial.%s = refund_line.id
                         WHERE refund.move_type = 'out_refund'
                           AND refund_line.display_type = 'payment_term'
                        """,
                        SQL.identifier(side),
                    )
                    for side in ("debit_move_id", "credit_move_id")
                ),
            ]
        )

    @api.model
    def _unsettled_query(self, since, bills=None):
        """The partial reconciliations of :meth:`_unsettled_partials` with
        the receivable lines of the bills of ``bill`` (a CTE; or those of
        ``bills``, a query of ``move_id``): one row
        (``move_id, amount, max_date, payment``) per reconciliation of each
        bill; ``payment``: with anything but another invoice or credit
        note.

        What was paid on a bill as of a day from the eve of ``since`` on is
        what is settled on it (``bill.settled``) minus the amounts of these
        rows dated later or not payments: a few reconciliations to look at
        instead of all the payments of every bill."""
        return self._receivable_partials(
            SQL(
                "partial.id IN (%s) AND receivable.move_id IN (%s)",
                self._unsettled_partials(since),
                bills or SQL("SELECT move_id FROM bill"),
            )
        )

    @api.model
    def _receivable_partials(self, where):
        """The partial reconciliations of the receivable lines of customer
        bills with ``where`` (on ``partial`` and ``receivable``): one row
        (``move_id, amount, max_date, payment``) per reconciliation of a
        bill's line; ``payment``: with anything but another invoice or a
        credit note.  The reconciliations where the bill's line is the
        debit and those where it is the credit are looked up separately,
        each by its index; a line reconciled with itself counts once."""
        return SQL(" UNION ALL ").join(
            SQL(
                """
                SELECT receivable.move_id, partial.amount, partial.max_date,
                       counterpart_move.move_type
                           NOT IN ('out_invoice', 'out_refund') AS payment
                  FROM account_partial_reconcile partial
                  JOIN account_move_line receivable
                    ON receivable.id = partial.%(side)s
                  JOIN account_move_line counterpart
                    ON counterpart.id = partial.%(other)s
                  JOIN account_move counterpart_move
                    ON counterpart_move.id = counterpart.move_id
                 WHERE %(where)s
                   AND receivable.display_type = 'payment_term' %(once)s
                """,
                side=SQL.identifier(side),
                other=SQL.identifier(other),
                where=where,
                once=once,
            )
            for side, other, once in (
                ("debit_move_id", "credit_move_id", SQL()),
                (
                    "credit_move_id",
                    "debit_move_id",
                    SQL("AND partial.credit_move_id != partial.debit_move_id"),
                ),
            )
        )

    @api.model
    def _unpaid_query(self, since, bills=None):
        """What of what is settled on each bill of ``bill`` (or ``bills``,
        as in :meth:`_unsettled_query`) was not paid before ``since``:
        ``move_id, amount``, for the bills with such an amount."""
        return SQL(
            """
            SELECT unsettled.move_id, SUM(unsettled.amount) AS amount
              FROM (%(unsettled)s) AS unsettled
             WHERE unsettled.max_date >= %(since)s OR NOT unsettled.payment
          GROUP BY unsettled.move_id
            """,
            unsettled=self._unsettled_query(since, bills),
            since=since,
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
        ids = tuple(sites.ids) or (None,)
        # COALESCE(occ.site_id, move.property_site_id) IN ids, spelled out so
        # that PostgreSQL estimates it from its statistics
        return SQL(
            "(occ.site_id IN %s"
            " OR (occ.site_id IS NULL AND move.property_site_id IN %s))",
            ids,
            ids,
        )

    @api.model
    def _period_bill_query(self, where, date_from, date_to):
        """The billed fee lines of ``where`` for the months of [date_from,
        date_to] (``bill.period`` in them): those billed for a month of
        their own in those months, found by the index on it, and those
        without one (few) whose bill's billing month, else invoice date is
        in the months."""
        start = month_start(date_from)
        stop = month_start(date_to) + relativedelta(months=1)
        return SQL(
            "(%s) UNION ALL (%s)",
            self._bill_query(
                SQL(
                    "%s AND line.property_period_start >= %s"
                    " AND line.property_period_start < %s",
                    where,
                    start,
                    stop,
                )
            ),
            self._bill_query(
                SQL(
                    "%s AND line.property_period_start IS NULL"
                    " AND line.property_occupancy_id IS NOT NULL"
                    " AND %s BETWEEN %s AND %s",
                    where,
                    PERIOD,
                    start,
                    date_to,
                )
            ),
        )

    @api.model
    def _arrears_moves(self, date_from, as_of):
        """The ids of the moves that may count in the arrears figures of a
        period starting on ``date_from`` as of ``as_of``.  A bill of an
        earlier month counts for what it owed on ``date_from`` and what was
        paid of it from then to ``as_of``: both are nought (but for the
        rounding of its lines' shares) when it was settled by payments dated
        before both days.  So it suffices to look at the bills with a
        receivable line still open and those with a reconciliation of
        :meth:`_unsettled_partials` from the earlier of those days, instead
        of every bill ever issued."""
        partials = self._unsettled_partials(min(date_from, as_of + timedelta(days=1)))
        return SQL(" UNION ").join(
            [
                SQL(
                    "SELECT move_id FROM account_move_line WHERE %s",
                    SQL(OPEN_RECEIVABLE),
                ),
                *(
                    SQL(
                        """
                        SELECT line.move_id
                          FROM account_partial_reconcile partial
                          JOIN account_move_line line ON line.id = partial.%s
                         WHERE partial.id IN (%s)
                        """,
                        SQL.identifier(side),
                        partials,
                    )
                    for side in ("debit_move_id", "credit_move_id")
                ),
            ]
        )

    @api.model
    def _fetch(self, query):
        """The rows of ``query`` on flushed data, planned without JIT
        compilation: for the bills of a year, compiling the collection
        queries takes longer than running them."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("SELECT current_setting('jit')"))
        jit = cr.fetchone()[0]
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(query)
        rows = cr.fetchall()
        cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        return rows

    @api.model
    def _unpaid_of_bill(self, move, as_of):
        """What of what is settled on the bill ``move`` (an SQL expression
        of its id) was not paid as of ``as_of`` (an SQL expression): the
        amount (``NULL`` for none) of its receivable's reconciliations dated
        later or with another invoice or a credit note."""
        return SQL(
            """
            SELECT SUM(partial.amount) AS amount
              FROM (%(partials)s) AS partial
             WHERE partial.max_date > %(as_of)s OR NOT partial.payment
            """,
            partials=self._receivable_partials(SQL("receivable.move_id = %s", move)),
            as_of=as_of,
        )

    @api.model
    def _collection_totals(self, site_ids, periods, groupby=None):
        """What was billed to the sites for the billing months of each
        ``(date_from, date_to, as_of)`` of ``periods`` (``date_from`` the
        first of a month) and paid of it as of ``as_of``, in total or per
        ``groupby`` (one of :data:`DIMENSIONS`), in one query:
        ``{(date_from, date_to, as_of): {key: (billed, paid)}}``, unrounded,
        for the periods and groups with fee lines.

        A fee line's paid share is its share of what is settled on its bill
        (the bill's total less its open amount, as the accounting keeps
        them), less its share of what of it was not paid as of the day
        (:meth:`_unpaid_of_bill`).  That is nought for a bill last
        reconciled by then, unless with another invoice or a credit note
        (``property_reconciled_date``, ``property_credit_reconciled``): the
        reconciliations of the few other bills of the periods are read, and
        those of no other."""
        result = defaultdict(dict)
        if not periods:
            return result
        key = SQL.identifier("bill", DIMENSIONS[groupby]) if groupby else SQL("FALSE")
        first = min(date_from for date_from, _date_to, _as_of in periods)
        last = max(date_to for _date_from, date_to, _as_of in periods)
        earliest = min(as_of for _date_from, _date_to, as_of in periods)
        latest = max(as_of for _date_from, _date_to, as_of in periods)
        where = SQL(
            "%s AND move.invoice_date <= %s", self._site_where(site_ids), latest
        )
        in_period = SQL(
            "bill.period >= period.date_from AND bill.period <= period.date_to"
            " AND bill.invoice_date <= period.as_of"
        )
        rows = self._fetch(
            SQL(
                """
                WITH period (date_from, date_to, as_of) AS (VALUES %(periods)s)
                SELECT date_from, date_to, as_of, key, SUM(billed),
                       SUM(settled) - SUM(unpaid)
                  FROM (
                      SELECT period.date_from, period.date_to, period.as_of,
                             bill.key, SUM(bill.billed) AS billed,
                             SUM(bill.settled) AS settled, 0 AS unpaid
                        FROM (
                            -- (summed by month and day first: few rows to
                            -- sort out into the periods)
                            SELECT bill.period, bill.invoice_date, %(key)s AS key,
                                   SUM(bill.billed) AS billed,
                                   SUM(bill.ratio * bill.settled) AS settled
                              FROM (%(bill)s) AS bill
                          GROUP BY 1, 2, 3
                        ) AS bill
                        JOIN period ON %(in_period)s
                    GROUP BY 1, 2, 3, 4
                      UNION ALL
                      SELECT period.date_from, period.date_to, period.as_of,
                             %(key)s, 0, 0, SUM(bill.ratio * unpaid.amount)
                        FROM account_move due
                        JOIN period
                          ON due.invoice_date <= period.as_of
                         AND (due.property_reconciled_date > period.as_of
                              OR due.property_credit_reconciled)
                       CROSS JOIN LATERAL (%(unpaid)s) AS unpaid
                       CROSS JOIN LATERAL (%(bill_of_due)s) AS bill
                       WHERE due.state = 'posted'
                         AND due.move_type IN ('out_invoice', 'out_refund')
                         AND due.invoice_date <= %(latest)s
                         AND (due.property_reconciled_date > %(earliest)s
                              OR due.property_credit_reconciled)
                         AND unpaid.amount IS NOT NULL
                         AND %(in_period)s
                    GROUP BY 1, 2, 3, 4
                  ) AS share
              GROUP BY 1, 2, 3, 4
                """,
                periods=SQL(", ").join(
                    SQL("(%s::date, %s::date, %s::date)", *period) for period in periods
                ),
                key=key,
                bill=self._period_bill_query(where, first, last),
                in_period=in_period,
                unpaid=self._unpaid_of_bill(SQL("due.id"), SQL("period.as_of")),
                bill_of_due=self._period_bill_query(
                    SQL("%s AND line.move_id = due.id", where), first, last
                ),
                latest=latest,
                earliest=earliest,
            )
        )
        for date_from, date_to, as_of, group, billed, paid in rows:
            result[date_from, date_to, as_of][group or False] = (billed, paid)
        return result

    @api.model
    def _collection_figures(
        self, site_ids, date_from, date_to, as_of=None, groupby=None, arrears=True
    ):
        """Collection figures of the sites for the billing months of
        [date_from, date_to], as of ``as_of`` (default: ``date_to``), in
        total or per ``groupby`` (one of :data:`DIMENSIONS`); without
        ``arrears``, the arrears figures are left out (nought).

        Returns ``{key: {billed, paid, rate, arrears_open, arrears_paid,
        recovery_rate}}``; the key is ``False`` in total, else the id (a date
        for ``period``) of the group."""
        self.check_access("read")
        date_from = month_start(date_from)
        as_of = fields.Date.to_date(as_of) or date_to
        if not arrears:
            totals = self._collection_totals(
                site_ids, [(date_from, date_to, as_of)], groupby
            )[date_from, date_to, as_of]
            rows = [
                (group, billed, paid, None, None)
                for group, (billed, paid) in totals.items()
            ]
            return self._figures_from_rows(rows)
        key = SQL.identifier("bill", DIMENSIONS[groupby]) if groupby else SQL("FALSE")
        # the fee lines billed for the period, and those of earlier months
        # that may be in arrears (not all of them: see _arrears_moves)
        where = SQL("%s AND move.invoice_date <= %s", self._site_where(site_ids), as_of)
        bill = SQL(
            "%s UNION ALL (%s)",
            self._period_bill_query(where, date_from, date_to),
            self._bill_query(
                SQL(
                    "%s AND move.invoice_date < %s AND %s < %s AND move.id IN (%s)",
                    where,
                    date_from,
                    PERIOD,
                    date_from,
                    self._arrears_moves(date_from, as_of),
                )
            ),
        )
        # what was paid on the bills as of as_of, and before date_from on
        # those that may be in arrears (see _unsettled_query)
        paid = SQL(
            """
            SELECT due.move_id,
                   due.settled - COALESCE(later.amount, 0) AS paid,
                   due.settled - COALESCE(earlier.amount, 0) AS paid_before
              FROM (SELECT DISTINCT move_id, settled FROM bill) AS due
              LEFT JOIN (%(later)s) AS later ON later.move_id = due.move_id
              LEFT JOIN (%(earlier)s) AS earlier ON earlier.move_id = due.move_id
            """,
            later=self._unpaid_query(as_of + timedelta(days=1)),
            earlier=self._unpaid_query(
                date_from,
                SQL(
                    "SELECT move_id FROM bill WHERE period < %s AND invoice_date < %s",
                    date_from,
                    date_from,
                ),
            ),
        )
        rows = self._fetch(
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
                bill=bill,
                paid=paid,
                key=key,
                date_from=date_from,
                date_to=date_to,
            )
        )
        return self._figures_from_rows(rows)

    @api.model
    def _figures_from_rows(self, rows):
        """The figures of :meth:`_collection_figures` from rows ``(key,
        billed, paid, arrears_open, arrears_paid)``, rounded to the
        company's currency; groups with nothing billed or paid left out."""
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
    def _collection_figures_by_period(self, site_ids, periods):
        """The collection figures of the sites for each ``(date_from,
        date_to)`` of ``periods`` (billing months of [date_from, date_to],
        paid as of date_to), in one query: ``{(date_from, date_to): {billed,
        paid, rate}}``, as :meth:`_collection_figures` gives them in total
        without arrears (nought with nothing billed or paid)."""
        self.check_access("read")
        periods = sorted({(month_start(start), end) for start, end in periods})
        totals = self._collection_totals(
            site_ids, [(start, end, end) for start, end in periods]
        )
        currency = self.env.company.currency_id
        result = {}
        for start, end in periods:
            billed, paid = totals.get((start, end, end), {}).get(False, (0.0, 0.0))
            billed, paid = currency.round(billed or 0.0), currency.round(paid or 0.0)
            result[start, end] = {
                "billed": billed,
                "paid": paid,
                "rate": rate_percent(paid, billed),
            }
        return result

    @api.model
    def _collection_kpi(self, site_ids, date_from, date_to, as_of, figures):
        """The KPI dict of :meth:`collection_rate` from the figures."""
        first = fields.Date.to_string(month_start(date_from))
        domain = [
            ("site_id", "in", list(site_ids)),
            ("period", ">=", first),
            ("period", "<=", fields.Date.to_string(date_to)),
        ]
        kpi = {
            "value": rate_percent(figures["paid"], figures["billed"]),
            "numerator": figures["paid"],
            "denominator": figures["billed"],
            "target": COLLECTION_TARGET,
            "model": self._name,
            "domain": domain,
            "context": {AS_OF_KEY: fields.Date.to_string(as_of)},
        }
        if "arrears_open" in figures:
            kpi["arrears"] = {
                "value": rate_percent(figures["arrears_paid"], figures["arrears_open"]),
                "numerator": figures["arrears_paid"],
                "denominator": figures["arrears_open"],
                "model": self._name,
                "domain": [
                    ("site_id", "in", list(site_ids)),
                    ("period", "<", first),
                    ("invoice_date", "<", first),
                ],
            }
        return kpi

    @api.model
    def collection_rate(self, site_ids, date_from, date_to, as_of=None, arrears=True):
        """The property-fee collection rate KPI (物业管理费收缴率, target 98 %)
        of the sites for the billing months of [date_from, date_to], paid as
        of ``as_of`` (default: ``date_to``), in the shape of the suite's KPI
        dicts; ``arrears`` gives the recovery of earlier months' arrears
        (left out without ``arrears``)."""
        as_of = as_of or date_to
        figures = self._collection_figures(
            site_ids, date_from, date_to, as_of, arrears=arrears
        ).get(
            False,
            dict.fromkeys(("billed", "paid", "arrears_open", "arrears_paid"), 0.0),
        )
        if not arrears:
            figures = {"billed": figures["billed"], "paid": figures["paid"]}
        return self._collection_kpi(site_ids, date_from, date_to, as_of, figures)

    @api.model
    def collection_rates(self, site_ids, periods):
        """:meth:`collection_rate` without arrears for each ``(date_from,
        date_to)`` of ``periods`` (each paid as of its date_to), in one
        query: a list in the order of ``periods``."""
        figures = self._collection_figures_by_period(site_ids, periods)
        return [
            self._collection_kpi(
                site_ids,
                date_from,
                date_to,
                date_to,
                figures[month_start(date_from), date_to],
            )
            for date_from, date_to in periods
        ]
