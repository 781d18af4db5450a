from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..models.mail_mail import SMTP_RETRY_DELAY


@tagged("-at_install", "post_install")
class TestMailRetry(TransactionCase):
    """E-mails that could not be sent because the mail server could not be
    reached go back to the queue; others are not sent again.  (The whole
    story with a real SMTP server and Odoo's cron worker is in the suite's
    tests/test_faults_payments_mail.py.)"""

    def _mail(self, **vals):
        return self.env["mail.mail"].create(
            {
                "subject": "Notice",
                "body_html": "<p>Water off on Friday.</p>",
                "email_from": "service@example.com",
                "email_to": "tenant@example.com",
                **vals,
            }
        )

    def test_connection_failure_is_retried(self):
        mail = self._mail()
        cron = self.env.ref("mail.ir_cron_mail_scheduler_action")
        before = fields.Datetime.now()
        refused = ConnectionRefusedError(111, "Connection refused")
        with patch.object(
            type(self.env["ir.mail_server"]), "connect", side_effect=refused
        ):
            mail.send()
        self.assertEqual(mail.state, "exception")
        self.assertEqual(mail.failure_type, "mail_smtp")
        self.assertIn("refused", mail.failure_reason)
        # the queue runs again soon, not in an hour
        triggers = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", cron.id), ("call_at", ">", before)]
        )
        self.assertTrue(triggers)
        self.assertLessEqual(
            max(triggers.mapped("call_at")),
            fields.Datetime.now() + SMTP_RETRY_DELAY + timedelta(seconds=1),
        )

        # the queue's run requeues it (with every other mail that could not
        # reach the server: a fresh database with demo data has some)
        requeued = self.env["mail.mail"]._requeue_connection_failures()
        self.assertIn(mail, requeued)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(set(requeued.mapped("state")), {"outgoing"})

    def test_other_failures_are_not_retried(self):
        # failed while being sent (perhaps delivered), or refused by the server
        unknown = self._mail(state="exception", failure_type="unknown")
        invalid = self._mail(state="exception", failure_type="mail_email_invalid")
        refused = self._mail(state="exception", failure_type="mail_smtp")
        sent = self._mail(state="sent")
        requeued = self.env["mail.mail"]._requeue_connection_failures(
            [unknown.id, invalid.id, sent.id]
        )
        self.assertFalse(requeued)
        self.assertEqual(
            (unknown + invalid + refused + sent).mapped("state"),
            ["exception", "exception", "exception", "sent"],
        )
        mine = unknown + invalid + refused + sent
        self.assertEqual(
            self.env["mail.mail"]._requeue_connection_failures(mine.ids), refused
        )
        self.assertEqual(refused.state, "outgoing")
        self.assertEqual(
            (unknown + invalid + sent).mapped("state"),
            ["exception", "exception", "sent"],
        )
