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


REPLY = """Return-Path: <{return_path}>
To: {to}
From: {sender}
Subject: {subject}
Message-ID: <{message_id}@tenant.example>
{headers}Date: Tue, 03 Mar 2026 09:00:00 +0800
Content-Type: text/plain; charset=utf-8

{body}
"""

DSN = """Return-Path: <>
To: desk@example.com
From: Mail Delivery System <MAILER-DAEMON@mx.tenant.example>
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-{tag}@mx.tenant.example>
In-Reply-To: {reference}
References: {reference}
Date: Tue, 03 Mar 2026 09:00:00 +0800
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain; charset=utf-8

This is the mail system: your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.tenant.example
Final-Recipient: rfc822; gone@tenant.example
Action: failed
Status: 5.1.1
--B--
"""


@tagged("post_install", "-at_install")
class TestMailGatewayIsolation(PropertyHelpdeskCase):
    """A reply never reaches another tenant's item; machines do not write
    items (R-DESK-1 e-mail channel, hostile input)."""

    SECRET = "door code 4711"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tenant_a.email = "li.na@tenant.example"
        cls.tenant_b.email = "wang.lei@tenant.example"
        cls.ticket_b = cls._ticket(
            unit=cls.unit_b,
            partner_id=cls.tenant_b.id,
            summary="B's front door lock",
        )
        # what the desk wrote to B: the message a forged reply refers to
        cls.message_b = cls.ticket_b.with_user(cls.agent).message_post(
            body=f"The locksmith comes at 3 pm, {cls.SECRET}.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.tenant_b.ids,
        )

    def _process(self, sender, message_id, subject="Re: B's front door lock", **kw):
        headers = "".join(
            f"{name}: {value}\n" for name, value in kw.pop("headers", {}).items()
        )
        reference = kw.pop("reference", self.message_b.message_id)
        if reference:
            headers += f"In-Reply-To: {reference}\nReferences: {reference}\n"
        raw = REPLY.format(
            return_path=kw.pop("return_path", sender),
            to=kw.pop("to", "desk@example.com"),
            sender=sender,
            subject=subject,
            message_id=message_id,
            headers=headers,
            body=kw.pop("body", "Please also look at my window."),
        )
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            return self.env["mail.thread"].message_process("property.ticket", raw)

    def _b_messages(self):
        return self.env["mail.message"].search(
            [("model", "=", "property.ticket"), ("res_id", "=", self.ticket_b.id)]
        )

    def _assert_b_untouched_and_unrevealed(self, b_messages):
        self.assertEqual(self._b_messages(), b_messages, "nothing attached to B")
        mails = self.env["mail.mail"].search([])
        leaks = mails.filtered(lambda mail: self.SECRET in (mail.body_html or ""))
        self.assertFalse(
            leaks.filtered(lambda mail: self.tenant_a in mail.recipient_ids),
            "B's item revealed to A",
        )
        self.assertFalse(
            mails.filtered(
                lambda mail: (
                    "li.na@tenant.example" in (mail.email_to or "")
                    and self.SECRET in (mail.body_html or "")
                )
            )
        )

    def test_forged_reply_of_another_tenant_becomes_their_own_item(self):
        b_messages = self._b_messages()
        for tag, reference in (
            ("in-reply-to", self.message_b.message_id),
            # a chain of references, B's message last (the usual place)
            ("references", f"<old@x.example> {self.message_b.message_id}"),
        ):
            with self.subTest(tag=tag):
                ticket_id = self._process(
                    "Li Na <li.na@tenant.example>", f"forged-{tag}", reference=reference
                )
                self.assertNotEqual(ticket_id, self.ticket_b.id)
                ticket = self.env["property.ticket"].browse(ticket_id)
                self.assertEqual(ticket.partner_id, self.tenant_a)
                self.assertEqual(ticket.unit_id, self.unit_a)
                message = ticket.message_ids.filtered(
                    lambda m: "look at my window" in (m.body or "")
                )
                self.assertEqual(len(message), 1)
                self.assertFalse(message.parent_id, "not threaded under B's message")
                self.assertNotIn(
                    self.SECRET, "".join(ticket.message_ids.mapped("body"))
                )
                self._assert_b_untouched_and_unrevealed(b_messages)

    def test_reply_from_an_unknown_sender_is_not_attached(self):
        b_messages = self._b_messages()
        ticket_id = self._process("Someone <someone@elsewhere.example>", "unknown-1")
        self.assertNotEqual(ticket_id, self.ticket_b.id)
        ticket = self.env["property.ticket"].browse(ticket_id)
        self.assertIn("someone@elsewhere.example", ticket.email_from)
        self.assertFalse(ticket.partner_id)
        self._assert_b_untouched_and_unrevealed(b_messages)

    def test_replies_of_those_who_may_write_are_attached(self):
        # B themselves, the desk's agent, and a stranger on the item they
        # wrote in by e-mail
        self.agent.partner_id.email = "agent@desk.example"
        for sender, tag in (
            ("Wang Lei <wang.lei@tenant.example>", "b"),
            ("Agent <agent@desk.example>", "agent"),
        ):
            with self.subTest(sender=sender):
                count = len(self._b_messages())
                self.assertEqual(self._process(sender, f"ok-{tag}"), self.ticket_b.id)
                self.assertEqual(len(self._b_messages()), count + 1)
        stranger_id = self._process(
            "Visitor <visitor@elsewhere.example>",
            "new-1",
            subject="Lost wallet",
            reference=None,
        )
        stranger_ticket = self.env["property.ticket"].browse(stranger_id)
        reference = stranger_ticket.message_ids[:1].message_id
        self.assertEqual(
            self._process(
                "Visitor <visitor@elsewhere.example>", "new-2", reference=reference
            ),
            stranger_id,
        )

    def test_bounces_create_nothing_and_send_nothing(self):
        Ticket = self.env["property.ticket"]
        before = (Ticket.search_count([]), self.env["mail.mail"].search_count([]))
        b_messages = self._b_messages()
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            self.env["mail.thread"].message_process(
                "property.ticket",
                DSN.format(tag="1", reference=self.message_b.message_id),
            )
            self.env["mail.thread"].message_process(
                "property.ticket", DSN.format(tag="2", reference="<none@x.example>")
            )
        # a provider's bounce that is no delivery-status report
        self._process(
            "Postmaster <postmaster@mx.tenant.example>",
            "bounce-3",
            subject="系统退信",
            reference=None,
        )
        self.assertEqual(
            (Ticket.search_count([]), self.env["mail.mail"].search_count([])), before
        )
        self.assertEqual(self._b_messages(), b_messages)

    def test_auto_replies_create_nothing_post_nothing_and_do_not_loop(self):
        Ticket = self.env["property.ticket"]
        before = (Ticket.search_count([]), self.env["mail.mail"].search_count([]))
        b_messages = self._b_messages()
        automatic = [
            {"headers": {"Auto-Submitted": "auto-replied"}},
            {"headers": {"Auto-Submitted": "auto-generated"}},
            {"headers": {"X-Autoreply": "yes"}},
            {"headers": {"Precedence": "bulk"}},
            {"headers": {"Precedence": "auto_reply"}},
            {"return_path": ""},
        ]
        for index, values in enumerate(automatic):
            for reference in (self.message_b.message_id, None):
                with self.subTest(values=values, reply=bool(reference)):
                    result = self._process(
                        "Wang Lei <wang.lei@tenant.example>",
                        f"auto-{index}-{bool(reference)}",
                        subject="Out of office",
                        reference=reference,
                        **values,
                    )
                    self.assertFalse(result)
        self.assertEqual(
            (Ticket.search_count([]), self.env["mail.mail"].search_count([])), before
        )
        self.assertEqual(self._b_messages(), b_messages)
        # a person's mail that says it is not automatic is an item as usual
        ticket_id = self._process(
            "Wang Lei <wang.lei@tenant.example>",
            "auto-no",
            subject="Hallway light",
            reference=None,
            headers={"Auto-Submitted": "no"},
        )
        self.assertEqual(Ticket.browse(ticket_id).summary, "Hallway light")
