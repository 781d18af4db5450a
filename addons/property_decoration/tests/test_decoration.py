"""Application and review: submit, engineering review, approval or
rejection, cancel; bad input and access."""

from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import DecorationCase


@tagged("post_install", "-at_install")
class TestApplication(DecorationCase):
    def test_submit_needs_a_complete_application(self):
        decoration = self._decoration(worker_ids=[], undertaking_accepted=False)
        with self.assertRaisesRegex(UserError, "Workers.*Undertakings"):
            decoration.with_user(self.agent).action_submit()
        self.assertEqual(decoration.state, "draft")

    def test_review_creates_the_configured_checklist(self):
        decoration = self._decoration()
        decoration.with_user(self.agent).action_submit()
        self.assertEqual(decoration.state, "submitted")
        self.assertIn(self.tenant_a, decoration.message_partner_ids)
        with self.assertRaises(AccessError):
            decoration.with_user(self.agent).action_start_review()
        decoration.with_user(self.engineer).action_start_review()
        self.assertEqual(decoration.state, "review")
        review_items = self.check_items.filtered(
            lambda i: i.applies_to in ("review", "both")
        )
        self.assertEqual(decoration.check_ids.item_id, review_items)
        self.assertGreaterEqual(len(review_items), 4)

    def test_approval_needs_a_full_review_without_failure(self):
        decoration = self._decoration()
        decoration.with_user(self.agent).action_submit()
        decoration.with_user(self.engineer).action_start_review()
        with self.assertRaisesRegex(UserError, "not finished"):
            decoration.with_user(self.supervisor).action_approve()
        decoration.check_ids.write({"result": "pass"})
        decoration.check_ids[0].write({"result": "fail", "remarks": "Wall removed"})
        with self.assertRaisesRegex(UserError, "failed"):
            decoration.with_user(self.supervisor).action_approve()
        decoration.check_ids[0].result = "condition"
        with self.assertRaises(AccessError):
            decoration.with_user(self.engineer).action_approve()
        decoration.with_user(self.supervisor).action_approve()
        self.assertEqual(decoration.state, "fees_due")
        self.assertEqual(decoration.approved_by_id, self.supervisor)

    def test_rectify_at_review_goes_back_to_the_tenant(self):
        decoration = self._decoration()
        self._review(decoration, result="fail")
        with self.assertRaisesRegex(UserError, "review remarks"):
            decoration.with_user(self.engineer).action_return_for_changes()
        decoration.review_remarks = "Keep the load-bearing wall"
        decoration.with_user(self.engineer).action_return_for_changes()
        self.assertEqual(decoration.state, "draft")
        self.assertFalse(decoration.undertaking_accepted)
        # the tenant corrects and submits again: a fresh review
        decoration.write({"undertaking_accepted": True, "scope": "Tiles only"})
        decoration.with_user(self.agent).action_submit()
        decoration.with_user(self.engineer).action_start_review()
        self.assertFalse(any(decoration.check_ids.mapped("result")))

    def test_reject_with_reasons(self):
        decoration = self._decoration()
        self._review(decoration)
        with self.assertRaisesRegex(UserError, "reasons"):
            decoration.with_user(self.supervisor).action_reject()
        decoration.reject_reason = "Façade change not allowed"
        decoration.with_user(self.supervisor).action_reject()
        self.assertEqual(decoration.state, "rejected")
        with self.assertRaises(UserError):
            decoration.with_user(self.agent).action_submit()

    def test_cancel_from_an_early_state(self):
        decoration = self._decoration()
        decoration.with_user(self.agent).action_submit()
        with self.assertRaisesRegex(UserError, "why"):
            decoration.with_user(self.agent).action_cancel()
        decoration.cancel_reason = "Tenant postponed"
        decoration.with_user(self.agent).action_cancel()
        self.assertEqual(decoration.state, "cancel")

    def test_overlapping_works_on_one_unit_are_refused(self):
        self._decoration()
        with (
            self.assertRaisesRegex(ValidationError, "cannot overlap"),
            self.cr.savepoint(),
        ):
            self._decoration(date_start=date(2026, 5, 31), date_end=date(2026, 6, 30))
        # after the first one, on another unit: fine
        self._decoration(date_start=date(2026, 6, 1), date_end=date(2026, 6, 30))
        self._decoration(occupancy=self.occupancy_b)

    def test_bad_input(self):
        with (
            self.assertRaisesRegex(ValidationError, "before its planned start"),
            self.cr.savepoint(),
        ):
            self._decoration(date_start=date(2026, 5, 1), date_end=date(2026, 4, 1))
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self._decoration(
                worker_ids=[(0, 0, {"name": "Zhou", "id_last_digits": "12a4"})]
            )
        with (
            self.assertRaisesRegex(ValidationError, "working hours"),
            self.cr.savepoint(),
        ):
            self._decoration(hour_from=19.0, hour_to=8.0)

    def test_access_and_companies(self):
        decoration = self._decoration()
        # the other tenant and another company's desk see nothing of it
        Decoration = self.env["property.decoration"]
        self.assertFalse(
            Decoration.with_user(self.portal_b).search([("id", "=", decoration.id)])
        )
        self.assertTrue(
            Decoration.with_user(self.portal_a).search([("id", "=", decoration.id)])
        )
        other_company = self.env["res.company"].create({"name": "Other Co."})
        agent_b = self.env["res.users"].create(
            {
                "name": "Other agent",
                "login": "pd_agent_other",
                "company_id": other_company.id,
                "company_ids": [(6, 0, other_company.ids)],
                "groups_id": [
                    (6, 0, self.env.ref("property_tenant.group_property_agent").ids)
                ],
            }
        )
        self.assertFalse(
            Decoration.with_user(agent_b).search([("id", "=", decoration.id)])
        )
        with self.assertRaises(AccessError):
            decoration.with_user(self.portal_a).write({"scope": "Everything"})
