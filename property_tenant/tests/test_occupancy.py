from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestOccupancy(PropertyTenantCase):
    def test_reference_from_sequence(self):
        occupancy = self._occupancy(self.unit_1, self.tenant_a, date(2026, 3, 1))
        self.assertRegex(occupancy.name, r"^OCC/\d{4}/\d{5}$")
        self.assertEqual(occupancy.display_name, "C-0301 - Li Na")
        self.assertEqual(occupancy.site_id, self.site)
        self.assertEqual(occupancy.company_id, self.company)
        self.assertEqual(occupancy.access_url, f"/my/units/{occupancy.id}")

    def test_move_in_cannot_precede_handover(self):
        with self.assertRaises(ValidationError) as error:
            self._occupancy(
                self.unit_1,
                self.tenant_a,
                date(2026, 3, 1),
                handover_date=date(2026, 3, 10),
            )
        self.assertIn("handover date", str(error.exception))

    def test_move_out_cannot_precede_move_in(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        with self.assertRaises(ValidationError) as error:
            occupancy.move_out_date = date(2025, 12, 31)
        self.assertIn("move-out date", str(error.exception))

    def test_overlapping_active_occupancies_are_refused(self):
        first = self._active_occupancy(
            self.unit_1, self.tenant_a, move_in=date(2026, 1, 1)
        )
        second = self._occupancy(self.unit_1, self.tenant_b, date(2026, 6, 1))
        # a draft may be prepared in advance...
        self.assertEqual(second.state, "draft")
        # ...but cannot become active while the first one is open-ended
        with self.assertRaises(ValidationError) as error:
            second.action_activate()
        self.assertIn("cannot overlap", str(error.exception))
        self.assertEqual(second.state, "draft")
        self.assertEqual(self.unit_1.current_occupancy_id, first)

    def test_ended_occupancy_period_is_protected(self):
        first = self._occupancy(
            self.unit_1, self.tenant_a, date(2025, 1, 1), move_out=date(2025, 12, 31)
        )
        first.action_activate()
        first.action_end()
        self.assertEqual(first.move_out_date, date(2025, 12, 31))
        # overlapping the past tenant's period is refused
        overlapping = self._occupancy(self.unit_1, self.tenant_b, date(2025, 12, 31))
        with self.assertRaises(ValidationError):
            overlapping.action_activate()
        # the next day is free
        overlapping.move_in_date = overlapping.handover_date = date(2026, 1, 1)
        overlapping.action_activate()
        self.assertEqual(overlapping.state, "active")
        self.assertEqual(
            self.unit_1.occupancy_ids.sorted("move_in_date").tenant_id,
            self.tenant_a | self.tenant_b,
        )

    def test_other_units_are_independent(self):
        self._active_occupancy(self.unit_1, self.tenant_a)
        other = self._active_occupancy(self.unit_2, self.tenant_a)
        self.assertEqual(other.state, "active")

    def test_activation_needs_move_in_date(self):
        occupancy = self._occupancy(self.unit_1, self.tenant_a, None)
        with self.assertRaises(UserError):
            occupancy.action_activate()
        self.assertEqual(occupancy.state, "draft")

    @freeze_time("2026-08-15")
    def test_move_out_defaults_to_today(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        occupancy.action_end()
        self.assertEqual(occupancy.state, "ended")
        self.assertEqual(occupancy.move_out_date, date(2026, 8, 15))
        with self.assertRaises(UserError):
            occupancy.action_end()

    def test_live_occupancies_cannot_be_deleted(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        with self.assertRaises(UserError):
            occupancy.unlink()
        self.assertTrue(occupancy.exists())
        draft = self._occupancy(self.unit_2, self.tenant_b, date(2026, 1, 1))
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_batch_with_one_bad_occupancy_saves_nothing(self):
        Occupancy = self.env["property.occupancy"]
        before = Occupancy.search_count([])
        with self.assertRaises(ValidationError):
            Occupancy.create(
                [
                    {
                        "unit_id": self.unit_1.id,
                        "tenant_id": self.tenant_a.id,
                        "move_in_date": date(2026, 1, 1),
                    },
                    {
                        "unit_id": self.unit_2.id,
                        "tenant_id": self.tenant_b.id,
                        "handover_date": date(2026, 2, 1),
                        "move_in_date": date(2026, 1, 1),
                    },
                ]
            )
        self.assertEqual(Occupancy.search_count([]), before)

    def test_cancel_and_reset(self):
        draft = self._occupancy(self.unit_1, self.tenant_a, date(2026, 1, 1))
        draft.action_cancel()
        self.assertEqual(draft.state, "cancel")
        draft.action_reset_to_draft()
        self.assertEqual(draft.state, "draft")
        draft.action_activate()
        with self.assertRaises(UserError):
            draft.action_cancel()

    def test_members(self):
        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        occupancy.member_ids = [
            (0, 0, {"name": "Li Xiaoming", "relation": "child"}),
            (0, 0, {"name": "Zhang Qiang", "relation": "spouse", "phone": "138"}),
        ]
        self.assertEqual(occupancy.member_count, 2)
        self.assertEqual(occupancy.member_ids.unit_id, self.unit_1)
        self.assertEqual(occupancy.member_ids.company_id, self.company)
