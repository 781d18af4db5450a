"""The permit and the acceptance are filed in the tenant archive by
themselves and count in its completeness (R-ARC-4, R-ARC-7)."""

from odoo.tests import tagged

from .common import DecorationCase


@tagged("post_install", "-at_install")
class TestArchive(DecorationCase):
    def test_permit_and_acceptance_filed_and_counted(self):
        archive = self.occupancy_a
        before_required = archive.required_item_count
        decoration = self._permitted()
        permit = decoration.permit_document_id
        self.assertEqual(
            permit.document_type_id,
            self.env.ref("property_tenant.document_type_decoration_permit"),
        )
        self.assertEqual(permit.occupancy_id, archive)
        self.assertEqual(len(permit.attachment_ids), 1)
        self.assertEqual(permit.expiry_date, decoration.date_end)
        self.assertIn(permit, archive.document_ids)
        # the permit is now required, and present
        self.assertEqual(archive.required_item_count, before_required + 1)
        permit.active = False
        self.assertIn("Decoration Permit", archive.missing_items or "")
        permit.active = True
        self.assertNotIn("Decoration Permit", archive.missing_items or "")

        self._accepted(decoration)
        acceptance = decoration.acceptance_document_id
        self.assertEqual(
            acceptance.document_type_id,
            self.env.ref("property_decoration.document_type_decoration_acceptance"),
        )
        self.assertEqual(archive.required_item_count, before_required + 2)
        self.assertNotIn("Decoration Acceptance", archive.missing_items or "")

    def test_an_archive_without_decoration_needs_no_permit(self):
        self.assertNotIn("Decoration Permit", self.occupancy_b.missing_items or "")
        self._decoration(occupancy=self.occupancy_b)
        self.assertNotIn("Decoration Permit", self.occupancy_b.missing_items or "")

    def test_permit_pdf_has_the_qr_code_and_the_workers(self):
        decoration = self._permitted()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "property_decoration.action_report_decoration_permit", decoration.ids
            )[0]
            .decode()
        )
        self.assertIn("data:image/png;base64,", html)
        self.assertIn("Sun Qiang", html)
        self.assertIn("P1", html)
