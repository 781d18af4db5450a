import base64

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


# A Chinese mail client's message: GB2312 headers (RFC 2047) and body.
GB2312_MAIL = (
    "Return-Path: <wang.fang@tenant.example>\n"
    "To: desk@example.com\n"
    "From: =?GB2312?B?{name}?= <wang.fang@tenant.example>\n"
    "Subject: =?GB2312?B?{subject}?=\n"
    "Message-ID: <ph-gw-gb2312@example.com>\n"
    "Date: Mon, 02 Mar 2026 09:00:00 +0800\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=GB2312\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "{body}\n"
)


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

    def test_gb2312_mail_fills_name_subject_and_description(self):
        def b64(text):
            return base64.b64encode(text.encode("gb2312")).decode()

        raw = GB2312_MAIL.format(
            name=b64("王芳"),
            subject=b64("走廊灯坏了"),
            body=b64("三楼走廊的灯不亮了，请尽快修理。"),
        )
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            ticket_id = self.env["mail.thread"].message_process(
                "property.ticket", raw.encode("ascii")
            )
        ticket = self.env["property.ticket"].browse(ticket_id)
        self.assertEqual(ticket.summary, "走廊灯坏了")
        self.assertEqual(ticket.contact_name, "王芳")
        self.assertIn("三楼走廊的灯不亮了", ticket.description)
        self.assertIn("wang.fang@tenant.example", ticket.email_from)

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
