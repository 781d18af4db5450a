from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestCompleteness(PropertyTenantCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Requirement = cls.env["property.archive.requirement"]
        Requirement.search([]).active = False
        cls.requirements = Requirement.create(
            [
                {
                    "requirement_type": "document",
                    "document_type_id": cls.doc_type_contract.id,
                    "company_id": cls.company.id,
                },
                {
                    "requirement_type": "field",
                    "field_name": "tenant_phone",
                    "company_id": cls.company.id,
                },
                {
                    "tenant_kind": "resident",
                    "requirement_type": "document",
                    "document_type_id": cls.doc_type_id.id,
                    "company_id": cls.company.id,
                },
                {
                    "tenant_kind": "resident",
                    "requirement_type": "field",
                    "field_name": "member_ids",
                    "company_id": cls.company.id,
                },
                {
                    "tenant_kind": "small",
                    "requirement_type": "document",
                    "document_type_id": cls.doc_type_license.id,
                    "company_id": cls.company.id,
                },
            ]
        )
        cls.tenant_a.phone = False

    def test_resident_archive_to_the_item(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        self.assertEqual(occupancy.required_item_count, 4)
        self.assertEqual(occupancy.present_item_count, 0)
        self.assertEqual(occupancy.completeness, 0.0)
        self.assertFalse(occupancy.is_archive_complete)
        self.assertEqual(
            occupancy.missing_items.split("\n"),
            [
                "Occupancy Contract",
                "Tenant Phone",
                "Identity Document",
                "Household / Staff Members",
            ],
        )

        self._document(occupancy, self.doc_type_contract)
        self.assertEqual(occupancy.present_item_count, 1)
        self.assertEqual(occupancy.completeness, 25.0)

        occupancy.tenant_phone = "+86 135 0000 0001"
        self.assertEqual(occupancy.completeness, 50.0)

        occupancy.member_ids = [Command.create({"name": "Li Xiaoming"})]
        self.assertEqual(occupancy.completeness, 75.0)
        self.assertEqual(occupancy.missing_items, "Identity Document")

        self._document(occupancy, self.doc_type_id, expiry_date=date(2036, 1, 1))
        self.assertEqual(occupancy.completeness, 100.0)
        self.assertTrue(occupancy.is_archive_complete)
        self.assertFalse(occupancy.missing_items)

    def test_document_without_file_or_expired_is_missing(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        contract = self._document(occupancy, self.doc_type_contract, with_file=False)
        self.assertIn("Occupancy Contract", occupancy.missing_items)
        contract.attachment_ids = [Command.set(self._attachment().ids)]
        self.assertNotIn("Occupancy Contract", occupancy.missing_items or "")
        # a paper original checked by an agent counts without a scan
        contract.attachment_ids = [Command.clear()]
        self.assertIn("Occupancy Contract", occupancy.missing_items)
        contract.action_verify()
        self.assertNotIn("Occupancy Contract", occupancy.missing_items or "")
        id_doc = self._document(
            occupancy,
            self.doc_type_id,
            expiry_date=date(2020, 1, 1),
            issue_date=date(2010, 1, 1),
        )
        self.assertEqual(id_doc.expiry_state, "expired")
        self.assertIn("Identity Document", occupancy.missing_items)
        # archiving the contract makes it missing again
        contract.active = False
        self.assertIn("Occupancy Contract", occupancy.missing_items)

    def test_requirements_depend_on_tenant_kind(self):
        occupancy = self._active_occupancy(self.unit_3, self.merchant, kind="small")
        self.assertEqual(occupancy.required_item_count, 3)
        self.assertEqual(
            occupancy.missing_items.split("\n"),
            ["Occupancy Contract", "Tenant Phone", "Business License"],
        )
        occupancy.tenant_kind = "anchor"
        self.assertEqual(occupancy.required_item_count, 2)

    def test_changing_requirements_recomputes_archives(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        self.assertEqual(occupancy.required_item_count, 4)
        new = self.env["property.archive.requirement"].create(
            {
                "requirement_type": "field",
                "field_name": "emergency_contact_phone",
                "company_id": self.company.id,
            }
        )
        self.assertEqual(occupancy.required_item_count, 5)
        self.assertIn("Emergency Contact Phone", occupancy.missing_items)
        new.active = False
        self.assertEqual(occupancy.required_item_count, 4)
        self.requirements[:2].unlink()
        self.assertEqual(occupancy.required_item_count, 2)
        # another company's rule does not apply here
        self.env["property.archive.requirement"].create(
            {
                "requirement_type": "field",
                "field_name": "agent_id",
                "company_id": self.company_b.id,
            }
        )
        self.assertEqual(occupancy.required_item_count, 2)

    def test_site_completeness(self):
        resident = self._active_occupancy(self.unit_1, self.tenant_a)
        shop = self._active_occupancy(self.unit_3, self.merchant, kind="small")
        # draft and ended archives do not count
        self._occupancy(self.unit_2, self.tenant_b, date(2026, 1, 1))
        self._document(resident, self.doc_type_contract)
        self._document(shop, self.doc_type_contract)
        self.merchant.phone = "+86 571 0000 0000"
        self._document(shop, self.doc_type_license)
        # resident 1 of 4, shop 3 of 3: 4 of 7 items
        self.site.invalidate_recordset(["archive_completeness"])
        self.assertEqual(self.site.archive_completeness, 57.14)
        self.assertEqual(self.site.incomplete_archive_count, 1)
        action = self.site.action_view_incomplete_archives()
        self.assertEqual(
            self.env["property.occupancy"].search(action["domain"]), resident
        )
        incomplete = self.env["property.occupancy"].search(
            [
                ("site_id", "=", self.site.id),
                ("is_archive_complete", "=", False),
                ("state", "=", "active"),
            ]
        )
        self.assertEqual(incomplete, resident)
        # the pivot aggregates: average completeness per site
        groups = self.env["property.occupancy"]._read_group(
            [("site_id", "=", self.site.id), ("state", "=", "active")],
            ["site_id"],
            ["completeness:avg", "required_item_count:sum", "present_item_count:sum"],
        )
        self.assertEqual(groups, [(self.site, 62.5, 7, 4)])
