from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PropertyHelpdeskCase

MAIL = """Return-Path: <{sender}>
To: desk@example.com
From: {name} <{sender}>
Subject: {subject}
Message-ID: <{message_id}@example.com>
Date: Mon, 02 Mar 2026 09:00:00 +0800
Content-Type: text/plain; charset=utf-8

{body}
"""


@tagged("post_install", "-at_install")
class TestMailGateway(PropertyHelpdeskCase):
    def _receive(self, sender, name, subject, message_id):
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            return self.env["mail.thread"].message_process(
                "property.ticket",
                MAIL.format(
                    sender=sender,
                    name=name,
                    subject=subject,
                    message_id=message_id,
                    body="The corridor light on floor 1 is broken.",
                ),
            )

    def test_mail_from_a_tenant_registers_an_item(self):
        self.tenant_a.email = "li.na@tenant.example"
        ticket_id = self._receive(
            "li.na@tenant.example", "Li Na", "Corridor light broken", "ph-gw-1"
        )
        ticket = self.env["property.ticket"].browse(ticket_id)
        self.assertEqual(ticket.channel, "email")
        self.assertEqual(ticket.summary, "Corridor light broken")
        self.assertEqual(ticket.partner_id, self.tenant_a)
        self.assertEqual(ticket.unit_id, self.unit_a)
        self.assertEqual(ticket.site_id, self.site)
        self.assertIn("corridor light", ticket.message_ids[-1].body)

    def test_mail_from_a_stranger_is_registered_too(self):
        ticket_id = self._receive(
            "visitor@elsewhere.example", "Visitor", "Lost my wallet", "ph-gw-2"
        )
        ticket = self.env["property.ticket"].browse(ticket_id)
        self.assertIn("visitor@elsewhere.example", ticket.email_from)
        self.assertEqual(ticket.channel, "email")
        self.assertTrue(ticket.site_id)
        self.assertEqual(ticket.state, "new")

    def test_alias_routes_to_items(self):
        alias = self.env.ref("property_helpdesk.mail_alias_desk")
        self.assertEqual(alias.alias_model_id.model, "property.ticket")
        self.assertEqual(alias.alias_name, "desk")
