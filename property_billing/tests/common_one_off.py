from datetime import date

from odoo import Command

from .common import PropertyBillingCase


class OneOffCase(PropertyBillingCase):
    """Billing world plus one-off fee items with their approved standards:
    a decoration management fee per m² (5.00 until February 2026, 8.00
    from March 2026), a card replacement (50.00 each) that needs a billing
    manager's approval, and a decoration deposit (3,000.00) booked on a
    liability account; a deduction product books the kept part of a
    deposit on an income account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Account = cls.env["account.account"]
        cls.income_account = Account.create(
            {
                "name": "Test Decoration Income",
                "code": "T6051",
                "account_type": "income",
            }
        )
        cls.deduction_account = Account.create(
            {
                "name": "Test Deposit Deductions",
                "code": "T6301",
                "account_type": "income_other",
            }
        )
        cls.deposit_account = Account.create(
            {
                "name": "Test Decoration Deposits Held",
                "code": "T2241",
                "account_type": "liability_current",
            }
        )
        Product = cls.env["product.product"]

        def product(name, account):
            return Product.create(
                {
                    "name": name,
                    "type": "service",
                    "taxes_id": [Command.clear()],
                    "property_account_income_id": account.id,
                }
            )

        cls.product_deco = product("Test decoration fee", cls.income_account)
        cls.product_deposit = product("Test decoration deposit", cls.deposit_account)
        cls.product_deduction = product("Test deposit deduction", cls.deduction_account)
        Item = cls.env["property.fee.item"]
        cls.item_deco = Item.create(
            {
                "name": "Test Decoration Fee",
                "code": "T-DECO",
                "kind": "one_off",
                "uom_name": "m²",
                "product_id": cls.product_deco.id,
            }
        )
        cls.item_card = Item.create(
            {
                "name": "Test Card Replacement",
                "code": "T-CARD",
                "kind": "one_off",
                "one_off_approval": True,
                "product_id": cls.product_deco.id,
            }
        )
        cls.item_deposit = Item.create(
            {
                "name": "Test Decoration Deposit",
                "code": "T-DEP",
                "kind": "deposit",
                "product_id": cls.product_deposit.id,
                "deduction_product_id": cls.product_deduction.id,
            }
        )
        cls._standard(cls.item_deco, 5.0, date_to=date(2026, 2, 28))
        cls._standard(cls.item_deco, 8.0, date_from=date(2026, 3, 1))
        cls._standard(cls.item_card, 50.0)
        cls._standard(cls.item_deposit, 3000.0)

    @classmethod
    def _charge(cls, item=None, occupancy=None, day=date(2026, 3, 10), **vals):
        return (
            cls.env["property.charge.one.off"]
            .with_user(vals.pop("user", cls.collector))
            .create(
                {
                    "occupancy_id": (occupancy or cls.occ_office).id,
                    "item_id": (item or cls.item_deco).id,
                    "date": day,
                    **vals,
                }
            )
        )

    @classmethod
    def _pay(cls, invoice, amount=None, day=date(2026, 3, 12)):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount or invoice.amount_residual, "payment_date": day})
            ._create_payments()
        )
