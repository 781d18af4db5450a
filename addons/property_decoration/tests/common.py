from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class DecorationCase(TransactionCase):
    """Decoration world: a site with two units and their active tenant
    archives, the desk, engineering, supervisor and manager roles at their
    lowest rights, a portal tenant, and the decoration fee items (a
    management fee per m² of 5.00, a rubbish-removal fee of 200.00, a
    deposit of 3,000.00 on a liability account, deductions on an income
    account) with approved standards.  Nothing comes from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.company = cls.env.company

        def user(login, groups, **kwargs):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                **kwargs,
            )

        cls.agent = user("pd_agent", "property_tenant.group_property_agent")
        cls.engineer = user(
            "pd_engineer", "property_helpdesk.group_property_technician"
        )
        cls.supervisor = user(
            "pd_supervisor", "property_tenant.group_property_supervisor"
        )
        cls.manager = user("pd_manager", "property_tenant.group_property_manager")
        cls.portal_a = user("pd_tenant_a", "base.group_portal", name="Li Na")
        cls.portal_b = user("pd_tenant_b", "base.group_portal", name="Wang Lei")
        cls.tenant_a = cls.portal_a.partner_id
        cls.tenant_b = cls.portal_b.partner_id

        cls.engineering = cls.env["property.department"].create(
            {
                "name": "Test Engineering",
                "kind": "engineering",
                "member_ids": [Command.set(cls.engineer.ids)],
            }
        )
        cls.site = cls.env["property.site"].create(
            {"name": "Test Decoration Plaza", "code": "TDP"}
        )
        cls.unit_a, cls.unit_b = cls.env["property.unit"].create(
            [
                {"code": "D-0101", "site_id": cls.site.id, "area": 90, "usage": "home"},
                {"code": "D-0102", "site_id": cls.site.id, "area": 80, "usage": "home"},
            ]
        )
        cls.occupancy_a, cls.occupancy_b = cls.env["property.occupancy"].create(
            [
                {
                    "unit_id": unit.id,
                    "tenant_id": partner.id,
                    "move_in_date": date(2026, 1, 1),
                }
                for unit, partner in (
                    (cls.unit_a, cls.tenant_a),
                    (cls.unit_b, cls.tenant_b),
                )
            ]
        )
        (cls.occupancy_a | cls.occupancy_b).action_activate()
        cls._setup_fees()
        cls.check_items = cls.env["property.decoration.check.item"].search([])

    @classmethod
    def _setup_fees(cls):
        Account = cls.env["account.account"]
        cls.income_account = Account.create(
            {"name": "Test Decoration Fees", "code": "TD6051", "account_type": "income"}
        )
        cls.deduction_account = Account.create(
            {
                "name": "Test Deposit Deductions",
                "code": "TD6301",
                "account_type": "income_other",
            }
        )
        cls.deposit_account = Account.create(
            {
                "name": "Test Decoration Deposits",
                "code": "TD2241",
                "account_type": "liability_current",
            }
        )

        def product(name, account):
            return cls.env["product.product"].create(
                {
                    "name": name,
                    "type": "service",
                    "taxes_id": [Command.clear()],
                    "property_account_income_id": account.id,
                }
            )

        Item = cls.env["property.fee.item"]
        cls.item_fee = Item.create(
            {
                "name": "Test Decoration Management Fee",
                "code": "TD-DECO",
                "kind": "one_off",
                "uom_name": "m²",
                "product_id": product("Test deco fee", cls.income_account).id,
            }
        )
        cls.item_rubbish = Item.create(
            {
                "name": "Test Rubbish Removal",
                "code": "TD-RUB",
                "kind": "one_off",
                "product_id": product("Test rubbish", cls.income_account).id,
            }
        )
        cls.item_deposit = Item.create(
            {
                "name": "Test Decoration Deposit",
                "code": "TD-DEP",
                "kind": "deposit",
                "product_id": product("Test deposit", cls.deposit_account).id,
                "deduction_product_id": product(
                    "Test deduction", cls.deduction_account
                ).id,
            }
        )
        for item, rate in (
            (cls.item_fee, 5.0),
            (cls.item_rubbish, 200.0),
            (cls.item_deposit, 3000.0),
        ):
            standard = cls.env["property.fee.standard"].create(
                {
                    "item_id": item.id,
                    "site_id": cls.site.id,
                    "rate": rate,
                    "date_from": date(2025, 1, 1),
                }
            )
            standard.action_submit()
            standard.action_approve()
        cls.company.write(
            {
                "decoration_fee_item_id": cls.item_fee.id,
                "decoration_deposit_item_id": cls.item_deposit.id,
                "decoration_fee_basis": "area",
                "decoration_waiting_days": 30,
            }
        )

    # the tests' "today": before the planned works of ``_decoration``
    frozen_day = "2026-03-20"

    def setUp(self):
        super().setUp()
        if self.frozen_day:
            freezer = freeze_time(self.frozen_day)
            freezer.start()
            self.addCleanup(freezer.stop)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @classmethod
    def _decoration(cls, occupancy=None, user=None, **vals):
        values = {
            "occupancy_id": (occupancy or cls.occupancy_a).id,
            "contractor_name": "Test Builders Ltd",
            "contractor_licence": "91310000TEST",
            "contractor_person": "Zhao Gang",
            "contractor_phone": "139 0000 0001",
            "scope": "Kitchen and bathroom tiles, new lighting",
            "area": 60.0,
            "date_start": date(2026, 4, 1),
            "date_end": date(2026, 5, 31),
            "undertaking_accepted": True,
            "undertaking_date": date(2026, 3, 20),
            "worker_ids": [
                Command.create(
                    {"name": "Sun Qiang", "id_last_digits": "123X", "pass_number": "P1"}
                )
            ],
        }
        values.update(vals)
        return (
            cls.env["property.decoration"]
            .with_user(user or cls.agent)
            .create(values)
            .with_user(cls.env.user)
        )

    def _review(self, decoration, result="pass"):
        decoration.with_user(self.agent).action_submit()
        decoration.with_user(self.engineer).action_start_review()
        decoration.check_ids.with_user(self.engineer).write({"result": result})

    def _approve(self, decoration, **vals):
        self._review(decoration)
        if vals:
            decoration.write(vals)
        decoration.with_user(self.supervisor).action_approve()

    def _invoices(self, decoration):
        return decoration._charges().move_id

    def _pay(self, invoices, day=date(2026, 3, 25)):
        for invoice in invoices.filtered(lambda m: m.payment_state == "not_paid"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"amount": invoice.amount_residual, "payment_date": day}
            )._create_payments()

    def _permitted(self, decoration=None, **vals):
        decoration = decoration or self._decoration(**vals)
        if decoration.state == "draft":
            self._approve(decoration)
            self._pay(self._invoices(decoration))
        return decoration

    def _in_works(self, decoration=None, **vals):
        decoration = self._permitted(decoration, **vals)
        if decoration.state == "permitted":
            decoration.with_user(self.agent).action_start_works()
        return decoration

    def _accepted(self, decoration=None, **vals):
        decoration = self._in_works(decoration, **vals)
        if decoration.state == "works":
            decoration.with_user(self.agent).action_request_acceptance()
        decoration.with_user(self.engineer).write(
            {"acceptance_remarks": "Walls and wet areas in order"}
        )
        decoration.with_user(self.engineer).action_accept()
        return decoration

    def _violation(self, decoration, amount=0.0, **vals):
        return (
            self.env["property.decoration.violation"]
            .with_user(self.agent)
            .create(
                {
                    "decoration_id": decoration.id,
                    "name": vals.pop("name", "Drilling at 22:00"),
                    "kind": vals.pop("kind", "hours"),
                    "department_id": self.engineering.id,
                    "deduction_amount": amount,
                    **vals,
                }
            )
        )
