from datetime import date

from odoo.tests import tagged

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestTimeline(PropertyTenantCase):
    """The archive's part of a tenant's whole story (R-ARC-6)."""

    def test_archive_rows_newest_first(self):
        earlier = self._occupancy(
            self.unit_1, self.tenant_b, date(2024, 1, 1), move_out=date(2025, 6, 30)
        )
        earlier.action_activate()
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a, date(2025, 7, 1))
        document = self._document(
            occupancy, self.doc_type_contract, issue_date=date(2025, 7, 2)
        )
        document.portal_visible = False
        defect = self.env["property.defect"].create(
            {
                "unit_id": self.unit_1.id,
                "summary": "Cracked tile",
                "found_date": date(2025, 8, 1),
            }
        )
        Timeline = self.env["property.timeline"]
        rows = Timeline.timeline(units=self.unit_1)
        self.assertEqual(
            [row["date"] for row in rows],
            sorted((row["date"] for row in rows), reverse=True),
        )
        kinds = {(row["model"], row["res_id"]) for row in rows}
        self.assertIn(("property.occupancy", occupancy.id), kinds)
        self.assertIn(
            ("property.occupancy", earlier.id), kinds, "the unit's earlier tenancy"
        )
        self.assertIn(("property.document", document.id), kinds)
        self.assertIn(("property.defect", defect.id), kinds)
        moved_out = [
            r for r in rows if r["res_id"] == earlier.id and "out" in r["name"]
        ]
        self.assertEqual(moved_out[0]["date"].date(), date(2025, 6, 30))
        # the tenant's own story: not the unit's defect nor a private document
        own = Timeline.timeline(occupancies=occupancy, portal=True)
        own_records = {(row["model"], row["res_id"]) for row in own}
        self.assertIn(("property.occupancy", occupancy.id), own_records)
        self.assertNotIn(("property.document", document.id), own_records)
        self.assertNotIn(("property.defect", defect.id), own_records)
        # the back office opens it as a list whose lines open their record
        action = occupancy.with_user(self.agent).action_view_history()
        lines = self.env["property.timeline.line"].search(action["domain"])
        self.assertEqual(len(lines), len(Timeline.timeline(occupancies=occupancy)))
        opened = lines.filtered(
            lambda line: line.model == "property.document"
        ).action_open_record()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]), ("property.document", document.id)
        )
        self.assertTrue(
            self.unit_1.with_user(self.agent).action_view_history()["domain"]
        )
        self.assertTrue(
            self.tenant_a.with_user(self.agent).action_view_property_history()
        )
