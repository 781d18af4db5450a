import base64
import io
from datetime import date

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, HttpCase, new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.property_tenant.tests.spreadsheet_checks import (
    FORMULA_TEXT,
    assert_text_not_formula,
)

from ..billing import month_start
from ..collection import aging_bucket, collection_rate
from ..models.property_collection_report import DIMENSIONS
from .common import PropertyBillingCase

SITE_COLUMNS = 8  # label + billed, paid, rate, target, arrears, recovered, recovery


@tagged("-at_install", "post_install")
class TestCollectionPure(BaseCase):
    def test_rate(self):
        self.assertEqual(collection_rate(1026.80, 1518.34), 67.63)
        self.assertIsNone(collection_rate(0.0, 0.0), "nothing billed: no value")
        self.assertEqual(collection_rate(0.0, 100.0), 0.0)

    def test_aging_buckets(self):
        cases = [
            (-1, "not_due"),
            (0, "0_30"),
            (30, "0_30"),
            (31, "31_60"),
            (60, "31_60"),
            (61, "61_90"),
            (90, "61_90"),
            (91, "90_plus"),
            (400, "90_plus"),
        ]
        for days, bucket in cases:
            self.assertEqual(aging_bucket(days), bucket, days)


class CollectionCase(PropertyBillingCase):
    """March 2026 billed by a run: the shop (826.80) paid in full on March
    10, the office (409.58) paid 200.00 on March 20, the home (281.96)
    unpaid in March and paid on April 5.  April billed too; its shop bill
    paid on April 10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.occ_shop.agent_id = cls.collector
        cls.occ_office.agent_id = cls.manager
        cls.occ_home.agent_id = False
        cls.site.agent_id = cls.agent
        cls.march = cls._post_run(date(2026, 3, 1))
        cls.april = cls._post_run(date(2026, 4, 1))
        shop, office, home = cls._bills(cls.march)
        cls._pay(shop, 826.80, date(2026, 3, 10))
        cls._pay(office, 200.00, date(2026, 3, 20))
        cls._pay(home, 281.96, date(2026, 4, 5))
        cls._pay(cls._bills(cls.april)[0], 826.80, date(2026, 4, 10))
        cls.Report = cls.env["property.collection.report"]

    @classmethod
    def _post_run(cls, period):
        run = cls._run(period)
        run.action_preview()
        run.action_generate()
        run.action_post()
        return run

    @classmethod
    def _bills(cls, run):
        return [
            run.move_ids.filtered(lambda m, tenant=tenant: m.partner_id == tenant)
            for tenant in (cls.tenant_c, cls.tenant_a, cls.tenant_b)
        ]

    @classmethod
    def _pay(cls, invoice, amount, day):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount, "payment_date": day})
            ._create_payments()
        )


@tagged("-at_install", "post_install")
class TestCollectionRate(CollectionCase):
    def test_world(self):
        self.assertEqual(
            [bill.amount_total for bill in self._bills(self.march)],
            [826.8, 409.58, 281.96],
        )

    def test_current_period_rate(self):
        kpi = self.Report.collection_rate(
            self.site.ids, date(2026, 3, 1), date(2026, 3, 31)
        )
        # (826.80 + 200.00) / (826.80 + 409.58 + 281.96), as of March 31:
        # the home's April payment does not count
        self.assertEqual(kpi["denominator"], 1518.34)
        self.assertEqual(kpi["numerator"], 1026.80)
        self.assertEqual(kpi["value"], 67.63)
        self.assertEqual(kpi["target"], 98.0)
        self.assertEqual(kpi["model"], "property.collection.report")
        rows = self.Report.with_context(**kpi["context"]).search(kpi["domain"])
        self.assertEqual(len(rows), 3)
        self.assertEqual(round(sum(rows.mapped("paid")), 2), 1026.80)

        later = self.Report.collection_rate(
            self.site.ids, date(2026, 3, 1), date(2026, 3, 31), as_of=date(2026, 4, 30)
        )
        self.assertEqual(later["numerator"], 1308.76)
        self.assertEqual(later["value"], 86.2)
        early = self.Report.collection_rate(
            self.site.ids, date(2026, 3, 1), date(2026, 3, 31), as_of=date(2026, 3, 15)
        )
        self.assertEqual((early["numerator"], early["value"]), (826.80, 54.45))
        other_site = self.env["property.site"].create(
            {"name": "Test Empty", "code": "TEM"}
        )
        empty = self.Report.collection_rate(
            other_site.ids, date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertEqual((empty["denominator"], empty["value"]), (0.0, None))

    def test_credit_note_lowers_billed(self):
        home = self._bills(self.april)[2]
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=home.ids)
            .create(
                {
                    "reason": "Test vacancy",
                    "journal_id": home.journal_id.id,
                    "date": date(2026, 4, 20),
                }
            )
        )
        reversal.refund_moves()
        refund = home.reversal_move_ids
        refund.action_post()
        self.assertEqual(home.payment_state, "reversed")
        kpi = self.Report.collection_rate(
            self.site.ids, date(2026, 4, 1), date(2026, 4, 30)
        )
        # April: 1518.34 billed - 281.96 credited; only the shop paid 826.80;
        # the credit note reconciled with the bill is not a payment
        self.assertEqual(kpi["denominator"], 1236.38)
        self.assertEqual(kpi["numerator"], 826.80)
        self.assertEqual(kpi["value"], 66.87)

    def test_arrears_recovery(self):
        kpi = self.Report.collection_rate(
            self.site.ids, date(2026, 4, 1), date(2026, 4, 30)
        )
        self.assertEqual((kpi["numerator"], kpi["denominator"]), (826.80, 1518.34))
        arrears = kpi["arrears"]
        # open on March 31: office 209.58 + home 281.96; the home paid in April
        self.assertEqual(arrears["denominator"], 491.54)
        self.assertEqual(arrears["numerator"], 281.96)
        self.assertEqual(arrears["value"], 57.36)

    def test_by_dimension(self):
        figures = self.Report._collection_figures(
            self.site.ids, date(2026, 3, 1), date(2026, 4, 30), groupby="period"
        )
        self.assertEqual(set(figures), {date(2026, 3, 1), date(2026, 4, 1)})
        self.assertEqual(
            (figures[date(2026, 3, 1)]["paid"], figures[date(2026, 3, 1)]["rate"]),
            (1308.76, 86.2),
        )
        self.assertEqual(figures[date(2026, 4, 1)]["rate"], 54.45)
        by_collector = self.Report._collection_figures(
            self.site.ids,
            date(2026, 3, 1),
            date(2026, 3, 31),
            as_of=date(2026, 3, 31),
            groupby="collector",
        )
        self.assertEqual(
            {key: value["rate"] for key, value in by_collector.items()},
            {
                self.collector.id: 100.0,
                self.manager.id: round(100 * 200 / 409.58, 2),
                self.agent.id: 0.0,  # the site's agent for the home
            },
        )
        by_building = self.Report._collection_figures(
            self.site.ids, date(2026, 3, 1), date(2026, 3, 31), groupby="building"
        )
        self.assertEqual(list(by_building), [self.building.id])
        self.assertEqual(by_building[self.building.id]["billed"], 1518.34)

    def test_pivot_as_of(self):
        def totals(as_of):
            return self.Report.with_context(collection_as_of=as_of)._read_group(
                [("site_id", "=", self.site.id), ("period", "=", date(2026, 3, 1))],
                [],
                ["billed:sum", "paid:sum", "open_amount:sum"],
            )[0]

        self.assertEqual(totals("2026-03-31"), (1518.34, 1026.80, 491.54))
        self.assertEqual(totals("2026-04-30"), (1518.34, 1308.76, 209.58))

    def test_aging(self):
        def aging(as_of):
            return self.Report._aging_figures(self.site.ids, as_of)[False]

        # March bills due March 16, April bills due April 16; on April 10
        # the March office bill is 25 days overdue, the home's paid (April 5)
        self.assertEqual(
            aging(date(2026, 4, 10)),
            {
                "not_due": 691.54,  # April office 409.58 + home 281.96
                "0_30": 209.58,
                "31_60": 0.0,
                "61_90": 0.0,
                "90_plus": 0.0,
            },
        )
        self.assertEqual(
            aging(date(2026, 7, 1)),
            {
                "not_due": 0.0,
                "0_30": 0.0,
                "31_60": 0.0,
                "61_90": 691.54,
                "90_plus": 209.58,
            },
        )
        rows = self.Report.with_context(collection_as_of="2026-07-01").search(
            [("site_id", "=", self.site.id), ("open_amount", "!=", 0)]
        )
        self.assertEqual(
            sorted((row.aging, row.open_amount) for row in rows),
            [("61_90", 281.96), ("61_90", 409.58), ("90_plus", 209.58)],
        )

    def test_collection_xlsx(self):
        wizard = (
            self.env["property.collection.report.wizard"]
            .with_user(self.collector)
            .create(
                {
                    "site_ids": [Command.set(self.site.ids)],
                    "date_from": date(2026, 4, 1),
                    "date_to": date(2026, 4, 30),
                    "as_of": date(2026, 4, 30),
                }
            )
        )
        self.assertEqual(
            (wizard.billed, wizard.paid, wizard.rate), (1518.34, 826.8, 54.45)
        )
        self.assertEqual((wizard.arrears_open, wizard.recovery_rate), (491.54, 57.36))
        action = wizard.action_export()
        self.assertIn(f"id={wizard.id}&field=file", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file)))
        self.assertEqual(
            book.sheetnames,
            ["By Site", "By Building", "By Month", "By Collector", "Aging"],
        )
        rows = list(book["By Site"].iter_rows(min_row=5, values_only=True))
        self.assertEqual(
            rows[0][:SITE_COLUMNS],
            (
                "[TBP] Test Billing Plaza",
                1518.34,
                826.8,
                54.45,
                98,
                491.54,
                281.96,
                57.36,
            ),
        )
        self.assertEqual(rows[1][0], "Total")
        self.assertEqual(rows[1][3], 54.45)
        months = list(book["By Month"].iter_rows(min_row=5, values_only=True))
        self.assertEqual(
            [row[:8] for row in months],
            [
                ("2026-03", 0, 0, None, 98, 491.54, 281.96, 57.36),
                ("2026-04", 1518.34, 826.8, 54.45, 98, 0, 0, None),
                ("Total", 1518.34, 826.8, 54.45, 98, 491.54, 281.96, 57.36),
            ],
            "earlier months show what was recovered of their arrears",
        )
        collectors = {
            row[0]: row[3]
            for row in book["By Collector"].iter_rows(min_row=5, values_only=True)
        }
        self.assertEqual(collectors[self.collector.name], 100.0)
        self.assertEqual(collectors[self.manager.name], 0.0)
        aging = list(book["Aging"].iter_rows(min_row=4, values_only=True))
        self.assertEqual(
            aging[0], ("[TBP] Test Billing Plaza", 0, 691.54, 209.58, 0, 0, 901.12)
        )

        analysis = wizard.action_open_analysis()
        self.assertEqual(analysis["res_model"], "property.collection.report")
        self.assertEqual(analysis["context"]["collection_as_of"], "2026-04-30")

    def test_run_preview_xlsx_user_text(self):
        """A payer named like a formula is written as text."""
        self.tenant_c.name = FORMULA_TEXT
        assert_text_not_formula(
            self, self.march.with_user(self.collector)._preview_xlsx()
        )

    def test_collection_xlsx_user_text(self):
        """A collector named like a formula is written as text."""
        self.site.fee_collector_id = self.collector
        self.collector.name = FORMULA_TEXT
        wizard = (
            self.env["property.collection.report.wizard"]
            .with_user(self.collector)
            .create(
                {
                    "site_ids": [Command.set(self.site.ids)],
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 4, 30),
                    "as_of": date(2026, 4, 30),
                }
            )
        )
        assert_text_not_formula(self, wizard._build_workbook())

    def test_run_preview_xlsx(self):
        content = self.march.with_user(self.collector)._preview_xlsx()
        book = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(book.sheetnames, ["Charges", "Errors"])
        rows = list(book["Charges"].iter_rows(min_row=4, values_only=True))
        self.assertEqual(
            rows[0][:6], ("Unit", "Payer", "Fee Item", "Label", "From", "To")
        )
        charges = {row[0]: row for row in rows[1:4]}
        self.assertEqual(set(charges), {"T-101", "T-201", "T-301"})
        shop = charges["T-101"]
        self.assertEqual(shop[1], "Test Anchor Store Ltd")
        self.assertEqual(shop[4].date(), date(2026, 3, 1))
        self.assertEqual((shop[6], shop[7], shop[8], shop[9]), (1, 780, 0, 780))
        self.assertEqual(shop[11], "Billed")
        self.assertTrue(shop[12])
        self.assertEqual(charges["T-201"][9], 386.4)
        self.assertEqual(rows[4][0], "Total")
        self.assertEqual(rows[4][9], 1432.4)

    def test_access(self):
        finance = new_test_user(
            self.env,
            login="pb_finance_report",
            groups="account.group_account_user",
            company_id=self.company.id,
        )
        report = self.Report.with_user(self.collector)
        self.assertEqual(len(report.search([("site_id", "=", self.site.id)])), 6)
        report.collection_rate(self.site.ids, date(2026, 3, 1), date(2026, 3, 31))
        for user in (self.agent, self.portal_a, finance):
            with self.assertRaises(AccessError):
                self.Report.with_user(user).search([])
            with self.assertRaises(AccessError):
                self.Report.with_user(user).collection_rate(
                    self.site.ids, date(2026, 3, 1), date(2026, 3, 31)
                )
            with self.assertRaises(AccessError):
                self.env["property.collection.report.wizard"].with_user(user).create({})
        with self.assertRaises(AccessError):
            self.march.with_user(self.portal_a)._preview_xlsx()

    def test_revenue_vs_cost(self):
        analytic = self.site.analytic_account_id
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.tenant_c.id,
                "invoice_date": date(2026, 3, 20),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Test cleaning contractor, March",
                            "quantity": 1,
                            "price_unit": 500.0,
                            "tax_ids": [Command.clear()],
                            "analytic_distribution": {str(analytic.id): 100},
                        }
                    )
                ],
            }
        )
        bill.action_post()
        action = self.site.with_user(self.collector).action_view_revenue_cost()
        self.assertEqual(action["res_model"], "account.analytic.line")
        lines = (
            self.env["account.analytic.line"]
            .with_user(self.collector)
            .search(action["domain"])
        )
        by_category = dict(
            self.env["account.analytic.line"]._read_group(
                action["domain"], ["category"], ["amount:sum"]
            )
        )
        self.assertEqual(by_category["vendor_bill"], -500.0, "the cost, negative")
        revenue = lines.filtered(
            lambda line: (
                line.move_line_id.display_type == "product"
                and line.category == "invoice"
            )
        )
        self.assertEqual(
            round(sum(revenue.mapped("amount")), 2),
            2 * 1432.4,
            "the fees of March and April (untaxed)",
        )
        invoices = (self.march | self.april).move_ids
        self.assertEqual(
            by_category["invoice"],
            round(
                -sum(
                    invoices.line_ids.filtered("analytic_distribution").mapped(
                        "balance"
                    )
                ),
                2,
            ),
            "every revenue line of the site's bills",
        )


@tagged("-at_install", "post_install")
class TestCollectionFiguresAsBefore(CollectionCase):
    """The collection figures, found from the period's bills, the bills
    that may be in arrears and the few reconciliations that may not count
    as of the day, are those over every bill and every reconciliation
    (:meth:`_reference_figures`, the query they were computed by before);
    the trend of several periods in one query is each period's figures.
    On top of the world of :class:`CollectionCase`: the April home bill
    credited in full, May billed, a credit note (not a reversal) for part
    of the May home bill, payments dated after the periods (the April
    office's rest on June 3, the May shop on June 2) and arrears recovered
    (the March office's rest on May 15)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        home = cls._bills(cls.april)[2]
        (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=home.ids)
            .create(
                {
                    "reason": "Test vacancy",
                    "journal_id": home.journal_id.id,
                    "date": date(2026, 4, 20),
                }
            )
            .refund_moves()
        )
        home.reversal_move_ids.action_post()
        cls.may = cls._post_run(date(2026, 5, 1))
        shop_may, office_may, home_may = cls._bills(cls.may)
        office_april = cls._bills(cls.april)[1]
        cls._pay(cls._bills(cls.march)[1], 209.58, date(2026, 5, 15))
        cls._pay(office_april, 200.00, date(2026, 4, 25))
        cls._pay(office_april, 209.58, date(2026, 6, 3))
        cls._pay(shop_may, 826.80, date(2026, 6, 2))
        cls._pay(office_may, 100.00, date(2026, 5, 31))
        line = home_may.invoice_line_ids[0]
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": home_may.partner_id.id,
                "invoice_date": date(2026, 5, 20),
                "property_site_id": cls.site.id,
                "property_period_start": date(2026, 5, 1),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Test discount for the works",
                            "quantity": 1,
                            "price_unit": 30.0,
                            "tax_ids": [Command.clear()],
                            "property_occupancy_id": line.property_occupancy_id.id,
                            "property_period_start": date(2026, 5, 1),
                        }
                    )
                ],
            }
        )
        refund.action_post()
        (refund | home_may).line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).reconcile()
        cls.home_may = home_may

    def _reference_figures(self, date_from, date_to, as_of=None, groupby=None):
        """The figures as :meth:`_collection_figures` computed them before:
        over every bill issued by ``as_of`` and every reconciliation of
        theirs."""
        Report = self.Report
        date_from = month_start(date_from)
        as_of = as_of or date_to
        key = SQL.identifier("bill", DIMENSIONS[groupby]) if groupby else SQL("FALSE")
        where = SQL(
            "COALESCE(occ.site_id, move.property_site_id) IN %s"
            " AND move.invoice_date <= %s",
            tuple(self.site.ids),
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
                bill=Report._bill_query(where),
                paid=Report._paid_query(as_of, since=date_from),
                key=key,
                date_from=date_from,
                date_to=date_to,
            )
        )
        # (the rows before the currency: reading it may query the cursor)
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
                "rate": collection_rate(paid, billed),
                "arrears_open": arrears_open,
                "arrears_paid": arrears_paid,
                "recovery_rate": collection_rate(arrears_paid, arrears_open),
            }
        return result

    def test_world(self):
        self.assertEqual(self._bills(self.april)[2].payment_state, "reversed")
        self.assertEqual(self.home_may.amount_residual, 251.96)
        self.assertEqual(self._bills(self.may)[0].payment_state, "paid")

    def test_figures_as_before(self):
        """The figures, with arrears and without (what the dashboard asks,
        found from the bills' last reconciliation dates), are those of the
        query over every bill and reconciliation, for every period, day and
        grouping."""
        periods = [
            (date(2026, 3, 1), date(2026, 3, 31)),
            (date(2026, 4, 1), date(2026, 4, 30)),
            (date(2026, 5, 1), date(2026, 5, 31)),
            (date(2026, 6, 1), date(2026, 6, 30)),
            (date(2026, 4, 1), date(2026, 5, 20)),
            (date(2026, 3, 1), date(2026, 6, 30)),
            (date(2026, 1, 1), date(2026, 12, 31)),
        ]
        for date_from, date_to in periods:
            for as_of in (
                None,
                date_from - relativedelta(days=1),
                date_from + relativedelta(days=9),
                date_to + relativedelta(days=3),
                date(2026, 6, 2),
                date(2026, 7, 1),
            ):
                for groupby in (None, *DIMENSIONS):
                    with self.subTest(
                        period=(date_from, date_to), as_of=as_of, groupby=groupby
                    ):
                        reference = self._reference_figures(
                            date_from, date_to, as_of, groupby
                        )
                        self.assertEqual(
                            self.Report._collection_figures(
                                self.site.ids, date_from, date_to, as_of, groupby
                            ),
                            reference,
                        )
                        # without arrears: what was billed and paid alone
                        self.assertEqual(
                            self.Report._collection_figures(
                                self.site.ids,
                                date_from,
                                date_to,
                                as_of,
                                groupby,
                                arrears=False,
                            ),
                            {
                                key: dict(
                                    figures,
                                    arrears_open=0.0,
                                    arrears_paid=0.0,
                                    recovery_rate=collection_rate(0.0, 0.0),
                                )
                                for key, figures in reference.items()
                                if figures["billed"] or figures["paid"]
                            },
                        )
        # the figures that change with the credit note, the payments after
        # the month and the arrears recovered
        may = self.Report._collection_figures(
            self.site.ids, date(2026, 5, 1), date(2026, 5, 31)
        )[False]
        self.assertEqual(
            (may["billed"], may["paid"]), (round(1518.34 - 30.0, 2), 100.0)
        )
        # open on April 30: the offices' 209.58 of March and of April, the
        # April home bill and its credit note; recovered: March's office
        self.assertEqual((may["arrears_open"], may["arrears_paid"]), (419.16, 209.58))

    def test_reconciliation_dates(self):
        """A bill knows the date of its last reconciliation and whether it
        was reconciled with an invoice or a credit note, as reconciling and
        unreconciling leave it, and as the SQL that fills an existing
        database finds it."""
        shop_march, office_march, home_march = self._bills(self.march)
        shop_april, office_april, home_april = self._bills(self.april)
        shop_may, office_may, _home_may = self._bills(self.may)
        expected = {
            shop_march: (date(2026, 3, 10), False),
            office_march: (date(2026, 5, 15), False),
            home_march: (date(2026, 4, 5), False),
            shop_april: (date(2026, 4, 10), False),
            office_april: (date(2026, 6, 3), False),
            # credited in full by its reversal
            home_april: (date(2026, 4, 20), True),
            shop_may: (date(2026, 6, 2), False),
            office_may: (date(2026, 5, 31), False),
            # partly by a credit note
            self.home_may: (date(2026, 5, 20), True),
        }
        moves = self.env["account.move"].browse(move.id for move in expected)
        refunds = home_april.reversal_move_ids | self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("property_site_id", "=", self.site.id)]
        )
        self.assertEqual(len(refunds), 2)
        self.assertTrue(all(refunds.mapped("property_credit_reconciled")))

        def values():
            return {
                move: (move.property_reconciled_date, move.property_credit_reconciled)
                for move in moves
            }

        self.assertEqual(values(), expected)
        # the SQL finds the same for every customer invoice and credit note
        everything = self.env["account.move"].search(
            [("move_type", "in", ("out_invoice", "out_refund"))]
        )
        before = {
            move.id: (move.property_reconciled_date, move.property_credit_reconciled)
            for move in everything
        }
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET property_reconciled_date = NULL,"
            " property_credit_reconciled = NULL WHERE id IN %s",
            [tuple(everything.ids)],
        )
        self.env["account.move"]._property_fill_reconciliation()
        self.assertEqual(
            {
                move.id: (
                    move.property_reconciled_date,
                    move.property_credit_reconciled,
                )
                for move in everything
            },
            before,
        )
        # unreconciling the June payment leaves the April office bill last
        # reconciled on April 25
        june = office_april.line_ids.matched_credit_ids.filtered(
            lambda partial: partial.max_date == date(2026, 6, 3)
        )
        june.unlink()
        self.assertEqual(
            (
                office_april.property_reconciled_date,
                office_april.property_credit_reconciled,
            ),
            (date(2026, 4, 25), False),
        )
        # the figures follow the reconciliations as they now stand
        april = self.Report._collection_figures(
            self.site.ids,
            date(2026, 4, 1),
            date(2026, 4, 30),
            date(2026, 7, 1),
            arrears=False,
        )[False]
        self.assertEqual(
            april["paid"],
            self._reference_figures(
                date(2026, 4, 1), date(2026, 4, 30), date(2026, 7, 1)
            )[False]["paid"],
        )

    def test_without_arrears(self):
        for date_from, date_to in (
            (date(2026, 4, 1), date(2026, 4, 30)),
            (date(2026, 3, 1), date(2026, 5, 31)),
        ):
            kpi = self.Report.collection_rate(self.site.ids, date_from, date_to)
            alone = self.Report.collection_rate(
                self.site.ids, date_from, date_to, arrears=False
            )
            self.assertNotIn("arrears", alone)
            kpi.pop("arrears")
            self.assertEqual(alone, kpi)

    def test_periods_in_one_query(self):
        months = [
            (date(2026, month, 1), date(2026, month, 1) + relativedelta(day=31))
            for month in range(1, 8)
        ]
        quarters = [
            (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2026, 4, 1), date(2026, 6, 30)),
        ]
        for periods in (
            months,
            quarters,
            [(date(2026, 1, 1), date(2026, 12, 31))],
            [
                (date(2026, 5, 1), date(2026, 5, 20)),
                (date(2026, 3, 10), date(2026, 4, 2)),
            ],
        ):
            rates = self.Report.collection_rates(self.site.ids, periods)
            self.assertEqual(
                rates,
                [
                    self.Report.collection_rate(
                        self.site.ids, date_from, date_to, arrears=False
                    )
                    for date_from, date_to in periods
                ],
            )
            for date_from, date_to in periods:
                figures = self._reference_figures(date_from, date_to).get(False, {})
                rate = rates[periods.index((date_from, date_to))]
                self.assertEqual(
                    (rate["denominator"], rate["numerator"]),
                    (figures.get("billed", 0.0), figures.get("paid", 0.0)),
                )
        self.assertEqual(
            [
                rate["value"]
                for rate in self.Report.collection_rates(self.site.ids, months)
            ],
            [None, None, 67.63, 83.05, 6.72, None, None],
        )


@tagged("-at_install", "post_install")
class TestCollectionXlsxRoute(HttpCase, CollectionCase):
    def test_run_preview_route(self):
        url = f"/property_billing/run/{self.march.id}/preview.xlsx"
        self.authenticate("pb_collector", "pb_collector")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(book["Charges"]["A5"].value, "T-101")
        self.assertEqual(
            self.url_open("/property_billing/run/999999999/preview.xlsx").status_code,
            404,
        )
        for login in ("pb_agent", "pb_tenant_a"):
            self.authenticate(login, login)
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 403, login)
