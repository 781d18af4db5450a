"""The seed's whole loop (服务闭环) as one scenario, across the apps.

A tenant raises a complaint in the portal; the desk judges it valid; the
department proposes two solutions and the supervisor approves one, which
dispatches the work order; the technician does the work and the tenant
signs it off in the portal; the desk's call-back finds the tenant
unsatisfied, which dispatches a second round; after it the tenant answers
the call-back online, satisfied, and the complaint is closed.  The tenant
then pays the month's property bill in the portal, finance imports the
bank's payment file for another tenant's bill, and the suite's service
target dashboard shows the results.

The portal steps run in headless Chromium (the tours of
``property_management_whole_loop_tour.js``), the back-office steps as the
user whose job they are.  The browser and the payment flow run on the real
clock, so time is not frozen: every period is derived from one "today" and
no assertion is about a date.
"""

import base64
from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.property_billing.billing import month_start

# A 1x1 PNG: the tenant's signature on the technician's tablet.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5b00000000"
        "49454e44ae426082"
    )
)
SUMMARY = "Loop: water leaking through the bathroom ceiling"


@tagged("post_install", "-at_install")
class TestWholeLoop(HttpCase):
    # outside odoo.addons, Odoo cannot infer the module
    test_module = "property_suite"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.today()
        cls.month = month_start(cls.today)

        def user(login, groups, **kwargs):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                **kwargs,
            )

        cls.agent = user("wl_agent", "property_tenant.group_property_agent")
        cls.supervisor = user(
            "wl_supervisor", "property_tenant.group_property_supervisor"
        )
        cls.eng_head = user(
            "wl_eng_head", "property_helpdesk.group_property_department_head"
        )
        cls.plumber = user("wl_plumber", "property_helpdesk.group_property_technician")
        cls.billing_manager = user(
            "wl_billing", "property_billing.group_property_billing_manager"
        )
        cls.finance = user("wl_finance", "account.group_account_user")
        cls.portal_a = user("wl_tenant_a", "base.group_portal", name="Chen Jing")
        cls.portal_b = user("wl_tenant_b", "base.group_portal", name="Zhao Min")
        cls.tenant_a = cls.portal_a.partner_id
        cls.tenant_b = cls.portal_b.partner_id
        cls.tenant_c = cls.env["res.partner"].create({"name": "Test Loop Tenant C"})

        # the service desk
        cls.engineering = cls.env["property.department"].create(
            {
                "name": "Test Loop Engineering",
                "kind": "engineering",
                "head_id": cls.eng_head.id,
                "member_ids": [Command.set((cls.eng_head | cls.plumber).ids)],
                "default_user_id": cls.plumber.id,
            }
        )
        cls.category = cls.env["property.ticket.category"].create(
            {"name": "Test loop plumbing", "department_id": cls.engineering.id}
        )
        cls.site = cls.env["property.site"].create(
            {
                "name": "Test Loop Garden",
                "code": "TLG",
                "manager_id": cls.supervisor.id,
                "agent_id": cls.agent.id,
                "billing_due_days": 15,
            }
        )
        cls.unit_a, cls.unit_b, cls.unit_c = cls.env["property.unit"].create(
            [
                {"code": code, "site_id": cls.site.id, "area": area, "usage": "home"}
                for code, area in (
                    ("T-LG-101", 100.0),
                    ("T-LG-102", 80.0),
                    ("T-LG-103", 60.0),
                )
            ]
        )
        occupancies = cls.env["property.occupancy"].create(
            [
                {
                    "unit_id": unit.id,
                    "tenant_id": tenant.id,
                    "tenant_kind": "resident",
                    "move_in_date": cls.month - timedelta(days=400),
                }
                for unit, tenant in (
                    (cls.unit_a, cls.tenant_a),
                    (cls.unit_b, cls.tenant_b),
                    (cls.unit_c, cls.tenant_c),
                )
            ]
        )
        occupancies.action_activate()

        # billing: 3.00 per m² a month, no tax: 300.00, 240.00 and 180.00
        product = cls.env["product.product"].create(
            {
                "name": "Test loop management fee",
                "type": "service",
                "taxes_id": [Command.clear()],
            }
        )
        cls.item = cls.env["property.fee.item"].create(
            {
                "name": "Test Loop Management Fee",
                "code": "T-LOOP-PMF",
                "kind": "area",
                "product_id": product.id,
            }
        )
        standard = cls.env["property.fee.standard"].create(
            {
                "item_id": cls.item.id,
                "site_id": cls.site.id,
                "rate": 3.0,
                "date_from": cls.month - timedelta(days=400),
            }
        )
        standard.action_submit()
        standard.action_approve()
        plans = cls.env["property.billing.plan"].create(
            [
                {
                    "occupancy_id": occupancy.id,
                    "line_ids": [Command.create({"item_id": cls.item.id})],
                }
                for occupancy in occupancies
            ]
        )
        plans.action_start()
        cls.billing_run = (
            cls.env["property.billing.run"]
            .with_user(cls.billing_manager)
            .create({"site_id": cls.site.id, "period_start": cls.month})
        )
        cls.billing_run.action_preview()
        cls.billing_run.action_generate()
        cls.billing_run.action_post()
        cls.bills = {
            tenant: cls.billing_run.move_ids.filtered(
                lambda m, t=tenant: m.partner_id == t
            )
            for tenant in (cls.tenant_a, cls.tenant_b, cls.tenant_c)
        }

        # online payment: only Odoo's demo provider
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", True
        )
        cls.provider = cls.env.ref("payment.payment_provider_demo")
        cls.provider.write({"state": "test", "is_published": True})
        cls.env["payment.provider"].search(
            [("id", "!=", cls.provider.id), ("state", "!=", "disabled")]
        ).write({"state": "disabled"})
        cls.bank_journal = cls.env["account.journal"].create(
            {"name": "Test Loop Bank", "type": "bank", "code": "TLPB"}
        )

    def test_whole_loop(self):
        # the month's bills, before anything happens
        self.assertEqual(
            [self.bills[t].amount_total for t in self.bills], [300.0, 240.0, 180.0]
        )
        self.assertTrue(
            all(bill.payment_state == "not_paid" for bill in self.bills.values())
        )

        # 1. the tenant raises a complaint in the portal
        self.start_tour(
            "/my", "property_management_loop_complaint_tour", login="wl_tenant_a"
        )
        ticket = self.env["property.ticket"].search([("summary", "=", SUMMARY)])
        self.assertRecordValues(
            ticket,
            [
                {
                    "kind": "complaint",
                    "channel": "portal",
                    "state": "new",
                    "partner_id": self.tenant_a.id,
                    "site_id": self.site.id,
                    "unit_id": self.unit_a.id,
                    "user_id": self.agent.id,
                }
            ],
        )

        # 2. the desk judges it valid: department and promised time
        as_agent = ticket.with_user(self.agent)
        as_agent.write(
            {
                "category_id": self.category.id,
                "department_id": self.engineering.id,
                "promised_date": datetime.now() + timedelta(days=1),
                "root_cause": "quality",
            }
        )
        as_agent.action_accept_complaint()
        self.assertEqual(ticket.validity, "valid")
        self.assertEqual(ticket.state, "investigating")
        self.assertEqual(ticket.activity_ids.user_id, self.eng_head)

        # 3. the department proposes two solutions ...
        replace, patch = (
            self.env["property.complaint.solution"]
            .with_user(self.eng_head)
            .create(
                [
                    {"ticket_id": ticket.id, "name": "Replace the drain pipe"},
                    {"ticket_id": ticket.id, "name": "Seal the pipe joint"},
                ]
            )
        )
        ticket.with_user(self.eng_head).action_submit_solutions()
        self.assertEqual(ticket.state, "solution")

        # 4. ... the supervisor approves one, which dispatches the work order
        replace.with_user(self.supervisor).action_approve()
        self.assertEqual((replace.state, patch.state), ("approved", "rejected"))
        self.assertEqual(ticket.approved_solution_id, replace)
        self.assertEqual(ticket.state, "in_progress")
        first = ticket.work_order_ids
        self.assertEqual(len(first), 1)
        self.assertEqual((first.user_id, first.round), (self.plumber, 1))

        # 5. the technician does the work, the tenant signs it off online
        as_plumber = first.with_user(self.plumber)
        as_plumber.action_start()
        as_plumber.write({"work_done": "<p>Drain pipe replaced</p>", "time_spent": 2})
        self.start_tour(
            "/my", "property_management_loop_signoff_tour", login="wl_tenant_a"
        )
        self.assertRecordValues(
            first,
            [
                {
                    "state": "done",
                    "satisfaction": "4",
                    "customer_comment": "The ceiling is dry for now.",
                    "signed_by": "Chen Jing",
                }
            ],
        )
        self.assertTrue(first.signature)
        self.assertEqual(ticket.state, "done")
        callback = ticket.callback_ids
        self.assertEqual(callback.state, "todo")

        # 6. the desk calls back: not satisfied, a second round is dispatched
        callback = callback.with_user(self.agent)
        callback.write({"satisfaction": "2", "comment": "Dripping again at night"})
        callback.action_done()
        self.assertFalse(callback.is_satisfied)
        self.assertEqual(ticket.state, "in_progress")
        self.assertEqual(ticket.round_count, 2)
        second = ticket.work_order_ids - first
        self.assertRecordValues(
            second,
            [
                {
                    "round": 2,
                    "state": "assigned",
                    "previous_work_order_id": first.id,
                    "user_id": self.plumber.id,
                }
            ],
        )

        # 7. second round, signed on the technician's tablet
        as_plumber = second.with_user(self.plumber)
        as_plumber.action_start()
        as_plumber.write(
            {
                "work_done": "<p>Joint resealed, ceiling dried out</p>",
                "time_spent": 1.5,
                "signature": SIGNATURE,
                "signed_by": "Chen Jing",
            }
        )
        as_plumber.action_done()
        self.assertEqual(ticket.state, "done")
        second_callback = ticket.callback_ids - callback
        self.assertEqual(second_callback.state, "todo")

        # 8. the tenant answers the call-back online (satisfied: closed) and
        # pays the month's bill in the portal
        bill_a = self.bills[self.tenant_a]
        self.start_tour(
            "/my", "property_management_loop_callback_pay_tour", login="wl_tenant_a"
        )
        self.assertRecordValues(
            second_callback,
            [{"state": "done", "method": "portal", "satisfaction": "5"}],
        )
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.last_callback_id, second_callback)
        transaction = bill_a.transaction_ids
        self.assertEqual(len(transaction), 1)
        self.assertRecordValues(
            transaction,
            [
                {
                    "provider_id": self.provider.id,
                    "state": "done",
                    "amount": 300.0,
                    "partner_id": self.tenant_a.id,
                }
            ],
        )
        self.assertEqual(transaction.payment_id.amount, 300.0)
        self.assertIn(bill_a.payment_state, ("paid", "in_payment"))

        # 9. finance imports the bank's payment file: tenant B paid
        bill_b = self.bills[self.tenant_b]
        payment_file = (
            "date,amount,payer,account,memo,transaction id\n"
            f"{self.today},240.00,Zhao Min,,Property fee {bill_b.name},TLOOP-0001\n"
        )
        payment_import = (
            self.env["property.payment.import"]
            .with_user(self.finance)
            .create(
                {
                    "journal_id": self.bank_journal.id,
                    "file": base64.b64encode(payment_file.encode()),
                    "filename": "bank.csv",
                }
            )
        )
        payment_import.action_import()
        self.assertEqual(payment_import.state, "done")
        self.assertEqual(
            (payment_import.line_count, payment_import.reconciled_count), (1, 1)
        )
        self.assertEqual(payment_import.line_ids.invoice_ids, bill_b)
        self.assertEqual(bill_b.payment_state, "paid")
        self.assertEqual(self.bills[self.tenant_c].payment_state, "not_paid")

        # 10. the service target dashboard of the site for the month
        date_to = self.today + timedelta(days=1)
        Kpi = self.env["property.management.kpi"]
        kpis = Kpi.compute([self.site.id], self.month, date_to)
        self.assertEqual(
            [kpi["code"] for kpi in kpis],
            [
                "complaint_handling",
                "major_repair_callback",
                "satisfaction",
                "archive_completeness",
                "collection_rate",
            ],
        )
        kpi = {k["code"]: k for k in kpis}

        # the complaint, handled: closed after its call-backs
        handling = kpi["complaint_handling"]
        self.assertEqual(
            (handling["value"], handling["numerator"], handling["denominator"]),
            (100.0, 1, 1),
        )
        self.assertTrue(handling["met"])
        self._assert_drill_down(handling, ticket, ticket)

        # no major repair this month: nothing to measure, nothing missed
        major = kpi["major_repair_callback"]
        self.assertIsNone(major["value"])
        self.assertEqual(major["denominator"], 0)
        self.assertTrue(major["met"])

        # the unsatisfied and the satisfied call-back: 1 of 2 (no survey)
        satisfaction = kpi["satisfaction"]
        self.assertEqual(
            (
                satisfaction["value"],
                satisfaction["numerator"],
                satisfaction["denominator"],
            ),
            (50.0, 1, 2),
        )
        self.assertEqual(satisfaction["target"], 90)
        self.assertFalse(satisfaction["met"])
        self._assert_drill_down(satisfaction, ticket.callback_ids, second_callback)

        # collected: the portal payment and the payment file, 540.00 of 720.00
        collection = kpi["collection_rate"]
        self.assertEqual(collection["value"], 75.0)
        self.assertAlmostEqual(collection["numerator"], 540.0, places=2)
        self.assertAlmostEqual(collection["denominator"], 720.0, places=2)
        self.assertEqual(collection["target"], 98)
        self.assertFalse(collection["met"])
        lines = self._drill_down(collection, "domain")
        self.assertEqual(lines.move_id, self.billing_run.move_ids)
        self.assertAlmostEqual(sum(lines.mapped("paid")), 540.0, places=2)
        paid_lines = self._drill_down(collection, "numerator_domain")
        self.assertEqual(paid_lines.move_id, bill_a | bill_b)

        # the trend: the month before had nothing of this site
        trend = Kpi.trend([self.site.id], period="month", count=2, date_to=self.today)
        for code, value in (
            ("complaint_handling", 100.0),
            ("satisfaction", 50.0),
            ("collection_rate", 75.0),
        ):
            self.assertEqual([v for _label, v in trend[code]], [None, value], code)

    def _drill_down(self, kpi, key):
        Model = self.env[kpi["model"]].with_context(**(kpi.get("context") or {}))
        return Model.search(kpi[key])

    def _assert_drill_down(self, kpi, records, numerator_records):
        """The dashboard drills down to exactly these records."""
        self.assertEqual(self._drill_down(kpi, "domain"), records)
        self.assertEqual(self._drill_down(kpi, "numerator_domain"), numerator_records)
