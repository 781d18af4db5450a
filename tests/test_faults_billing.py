"""A billing run survives the faults of a real server: its background batch
killed while it creates or posts invoices, the server crashed and started
again, PostgreSQL restarted under it (every connection lost).

Real processes, as production runs them (tests/odoo_processes.py): an Odoo
server with prefork workers (``--workers=2``) and OCA queue_job's job runner
on a copy of a scratch database where ``property_billing`` is installed
once per test session.  A run of PAYERS payers is generated in batches
of BATCH; when a batch job is caught writing invoices (its worker's
database session holds a write lock on ``account_move``), the fault is
injected; the run must then end by itself within a bounded time, generated
and then posted, every tenant billed exactly once, no half-written invoice,
its figures right.

A batch is caught at a fixed point, not by luck (odoo_processes'
FaultPoint): each transaction writing invoices waits, half-way through a
batch's rows of ``account_move``, while the test holds the point -- from
before the batches are queued until the fault is injected.  Posting a
batch takes a tenth of a second: polled for, it was missed, or it ended
between being seen and the fault, whenever the machine was busy.

- worker killed: SIGKILL of the worker process running the batch
  (queue_job's ``worker_pid``), then the whole server killed and started
  again; queue_job's runner requeues the dead job (its ``requeue_dead_jobs``:
  started jobs whose lock row is no longer held, counted in ``retry``).
- PostgreSQL restarted: a private cluster of the test's own (port 55411,
  ``PROPERTY_FAULTS_PG_PORT``), restarted ``-m fast`` while invoices are
  created, ``-m immediate`` (a crash, recovery at start) while they are
  posted; the Odoo server keeps running and must recover on its own."""

import os
import time
import unittest

from odoo_processes import (
    BILLING_RUN_SETUP,
    FaultPoint,
    OdooServerCase,
    PrivateCluster,
    wait_until,
)

PAYERS = 48
BATCH = 12
RUN_TIMEOUT = 240
CATCH_TIMEOUT = 180
CHANNELS = "root:2,root.property_billing:2"
PG_PORT = int(os.environ.get("PROPERTY_FAULTS_PG_PORT", 55411))

# the advisory lock of the batches' fault point (FaultPoint)
FAULT_POINT_LOCK = 55411


class TestBillingRunSurvivesFaults(OdooServerCase):
    PREFIX = "test_faults"

    # ------------------------------------------------------------------
    # the run, its faults and what must hold after them
    # ------------------------------------------------------------------
    def _catch_batch_writing(self, point, run_id, method, server):
        """``(job uuid, job id, worker pid)`` of a batch job of the run
        caught in the middle of writing invoices (held at the point)."""

        def caught():
            self._assert_no_failed_job(point.db, run_id, server)
            return point.held_job(
                "job.property_billing_run_id = %s AND job.method_name = %s",
                [run_id, method],
            )

        return wait_until(
            caught,
            CATCH_TIMEOUT,
            0.1,
            lambda: server.log_tail(f"no {method} job caught writing invoices"),
        )

    def _assert_no_failed_job(self, db, run_id, server):
        """A failed batch leaves its run waiting for a user: never."""
        failed = db.query(
            "SELECT exc_name, exc_info FROM queue_job WHERE state = 'failed'"
            " AND property_billing_run_id = %s",
            [run_id],
        )
        self.assertFalse(failed, server.log_tail(f"failed jobs: {failed}"))

    def _wait_state(self, db, run_id, state, server):
        def reached():
            self._assert_no_failed_job(db, run_id, server)
            [[current]] = db.query(
                "SELECT state FROM property_billing_run WHERE id = %s", [run_id]
            )
            return current == state

        started = time.monotonic()
        wait_until(
            reached,
            RUN_TIMEOUT,
            1,
            lambda: server.log_tail(
                f"the run did not reach {state}; jobs: {self._jobs(db, run_id)}",
                8000,
            ),
        )
        return time.monotonic() - started

    def _jobs(self, db, run_id):
        return db.query(
            "SELECT method_name, state, retry, exc_name FROM queue_job"
            " WHERE property_billing_run_id = %s ORDER BY id",
            [run_id],
        )

    def _assert_rerun(self, db, job_uuid):
        """The interrupted job was done again after the fault, and did
        not fail."""
        [[state, retry]] = db.query(
            "SELECT state, retry FROM queue_job WHERE uuid = %s", [job_uuid]
        )
        self.assertEqual(state, "done")
        # queue_job counts each time a job is performed
        self.assertGreaterEqual(retry, 2, "the interrupted job was not run again")

    def _assert_billed_once(self, db, run_id, state):
        # every job of the run done, none failed
        jobs = self._jobs(db, run_id)
        self.assertEqual({job[1] for job in jobs}, {"done"}, jobs)
        # one invoice per tenant, for the run, and no other invoice of them
        [[invoices, partners, run_invoices]] = db.query(
            """SELECT count(m.id), count(DISTINCT m.partner_id),
                      count(m.id) FILTER (WHERE m.property_billing_run_id = %s)
                 FROM account_move m JOIN res_partner p ON p.id = m.partner_id
                WHERE p.name LIKE 'QJ Tenant %%'""",
            [run_id],
        )
        self.assertEqual((invoices, partners, run_invoices), (PAYERS,) * 3)
        # every charge billed once: one key per charge, on its own invoice
        [[keys, key_moves, billed, lines, linked]] = db.query(
            """SELECT (SELECT count(*) FROM property_billing_key WHERE run_id = %s),
                      (SELECT count(DISTINCT move_id) FROM property_billing_key
                        WHERE run_id = %s),
                      count(*) FILTER (WHERE l.state = 'billed'), count(*),
                      count(*) FILTER (WHERE ml.move_id IN (
                          SELECT id FROM account_move
                           WHERE property_billing_run_id = %s))
                 FROM property_billing_run_line l
                 LEFT JOIN account_move_line ml ON ml.id = l.move_line_id
                WHERE l.run_id = %s""",
            [run_id, run_id, run_id, run_id],
        )
        self.assertEqual((keys, key_moves, billed, lines, linked), (PAYERS,) * 5)
        # no half-written invoice anywhere: none without lines, every one
        # balanced and of the right amount, no draft left behind
        empty = db.query(
            "SELECT id FROM account_move m WHERE NOT EXISTS"
            " (SELECT 1 FROM account_move_line l WHERE l.move_id = m.id)"
        )
        self.assertFalse(empty, "invoices without lines")
        unbalanced = db.query(
            """SELECT move_id FROM account_move_line GROUP BY move_id
                HAVING sum(debit) != sum(credit) OR sum(balance) != 0"""
        )
        self.assertFalse(unbalanced, "unbalanced moves")
        amounts = db.query(
            "SELECT DISTINCT amount_total, state FROM account_move"
            " WHERE property_billing_run_id = %s",
            [run_id],
        )
        self.assertEqual(amounts, [(100.0, "posted" if state == "posted" else "draft")])
        orphans = db.query(
            "SELECT id FROM account_move WHERE state = 'draft'"
            " AND property_billing_run_id IS DISTINCT FROM %s",
            [run_id],
        )
        self.assertFalse(orphans, "draft moves outside the run")

    def _assert_figures(self, server, run_id, state):
        """What the run's form shows: its state, progress and counters,
        and the chatter's closing message, once."""
        [run] = server.rpc(
            "property.billing.run", "read", [run_id],
            fields=[
                "state", "progress", "line_count", "invoice_count", "error_count",
                "job_count", "job_failed_count", "amount_total",
            ],
        )  # fmt: skip
        figures = {key: value for key, value in run.items() if key != "id"}
        jobs = PAYERS // BATCH + 1
        if state == "posted":
            jobs *= 2
        self.assertEqual(
            figures,
            {
                "state": state,
                "progress": 100.0,
                "line_count": PAYERS,
                "invoice_count": PAYERS,
                "error_count": 0,
                "job_count": jobs,
                "job_failed_count": 0,
                "amount_total": 100.0 * PAYERS,
            },
        )

    def _assert_closing_messages(self, db, run_id, posted):
        [[generated, posted_messages]] = db.query(
            """SELECT count(*) FILTER (WHERE body::text LIKE %s),
                      count(*) FILTER (WHERE body::text LIKE %s)
                 FROM mail_message
                WHERE model = 'property.billing.run' AND res_id = %s""",
            [f"%{PAYERS} invoices generated%", "%Invoices of the run posted.%", run_id],
        )
        self.assertEqual((generated, posted_messages), (1, int(posted)))

    def _assert_numbering(self, db, run_id):
        """Posted once each: unique numbers, no gap left by a rolled-back
        batch."""
        [[count, names, low, high]] = db.query(
            """SELECT count(*), count(DISTINCT name), min(sequence_number),
                      max(sequence_number)
                 FROM account_move WHERE property_billing_run_id = %s""",
            [run_id],
        )
        self.assertEqual((count, names, high - low + 1), (PAYERS,) * 3)

    def _bill_through_faults(self, db, server, fault):
        """Generate, then post, a run; ``fault(job, phase, release)`` is
        injected when a batch of each phase is caught writing invoices and
        returns the server to wait on; ``release()`` lets the batches held
        at the fault point go on (done after the fault if it did not)."""
        point = FaultPoint(db, "account_move", BATCH // 2, FAULT_POINT_LOCK)
        point.install().hold()
        self.addCleanup(point.release)
        started = db.run_script(BILLING_RUN_SETUP, PAYERS, BATCH)
        run_id = started["run"]
        self.assertEqual(started["state"], "generating", "the batches are queued")

        job = self._catch_batch_writing(point, run_id, "_job_bill_batch", server)
        server = fault(job, "generate", point.release)
        point.release()
        elapsed = self._wait_state(db, run_id, "generated", server)
        print(f"generated {elapsed:.0f}s after the fault")
        self._assert_rerun(db, job[0])
        self._assert_billed_once(db, run_id, "generated")
        self._assert_figures(server, run_id, "generated")
        self._assert_closing_messages(db, run_id, posted=False)

        point.hold()
        server.rpc("property.billing.run", "action_post", [run_id])
        job = self._catch_batch_writing(point, run_id, "_job_post_batch", server)
        server = fault(job, "post", point.release)
        point.release()
        elapsed = self._wait_state(db, run_id, "posted", server)
        print(f"posted {elapsed:.0f}s after the fault")
        self._assert_rerun(db, job[0])
        self._assert_billed_once(db, run_id, "posted")
        self._assert_figures(server, run_id, "posted")
        self._assert_closing_messages(db, run_id, posted=True)
        self._assert_numbering(db, run_id)
        return server

    # ------------------------------------------------------------------
    def test_worker_killed_then_server_restarted(self):
        db = self.copy_template(self.addCleanup)
        servers = [self.server(db, "server-0", channels=CHANNELS)]
        # each restarted server's log until a worker of its own is killed
        # (the job runner's request to that worker then fails: a traceback)
        logs = []

        def kill_and_restart(job, phase, release):
            if len(servers) > 1:
                log = servers[-1].log.read_text(encoding="utf-8", errors="replace")
                logs.append(log)
            name = f"server-{len(servers)}"
            servers.append(
                self.crash_in_job(
                    db, servers[-1], job, name, killed=release, channels=CHANNELS
                )
            )
            return servers[-1]

        server = self._bill_through_faults(db, servers[0], kill_and_restart)
        logs.append(server.log.read_text(encoding="utf-8", errors="replace"))
        for log in logs:
            self.assertNotIn("Traceback", log, f"a traceback; log:\n{log[-4000:]}")

    def test_postgresql_restarted(self):
        if not PrivateCluster.find_bin():
            # e.g. a container whose PostgreSQL is another container
            raise unittest.SkipTest(
                "no PostgreSQL server binaries (initdb) for a private cluster:"
                " apt-get install postgresql"
            )
        cluster = PrivateCluster(PG_PORT)
        self.addCleanup(cluster.destroy)
        cluster.start()
        db = self.copy_template(self.addCleanup, conn=cluster.conn)
        server = self.server(db, "server-pg", channels=CHANNELS)

        def restart_postgresql(job, phase, release):
            # The caught batch waits at the fault point, uncommitted, until
            # the restart ends every session, the test's holding one with
            # it: the batch cannot commit in between, it is run again.
            [[state]] = db.query(
                "SELECT state FROM queue_job WHERE uuid = %s", [job[0]]
            )
            self.assertEqual(state, "started", "the caught batch ended first")
            cluster.restart("fast" if phase == "generate" else "immediate")
            return server

        self._bill_through_faults(db, server, restart_postgresql)
