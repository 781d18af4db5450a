"""Two background batches of a payment import paying the same invoice at
the same time, on separate database connections: one payment, the other
batch retried by queue_job on the first one's result.  The world is
committed (the other connection must see it) and removed afterwards."""

import base64
import threading
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

from odoo.addons.queue_job.exception import RetryableJobError


@tagged("-at_install", "post_install")
class TestConcurrentImportBatches(TransactionCase):
    def _world(self, env):
        partner = env["res.partner"].create({"name": "Test Concurrent Payer"})
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": date(2026, 3, 1),
                "invoice_line_ids": [
                    Command.create({"name": "Fee", "price_unit": 100.0, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        journal = env["account.journal"].create(
            {"name": "Test Concurrent Bank", "type": "bank", "code": "TCIB"}
        )
        content = (
            "date,amount,payer,memo,transaction id\n"
            f"2026-03-05,100.00,Test Concurrent Payer,{invoice.name},TCI-1\n"
            f"2026-03-06,100.00,Test Concurrent Payer,{invoice.name},TCI-2\n"
        )
        record = env["property.payment.import"].create(
            {
                "journal_id": journal.id,
                "file": base64.b64encode(content.encode()),
                "filename": "concurrent.csv",
            }
        )
        lines = record._import_file()
        lines.write({"match_pending": True})
        record.write({"matching": True, "match_total": len(lines)})
        return {
            "partner": partner.id,
            "invoice": invoice.id,
            "journal": journal.id,
            "import": record.id,
            "lines": lines.sorted("row").ids,
        }

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            payments = env["account.payment"].search(
                [("journal_id", "=", ids["journal"])]
            )
            payments.action_draft()
            payments.move_id.with_context(force_delete=True).unlink()
            payments.unlink()
            invoice = env["account.move"].browse(ids["invoice"])
            invoice.button_draft()
            invoice.with_context(force_delete=True).unlink()
            cr.execute(
                "DELETE FROM property_payment_import WHERE id = %s", [ids["import"]]
            )
            env["account.payment.register"].search(
                [
                    "|",
                    ("journal_id", "=", ids["journal"]),
                    ("partner_id", "=", ids["partner"]),
                ]
            ).unlink()
            env["account.journal"].browse(ids["journal"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()

    def _batch(self, ids, line_id, done=None, release=None):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["property.payment.import"].browse(ids["import"])._job_match_batch(
                [line_id]
            )
            if done:
                # keep the transaction (and its payment) open while the
                # other batch pays the same invoice
                done.set()
                release.wait(30)

    def test_two_batches_pay_one_invoice_once(self):
        with self.registry.cursor() as cr:
            ids = self._world(api.Environment(cr, SUPERUSER_ID, {}))
        self.addCleanup(self._cleanup, ids)
        first_paid, release_first = threading.Event(), threading.Event()
        errors = []

        def run(line_id, *events):
            try:
                self._batch(ids, line_id, *events)
            except Exception as error:  # noqa: BLE001  reported below
                errors.append(error)
                first_paid.set()

        first = threading.Thread(
            target=run, args=(ids["lines"][0], first_paid, release_first)
        )
        second = threading.Thread(target=run, args=(ids["lines"][1],))
        first.start()
        self.assertTrue(first_paid.wait(60))
        second.start()
        second.join(2)
        self.assertTrue(second.is_alive(), "the second batch waits for the first")
        release_first.set()
        first.join(60)
        second.join(60)
        self.assertEqual(
            [type(error) for error in errors],
            [RetryableJobError],
            "the second batch is retried by queue_job",
        )
        # queue_job performs it again, on the first batch's result
        self._batch(ids, ids["lines"][1])

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            invoice = env["account.move"].browse(ids["invoice"])
            self.assertEqual(invoice.amount_residual, 0.0)
            self.assertEqual(len(invoice.matched_payment_ids), 1, "paid once")
            paid, waiting = env["property.payment.import.line"].browse(ids["lines"])
            self.assertEqual((paid.state, waiting.state), ("reconciled", "unmatched"))
            self.assertIn("No open invoice", waiting.note)
