from datetime import timedelta

from odoo import api, fields, models

# How long after the outgoing mail server could not be reached the mail
# queue runs again (its own interval is an hour).
SMTP_RETRY_DELAY = timedelta(minutes=5)


class MailMail(models.Model):
    """The mail queue retries the e-mails it could not send because the
    outgoing mail server could not be reached.

    Odoo marks a whole batch "Delivery Failed" when the connection to the
    mail server fails, and its queue sends only outgoing e-mails: a notice
    published during a mail server outage would never reach the tenants.
    Those e-mails are marked as connection failures (``mail_smtp``, Odoo's
    own failure type for it), put back in the queue at its next run, and
    that run is brought forward.  An e-mail that failed for another reason
    (an address refused, an error while it was being sent, so perhaps
    delivered) is not retried: it is never sent twice."""

    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        # mail.mail.send() passes "mail_smtp" only when it cannot connect,
        # before any e-mail of the batch is handed to the server
        if failure_type == "mail_smtp" and self:
            self.sudo().write({"failure_type": "mail_smtp"})
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger(
                fields.Datetime.now() + SMTP_RETRY_DELAY
            )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )

    @api.model
    def process_email_queue(self, ids=None, batch_size=1000):
        self._requeue_connection_failures(ids)
        return super().process_email_queue(ids=ids, batch_size=batch_size)

    @api.model
    def _requeue_connection_failures(self, ids=None):
        """Put back in the queue the e-mails that failed only because the
        mail server could not be reached; return them."""
        domain = [("state", "=", "exception"), ("failure_type", "=", "mail_smtp")]
        if ids:
            domain.append(("id", "in", ids))
        mails = self.sudo().search(domain)
        mails.mark_outgoing()
        return mails
