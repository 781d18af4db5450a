#!/usr/bin/env python3
"""Benchmark of the service desk at scale (run on demand, not in CI).

Builds a database with property_helpdesk, one site of 500 units and tenants,
and bulk-generates (in SQL, for speed) N intake items (default 100,000) over
twelve months, 1.5 work orders per item and a call-back per closed item;
then measures:

1. the SLA escalation cron, with a backlog of freshly breached items;
2. the morning meeting board (every staff member's line);
3. the three KPIs for one site and one month (grouped queries);
4. a tenant's portal list of requests, for a tenant with 500 items, over
   HTTP from a real Odoo server on 127.0.0.1.

Usage (from any directory where ``import odoo`` works):

    python3 benchmarks/helpdesk/bench_helpdesk.py [--items 100000]
        [--runs 10] [--db property_bench_desk] [--keep]
"""

import argparse
import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

BENCH_TENANT = Path(__file__).resolve().parents[1] / "tenant"
sys.path.insert(0, str(BENCH_TENANT))

from bench_archive import (  # noqa: E402
    median_time,
    odoo_addons_path,
    odoo_cmd,
    time_portal_page,
)

TODAY = date(2026, 11, 15)
OPEN_BACKLOG = 1500


def setup_world(env):
    ctx = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    env = env(context=ctx)
    site = env["property.site"].create({"name": "Bench Plaza", "code": "BDESK"})
    units = env["property.unit"].create(
        [{"code": f"U-{i:04d}", "site_id": site.id, "area": 80} for i in range(500)]
    )
    partners = env["res.partner"].create(
        [{"name": f"Tenant {i:04d}"} for i in range(500)]
    )
    occupancies = env["property.occupancy"].create(
        [
            {
                "unit_id": unit.id,
                "tenant_id": partner.id,
                "move_in_date": date(2025, 1, 1),
            }
            for unit, partner in zip(units, partners, strict=True)
        ]
    )
    occupancies.action_activate()
    agent_group = env.ref("property_tenant.group_property_agent")
    tech_group = env.ref("property_helpdesk.group_property_technician")
    agents = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Agent {i}",
                    "login": f"bench.agent{i}",
                    "groups_id": [(6, 0, agent_group.ids)],
                }
                for i in range(10)
            ]
        )
    )
    technicians = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Tech {i}",
                    "login": f"bench.tech{i}",
                    "groups_id": [(6, 0, tech_group.ids)],
                }
                for i in range(10)
            ]
        )
    )
    department = env.ref("property_helpdesk.department_engineering")
    department.write(
        {"member_ids": [(6, 0, technicians.ids)], "default_user_id": technicians[0].id}
    )
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "name": "Bench Tenant",
            "login": "bench.tenant",
            "password": "bench.tenant",
            "partner_id": partners[0].id,
            "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )
    env.flush_all()
    return site, units, partners, agents, technicians, department


def generate_sql(cr, site, units, partners, agents, technicians, department, n_items):
    """Items spread over the twelve months before TODAY, all closed but a
    backlog of open items whose deadlines passed (for the escalation cron)."""
    company = site.company_id.id
    unit_ids = units.ids
    partner_ids = partners.ids
    # the last OPEN_BACKLOG items are still open (their deadlines have passed);
    # tenant 0 has 500 items (every 200th), the others share the rest
    cr.execute(
        """
        INSERT INTO property_ticket (
            name, kind, channel, state, is_open, priority, company_id, site_id,
            unit_id, partner_id, commercial_partner_id, summary, received_at,
            received_by_id, user_id, department_id, round_count, can_serve,
            validity, closed_at, closed_by_id, sla_response_deadline,
            sla_resolution_deadline, responded_at, sla_response_breached,
            sla_resolution_breached, sla_response_escalated,
            sla_resolution_escalated, create_uid, write_uid, create_date, write_date)
        SELECT
            'BENCH/' || g,
            (ARRAY['service','service','complaint','suggestion','praise'])[1 + g %% 5],
            'phone', s.state, s.state <> 'closed', '1', %(company)s, %(site)s,
            (%(units)s::int[])[p.idx], (%(partners)s::int[])[p.idx],
            (%(partners)s::int[])[p.idx],
            'Benchmark item ' || g, t.received, %(agent0)s,
            (%(agents)s::int[])[1 + g %% 10], %(department)s, 1, true, 'valid',
            CASE WHEN s.state = 'closed' THEN t.received + interval '2 days' END,
            CASE WHEN s.state = 'closed' THEN (%(agents)s::int[])[1 + g %% 10] END,
            t.received + interval '4 hours', t.received + interval '2 days',
            CASE WHEN s.state <> 'new' THEN t.received + interval '1 hour' END,
            false, false, false, false, 1, 1, now(), now()
        FROM generate_series(1, %(n)s) AS g,
             LATERAL (SELECT (%(today)s::timestamp - interval '365 days')
                  + (g::float / %(n)s) * interval '365 days' AS received) AS t,
             LATERAL (SELECT CASE WHEN g <= %(n)s - %(backlog)s THEN 'closed'
                                  WHEN g %% 3 = 0 THEN 'new'
                                  ELSE 'in_progress' END AS state) AS s,
             LATERAL (SELECT CASE WHEN g %% 200 = 0 THEN 1
                                  ELSE 2 + g %% 499 END AS idx) AS p
        """,
        {
            "company": company,
            "site": site.id,
            "units": unit_ids,
            "partners": partner_ids,
            "agent0": agents[0].id,
            "agents": agents.ids,
            "department": department.id,
            "n": n_items,
            "backlog": OPEN_BACKLOG,
            "today": TODAY.isoformat(),
        },
    )
    # 1.5 work orders per item: every item one, every other item a second
    cr.execute(
        """
        INSERT INTO property_work_order (
            name, ticket_id, kind, company_id, site_id, unit_id, partner_id,
            department_id, user_id, state, round, can_be_done, charge_type,
            is_major_repair, callback_done, done_at, create_uid, write_uid,
            create_date, write_date)
        SELECT 'BWO/' || t.id || '/' || r, t.id, t.kind, t.company_id, t.site_id,
               t.unit_id, t.partner_id, t.department_id,
               (%(techs)s::int[])[1 + t.id %% 10],
               CASE WHEN t.state = 'closed' THEN 'done' ELSE 'in_progress' END,
               r, true, 'free', t.id %% 20 = 0,
               t.state = 'closed' AND t.id %% 40 <> 0,
               CASE WHEN t.state = 'closed' THEN t.received_at + interval '1 day' END,
               1, 1, now(), now()
        FROM property_ticket t, generate_series(1, 2) AS r
        WHERE t.name LIKE 'BENCH/%%' AND (r = 1 OR t.id %% 2 = 0)
        """,
        {"techs": technicians.ids},
    )
    cr.execute(
        """
        INSERT INTO property_callback (
            name, ticket_id, company_id, site_id, partner_id, user_id, kind,
            method, state, satisfaction, is_satisfied, deadline, done_at,
            create_uid, write_uid, create_date, write_date)
        SELECT t.name, t.id, t.company_id, t.site_id, t.partner_id, t.user_id,
               t.kind, 'phone', 'done', CASE WHEN t.id % 10 = 0 THEN '2' ELSE '5' END,
               t.id % 10 <> 0, t.closed_at, t.closed_at, 1, 1, now(), now()
        FROM property_ticket t
        WHERE t.name LIKE 'BENCH/%' AND t.state = 'closed'
        """
    )
    cr.execute(
        """
        UPDATE property_ticket t SET last_callback_id = c.id
        FROM property_callback c WHERE c.ticket_id = t.id
        """
    )
    cr.execute("ANALYZE")


def bench_in_process(db, addons_path, n_items, runs):
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([f"--addons-path={addons_path}", "-d", db])
    registry = Registry(db)
    results = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tz": "Asia/Shanghai"})
        start = time.perf_counter()
        world = setup_world(env)
        generate_sql(cr, *world, n_items)
        cr.commit()
        results.append(
            (f"generate {n_items} items (setup)", time.perf_counter() - start)
        )
        site, _units, _partners, agents, _techs, _department = world
        counts = {
            model: env[model].search_count([])
            for model in ("property.ticket", "property.work.order", "property.callback")
        }
        print("  records:", counts)

        Ticket = env["property.ticket"]
        overdue = Ticket.search_count(
            [("is_open", "=", True), ("sla_resolution_deadline", "<", datetime.now())]
        )
        start = time.perf_counter()
        Ticket._cron_sla_escalation()
        env.flush_all()
        results.append(
            (
                f"SLA escalation cron, {overdue} overdue open items (first run)",
                time.perf_counter() - start,
            )
        )
        start = time.perf_counter()
        Ticket._cron_sla_escalation()
        env.flush_all()
        results.append(
            (
                "SLA escalation cron, nothing new (second run)",
                time.perf_counter() - start,
            )
        )
        cr.rollback()

        Meeting = env(user=agents[0])["property.morning.meeting"]

        def board():
            env.invalidate_all()
            meeting = Meeting.create({"date": TODAY, "site_id": site.id})
            assert meeting.line_ids

        med, worst = median_time(board, runs)
        results.append((f"morning meeting board, all staff (median of {runs})", med))
        line_user = agents[0]

        def one_person():
            env.invalidate_all()
            Ticket.with_user(line_user).search_count(
                [("user_id", "=", line_user.id), ("is_open", "=", True)]
            )

        med, _worst = median_time(one_person, runs)
        results.append(
            (f"morning meeting, one person's open items (median of {runs})", med)
        )
        Kpi = env["property.helpdesk.kpi"]
        month_start = date(TODAY.year, TODAY.month, 1) - timedelta(days=31)
        month_start = month_start.replace(day=1)
        month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(
            days=1
        )

        def kpis():
            env.invalidate_all()
            figures = Kpi.compute_kpis(site.ids, month_start, month_end)
            assert figures["complaint_handling"]["denominator"]

        med, worst = median_time(kpis, runs)
        results.append((f"three KPIs, one site, one month (median of {runs})", med))
        figures = Kpi.compute_kpis(site.ids, month_start, month_end)
        print(
            "  KPIs:",
            {
                k: (v["value"], v["numerator"], v["denominator"])
                for k, v in figures.items()
            },
        )
        cr.rollback()
    odoo.sql_db.close_all()
    return results


def bench_portal(db, addons_path, runs, n_items):
    med, worst = time_portal_page(
        db,
        addons_path,
        "bench.tenant",
        "bench.tenant",
        "/my/requests",
        b"BENCH/",
        runs,
    )
    return [
        (
            f"portal /my/requests, tenant with {n_items // 200} items "
            f"(median of {runs})",
            med,
        ),
        ("portal /my/requests (worst)", worst),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="property_bench_desk")
    parser.add_argument("--items", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.chdir("/tmp")
    addons_path = odoo_addons_path()
    subprocess.run(["dropdb", "--if-exists", args.db], check=True)
    results = []
    try:
        start = time.perf_counter()
        subprocess.run(
            odoo_cmd(
                args.db,
                addons_path,
                "-i",
                "property_helpdesk",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
            ),
            check=True,
        )
        results.append(("install (setup)", time.perf_counter() - start))
        results += bench_in_process(args.db, addons_path, args.items, args.runs)
        results += bench_portal(args.db, addons_path, args.runs, args.items)
    finally:
        if not args.keep:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    print(f"\nproperty_helpdesk benchmark, {args.items} items")
    for label, seconds in results:
        print(f"  {label:<66} {seconds * 1000:>10.1f} ms")


if __name__ == "__main__":
    main()
