import base64
from datetime import date, datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class PropertyHelpdeskCase(TransactionCase):
    """Service-desk world: a site with units and tenants, the four
    departments with their people, every role at its lowest rights."""

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

        cls.agent = user("ph_agent", "property_tenant.group_property_agent")
        cls.supervisor = user(
            "ph_supervisor", "property_tenant.group_property_supervisor"
        )
        cls.eng_head = user(
            "ph_eng_head", "property_helpdesk.group_property_department_head"
        )
        cls.plumber = user("ph_plumber", "property_helpdesk.group_property_technician")
        cls.cleaner = user("ph_cleaner", "property_helpdesk.group_property_technician")
        cls.portal_a = user("ph_tenant_a", "base.group_portal", name="Li Na")
        cls.portal_b = user("ph_tenant_b", "base.group_portal", name="Wang Lei")

        Department = cls.env["property.department"]
        cls.engineering = Department.create(
            {
                "name": "Test Engineering",
                "kind": "engineering",
                "head_id": cls.eng_head.id,
                "member_ids": [Command.set((cls.eng_head | cls.plumber).ids)],
                "default_user_id": cls.plumber.id,
            }
        )
        cls.cleaning = Department.create(
            {
                "name": "Test Cleaning",
                "kind": "cleaning",
                "member_ids": [Command.set(cls.cleaner.ids)],
                "default_user_id": cls.cleaner.id,
            }
        )
        cls.site = cls.env["property.site"].create(
            {"name": "Test Plaza", "code": "TPL", "manager_id": cls.supervisor.id}
        )
        cls.unit_a, cls.unit_b = cls.env["property.unit"].create(
            [
                {"code": "T-0101", "site_id": cls.site.id, "area": 90, "usage": "home"},
                {"code": "T-0102", "site_id": cls.site.id, "area": 80, "usage": "home"},
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
                    (cls.unit_a, cls.portal_a.partner_id),
                    (cls.unit_b, cls.portal_b.partner_id),
                )
            ]
        )
        (cls.occupancy_a | cls.occupancy_b).action_activate()
        cls.tenant_a = cls.portal_a.partner_id
        cls.tenant_b = cls.portal_b.partner_id
        cls.category_plumbing = cls.env["property.ticket.category"].create(
            {"name": "Test plumbing", "department_id": cls.engineering.id}
        )
        cls.category_lift = cls.env["property.ticket.category"].create(
            {
                "name": "Test lift",
                "department_id": cls.engineering.id,
                "is_major_repair": True,
            }
        )
        cls.directory_gas = cls.env["property.service.directory"].create(
            {"name": "Test gas company", "phone": "96777"}
        )

    @classmethod
    def _ticket(cls, kind="service", unit=None, user=None, **vals):
        values = {
            "kind": kind,
            "channel": "phone",
            "site_id": cls.site.id,
            "unit_id": (unit or cls.unit_a).id,
            "summary": vals.pop("summary", f"Test {kind}"),
            "received_at": vals.pop("received_at", datetime(2026, 3, 2, 9, 0)),
        }
        values.update(vals)
        return cls.env["property.ticket"].with_user(user or cls.agent).create(values)

    @staticmethod
    def _signature():
        # a 1x1 PNG: the customer's signature
        return base64.b64encode(
            bytes.fromhex(
                "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                "1f15c4890000000d49444154789c6360000002000154a24f5b00000000"
                "49454e44ae426082"
            )
        )

    def _complete(self, work_order, user=None):
        work_order = work_order.with_user(user or work_order.user_id)
        if work_order.state == "assigned":
            work_order.action_start()
        work_order.write(
            {
                "work_done": "<p>Replaced the washer</p>",
                "time_spent": 1.5,
                "signature": self._signature(),
                "signed_by": "Li Na",
            }
        )
        work_order.action_done()
        return work_order

    def _callback(self, ticket, satisfaction, comment="", user=None):
        callback = ticket.callback_ids.filtered(lambda c: c.state == "todo")
        self.assertEqual(len(callback), 1, "one call-back is planned")
        callback = callback.with_user(user or self.agent)
        callback.write({"satisfaction": satisfaction, "comment": comment})
        callback.action_done()
        return callback
