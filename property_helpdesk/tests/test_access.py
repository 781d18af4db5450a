from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestHelpdeskAccess(PropertyHelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leak = cls._ticket(category_id=cls.category_plumbing.id)
        cls.leak.action_dispatch()
        cls.complaint = cls._ticket(
            "complaint",
            unit=cls.unit_b,
            summary="Cleaning staff were rude",
            department_id=cls.cleaning.id,
        )

    def test_technicians_see_their_department_only(self):
        work_order = self.leak.work_order_ids
        work_order.with_user(self.plumber).read(["name"])
        self.leak.with_user(self.plumber).read(["summary"])
        for record in (work_order, self.leak):
            with self.assertRaises(AccessError):
                record.with_user(self.cleaner).read(["name"])
        # the complaint about cleaning is not visible to engineering
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.plumber).read(["summary"])
        self.complaint.with_user(self.cleaner).read(["summary"])
        self.assertEqual(
            self.env["property.work.order"].with_user(self.cleaner).search([]),
            self.env["property.work.order"],
        )

    def test_technician_cannot_register_or_close(self):
        with self.assertRaises(AccessError):
            self._ticket(user=self.plumber)
        with self.assertRaises(AccessError):
            self.leak.with_user(self.plumber).write({"state": "closed"})

    def test_desk_sees_everything(self):
        tickets = (
            self.env["property.ticket"]
            .with_user(self.agent)
            .search([("site_id", "=", self.site.id)])
        )
        self.assertEqual(tickets, self.leak | self.complaint)

    def test_portal_tenant_sees_own_items_only(self):
        env = self.env(user=self.portal_a)
        self.assertEqual(env["property.ticket"].search([]), self.leak)
        self.assertEqual(
            env["property.work.order"].search([]), self.leak.work_order_ids
        )
        with self.assertRaises(AccessError):
            self.complaint.with_user(self.portal_a).read(["summary"])
        with self.assertRaises(AccessError):
            self.leak.with_user(self.portal_a).write({"summary": "changed"})
