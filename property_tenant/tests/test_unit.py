from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestUnit(PropertyTenantCase):
    def test_unit_code_unique_within_site(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["property.unit"].create(
                    {"code": "C-0301", "site_id": self.site.id, "area": 50}
                )
        # the same code in another site is another unit
        other_site = self.env["property.site"].create(
            {"name": "Wanjia East", "code": "TWE"}
        )
        unit = self.env["property.unit"].create(
            {"code": "C-0301", "site_id": other_site.id, "area": 50}
        )
        self.assertEqual(unit.site_id, other_site)

    def test_area_must_be_positive(self):
        for area in (0, -12.5):
            with self.assertRaises(ValidationError) as error:
                self.env["property.unit"].create(
                    {"code": f"X-{area}", "site_id": self.site.id, "area": area}
                )
            self.assertIn("greater than zero", str(error.exception))
        with self.assertRaises(ValidationError):
            self.unit_1.area = 0
        self.assertEqual(self.unit_1.area, 96.5)

    def test_batch_with_one_bad_unit_saves_nothing(self):
        Unit = self.env["property.unit"]
        before = Unit.search_count([("site_id", "=", self.site.id)])
        with self.assertRaises(ValidationError):
            Unit.create(
                [
                    {"code": "C-0401", "site_id": self.site.id, "area": 90},
                    {"code": "C-0402", "site_id": self.site.id, "area": 0},
                ]
            )
        self.assertEqual(Unit.search_count([("site_id", "=", self.site.id)]), before)

    def test_building_must_belong_to_site(self):
        other_site = self.env["property.site"].create(
            {"name": "Wanjia East", "code": "TWE"}
        )
        with self.assertRaises(ValidationError):
            self.env["property.unit"].create(
                {
                    "code": "E-1",
                    "site_id": other_site.id,
                    "building_id": self.building.id,
                    "area": 40,
                }
            )

    def test_site_counts_and_area(self):
        self.assertEqual(self.site.building_count, 1)
        self.assertEqual(self.site.unit_count, 3)
        self.assertAlmostEqual(self.site.units_area, 286.5, places=2)
        self.assertEqual(self.building.unit_count, 3)
        self.assertEqual(self.unit_1.display_name, "C-0301")
        self.assertEqual(self.site.display_name, "[TWJ] Wanjia Plaza")

    def test_status_follows_occupancy(self):
        self.assertEqual(self.unit_1.status, "vacant")
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        self.assertEqual(self.unit_1.status, "occupied")
        self.assertEqual(self.unit_1.current_occupancy_id, occupancy)
        self.assertEqual(self.unit_1.current_tenant_id, self.tenant_a)
        occupancy.action_end()
        self.assertEqual(self.unit_1.status, "vacant")
        self.assertFalse(self.unit_1.current_tenant_id)
        # a hand-set status survives when nobody occupies the unit
        self.unit_2.status = "renovation"
        draft = self._occupancy(self.unit_2, self.tenant_b, move_in=None)
        self.assertEqual(self.unit_2.status, "renovation")
        draft.action_cancel()
        self.assertEqual(self.unit_2.status, "renovation")

    def test_smart_buttons_open_the_unit_records(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        self._document(occupancy, self.doc_type_contract)
        self.env["property.defect"].create(
            {"summary": "Cracked tile", "unit_id": self.unit_1.id}
        )
        self.assertEqual(self.unit_1.occupancy_count, 1)
        self.assertEqual(self.unit_1.document_count, 1)
        self.assertEqual(self.unit_1.defect_open_count, 1)
        for method, model in (
            ("action_view_occupancies", "property.occupancy"),
            ("action_view_documents", "property.document"),
            ("action_view_defects", "property.defect"),
        ):
            action = getattr(self.unit_1, method)()
            self.assertEqual(action["res_model"], model)
            self.assertEqual(self.env[model].search_count(action["domain"]), 1, method)
        self.assertEqual(self.tenant_a.property_occupancy_count, 1)
        action = self.tenant_a.action_view_property_occupancies()
        self.assertEqual(
            self.env["property.occupancy"].search(action["domain"]), occupancy
        )
