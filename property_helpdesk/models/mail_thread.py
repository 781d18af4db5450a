"""Two rules of the mail gateway that a model asks for, for its own routes.

- ``_mail_reply_allowed``: a reply (matched by In-Reply-To/References) is
  attached to a record only when the record lets its sender write to it.
  Message-ids are not secret (they travel in every forwarded mail), so a
  forged reference must not post into someone else's thread; a refused
  reply is routed as a new mail instead (aliases, fallback model), as if
  it referenced nothing.
- ``_mail_refuse_automatic``: the model takes no automatic mail at all
  (auto-replies, vacation notices, bulk mail, bounces that the core does
  not recognise as such): they neither create a record nor post on one, so
  that an auto-responder and the record's notifications never loop.
"""

import logging

from odoo import api, models
from odoo.tools import email_split

_logger = logging.getLogger(__name__)

# RFC 3834 and the de-facto headers of auto-responders
AUTO_SUBMITTED_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder")
BULK_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
SYSTEM_SENDERS = ("mailer-daemon", "postmaster")


def is_automatic_mail(message, message_dict):
    """Tell whether an incoming e-mail was sent by a program, not a person."""
    auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(message.get(header) for header in AUTO_SUBMITTED_HEADERS):
        return True
    if (message.get("Precedence") or "").strip().lower() in BULK_PRECEDENCE:
        return True
    if (message.get("Return-Path") or "").strip() == "<>":
        return True
    sender = (email_split(message_dict.get("email_from") or "") or [""])[0]
    return sender.split("@", 1)[0].lower() in SYSTEM_SENDERS


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    # a model sets it to take no automatic mail (see the module docstring)
    _mail_refuse_automatic = False

    def _mail_reply_allowed(self, message_dict):
        """Whether the sender of ``message_dict`` (its ``author_id`` and
        ``email_from``) may have a reply attached to this record."""
        return True

    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        route = super()._routing_check_route(
            message, message_dict, route, raise_exception=raise_exception
        )
        if route and route[1]:
            record = self.env[route[0]].browse(route[1])
            if not record._mail_reply_allowed(message_dict):
                _logger.info(
                    "Mail from %s with Message-Id %s refers to %s %s whose thread "
                    "it may not write to: not attached to it",
                    message_dict.get("email_from"),
                    message_dict.get("message_id"),
                    route[0],
                    route[1],
                )
                return ()
        return route

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        refusing = [
            route
            for route in routes
            if route[0] in self.env and self.env[route[0]]._mail_refuse_automatic
        ]
        if refusing and is_automatic_mail(message, message_dict):
            _logger.info(
                "Automatic mail from %s with Message-Id %s ignored for %s",
                message_dict.get("email_from"),
                message_dict.get("message_id"),
                ", ".join(sorted({route[0] for route in refusing})),
            )
            routes = [route for route in routes if route not in refusing]
        return routes
