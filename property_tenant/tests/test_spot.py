from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestSpot(PropertyTenantCase):
    """Public spots of a site and the QR label token of every place."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.building_a = cls.env["property.building"].create(
            {"name": "Mall", "code": "A", "site_id": cls.site.id}
        )
        cls.lift = cls.env["property.spot"].create(
            {
                "name": "Lift 2",
                "kind": "lift",
                "code": "C-L2",
                "site_id": cls.site.id,
                "building_id": cls.building.id,
            }
        )
        cls.garden = cls.env["property.spot"].create(
            {"name": "Garden", "kind": "garden", "site_id": cls.site.id}
        )
        cls.spot_b = (
            cls.env["property.spot"]
            .with_company(cls.company_b)
            .create({"name": "Lobby", "kind": "lobby", "site_id": cls.site_b.id})
        )

    def test_code_numbered_and_unique_per_site(self):
        self.assertTrue(self.garden.code.startswith("SP"), self.garden.code)
        self.assertNotEqual(self.garden.code, self.spot_b.code)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["property.spot"].create(
                {"name": "Lift 3", "code": "C-L2", "site_id": self.site.id}
            )

    def test_display_name_says_where(self):
        self.assertEqual(self.lift.display_name, "Lift 2, Residence C")
        self.assertEqual(self.garden.display_name, "Garden")

    def test_building_of_another_site_refused(self):
        other = self.env["property.site"].create({"name": "Other", "code": "TOT"})
        with self.assertRaisesRegex(ValidationError, "belongs to another site"):
            self.env["property.spot"].create(
                {
                    "name": "Lift 9",
                    "site_id": other.id,
                    "building_id": self.building.id,
                }
            )

    def test_counts_on_site_and_building(self):
        self.assertEqual(self.site.spot_count, 2)
        self.assertEqual(self.building.spot_count, 1)
        self.assertEqual(self.building_a.spot_count, 0)
        action = self.site.action_view_spots()
        self.assertEqual(
            self.env["property.spot"].search(action["domain"]), self.lift | self.garden
        )
        action = self.building.action_view_spots()
        self.assertEqual(self.env["property.spot"].search(action["domain"]), self.lift)
        self.assertEqual(action["context"]["default_site_id"], self.site.id)

    def test_label_places_units_then_spots(self):
        self.assertEqual(
            self.building._get_scan_places(),
            # units by floor and code (A-0101 on floor 1 first), then spots
            [self.unit_3, self.unit_1, self.unit_2, self.lift],
        )
        places = self.site._get_scan_places()
        self.assertEqual(places[-2:], [self.lift, self.garden])
        self.assertEqual(len(places), 5)

    def test_every_place_has_its_own_token(self):
        places = [self.unit_1, self.unit_2, self.unit_3, self.lift, self.garden]
        tokens = {place.scan_token for place in places}
        self.assertEqual(len(tokens), len(places))
        self.assertTrue(all(len(token) >= 32 for token in tokens))
        copy = self.lift.copy({"code": "C-L3"})
        self.assertNotEqual(copy.scan_token, self.lift.scan_token)

    def test_regenerate_revokes_the_old_token(self):
        old = self.lift.scan_token
        self.lift.with_user(self.agent).action_regenerate_scan_token()
        self.assertNotEqual(self.lift.scan_token, old)
        self.assertFalse(
            self.env["property.spot"].search_count([("scan_token", "=", old)])
        )

    def test_existing_rows_get_distinct_tokens_on_upgrade(self):
        # what an upgrade does to the units of a database without labels
        self.env.cr.execute(
            "ALTER TABLE property_unit DROP CONSTRAINT property_unit_scan_token_uniq, "
            "ALTER COLUMN scan_token DROP NOT NULL"
        )
        self.env.cr.execute("UPDATE property_unit SET scan_token = NULL")
        self.env["property.unit"]._init_column("scan_token")
        self.env.cr.execute(
            "SELECT count(*), count(DISTINCT scan_token), count(scan_token) "
            "FROM property_unit"
        )
        total, distinct, filled = self.env.cr.fetchone()
        self.assertEqual((distinct, filled), (total, total))

    def test_multi_company_rule(self):
        Spot = self.env["property.spot"]
        self.assertEqual(
            Spot.with_user(self.agent).search([("id", "in", self.spot_b.ids)]),
            Spot,
        )
        self.assertEqual(Spot.with_user(self.agent_b).search([]).site_id, self.site_b)
        with self.assertRaises(AccessError):
            self.spot_b.with_user(self.agent).read(["name"])

    def test_roles(self):
        # the desk registers spots; only a manager deletes one
        spot = (
            self.env["property.spot"]
            .with_user(self.agent)
            .create({"name": "Entrance", "kind": "entrance", "site_id": self.site.id})
        )
        with self.assertRaises(AccessError):
            spot.with_user(self.supervisor).unlink()
        spot.with_user(self.manager).unlink()

    def test_portal_sees_spots_of_their_sites_only(self):
        self._active_occupancy(self.unit_1, self.tenant_a)
        Spot = self.env["property.spot"].with_user(self.portal_a)
        self.assertEqual(Spot.search([]), self.lift | self.garden)
        self.assertFalse(self.env["property.spot"].with_user(self.portal_b).search([]))
        with self.assertRaises(AccessError):
            self.lift.with_user(self.portal_a).write({"name": "Mine"})
        # the label token stays with the staff
        with self.assertRaises(AccessError):
            self.lift.with_user(self.portal_a).read(["scan_token"])
