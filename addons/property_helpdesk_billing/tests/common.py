import base64
from datetime import datetime

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.property_billing.tests.common import PropertyBillingCase


class PaidServiceCase(PropertyBillingCase):
    """The billing world of property_billing (site TBP, units T-101 shop of
    the anchor store, T-201 office of tenant A, T-301 home of tenant B, all
    with running monthly plans) plus an engineering department, the price
    list of paid services and two materials.  Nothing depends on demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.property_labour_hourly_cost = 50.0

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
            )

        cls.plumber = user("phb_plumber", "property_helpdesk.group_property_technician")
        cls.cleaner = user("phb_cleaner", "property_helpdesk.group_property_technician")
        cls.desk_collector = user(
            "phb_desk_collector",
            "property_tenant.group_property_agent,"
            "property_billing.group_property_fee_collector",
        )
        Department = cls.env["property.department"]
        cls.engineering = Department.create(
            {
                "name": "Test Paid Engineering",
                "kind": "engineering",
                "member_ids": [Command.set(cls.plumber.ids)],
                "default_user_id": cls.plumber.id,
                "hourly_cost": 80.0,
            }
        )
        cls.cleaning = Department.create(
            {
                "name": "Test Paid Cleaning",
                "kind": "cleaning",
                "member_ids": [Command.set(cls.cleaner.ids)],
                "default_user_id": cls.cleaner.id,
            }
        )
        cls.category_plumbing = cls.env["property.ticket.category"].create(
            {"name": "Test paid plumbing", "department_id": cls.engineering.id}
        )
        cls.category_cleaning = cls.env["property.ticket.category"].create(
            {"name": "Test paid cleaning", "department_id": cls.cleaning.id}
        )

        cls.product_service = cls.env["product.product"].create(
            {
                "name": "Test paid service",
                "type": "service",
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        cls.item_service = cls.env["property.fee.item"].create(
            {
                "name": "Test Paid Services",
                "code": "T-SVC",
                "kind": "service",
                "product_id": cls.product_service.id,
            }
        )
        Service = cls.env["property.paid.service"]
        cls.svc_drain = Service.create(
            {
                "name": "Test unblock a drain",
                "code": "T-DRAIN",
                "list_price": 80.0,
                "uom_name": "time",
                "fee_item_id": cls.item_service.id,
            }
        )
        cls.svc_tap = Service.create(
            {
                "name": "Test replace a tap",
                "code": "T-TAP",
                "list_price": 50.0,
                "uom_name": "piece",
                "fee_item_id": cls.item_service.id,
            }
        )
        Product = cls.env["product.product"]
        cls.pipe = Product.create(
            {"name": "Test PVC pipe 1 m", "type": "consu", "standard_price": 12.5}
        )
        cls.washer = Product.create(
            {"name": "Test tap washer", "type": "consu", "standard_price": 0.35}
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    @classmethod
    def _work_order(cls, unit=None, category=None, summary="Test paid work"):
        ticket = (
            cls.env["property.ticket"]
            .with_user(cls.agent)
            .create(
                {
                    "kind": "service",
                    "channel": "phone",
                    "site_id": cls.site.id,
                    "unit_id": (unit or cls.unit_office).id,
                    "summary": summary,
                    "category_id": (category or cls.category_plumbing).id,
                    "received_at": datetime(2026, 3, 2, 9, 0),
                }
            )
        )
        ticket.action_dispatch()
        return ticket.work_order_ids.with_user(cls.plumber)

    @classmethod
    def _quoted(cls, lines=None, unit=None, send=True):
        """A paid work order quoted (and sent) by the plumber; ``lines`` as
        ``[(service, quantity), ...]`` (default: a drain and two taps)."""
        lines = lines or [(cls.svc_drain, 1.0), (cls.svc_tap, 2.0)]
        work_order = cls._work_order(unit=unit)
        work_order.write(
            {
                "charge_type": "paid",
                "quote_line_ids": [
                    Command.create({"service_id": service.id, "quantity": quantity})
                    for service, quantity in lines
                ],
            }
        )
        if send:
            work_order.action_quote_send()
        return work_order

    @staticmethod
    def _signature():
        # a 1x1 PNG
        return base64.b64encode(
            bytes.fromhex(
                "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                "1f15c4890000000d49444154789c6360000002000154a24f5b00000000"
                "49454e44ae426082"
            )
        )

    @classmethod
    def _accept_on_site(cls, work_order, name="Zhang Wei"):
        work_order.write({"quote_signature": cls._signature(), "quote_signed_by": name})
        work_order.action_quote_accept()

    @classmethod
    def _complete(cls, work_order, hours=1.5, materials=()):
        """Start (when needed), record the work and the customer's sign-off,
        complete."""
        if work_order.state == "assigned":
            work_order.action_start()
        work_order.write(
            {
                "work_done": "<p>Done</p>",
                "time_spent": hours,
                "signature": cls._signature(),
                "signed_by": "Zhang Wei",
                "material_ids": [
                    Command.create({"product_id": product.id, "quantity": quantity})
                    for product, quantity in materials
                ],
            }
        )
        work_order.action_done()
        return work_order

    @classmethod
    def _pay(cls, invoice, amount, day):
        journal = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "cash")], limit=1
        )
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": journal.id, "amount": amount, "payment_date": day})
            ._create_payments()
        )
