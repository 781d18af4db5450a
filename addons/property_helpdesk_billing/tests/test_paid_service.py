from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import PaidServiceCase


@tagged("post_install", "-at_install")
class TestQuote(PaidServiceCase):
    """The quote of a paid work order: from the price list, sent, accepted
    with a signature or refused; no work before acceptance."""

    def test_quote_from_the_price_list(self):
        work_order = self._quoted(send=False)
        self.assertEqual(work_order.quote_state, "draft")
        self.assertEqual(
            [
                (ln.name, ln.quantity, ln.price_unit, ln.amount)
                for ln in work_order.quote_line_ids
            ],
            [
                ("Test unblock a drain", 1.0, 80.0, 80.0),
                ("Test replace a tap", 2.0, 50.0, 100.0),
            ],
        )
        self.assertEqual(work_order.quote_amount, 180.0)
        self.assertEqual(work_order.price, 180.0, "the price is the quote's total")
        # the price list changes: a quote already made keeps its prices
        self.svc_tap.list_price = 55.0
        self.assertEqual(work_order.quote_line_ids[1].price_unit, 50.0)
        work_order.quote_line_ids[1].quantity = 3.0
        self.assertEqual(work_order.quote_amount, 230.0)
        self.assertEqual(work_order.price, 230.0)

    def test_technician_quotes_in_the_form(self):
        """The work order form as the technician: the quote tab, the price
        from the list, the total as the price."""
        work_order = self._work_order()
        with Form(work_order) as form:
            form.charge_type = "paid"
            with form.quote_line_ids.new() as line:
                line.service_id = self.svc_tap
                line.quantity = 3
            self.assertEqual(form.price, 150.0)
        self.assertEqual(work_order.quote_line_ids.price_unit, 50.0)
        self.assertEqual(work_order.price, 150.0)
        work_order.action_quote_send()
        # the completed order's form still opens for the technician
        self._accept_on_site(work_order)
        self._complete(work_order, hours=1.0, materials=[(self.pipe, 1)])
        form = Form(work_order)
        self.assertEqual(form.service_state, "to_bill")
        self.assertEqual(form.cost_total, 92.5)

    def test_price_list_is_kept_by_billing_managers(self):
        with self.assertRaises(AccessError):
            self.svc_drain.with_user(self.plumber).write({"list_price": 1.0})
        with self.assertRaises(AccessError):
            self.svc_drain.with_user(self.collector).write({"list_price": 1.0})
        with self.assertRaises(AccessError):
            self.svc_drain.with_user(self.portal_a).read(["list_price"])
        self.svc_drain.with_user(self.manager).write({"list_price": 85.0})
        self.assertEqual(self.svc_drain.list_price, 85.0)
        with self.assertRaises(ValidationError):
            self.svc_drain.with_user(self.manager).write(
                {"fee_item_id": self.item_fee.id}
            )

    def test_quoted_service_is_archived_not_deleted(self):
        self._quoted(send=False)
        with self.assertRaises(UserError):
            self.svc_drain.with_user(self.manager).unlink()
        self.svc_drain.with_user(self.manager).action_archive()
        self.assertFalse(self.svc_drain.active)

    @freeze_time("2026-03-03 10:00:00")
    def test_send_then_accept_with_signature(self):
        work_order = self._quoted()
        self.assertEqual(work_order.quote_state, "sent")
        self.assertEqual(str(work_order.quote_sent_at), "2026-03-03 10:00:00")
        message = work_order.message_ids.filtered(lambda m: "/quote" in (m.body or ""))
        self.assertEqual(message.partner_ids, self.tenant_a, "sent to the tenant")
        # a sent quote cannot be changed
        with self.assertRaises(UserError):
            work_order.quote_line_ids[0].quantity = 5.0
        with self.assertRaises(UserError):
            work_order.write(
                {"quote_line_ids": [Command.create({"service_id": self.svc_tap.id})]}
            )
        with self.assertRaises(UserError):
            work_order.quote_line_ids[0].unlink()
        # accepted on site: the customer signs
        with self.assertRaises(UserError):
            work_order.action_quote_accept()
        self._accept_on_site(work_order)
        self.assertEqual(work_order.quote_state, "accepted")
        self.assertEqual(work_order.quote_signed_by, "Zhang Wei")
        self.assertEqual(str(work_order.quote_signed_at), "2026-03-03 10:00:00")
        self.assertIn("Quote accepted", work_order.activity_ids.mapped("summary")[0])
        work_order.action_start()
        self.assertEqual(work_order.state, "in_progress")

    def test_no_work_before_acceptance(self):
        work_order = self._quoted(send=False)
        for _step in ("draft", "sent"):
            with self.assertRaisesRegex(UserError, "accept and sign its quote"):
                work_order.action_start()
            self.assertEqual(work_order.state, "assigned")
            if work_order.quote_state == "draft":
                work_order.action_quote_send()
        # a paid order with a price typed by hand but no quote cannot start
        other = self._work_order()
        other.write({"charge_type": "paid", "price": 120.0})
        with self.assertRaisesRegex(UserError, "accept and sign its quote"):
            other.action_start()
        # nor be made paid once started free
        free = self._work_order()
        free.action_start()
        with self.assertRaises(UserError):
            free.write({"charge_type": "paid", "price": 120.0})

    def test_refusal(self):
        work_order = self._quoted()
        with self.assertRaisesRegex(UserError, "Record why"):
            work_order.action_quote_refuse()
        work_order.quote_refusal_reason = "Too expensive"
        work_order.action_quote_refuse()
        self.assertEqual(work_order.quote_state, "refused")
        with self.assertRaisesRegex(UserError, "accept and sign its quote"):
            work_order.action_start()
        # a refused quote cannot be accepted any more
        work_order.write({"quote_signature": self._signature(), "quote_signed_by": "X"})
        with self.assertRaises(UserError):
            work_order.action_quote_accept()
        # revised: back to draft, then sent and accepted again
        work_order.action_quote_revise()
        self.assertEqual(work_order.quote_state, "draft")
        self.assertFalse(work_order.quote_signature)
        work_order.quote_line_ids[1].quantity = 1.0
        work_order.action_quote_send()
        self._accept_on_site(work_order)
        self.assertEqual(work_order.price, 130.0)
        work_order.action_start()

    def test_quote_needs_paid_work_lines_and_customer(self):
        work_order = self._work_order()
        with self.assertRaisesRegex(UserError, "only paid work is quoted"):
            work_order.action_quote_send()
        work_order.write({"charge_type": "paid", "price": 10.0})
        with self.assertRaisesRegex(UserError, "Add the services"):
            work_order.action_quote_send()
        sent = self._quoted()
        with self.assertRaises(ValidationError):
            sent.charge_type = "free"

    def test_technicians_see_their_department_lines_only(self):
        work_order = self._quoted()
        work_order.quote_line_ids.with_user(self.plumber).read(["amount"])
        with self.assertRaises(AccessError):
            work_order.quote_line_ids.with_user(self.cleaner).read(["amount"])
        with self.assertRaises(AccessError):
            work_order.quote_line_ids.with_user(self.portal_a).read(["amount"])
        # billing staff read quotes, never change them
        work_order.quote_line_ids.with_user(self.collector).read(["amount"])
        draft = self._quoted(send=False)
        with self.assertRaises(AccessError):
            draft.quote_line_ids.with_user(self.collector).write({"quantity": 9})
        with self.assertRaises(AccessError):
            draft.quote_line_ids.with_user(self.cleaner).write({"quantity": 9})
        draft.quote_line_ids[0].with_user(self.plumber).write({"quantity": 9})
        self.assertEqual(draft.quote_amount, 820.0)


@tagged("post_install", "-at_install")
class TestQuoteInChinese(PaidServiceCase):
    """The start-before-acceptance error speaks the technician's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["property_helpdesk_billing"], ["zh_CN"]
        )
        cls.plumber.lang = "zh_CN"

    def test_start_before_acceptance_in_chinese(self):
        work_order = self._quoted()
        with self.assertRaises(UserError) as error:
            work_order.with_context(lang="zh_CN").action_start()
        message = str(error.exception)
        self.assertIn(work_order.name, message)
        self.assertIn("报价", message)
        self.assertNotIn("accept", message)
