"""Works: inspections, violations (transfer slip, deduction approved by a
supervisor), extensions, acceptance with its rectify loop."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DecorationCase


@tagged("post_install", "-at_install")
class TestWorks(DecorationCase):
    def test_inspection_gets_the_checklist(self):
        decoration = self._in_works()
        inspection = (
            self.env["property.decoration.inspection"]
            .with_user(self.engineer)
            .create({"decoration_id": decoration.id})
        )
        expected = self.check_items.filtered(
            lambda i: i.applies_to in ("inspection", "both")
        )
        self.assertEqual(inspection.check_ids.item_id, expected)
        self.assertEqual(
            decoration.check_ids.item_id & expected, decoration.check_ids.item_id
        )
        self.assertNotIn(inspection.check_ids, decoration.check_ids)
        with self.assertRaisesRegex(ValidationError, "findings"), self.cr.savepoint():
            inspection.result = "issues"

    def test_violation_rectified_through_a_transfer_slip(self):
        decoration = self._in_works()
        violation = self._violation(decoration, department_id=False)
        with self.assertRaisesRegex(UserError, "department"):
            violation.action_send_slip()
        violation.department_id = self.engineering
        violation.with_user(self.agent).action_send_slip()
        slip = violation.slip_id
        self.assertEqual(slip.state, "sent")
        self.assertEqual(slip.department_id, self.engineering)
        self.assertIn(decoration.name, slip.summary)
        with self.assertRaisesRegex(UserError, "already"):
            violation.with_user(self.agent).action_send_slip()

    def test_deduction_needs_a_supervisor(self):
        decoration = self._in_works()
        violation = self._violation(decoration)
        with self.assertRaisesRegex(UserError, "amount"):
            violation.with_user(self.agent).action_propose_deduction()
        violation.deduction_amount = 400.0
        violation.with_user(self.agent).action_propose_deduction()
        self.assertEqual(decoration.deduction_total, 0.0)  # not approved yet
        with self.assertRaises(AccessError):
            violation.with_user(self.agent).action_approve_deduction()
        violation.with_user(self.supervisor).action_approve_deduction()
        self.assertEqual(decoration.deduction_total, 400.0)
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            violation.deduction_amount = 10.0
        with self.assertRaises(UserError):
            violation.unlink()

    def test_extension_approved_moves_the_end(self):
        decoration = self._in_works()
        Extension = self.env["property.decoration.extension"].with_user(self.agent)
        with (
            self.assertRaisesRegex(ValidationError, "must be after"),
            self.cr.savepoint(),
        ):
            Extension.create(
                {
                    "decoration_id": decoration.id,
                    "new_end": date(2026, 5, 1),
                    "reason": "Tiles late",
                }
            )
        extension = Extension.create(
            {
                "decoration_id": decoration.id,
                "new_end": date(2026, 6, 15),
                "reason": "Tiles late",
            }
        )
        with self.assertRaises(AccessError):
            extension.action_approve()
        extension.with_user(self.supervisor).action_approve()
        self.assertEqual(decoration.date_end, date(2026, 6, 15))
        self.assertEqual(extension.state, "approved")

    def test_extension_refused_keeps_the_end(self):
        decoration = self._in_works()
        extension = (
            self.env["property.decoration.extension"]
            .with_user(self.agent)
            .create(
                {
                    "decoration_id": decoration.id,
                    "new_end": date(2026, 8, 31),
                    "reason": "More rooms",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "why"):
            extension.with_user(self.supervisor).action_refuse()
        extension.refuse_reason = "Apply for a new decoration"
        extension.with_user(self.supervisor).action_refuse()
        self.assertEqual(extension.state, "refused")
        self.assertEqual(decoration.date_end, date(2026, 5, 31))
        with self.assertRaises(UserError):
            extension.with_user(self.supervisor).action_approve()

    def test_extension_only_during_works(self):
        decoration = self._decoration()
        with (
            self.assertRaisesRegex(ValidationError, "permitted or under way"),
            self.cr.savepoint(),
        ):
            self.env["property.decoration.extension"].create(
                {
                    "decoration_id": decoration.id,
                    "new_end": date(2026, 8, 31),
                    "reason": "Later",
                }
            )

    def test_acceptance_rectify_loop(self):
        decoration = self._in_works()
        decoration.with_user(self.agent).action_request_acceptance()
        with self.assertRaisesRegex(UserError, "rectified"):
            decoration.with_user(self.engineer).action_rectify()
        decoration.acceptance_remarks = "Bathroom water test failed"
        decoration.with_user(self.engineer).action_rectify()
        self.assertEqual(decoration.state, "works")
        self.assertEqual(decoration.acceptance_rounds, 1)
        decoration.with_user(self.agent).action_request_acceptance()
        with freeze_time("2026-06-10"):
            decoration.with_user(self.engineer).action_accept()
        self.assertEqual(decoration.state, "waiting")
        self.assertEqual(decoration.acceptance_rounds, 2)
        self.assertEqual(decoration.acceptance_date, date(2026, 6, 10))
        self.assertEqual(decoration.refund_date, date(2026, 7, 10))

    def test_overdue_acceptances(self):
        with freeze_time("2026-06-05"):
            late = self._in_works()
            on_time = self._in_works(
                occupancy=self.occupancy_b, date_end=date(2026, 6, 30)
            )
            found = self.env["property.decoration"].search(
                [("is_acceptance_overdue", "=", True)]
            )
            self.assertIn(late, found)
            self.assertNotIn(on_time, found)
            self.assertTrue(late.is_acceptance_overdue)
