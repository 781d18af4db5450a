"""Benchmark of importing a payment file of N payments (default 500) in the
user's request (as before) and in queue_job batches (run on demand, not in
CI).

Issue 16: matching and reconciling a line costs about 140 queries, so a file
of a few hundred lines outlasted the request's time limits
(config/odoo.prod.conf: limit_time_cpu 600 s, limit_time_real 1200 s).  Here,
in one process on DATABASE (property_billing installed), N posted invoices of
N customers are created and committed once; then the same file (half of the
payments naming their invoice in the memo, half found by payer and exact
amount) is imported both ways, each in a transaction rolled back at the end:

- request: ``property_billing.payment_sync_limit`` above N, everything in
  ``action_import`` as before;
- batched: the default limits; ``action_import`` (the request) stores the
  lines and the jobs, then the jobs are performed here one after the other,
  as one job runner's worker would (several workers share them).

Both ways must pay the same: the script checks every invoice paid once.
The data are deleted at the end (``--keep`` keeps them).

Measured on 2026-12-07 (2 shared cores, load ~1.5), 500 payments:

- request: 93.0 s in the one request (all 500 reconciled);
- batched: the request 0.2 s; 10 batches of 50 and the closing job,
  performed one after the other, 79.4 s in all (about 8 s a batch), every
  invoice paid once, the import done.

Not measured here: several workers.  Batches of one import on one bank
journal should hardly overlap: each payment is numbered in the journal's
sequence, where (core's ``_locked_increment``) a second batch waits for the
first one's transaction.

Run from a directory without an ``odoo`` folder, on a scratch database:
    cd /tmp && python3 REPO/benchmarks/billing/bench_payment_import_jobs.py \\
        --addons-path=/opt/odoo18/odoo/addons,/opt/odoo18/addons,REPO/addons,REPO \\
        -d DATABASE [--rows 500]
"""

import argparse
import base64
import time
from datetime import date


def setup(env, count):
    from odoo import Command  # noqa: PLC0415 - once Odoo is loaded

    run = int(time.time()) % 10000

    product = env["product.product"].create(
        {"name": "Bench payment fee", "type": "service", "taxes_id": [Command.clear()]}
    )
    partners = env["res.partner"].create(
        [{"name": f"Bench Payer {run}-{i:05d}"} for i in range(count)]
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2026, 3, 1),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": 100.0 + i + (i % 7) / 100,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
            for i, partner in enumerate(partners)
        ]
    )
    moves.action_post()
    journal = env["account.journal"].create(
        {"name": "Bench Bank", "type": "bank", "code": f"B{run}"}
    )
    rows = ["date,amount,payer,memo,transaction id"]
    rows += [
        f"2026-03-05,{m.amount_total:.2f},{m.partner_id.name},"
        + (f"Fee {m.name}" if i % 2 else "")
        + f",BENCH{run}-{i:06d}"
        for i, m in enumerate(moves)
    ]
    return journal, moves, ("\n".join(rows) + "\n").encode()


def import_file(env, journal, content, sync_limit):
    from odoo.addons.queue_job.job import Job  # noqa: PLC0415

    param = env["ir.config_parameter"]
    param.set_param("property_billing.payment_sync_limit", sync_limit)
    record = env["property.payment.import"].create(
        {
            "journal_id": journal.id,
            "file": base64.b64encode(content),
            "filename": "bench.csv",
        }
    )
    started = time.perf_counter()
    record.action_import()
    env.flush_all()
    request = time.perf_counter() - started
    jobs = 0
    while True:
        pending = record.sudo().queue_job_ids.filtered(
            lambda job: job.state in ("pending", "enqueued")
        )[:1]
        if not pending:
            break
        job = Job.load(env, pending.uuid)
        job.set_started()
        job.perform()
        job.set_done()
        job.store()
        env.flush_all()
        job.enqueue_waiting()
        env.flush_all()
        env.invalidate_all()
        jobs += 1
    total = time.perf_counter() - started
    return record, request, total, jobs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        [f"--addons-path={args.addons_path}", "--log-level=warn"]
    )
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        journal, moves, content = setup(env, args.rows)
        journal_id, move_ids = journal.id, moves.ids
        spent = time.perf_counter() - started
        print(f"setup: {args.rows} posted invoices in {spent:.0f} s")
    try:
        for label, sync_limit in (("request", args.rows + 1), ("batched", 50)):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                try:
                    measure(env, label, sync_limit, journal_id, move_ids, content)
                finally:
                    cr.rollback()
    finally:
        if not args.keep:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                moves = env["account.move"].browse(move_ids)
                partners = moves.partner_id
                moves.button_draft()
                moves.with_context(force_delete=True).unlink()
                env["account.journal"].browse(journal_id).unlink()
                partners.unlink()


def measure(env, label, sync_limit, journal_id, move_ids, content):
    journal = env["account.journal"].browse(journal_id)
    record, request, total, jobs = import_file(env, journal, content, sync_limit)
    moves = env["account.move"].browse(move_ids)
    paid = moves.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
    print(
        f"{label}: {record.line_count} lines, {record.reconciled_count} "
        f"reconciled, {len(paid)} invoices paid, {record.state}; "
        f"request {request:.1f} s, "
        f"total {total:.1f} s ({jobs} jobs)",
        flush=True,
    )
    assert record.reconciled_count == len(paid) == len(move_ids), label
    assert record.state == "done", (label, record.state)


if __name__ == "__main__":
    main()
