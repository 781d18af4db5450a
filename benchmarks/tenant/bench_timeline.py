#!/usr/bin/env python3
"""Benchmark of a tenant's whole story (run on demand, not in CI).

On a database where the suite is installed (e.g. the demo database of
``tools/run.sh``), gives one unit ten years of history through the apps' own
models — three tenancies one after the other, 40 documents, 10 defects,
600 desk items with their 450 work orders and call-backs, 300 front-desk
items, 120 posted monthly bills with their 120 payments — and times, median
of ``--runs``:

1. the unit's history as staff open it (History button: every row);
2. the current tenancy's history as the tenant sees it in the portal
   (the rows that are the tenant's own, 50 newest shown).

Everything is created in one transaction that is rolled back at the end:
the database is left as it was.

    python3 benchmarks/tenant/bench_timeline.py --db property_demo
        [--runs 7]
"""

import argparse
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_archive import odoo_addons_path  # noqa: E402 - the benchmarks' helper


def build(env):
    """One unit with ten years of history; returns (unit, current tenancy)."""
    site = env["property.site"].create({"name": "Bench Plaza", "code": "BTL"})
    unit = env["property.unit"].create(
        {"code": "BTL-0101", "site_id": site.id, "area": 88.0, "usage": "home"}
    )
    Partner = env["res.partner"]
    tenants = Partner.create([{"name": f"Bench Tenant {i}"} for i in range(3)])
    Occupancy = env["property.occupancy"]
    spans = [
        (date(2016, 1, 1), date(2019, 12, 31)),
        (date(2020, 1, 1), date(2022, 12, 31)),
        (date(2023, 1, 1), None),
    ]
    occupancies = Occupancy
    for tenant, (start, end) in zip(tenants, spans, strict=True):
        occupancy = Occupancy.create(
            {
                "unit_id": unit.id,
                "tenant_id": tenant.id,
                "handover_date": start,
                "move_in_date": start,
                "move_out_date": end,
            }
        )
        occupancy.action_activate()
        occupancies |= occupancy
    doc_type = env["property.document.type"].search([], limit=1)
    env["property.document"].create(
        [
            {
                "name": f"Bench document {i}",
                "document_type_id": doc_type.id,
                "occupancy_id": occupancies[i % 3].id,
                "issue_date": date(2016, 1, 1) + timedelta(days=90 * i),
            }
            for i in range(40)
        ]
    )
    env["property.defect"].create(
        [
            {
                "unit_id": unit.id,
                "summary": f"Bench defect {i}",
                "found_date": date(2016, 3, 1) + timedelta(days=365 * i),
            }
            for i in range(10)
        ]
    )
    department = env["property.department"].search([], limit=1)
    agent = env.ref("property_tenant.res_users_agent_demo", raise_if_not_found=False)
    Ticket = env["property.ticket"].with_context(
        tracking_disable=True, mail_notrack=True
    )
    tickets = Ticket.create(
        [
            {
                "kind": "service",
                "channel": "phone",
                "site_id": site.id,
                "unit_id": unit.id,
                "partner_id": tenants[min(i // 200, 2)].id,
                "summary": f"Bench request {i}",
                "received_at": datetime(2016, 1, 5) + timedelta(days=6 * i),
                "department_id": department.id,
                "user_id": agent.id if agent else False,
            }
            for i in range(600)
        ]
    )
    WorkOrder = env["property.work.order"].with_context(tracking_disable=True)
    work_orders = WorkOrder.create(
        [
            {
                "ticket_id": ticket.id,
                "department_id": department.id,
                "description": "Bench work",
            }
            for ticket in tickets[:450]
        ]
    )
    for work_order, ticket in zip(work_orders, tickets, strict=False):
        work_order.write(
            {"state": "done", "done_at": ticket.received_at + timedelta(hours=4)}
        )
    env["property.callback"].with_context(tracking_disable=True).create(
        [
            {
                "ticket_id": wo.ticket_id.id,
                "work_order_id": wo.id,
                "state": "done",
                "satisfaction": "5",
                "done_at": wo.done_at + timedelta(days=1),
            }
            for wo in work_orders
        ]
    )
    env["property.front.log"].with_context(tracking_disable=True).create(
        [
            {
                "site_id": site.id,
                "unit_id": unit.id,
                "partner_id": tenants[min(i // 100, 2)].id,
                "sender": "SF Express",
                "description": "Box",
                "received_at": datetime(2016, 2, 1) + timedelta(days=12 * i),
            }
            for i in range(300)
        ]
    )
    company = env.company
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    bank = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    Move = env["account.move"].with_context(tracking_disable=True)
    bills = Move.create(
        [
            {
                "move_type": "out_invoice",
                "journal_id": journal.id,
                "partner_id": occupancies[min(m // 48, 2)].tenant_id.id,
                "invoice_date": date(2016, 1, 1) + timedelta(days=30 * m),
                "invoice_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Property fee",
                            "quantity": 88,
                            "price_unit": 3.5,
                            "tax_ids": [(6, 0, [])],
                            "property_occupancy_id": occupancies[min(m // 48, 2)].id,
                        },
                    )
                ],
            }
            for m in range(120)
        ]
    )
    bills.action_post()
    for bill in bills:
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=bill.ids
        ).create(
            {"journal_id": bank.id, "payment_date": bill.invoice_date}
        )._create_payments()
    return unit, occupancies[-1]


def median_ms(func, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), max(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    import odoo  # noqa: PLC0415 - after argument parsing
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(
        ["-d", args.db, "--log-level=warn", f"--addons-path={odoo_addons_path()}"]
    )
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        started = time.perf_counter()
        unit, occupancy = build(env)
        env.flush_all()
        print(f"history built in {time.perf_counter() - started:.1f} s")
        Timeline = env["property.timeline"]
        agent = env.ref(
            "property_tenant.res_users_agent_demo", raise_if_not_found=False
        )
        staff = Timeline.with_user(agent) if agent else Timeline
        rows = staff.timeline(units=unit)
        own = Timeline.timeline(occupancies=occupancy, portal=True)
        print(f"unit history: {len(rows)} rows; tenant's own: {len(own)} rows")

        def staff_history():
            env.invalidate_all()
            staff.timeline(units=unit)

        def portal_history():
            env.invalidate_all()
            Timeline.timeline(occupancies=occupancy, portal=True)[:50]

        for label, func in (
            ("unit history (staff, every row)", staff_history),
            ("tenancy history (portal subset)", portal_history),
        ):
            median, worst = median_ms(func, args.runs)
            print(f"{label}: median {median:.0f} ms, worst {worst:.0f} ms")
        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
