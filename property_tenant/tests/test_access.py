from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestAccess(PropertyTenantCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.occupancy_a = cls._active_occupancy(cls.unit_1, cls.tenant_a)
        cls.occupancy_b = cls._active_occupancy(cls.unit_2, cls.tenant_b)
        cls.doc_a = cls._document(cls.occupancy_a, cls.doc_type_contract)
        cls.doc_a.portal_visible = True
        cls.doc_a_private = cls._document(cls.occupancy_a, cls.doc_type_id)
        cls.doc_a_private.portal_visible = False
        cls.doc_b = cls._document(cls.occupancy_b, cls.doc_type_contract)
        cls.doc_b.portal_visible = True
        cls.member_a = cls.env["property.occupancy.member"].create(
            {"occupancy_id": cls.occupancy_a.id, "name": "Li Xiaoming"}
        )
        cls.member_b = cls.env["property.occupancy.member"].create(
            {"occupancy_id": cls.occupancy_b.id, "name": "Wang Xiaohong"}
        )

    def test_agent_keeps_the_archive_but_cannot_delete(self):
        Occupancy = self.env["property.occupancy"].with_user(self.agent)
        occupancy = Occupancy.create(
            {
                "unit_id": self.unit_3.id,
                "tenant_id": self.merchant.id,
                "tenant_kind": "small",
                "move_in_date": date(2026, 2, 1),
            }
        )
        occupancy.action_activate()
        occupancy.write({"emergency_contact_name": "Duty manager"})
        document = self._document(occupancy.sudo(), self.doc_type_license)
        for record in (
            occupancy,
            document.with_user(self.agent),
            self.unit_1.with_user(self.agent),
        ):
            with self.assertRaises(AccessError):
                record.unlink()
        # archiving is how an agent removes a document
        document.with_user(self.agent).active = False
        self.assertFalse(document.active)
        with self.assertRaises(AccessError):
            self.env["property.site"].with_user(self.agent).create(
                {"name": "New site", "code": "NS"}
            )
        with self.assertRaises(AccessError):
            self.env["property.archive.requirement"].with_user(self.agent).create(
                {"requirement_type": "field", "field_name": "agent_id"}
            )

    def test_supervisor_removes_wrong_entries(self):
        draft = self._occupancy(self.unit_3, self.merchant, date(2026, 2, 1))
        draft.with_user(self.supervisor).unlink()
        self.assertFalse(draft.exists())
        self.doc_a_private.with_user(self.supervisor).unlink()
        self.assertFalse(self.doc_a_private.exists())
        # but a live archive still cannot be deleted
        with self.assertRaises(UserError):
            self.occupancy_a.with_user(self.supervisor).unlink()
        with self.assertRaises(AccessError):
            self.site.with_user(self.supervisor).unlink()

    def test_manager_configures(self):
        site = (
            self.env["property.site"]
            .with_user(self.manager)
            .create({"name": "Wanjia East", "code": "TWE"})
        )
        self.env["property.archive.requirement"].with_user(self.manager).create(
            {"requirement_type": "field", "field_name": "agent_id"}
        )
        site.with_user(self.manager).unlink()
        self.assertFalse(site.exists())

    def test_other_company_sees_nothing(self):
        for record in (self.site, self.unit_1, self.occupancy_a, self.doc_a):
            with self.assertRaises(AccessError, msg=record._name):
                record.with_user(self.agent_b).read(["display_name"])
        Unit = self.env["property.unit"].with_user(self.agent_b)
        self.assertEqual(Unit.search([]), self.unit_b)
        self.assertFalse(
            self.env["property.occupancy"].with_user(self.agent_b).search([])
        )
        # and company A's agent does not see company B's unit
        self.assertNotIn(
            self.unit_b, self.env["property.unit"].with_user(self.agent).search([])
        )

    def test_portal_tenant_reads_only_their_own(self):
        env = self.env(user=self.portal_a)
        self.assertEqual(env["property.occupancy"].search([]), self.occupancy_a)
        self.assertEqual(env["property.unit"].search([]), self.unit_1)
        self.assertEqual(env["property.site"].search([]), self.site)
        self.assertEqual(env["property.building"].search([]), self.building)
        self.assertEqual(env["property.document"].search([]), self.doc_a)
        self.assertEqual(env["property.occupancy.member"].search([]), self.member_a)
        for record in (
            self.occupancy_b,
            self.unit_2,
            self.doc_b,
            self.doc_a_private,
            self.member_b,
        ):
            with self.assertRaises(AccessError, msg=record.display_name):
                record.with_user(self.portal_a).read(["display_name"])
        with self.assertRaises(AccessError):
            self.occupancy_a.with_user(self.portal_a).write({"note": "mine"})
        with self.assertRaises(AccessError):
            self.env["property.occupancy"].with_user(self.portal_a).create(
                {"unit_id": self.unit_3.id, "tenant_id": self.tenant_a.id}
            )

    def test_portal_tenant_loses_unit_after_move_out(self):
        self.occupancy_a.action_end()
        env = self.env(user=self.portal_a)
        # the tenant keeps the history of their own archive...
        self.assertEqual(env["property.occupancy"].search([]), self.occupancy_a)
        # ...but no longer sees the unit, now free for the next tenant
        self.assertFalse(env["property.unit"].search([]))
