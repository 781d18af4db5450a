#!/usr/bin/env python3
"""Benchmark of the service-target dashboard (run on demand, not in CI).

Issue 6.  Builds a throwaway database with property_management (no demo
data) and in it one site with twelve months of activity:

- the demo scenario (``tools/demo/property_demo_scenario.py``) of ``--units`` units: the
  tenant archive, billing plans, a posted billing run per month and the
  tenants' payments, all through the ORM (``property.billing.run``,
  ``account.payment.register``), and ``--flow-items`` desk items played
  through their real flows, with campaigns and satisfaction surveys;
- ``--items`` more desk items bulk-inserted in SQL (service-desk tables
  only: items, work orders, call-backs) over the same twelve months, so that
  items, bills and payments make some 100,000 records;

(the defaults, 300 units, give some 3,000 bills and as many payments: the
accounting through the ORM takes most of the setup, about eight minutes on
two cores, the whole run some twelve minutes);

then measures, as the median of ``--runs`` runs with cold caches, for the
site over the twelve months:

1. the server time of each KPI: complaint handling, major-repair call-backs
   and call-back satisfaction (the desk's grouped queries of each figure),
   survey satisfaction, archive completeness and the collection rate; and
   each app's KPI function as a whole;
2. ``property.management.kpi.compute`` (the five KPIs together);
3. the dashboard page: ``property.management.dashboard`` created for the
   current month (what opening the dashboard computes) and the
   ``web_read`` of its form; the same for the year; the month with its
   twelve-month trend (computed on demand).

Usage (from any directory where ``import odoo`` works):

    python3 benchmarks/management/bench_dashboard.py
        [--units 300] [--flow-items 600] [--items 94000] [--runs 5]
        [--db property_bench_dashboard] [--keep] [--measure-only]

The database is dropped at the end unless --keep is given; --measure-only
measures again in a kept database.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks" / "tenant"))
sys.path.insert(0, str(REPO / "benchmarks" / "helpdesk"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(REPO / "tools" / "demo"))

from bench_archive import odoo_addons_path, odoo_cmd  # noqa: E402
from bench_kpi import default_required_columns  # noqa: E402


def median_ms(func, runs, env):
    samples = []
    for _ in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        func()
        env.flush_all()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, max(samples) * 1000


# ----------------------------------------------------------------------
# Data
# ----------------------------------------------------------------------
def build_scenario(env, units, flow_items, date_to):
    # imported once Odoo's addons path is set: it uses property_billing's helpers
    from property_demo_scenario import DemoScenario

    start = time.perf_counter()
    summary = DemoScenario(env).build(
        seed=2026, units=units, items=flow_items, date_to=date_to, site_code="WJ"
    )
    env.cr.commit()
    return summary, time.perf_counter() - start


def bulk_items(env, site_id, n_items, date_from, date_to):
    """``n_items`` closed or open desk items over [date_from, date_to], with
    their work orders (a second round for one in twelve, a major repair for
    one in sixteen) and call-backs (nine in ten satisfied), in SQL."""
    cr = env.cr
    default_required_columns(env)
    cr.execute(
        """
        SELECT u.id, u.current_tenant_id FROM property_unit u
         WHERE u.site_id = %s AND u.current_tenant_id IS NOT NULL ORDER BY u.id
        """,
        [site_id],
    )
    units, partners = zip(*cr.fetchall(), strict=True)
    staff = env["res.users"].search([("login", "=like", "wj.%")], order="login")
    agents = staff.filtered(lambda u: u.login.startswith("wj.agent")).ids
    techs = staff.filtered(lambda u: u.login.startswith("wj.tech.eng")).ids
    department = env.ref("property_helpdesk.department_engineering").id
    lift = env.ref("property_helpdesk.category_lift").id
    plumbing = env.ref("property_helpdesk.category_plumbing").id
    start = datetime.combine(date_from, datetime.min.time())
    end = datetime.combine(date_to, datetime.min.time()) + timedelta(hours=10)
    seconds = (end - start).total_seconds() - 7200
    cr.execute(
        """
        INSERT INTO property_ticket (
            name, kind, channel, state, is_open, priority, company_id, site_id,
            unit_id, partner_id, commercial_partner_id, summary, received_at,
            received_by_id, user_id, department_id, category_id, round_count,
            can_serve, validity, responded_at, closed_at, closed_by_id,
            sla_response_breached, sla_resolution_breached,
            sla_response_escalated, sla_resolution_escalated,
            create_uid, write_uid, create_date, write_date)
        SELECT 'BENCH/' || g, k.kind, 'phone', s.state, s.state <> 'closed',
               CASE WHEN k.kind = 'complaint' THEN '2' ELSE '1' END,
               site.company_id, site.id,
               (%(units)s::int[])[1 + g %% %(n_units)s],
               (%(partners)s::int[])[1 + g %% %(n_units)s],
               (%(partners)s::int[])[1 + g %% %(n_units)s],
               'Benchmark item ' || g, t.received,
               (%(agents)s::int[])[1 + g %% 2], (%(agents)s::int[])[1 + g %% 2],
               %(department)s,
               CASE WHEN g %% 16 = 0 THEN %(lift)s ELSE %(plumbing)s END,
               CASE WHEN g %% 12 = 0 THEN 2 ELSE 1 END, true, 'valid',
               t.received + interval '20 minutes',
               CASE WHEN s.state = 'closed' THEN t.received + interval '3 days' END,
               CASE WHEN s.state = 'closed' THEN (%(agents)s::int[])[1] END,
               false, false, false, false, 1, 1, now(), now()
          FROM generate_series(1, %(n)s) AS g
          JOIN property_site site ON site.id = %(site)s,
               LATERAL (SELECT %(start)s::timestamp
                    + (g::float / %(n)s) * %(seconds)s * interval '1 second'
                    AS received) AS t,
               LATERAL (SELECT (ARRAY['service', 'service', 'service', 'service',
                    'complaint', 'suggestion', 'praise'])[1 + g %% 7] AS kind) AS k,
               LATERAL (SELECT CASE
                    WHEN t.received > %(end)s::timestamp - interval '3 days'
                    THEN (ARRAY['new', 'in_progress', 'done'])[1 + g %% 3]
                    ELSE 'closed' END AS state) AS s
        """,
        {
            "n": n_items,
            "site": site_id,
            "units": list(units),
            "partners": list(partners),
            "n_units": len(units),
            "agents": agents,
            "department": department,
            "lift": lift,
            "plumbing": plumbing,
            "start": start,
            "end": end,
            "seconds": seconds,
        },
    )
    # work orders: one per item with work, a second round for one in twelve
    cr.execute(
        """
        INSERT INTO property_work_order (
            name, ticket_id, kind, company_id, site_id, unit_id, partner_id,
            department_id, user_id, category_id, state, round, can_be_done,
            charge_type, is_major_repair, callback_done, started_at, done_at,
            create_uid, write_uid, create_date, write_date)
        SELECT 'BWO/' || t.id || '/' || r, t.id, t.kind, t.company_id, t.site_id,
               t.unit_id, t.partner_id, t.department_id,
               (%(techs)s::int[])[1 + t.id %% 2], t.category_id,
               CASE WHEN t.state IN ('closed', 'done') OR r < t.round_count
                    THEN 'done' ELSE 'in_progress' END,
               r, true, 'free', t.category_id = %(lift)s,
               t.state = 'closed',
               t.received_at + r * interval '4 hours',
               CASE WHEN t.state IN ('closed', 'done') OR r < t.round_count
                    THEN t.received_at + r * interval '1 day' END,
               1, 1, now(), now()
          FROM property_ticket t, generate_series(1, 2) AS r
         WHERE t.name LIKE 'BENCH/%%' AND t.kind <> 'praise'
           AND t.state <> 'new' AND r <= t.round_count
        """,
        {"techs": techs, "lift": lift},
    )
    # call-backs: after each done round; the first of two rounds unsatisfied
    cr.execute(
        """
        INSERT INTO property_callback (
            name, ticket_id, work_order_id, company_id, site_id, partner_id,
            user_id, kind, is_major_repair, technician_id, department_id,
            method, state, satisfaction, is_satisfied, deadline, done_at,
            create_uid, write_uid, create_date, write_date)
        SELECT t.name, t.id, w.id, t.company_id, t.site_id, t.partner_id,
               t.user_id, t.kind, w.is_major_repair, w.user_id, w.department_id,
               'phone', 'done', s.level, s.level >= '4',
               w.done_at + interval '2 days', w.done_at + interval '1 day',
               1, 1, now(), now()
          FROM property_ticket t
          JOIN property_work_order w ON w.ticket_id = t.id,
               LATERAL (SELECT CASE
                    WHEN w.round < t.round_count THEN '2'
                    WHEN t.id %% 25 = 0 THEN '3'
                    WHEN t.id %% 3 = 0 THEN '4' ELSE '5' END AS level) AS s
         WHERE t.site_id = %(site)s AND t.name LIKE 'BENCH/%%' AND t.state = 'closed'
        """,
        {"site": site_id},
    )
    cr.execute(
        """
        UPDATE property_ticket t SET last_callback_id = c.id
          FROM (SELECT DISTINCT ON (ticket_id) id, ticket_id FROM property_callback
                 WHERE site_id = %(site)s AND name LIKE 'BENCH/%%'
                 ORDER BY ticket_id, done_at DESC, id DESC) c
         WHERE c.ticket_id = t.id
        """,
        {"site": site_id},
    )
    cr.execute("ANALYZE")
    env.cr.commit()
    env.invalidate_all()


def counts(env, site_id):
    cr = env.cr
    figures = {}
    for label, query in (
        ("desk items", "SELECT count(*) FROM property_ticket WHERE site_id = %s"),
        ("work orders", "SELECT count(*) FROM property_work_order WHERE site_id = %s"),
        ("call-backs", "SELECT count(*) FROM property_callback WHERE site_id = %s"),
        (
            "bills (posted)",
            "SELECT count(*) FROM account_move WHERE property_site_id = %s "
            "AND state = 'posted' AND move_type = 'out_invoice'",
        ),
        (
            "bill fee lines",
            "SELECT count(*) FROM account_move_line l JOIN account_move m "
            "ON m.id = l.move_id WHERE m.property_site_id = %s "
            "AND l.display_type = 'product'",
        ),
        (
            "payments",
            "SELECT count(DISTINCT p.id) FROM account_payment p "
            "JOIN account_move_line l ON l.move_id = p.move_id "
            "JOIN account_partial_reconcile r ON r.credit_move_id = l.id "
            "JOIN account_move_line inv ON inv.id = r.debit_move_id "
            "JOIN account_move m ON m.id = inv.move_id WHERE m.property_site_id = %s",
        ),
        (
            "survey answers",
            "SELECT count(*) FROM survey_user_input i JOIN "
            "property_satisfaction_survey s ON s.id = i.satisfaction_survey_id "
            "WHERE s.site_id = %s AND i.state = 'done'",
        ),
        (
            "tenant archives",
            "SELECT count(*) FROM property_occupancy WHERE site_id = %s",
        ),
    ):
        cr.execute(query, [site_id])
        figures[label] = cr.fetchone()[0]
    return figures


# ----------------------------------------------------------------------
# Measures
# ----------------------------------------------------------------------
def form_spec(model):
    """web_read specification of the form view of ``model``, with the
    fields of its embedded lists."""
    from lxml import etree

    arch = etree.fromstring(model.get_views([(False, "form")])["views"]["form"]["arch"])

    def spec_of(node, comodel):
        spec = {}
        for field_node in node.iter("field"):
            # only the fields of this level, not of embedded lists
            parent = field_node.getparent()
            while parent is not None and parent is not node and parent.tag != "field":
                parent = parent.getparent()
            if parent is not None and parent is not node:
                continue
            name = field_node.get("name")
            field = comodel._fields.get(name)
            if field is None:
                continue
            if field.type == "many2one":
                spec[name] = {"fields": {"display_name": {}}}
            elif field.type in ("one2many", "many2many"):
                sub = field_node.find("list")
                sub_spec = (
                    spec_of(sub, comodel.env[field.comodel_name])
                    if sub is not None
                    else {"display_name": {}}
                )
                spec[name] = {"fields": sub_spec or {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    return spec_of(arch, model)


def measure(env, site_id, date_from, date_to, runs):
    results = []
    sites = [site_id]
    Kpi = env["property.helpdesk.kpi"]
    desk = Kpi.compute_kpis(sites, date_from, date_to)
    Ticket = env["property.ticket"]
    WorkOrder = env["property.work.order"]
    Callback = env["property.callback"]
    complaints = desk["complaint_handling"]
    major = desk["major_repair_callback"]
    callbacks = desk["satisfaction"]

    def row(label, func, figure=None):
        med, worst = median_ms(func, runs, env)
        results.append((label, med, worst, figure))

    def fig(kpi):
        value = kpi.get("value")
        if "value" not in kpi and kpi["denominator"]:
            value = round(100.0 * kpi["numerator"] / kpi["denominator"], 2)
        value = "-" if value is None else f"{value:.2f} %"
        amounts = [
            f"{x:,}" if isinstance(x, int) else f"{x:,.2f}"
            for x in (kpi["numerator"], kpi["denominator"])
        ]
        return f"{value} ({amounts[0]} / {amounts[1]})"

    row(
        "KPI complaint handling (2 counts)",
        lambda: (
            Ticket.search_count(complaints["domain"]),
            Ticket.search_count(complaints["numerator_domain"]),
        ),
        fig(complaints),
    )
    row(
        "KPI major-repair call-backs (grouped count)",
        lambda: WorkOrder._read_group(major["domain"], ["callback_done"], ["__count"]),
        fig(major),
    )
    row(
        "KPI call-back satisfaction (grouped count)",
        lambda: Callback._read_group(
            callbacks["domain"], ["is_satisfied"], ["__count"]
        ),
        fig(callbacks),
    )
    Survey = env["property.satisfaction.survey"]
    row(
        "KPI survey satisfaction (satisfaction_rate)",
        lambda: Survey.satisfaction_rate(sites, date_from, date_to),
        fig(Survey.satisfaction_rate(sites, date_from, date_to)),
    )
    Site = env["property.site"]
    if hasattr(Site, "_archive_completeness_kpi"):
        archive = Site._archive_completeness_kpi(sites, date_to)
        row(
            "KPI archive completeness",
            lambda: Site._archive_completeness_kpi(sites, date_to),
            fig(archive),
        )
    else:
        row(
            "KPI archive completeness (site figures)",
            lambda: Site.browse(sites)._archive_completeness_figures(),
        )
    Collection = env["property.collection.report"]
    row(
        "KPI collection rate (collection_rate)",
        lambda: Collection.collection_rate(sites, date_from, date_to),
        fig(Collection.collection_rate(sites, date_from, date_to)),
    )
    row(
        "desk: compute_kpis (three KPIs, one call)",
        lambda: Kpi.compute_kpis(sites, date_from, date_to),
    )
    if "property.management.kpi" in env:
        Suite = env["property.management.kpi"]
        row(
            "suite: property.management.kpi.compute (five KPIs)",
            lambda: Suite.compute(sites, date_from, date_to),
        )
    if "property.management.dashboard" in env:
        Board = env["property.management.dashboard"]
        spec = form_spec(Board)

        def open_page(period):
            board = Board.create(
                {"site_id": site_id, "period": period, "date": date_to}
            )
            board.web_read(spec)
            return board

        row("dashboard page: the month (as opened)", lambda: open_page("month"))
        row("dashboard page: the year", lambda: open_page("year"))
        if hasattr(Board, "action_compute_trend"):

            def with_trend():
                board = open_page("month")
                board.action_compute_trend()
                board.web_read(spec)

            row("dashboard page: the month + its 12-month trend", with_trend)
    return results


def bench_in_process(db, addons_path, args):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(
        [f"--addons-path={addons_path}", "-d", db, "--log-level=warn"]
    )
    registry = Registry(db)
    setup = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tz": "Asia/Shanghai"})
        if args.measure_only:
            site = env["property.site"].search([("code", "=", "WJ")], limit=1)
            runs = env["property.billing.run"].search([("site_id", "=", site.id)])
            if not runs:
                sys.exit(
                    f"{db} holds no benchmark site (WJ): run without --measure-only"
                )
            date_from = min(runs.mapped("period_start"))
            date_to = date_from + relativedelta(months=12, days=-1)
            date_to = min(date_to, date.today() - timedelta(days=1))
            site_id = site.id
        else:
            date_to = date.today() - timedelta(days=1)
            summary, seconds = build_scenario(env, args.units, args.flow_items, date_to)
            setup.append(
                ("demo scenario (ORM: archive, desk, billing, payments)", seconds)
            )
            site_id = summary["site_id"]
            date_from = date.fromisoformat(summary["date_from"])
            start = time.perf_counter()
            if args.items:
                bulk_items(env, site_id, args.items, date_from, date_to)
            setup.append(("bulk desk items (SQL)", time.perf_counter() - start))
        figures = counts(env, site_id)
        # the admin user of the dashboard, with its company
        env = env(user=env.ref("base.user_admin"))
        results = measure(env, site_id, date_from, date_to, args.runs)
        cr.rollback()
    odoo.sql_db.close_all()
    return setup, figures, results, (date_from, date_to)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="property_bench_dashboard")
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--flow-items", type=int, default=600)
    parser.add_argument("--items", type=int, default=94000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure again in a database kept by an earlier --keep run",
    )
    args = parser.parse_args()
    os.chdir("/tmp")  # a folder named odoo in the cwd would shadow the package
    addons_path = odoo_addons_path()
    setup = []
    if not args.measure_only:
        subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    try:
        if not args.measure_only:
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
            setup.append(("install property_management", time.perf_counter() - start))
        more, figures, results, period = bench_in_process(
            db=args.db, addons_path=addons_path, args=args
        )
        setup += more
    finally:
        if not args.keep and not args.measure_only:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    print(f"\nService-target dashboard benchmark, one site, {period[0]} - {period[1]}")
    for label, seconds in setup:
        print(f"  {label + ' (setup)':<58} {seconds:>8.0f} s")
    print("  records:")
    for label, value in figures.items():
        print(f"    {label:<20} {value:>9,}")
    total = sum(figures[k] for k in ("desk items", "bills (posted)", "payments"))
    print(f"    {'items+bills+payments':<20} {total:>9,}")
    print(f"  server time, median of {args.runs} (worst):")
    for label, med, worst, figure in results:
        extra = f"  {figure}" if figure else ""
        print(f"  {label:<58} {med:>8.1f} ms ({worst:.1f}){extra}")


if __name__ == "__main__":
    main()
