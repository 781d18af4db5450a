from datetime import date

from odoo.tests import tagged

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestTracking(PropertyTenantCase):
    def _end_transaction(self):
        """Run what a commit runs: tracking messages are written then. Records
        created in the same transaction as a change are not tracked, as in
        the application, where creation and edition are two requests."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _tracked(self, record, field_name):
        self._end_transaction()
        values = record.message_ids.tracking_value_ids.filtered(
            lambda v: v.field_id.name == field_name
        )
        return values

    def test_unit_changes_are_tracked(self):
        self._end_transaction()
        self.unit_1.with_user(self.agent).write({"area": 98.0, "usage": "office"})
        area = self._tracked(self.unit_1, "area")
        self.assertEqual(len(area), 1)
        self.assertEqual(area.old_value_float, 96.5)
        self.assertEqual(area.new_value_float, 98.0)
        self.assertEqual(area.mail_message_id.author_id, self.agent.partner_id)
        usage = self._tracked(self.unit_1, "usage")
        self.assertEqual(usage.old_value_char, "Home")
        self.assertEqual(usage.new_value_char, "Office")

    def test_occupancy_changes_are_tracked(self):
        occupancy = self._occupancy(self.unit_1, self.tenant_a, date(2026, 1, 1))
        self._end_transaction()
        occupancy.action_activate()
        occupancy.with_user(self.agent).write(
            {"tenant_kind": "small", "move_in_date": date(2026, 1, 5)}
        )
        kind = self._tracked(occupancy, "tenant_kind")
        self.assertEqual(
            (kind.old_value_char, kind.new_value_char), ("Resident", "Small Merchant")
        )
        move_in = self._tracked(occupancy, "move_in_date")
        self.assertEqual(move_in.new_value_datetime.date(), date(2026, 1, 5))
        state = self._tracked(occupancy, "state")
        self.assertEqual(
            (state.old_value_char, state.new_value_char), ("Draft", "Active")
        )

    def test_document_validity_is_tracked(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        document = self._document(
            occupancy, self.doc_type_id, expiry_date=date(2030, 1, 1)
        )
        self._end_transaction()
        document.expiry_date = date(2031, 1, 1)
        expiry = self._tracked(document, "expiry_date")
        self.assertEqual(expiry.old_value_datetime.date(), date(2030, 1, 1))
        self.assertEqual(expiry.new_value_datetime.date(), date(2031, 1, 1))

    def test_member_changes_are_told_on_the_archive(self):
        """Additions, removals and changes of name, relation and ID number
        of household and staff members are in the archive's chatter; the ID
        number only by its last four characters."""
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        Member = self.env["property.occupancy.member"].with_user(self.agent)
        member = Member.create(
            {
                "occupancy_id": occupancy.id,
                "name": "Li Xiaoming",
                "relation": "child",
                "id_number": "110101201801010011",
            }
        )
        self.assertIn(
            "Member added: Li Xiaoming (Child)", occupancy.message_ids[0].body
        )
        member.write({"relation": "spouse", "id_number": "110101198001010022"})
        body = occupancy.message_ids[0].body
        self.assertIn("Member Li Xiaoming changed:", body)
        self.assertIn("Relation: Child → Spouse", body)
        self.assertIn("ID Number: …0011 → …0022", body)
        self.assertNotIn("110101198001010022", body)
        member.phone = "13800000000"
        self.assertNotIn("13800000000", occupancy.message_ids[0].body, "untracked")
        member.active = False
        self.assertIn("Member removed: Li Xiaoming", occupancy.message_ids[0].body)
        other = Member.create(
            {"occupancy_id": occupancy.id, "name": "Li Daye", "relation": "parent"}
        )
        other.sudo().unlink()
        self.assertIn("Member removed: Li Daye", occupancy.message_ids[0].body)

    def test_document_files_are_tracked(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        document = self._document(occupancy, self.doc_type_id)
        self._end_transaction()
        scan = self._attachment("contract-page-2.pdf")
        document.with_user(self.agent).attachment_ids = [(4, scan.id)]
        files = self._tracked(document, "attachment_ids")
        self.assertEqual(len(files), 1)
        self.assertIn("contract-page-2.pdf", files.new_value_char)
        self.assertNotIn("contract-page-2.pdf", files.old_value_char or "")
        document.with_user(self.agent).attachment_ids = [(3, scan.id)]
        removed = self._tracked(document, "attachment_ids") - files
        self.assertIn("contract-page-2.pdf", removed.old_value_char)
        self.assertNotIn("contract-page-2.pdf", removed.new_value_char or "")
