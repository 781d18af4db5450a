from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEventBudget(TransactionCase):
    """Budget against actual: the actual cost of an event is what the
    vendor bills book on its cost account (analytic distribution)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company of its own with the generic chart of accounts, whatever
        # the database's main company has
        cls.company = cls.env["res.company"].create(
            {"name": "T Community Services Co."}
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                allowed_company_ids=cls.company.ids,
                tz="Asia/Shanghai",
            )
        )
        cls.officer = new_test_user(
            cls.env,
            login="pcb_officer",
            groups="property_community.group_property_community_officer",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.site = cls.env["property.site"].create(
            {"name": "Test Budget Plaza", "code": "TCB", "company_id": cls.company.id}
        )
        cls.supplier = cls.env["res.partner"].create({"name": "T Festive Supplies"})
        cls.journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "purchase")], limit=1
        )
        with freeze_time("2027-05-10 02:00:00"):
            cls.event = (
                cls.env["event.event"]
                .with_user(cls.officer)
                .create(
                    {
                        "name": "Test Mid-Autumn evening",
                        "property_site_id": cls.site.id,
                        "property_audience": "all",
                        "date_begin": datetime(2027, 9, 15, 11, 0),
                        "date_end": datetime(2027, 9, 15, 13, 0),
                        "property_budget_line_ids": [
                            Command.create(
                                {"name": "Moon cakes", "planned_amount": 1200.0}
                            ),
                            Command.create(
                                {"name": "Stage and sound", "planned_amount": 2000.5}
                            ),
                            Command.create(
                                {"name": "Lanterns", "planned_amount": 300.25}
                            ),
                        ],
                    }
                )
            )

    def _bill(self, lines, post=True, move_type="in_invoice"):
        bill = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.supplier.id,
                "journal_id": self.journal.id,
                "invoice_date": date(2027, 9, 20),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": name,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                            "analytic_distribution": distribution,
                        }
                    )
                    for name, amount, distribution in lines
                ],
            }
        )
        if post:
            bill.action_post()
        return bill

    def test_budget_against_actual(self):
        event = self.event
        self.assertEqual(event.property_budget_amount, 3500.75)
        self.assertEqual(event.property_actual_cost, 0.0)
        self.assertEqual(event.property_cost_variance, -3500.75)
        self.assertFalse(event.property_analytic_account_id)

        # confirming the event creates its cost account
        event.with_user(self.officer).stage_id = self.env.ref(
            "event.event_stage_announced"
        )
        account = event.property_analytic_account_id
        self.assertTrue(account)
        self.assertEqual(account.company_id, self.company)
        self.assertEqual(
            account.plan_id,
            self.env.ref("property_community.analytic_plan_community_events"),
        )
        # once only
        event._property_ensure_analytic_account()
        self.assertEqual(event.property_analytic_account_id, account)

        other_account = self.env["account.analytic.account"].create(
            {"name": "Other cost centre", "plan_id": account.plan_id.id}
        )
        key = str(account.id)
        bill = self._bill(
            [
                ("Moon cakes", 1150.4, {key: 100}),
                # half of the stage for this event, half for another one
                ("Stage and sound", 2400.0, {key: 50, str(other_account.id): 50}),
                ("Office paper", 99.0, {str(other_account.id): 100}),
                ("Coffee", 45.0, {}),
            ]
        )
        self.assertEqual(bill.state, "posted")
        self.assertEqual(event.property_actual_cost, 2350.4)
        self.assertEqual(event.property_cost_variance, -1150.35)

        # a draft bill costs nothing yet
        draft = self._bill([("Lantern batteries", 80.0, {key: 100})], post=False)
        self.assertEqual(event.property_actual_cost, 2350.4)
        draft.action_post()
        self.assertEqual(event.property_actual_cost, 2430.4)

        # a refund lowers the cost; resetting a bill to draft removes it
        self._bill([("Moon cakes returned", 150.4, {key: 100})], move_type="in_refund")
        self.assertEqual(event.property_actual_cost, 2280.0)
        bill.button_draft()
        self.assertEqual(event.property_actual_cost, -70.4)
        bill.action_post()
        self.assertEqual(event.property_actual_cost, 2280.0)
        self.assertEqual(event.property_cost_variance, -1220.75)

        # the budget-against-actual figures group by site (pivot/list)
        groups = self.env["event.event"]._read_group(
            [("property_site_id", "=", self.site.id)],
            ["property_site_id"],
            [
                "property_budget_amount:sum",
                "property_actual_cost:sum",
                "property_cost_variance:sum",
            ],
        )
        self.assertEqual(groups, [(self.site, 3500.75, 2280.0, -1220.75)])

        # the report lists the planned and the actual costs
        self.assertEqual(
            sorted(event._property_cost_lines().mapped("amount")),
            [-1200.0, -1150.4, -80.0, 150.4],
        )
        html = (
            self.env["ir.actions.report"]
            .with_user(self.officer)
            ._render_qweb_html(
                "property_community.action_report_property_event", event.ids
            )[0]
            .decode()
        )
        for text in (
            "Test Mid-Autumn evening",
            "Stage and sound",
            "Moon cakes returned",
        ):
            self.assertIn(text, html)
        self.assertIn("2,280.00", html)

    def test_events_staff_open_events_without_budget(self):
        """Staff with Odoo's Events rights who are not community officers
        open, edit and copy community and plain events; the budget is not
        shown to them.  Officers see and copy it."""
        plain = self.env["event.event"].create(
            {
                "name": "Test plain event",
                "date_begin": datetime(2027, 9, 1, 11, 0),
                "date_end": datetime(2027, 9, 1, 13, 0),
            }
        )
        budget_fields = {
            "property_budget_line_ids",
            "property_budget_amount",
            "property_actual_cost",
            "property_cost_variance",
        }
        unit = self.env["property.unit"].create(
            {"code": "TCB-101", "site_id": self.site.id, "area": 90, "usage": "home"}
        )
        occupancy = self.env["property.occupancy"].create(
            {
                "unit_id": unit.id,
                "tenant_id": self.supplier.id,
                "move_in_date": date(2027, 1, 1),
            }
        )
        occupancy.action_activate()
        registration = self.env["event.registration"].create(
            {
                "event_id": self.event.id,
                "name": "Test Attendee",
                "property_occupancy_id": occupancy.id,
            }
        )
        for group in ("event.group_event_user", "event.group_event_manager"):
            user = new_test_user(
                self.env,
                login=f"pcb_{group.replace('.', '_')}",
                groups=group,
                company_id=self.company.id,
                company_ids=[Command.set(self.company.ids)],
            )
            for event in (self.event, plain):
                with self.subTest(group=group, event=event.name):
                    with Form(event.with_user(user)) as form:
                        form.name = f"{event.name} (renamed)"
                    self.assertEqual(event.name, form.name)
                    arch = event.with_user(user).get_views([(False, "form")])["views"][
                        "form"
                    ]["arch"]
                    self.assertNotIn('name="property_budget"', arch)
                    self.assertFalse(
                        budget_fields & set(Form(event.with_user(user))._values)
                    )
                    copy = event.with_user(user).copy()
                    self.assertFalse(copy.sudo().property_budget_line_ids)
            with Form(registration.with_user(user)) as form:
                form.name = "Test Attendee (renamed)"
            self.assertNotIn("property_occupancy_id", form._values)
            with self.assertRaises(AccessError):
                self.event.with_user(user).read(["property_budget_amount"])
        arch = self.event.with_user(self.officer).get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="property_budget"', arch)
        form = Form(self.event.with_user(self.officer))
        self.assertEqual(len(form.property_budget_line_ids), 3)
        copy = self.event.with_user(self.officer).copy()
        self.assertEqual(copy.property_budget_amount, 3500.75)
        self.assertEqual(len(copy.property_budget_line_ids), 3)
