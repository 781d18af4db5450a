#!/usr/bin/env python3
"""Benchmark of the service-target dashboard (run on demand, not in CI).

Builds a database with property_management, one site of 500 units and
tenants, and bulk-generates (in SQL, for speed) twelve months of activity:
N intake items (default 100,000) with 1.5 work orders per item and a
call-back per closed item (the service desk's benchmark generator), N posted
property bills with their payments (19 of 20 bills paid), and N/5 answers
to satisfaction surveys; then measures, for the site over the last twelve
months and over the last month:

1. each KPI source: the desk's three KPIs (one grouped call), the survey
   satisfaction rate, the archive completeness, the collection rate (with
   the recovery of earlier arrears, and without, as the dashboard asks);
2. the five KPIs together (``property.management.kpi.compute``);
3. the dashboard page (the reported period's KPIs, by month, quarter and
   year) and its trend (computed when asked for).

Usage (from any directory where ``import odoo`` works):

    python3 benchmarks/management/bench_kpi.py [--items 100000]
        [--runs 5] [--db property_bench_kpi] [--keep] [--reuse]

``--keep`` keeps the database and its generated data; ``--reuse`` measures
again on a database kept so (no install, no generation).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from dateutil.relativedelta import relativedelta

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks" / "tenant"))
sys.path.insert(0, str(REPO / "benchmarks" / "helpdesk"))

from bench_archive import median_time, odoo_addons_path, odoo_cmd  # noqa: E402
from bench_helpdesk import TODAY, generate_sql, setup_world  # noqa: E402

YEAR = (TODAY.replace(day=1) - relativedelta(months=11), TODAY)


def default_required_columns(env):
    """Give the required columns that other modules (e.g. the paid-services
    bridge) add to the desk's tables a database default, from the field's
    default, so that the SQL generators can leave them out (throwaway
    benchmark databases only)."""
    cr = env.cr
    for model in ("property.ticket", "property.work.order", "property.callback"):
        Model = env[model]
        cr.execute(
            """
            SELECT column_name FROM information_schema.columns
             WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
            """,
            [Model._table],
        )
        columns = [name for (name,) in cr.fetchall()]
        defaults = Model.default_get(columns)
        for column in columns:
            field = Model._fields.get(column)
            if column in defaults and field and not field.relational:
                cr.execute(
                    f'ALTER TABLE "{Model._table}" ALTER COLUMN "{column}" '
                    "SET DEFAULT %s",
                    [defaults[column]],
                )


def sale_journal(env):
    """The company's sales journal; loads the Chinese chart when the
    company has none yet (database without demo data)."""
    company = env.company
    Journal = env["account.journal"]
    journal = Journal.search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    if not journal:
        env["account.chart.template"].try_loading("cn", company, install_demo=False)
        journal = Journal.search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
    return journal


def generate_bills(cr, env, site, n_bills):
    """N posted bills spread over the twelve months, one fee line each, on
    the site's occupancies; 19 of 20 paid ten days after the bill by a
    payment entry reconciled with it (every 7th only half)."""
    journal = sale_journal(env)
    company = env.company
    receivable = env["account.account"].search(
        [
            ("account_type", "=", "asset_receivable"),
            ("company_ids", "in", company.ids),
        ],
        limit=1,
    )
    accounts = {"income": journal.default_account_id.id, "receivable": receivable.id}
    cr.execute(
        """
        WITH occ AS (
            SELECT array_agg(id ORDER BY id) AS ids,
                   array_agg(tenant_id ORDER BY id) AS tenants
              FROM property_occupancy WHERE site_id = %(site)s
        )
        INSERT INTO account_move (
            name, move_type, state, auto_post, journal_id, company_id,
            currency_id, date, invoice_date, invoice_date_due, partner_id,
            commercial_partner_id, amount_total, amount_total_signed,
            amount_untaxed, property_site_id, property_period_start,
            payment_state, create_uid, write_uid, create_date, write_date)
        SELECT 'BKPI/' || g, 'out_invoice', 'posted', 'no', %(journal)s,
               %(company)s, %(currency)s, m.month, m.month, m.month + 15,
               occ.tenants[1 + g %% array_length(occ.ids, 1)],
               occ.tenants[1 + g %% array_length(occ.ids, 1)],
               a.amount, a.amount, a.amount, %(site)s, m.month,
               CASE WHEN g %% 20 = 0 THEN 'not_paid' ELSE 'paid' END,
               1, 1, now(), now()
          FROM occ, generate_series(1, %(n)s) AS g,
               LATERAL (SELECT (%(first)s::date + (g %% 12) * interval '1 month')::date
                            AS month) AS m,
               LATERAL (SELECT (200 + g %% 800)::numeric AS amount) AS a
        """,
        {
            "site": site.id,
            "journal": journal.id,
            "company": company.id,
            "currency": company.currency_id.id,
            "n": n_bills,
            "first": YEAR[0].isoformat(),
        },
    )
    cr.execute(
        """
        WITH occ AS (
            SELECT array_agg(id ORDER BY id) AS ids FROM property_occupancy
             WHERE site_id = %(site)s
        )
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, company_currency_id, currency_id,
            display_type, name, partner_id, date, price_total, price_subtotal,
            account_id, balance, amount_currency, debit, credit,
            property_occupancy_id, property_period_start,
            create_uid, write_uid, create_date, write_date)
        SELECT move.id, move.journal_id, move.company_id, move.currency_id,
               move.currency_id, kind.display_type, move.name, move.partner_id,
               move.date,
               CASE WHEN kind.display_type = 'product' THEN move.amount_total END,
               CASE WHEN kind.display_type = 'product' THEN move.amount_total END,
               CASE WHEN kind.display_type = 'product' THEN %(income)s
                    ELSE %(receivable)s END,
               s.sign * move.amount_total, s.sign * move.amount_total,
               GREATEST(s.sign * move.amount_total, 0),
               GREATEST(-s.sign * move.amount_total, 0),
               CASE WHEN kind.display_type = 'product'
                    THEN occ.ids[1 + substr(move.name, 6)::int
                                 %% array_length(occ.ids, 1)]
               END,
               move.property_period_start, 1, 1, now(), now()
          FROM occ, account_move move,
               (VALUES ('product'), ('payment_term')) AS kind(display_type),
               LATERAL (SELECT CASE WHEN kind.display_type = 'product' THEN -1
                                    ELSE 1 END AS sign) AS s
         WHERE move.name LIKE 'BKPI/%%'
        """,
        {"site": site.id, **accounts},
    )
    # payments: an entry per paid bill, reconciled with the bill's receivable
    cr.execute(
        """
        INSERT INTO account_move (
            name, move_type, state, auto_post, journal_id, company_id,
            currency_id, date, partner_id, amount_total, create_uid, write_uid,
            create_date, write_date)
        SELECT 'BPAY/' || move.id, 'entry', 'posted', 'no', move.journal_id,
               move.company_id, move.currency_id, move.date + 10, move.partner_id,
               move.amount_total, 1, 1, now(), now()
          FROM account_move move
         WHERE move.name LIKE 'BKPI/%' AND move.payment_state = 'paid'
        """
    )
    cr.execute(
        """
        INSERT INTO account_move_line (
            move_id, journal_id, company_id, company_currency_id, currency_id,
            display_type, name, partner_id, date, account_id, balance,
            amount_currency, debit, credit,
            create_uid, write_uid, create_date, write_date)
        SELECT pay.id, pay.journal_id, pay.company_id, pay.currency_id,
               pay.currency_id, 'payment_term', pay.name, pay.partner_id,
               pay.date, %(receivable)s, -pay.amount_total, -pay.amount_total, 0,
               pay.amount_total, 1, 1, now(), now()
          FROM account_move pay WHERE pay.name LIKE 'BPAY/%%'
        """,
        accounts,
    )
    cr.execute(
        """
        INSERT INTO account_partial_reconcile (
            debit_move_id, credit_move_id, company_id, debit_currency_id,
            credit_currency_id, amount, debit_amount_currency,
            credit_amount_currency, max_date, create_uid, write_uid,
            create_date, write_date)
        SELECT bill_line.id, pay_line.id, bill.company_id, bill.currency_id,
               bill.currency_id, p.amount, p.amount, p.amount, pay.date,
               1, 1, now(), now()
          FROM account_move bill
          JOIN account_move pay ON pay.name = 'BPAY/' || bill.id
          JOIN account_move_line bill_line
            ON bill_line.move_id = bill.id AND bill_line.display_type = 'payment_term'
          JOIN account_move_line pay_line ON pay_line.move_id = pay.id,
               LATERAL (SELECT CASE WHEN bill.id % 7 = 0
                                    THEN round(bill.amount_total / 2, 2)
                                    ELSE bill.amount_total END AS amount) AS p
         WHERE bill.name LIKE 'BKPI/%'
        """
    )
    # what reconciling leaves on the items and bills (as the accounting
    # does; the collection figures read it): the open amounts, the
    # reconciled flags and the payment states
    cr.execute(
        """
        WITH matched AS (
            SELECT line_id, SUM(amount) AS amount
              FROM (SELECT debit_move_id AS line_id, amount
                      FROM account_partial_reconcile
                     UNION ALL
                    SELECT credit_move_id, -amount FROM account_partial_reconcile
                   ) AS partial
          GROUP BY line_id
        )
        UPDATE account_move_line line
           SET amount_residual = CASE WHEN line.display_type = 'payment_term'
                   THEN line.balance - COALESCE(matched.amount, 0) ELSE 0 END,
               amount_residual_currency = CASE WHEN line.display_type = 'payment_term'
                   THEN line.balance - COALESCE(matched.amount, 0) ELSE 0 END,
               reconciled = line.display_type = 'payment_term'
                   AND line.balance = COALESCE(matched.amount, 0),
               parent_state = 'posted'
          FROM account_move_line this
          JOIN account_move move ON move.id = this.move_id
          LEFT JOIN matched ON matched.line_id = this.id
         WHERE line.id = this.id
           AND (move.name LIKE 'BKPI/%' OR move.name LIKE 'BPAY/%')
        """
    )
    cr.execute(
        """
        WITH open AS (
            SELECT move_id, SUM(amount_residual) AS amount
              FROM account_move_line WHERE display_type = 'payment_term'
          GROUP BY move_id
        )
        UPDATE account_move move
           SET amount_residual = abs(open.amount),
               amount_residual_signed = open.amount,
               payment_state = CASE WHEN open.amount = 0 THEN 'paid'
                                    WHEN open.amount = move.amount_total THEN 'not_paid'
                                    ELSE 'partial' END
          FROM open
         WHERE open.move_id = move.id AND move.name LIKE 'BKPI/%'
        """
    )
    # and the bills' last reconciliation dates, as reconciling computes them
    cr.execute("SELECT id FROM account_move WHERE name LIKE 'BKPI/%'")
    env["account.move"].browse(
        [row[0] for row in cr.fetchall()]
    )._property_fill_reconciliation()


def generate_survey_answers(cr, env, site, n_answers):
    """N completed answers to the site's satisfaction survey over the twelve
    months, 17 of 20 satisfied or very satisfied."""
    question = env.ref("property_community.survey_resident_satisfaction_q1")
    answers = question.suggested_answer_ids
    satisfied = answers.filtered("is_satisfied")[:1]
    unsatisfied = (answers - answers.filtered("is_satisfied"))[:1]
    survey = env["property.satisfaction.survey"].create(
        {
            "name": "Bench satisfaction",
            "site_id": site.id,
            "date_from": YEAR[0],
            "date_to": YEAR[1],
        }
    )
    env.flush_all()
    cr.execute(
        """
        WITH occ AS (
            SELECT array_agg(tenant_id ORDER BY id) AS tenants
              FROM property_occupancy WHERE site_id = %(site)s
        )
        INSERT INTO survey_user_input (
            survey_id, satisfaction_survey_id, access_token, state, test_entry,
            partner_id, end_datetime, create_uid, write_uid, create_date,
            write_date)
        SELECT %(survey)s, %(satisfaction)s, md5('bench' || g), 'done', false,
               occ.tenants[1 + g %% array_length(occ.tenants, 1)],
               %(first)s::timestamp + (g::float / %(n)s) * interval '365 days',
               1, 1, now(), now()
          FROM occ, generate_series(1, %(n)s) AS g
        """,
        {
            "site": site.id,
            "survey": survey.survey_id.id,
            "satisfaction": survey.id,
            "first": YEAR[0].isoformat(),
            "n": n_answers,
        },
    )
    cr.execute(
        """
        INSERT INTO survey_user_input_line (
            user_input_id, survey_id, question_id, answer_type,
            suggested_answer_id, create_uid, write_uid, create_date, write_date)
        SELECT input.id, input.survey_id, %(question)s, 'suggestion',
               CASE WHEN input.id %% 20 < 17 THEN %(yes)s ELSE %(no)s END,
               1, 1, now(), now()
          FROM survey_user_input input
         WHERE input.satisfaction_survey_id = %(satisfaction)s
        """,
        {
            "question": question.id,
            "yes": satisfied.id,
            "no": unsatisfied.id,
            "satisfaction": survey.id,
        },
    )


def bench_in_process(db, addons_path, n_items, runs, generate=True):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([f"--addons-path={addons_path}", "-d", db])
    registry = Registry(db)
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tz": "Asia/Shanghai"})
        if generate:
            start = time.perf_counter()
            world = setup_world(env)
            default_required_columns(env)
            generate_sql(cr, *world, n_items)
            site = world[0]
            generate_bills(cr, env, site, n_items)
            generate_survey_answers(cr, env, site, n_items // 5)
            cr.execute("ANALYZE")
            cr.commit()
            results.append(
                (
                    f"generate {n_items} items and bills (setup)",
                    time.perf_counter() - start,
                )
            )
        else:
            # the site the kept data was generated for: the one with bills
            cr.execute(
                "SELECT property_site_id FROM account_move"
                " WHERE name LIKE 'BKPI/%' LIMIT 1"
            )
            row = cr.fetchone()
            if not row:
                raise SystemExit(f"{db} holds no generated data: run with --keep")
            site = env["property.site"].browse(row[0])
        counts = {
            model: env[model].search_count([])
            for model in (
                "property.ticket",
                "property.work.order",
                "property.callback",
                "survey.user_input.line",
            )
        }
        counts["bills"] = env["account.move"].search_count(
            [("move_type", "=", "out_invoice")]
        )
        counts["reconciliations"] = env["account.partial.reconcile"].search_count([])
        print("  records:", counts)

        month = (TODAY.replace(day=1) - relativedelta(months=1),)
        month = (month[0], month[0] + relativedelta(months=1, days=-1))
        sources = {
            "desk KPIs (complaints, major repairs, call-backs)": lambda a, b: env[
                "property.helpdesk.kpi"
            ].compute_kpis(site.ids, a, b),
            "survey satisfaction": lambda a, b: env[
                "property.satisfaction.survey"
            ].satisfaction_rate(site.ids, a, b),
            "archive completeness": lambda a, b: env[
                "property.site"
            ]._archive_completeness_kpi(site.ids, b),
            "collection rate": lambda a, b: env[
                "property.collection.report"
            ].collection_rate(site.ids, a, b),
            "collection rate as the dashboard asks (no arrears)": lambda a, b: env[
                "property.collection.report"
            ].collection_rate(site.ids, a, b, arrears=False),
            "five KPIs together": lambda a, b: env["property.management.kpi"].compute(
                site.ids, a, b
            ),
        }
        for span, (date_from, date_to) in (("12 months", YEAR), ("one month", month)):
            for label, func in sources.items():

                def run(func=func, date_from=date_from, date_to=date_to):
                    env.invalidate_all()
                    func(date_from, date_to)

                med, _worst = median_time(run, runs)
                results.append((f"{label}, {span} (median of {runs})", med))
        kpis = env["property.management.kpi"].compute(site.ids, *YEAR)
        print(
            "  KPIs over 12 months:",
            {k["code"]: (k["value"], k["numerator"], k["denominator"]) for k in kpis},
        )
        Board = env["property.management.dashboard"]
        for period, count in (("month", 12), ("quarter", 4), ("year", 1)):

            def page(period=period):
                env.invalidate_all()
                Board.create({"site_id": site.id, "period": period, "date": TODAY})

            med, _worst = median_time(page, runs)
            results.append((f"dashboard page, by {period} (median of {runs})", med))
            board = Board.create({"site_id": site.id, "period": period, "date": TODAY})
            board.trend_count = count

            def trend(board=board):
                env.invalidate_all()
                board.action_compute_trend()

            med, _worst = median_time(trend, runs)
            results.append((f"  its trend of {count} periods (median of {runs})", med))
        cr.rollback()
    odoo.sql_db.close_all()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="property_bench_kpi")
    parser.add_argument("--items", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    os.chdir("/tmp")
    addons_path = odoo_addons_path()
    if args.reuse:
        results = bench_in_process(
            args.db, addons_path, args.items, args.runs, generate=False
        )
        print(f"\nproperty_management benchmark on {args.db} (kept data)")
        for label, seconds in results:
            print(f"  {label:<74} {seconds * 1000:>10.1f} ms")
        return
    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    results = []
    try:
        start = time.perf_counter()
        subprocess.run(
            odoo_cmd(
                args.db,
                addons_path,
                "-i",
                "property_management",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
            ),
            check=True,
        )
        results.append(("install (setup)", time.perf_counter() - start))
        results += bench_in_process(args.db, addons_path, args.items, args.runs)
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    print(f"\nproperty_management benchmark, {args.items} items, bills and payments")
    for label, seconds in results:
        print(f"  {label:<74} {seconds * 1000:>10.1f} ms")


if __name__ == "__main__":
    main()
