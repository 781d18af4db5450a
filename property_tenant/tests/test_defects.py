from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PropertyTenantCase
from .flow_graph import FlowGraphMixin, never_ending


@tagged("post_install", "-at_install")
class TestDefects(FlowGraphMixin, PropertyTenantCase):
    """Legacy construction defects (R-ARC-3): open → in repair (a claim on
    the responsible company) → fixed, reopened when they come back, cancelled
    with a reason; warranty reminders; overdue past the repair date."""

    def _defect(self, **vals):
        return (
            self.env["property.defect"]
            .with_user(self.agent)
            .create(
                {
                    "unit_id": self.unit_1.id,
                    "summary": "Water seepage under the bathroom window",
                    "found_date": date(2026, 3, 1),
                    "warranty_end_date": date(2026, 6, 30),
                    **vals,
                }
            )
        )

    def test_repair_by_claim_then_fixed_then_reopened(self):
        defect = self._defect(responsible_party="contractor")
        with self.assertRaisesRegex(UserError, "claim"):
            defect.action_start()
        defect.claim_reference = "CL-2026-017"
        with freeze_time("2026-03-10"):
            defect.action_start()
        self.assertEqual(defect.state, "in_progress")
        self.assertEqual(defect.claim_date, date(2026, 3, 10))
        with freeze_time("2026-04-02"):
            defect.action_fixed()
        self.assertEqual((defect.state, defect.fixed_date), ("fixed", date(2026, 4, 2)))
        with self.assertRaises(UserError):
            defect.action_fixed()
        defect.action_reopen()
        self.assertEqual((defect.state, defect.reopen_count), ("open", 1))
        self.assertFalse(defect.fixed_date)

    def test_cancel_needs_a_reason(self):
        defect = self._defect()
        with self.assertRaisesRegex(UserError, "why"):
            defect.action_cancel()
        defect.cancel_reason = "Registered twice"
        defect.action_cancel()
        self.assertEqual(defect.state, "cancel")
        defect.action_reopen()
        self.assertEqual((defect.state, defect.reopen_count), ("open", 0))

    def test_overdue_past_the_repair_date(self):
        defect = self._defect(target_date=date(2026, 3, 20))
        fixed = self._defect(target_date=date(2026, 3, 20), summary="Fixed one")
        fixed.action_fixed()
        with freeze_time("2026-03-21"):
            Defect = self.env["property.defect"]
            self.assertTrue(defect.is_overdue)
            self.assertFalse(fixed.is_overdue)
            self.assertEqual(
                Defect.search(
                    [("is_overdue", "=", True), ("id", "in", (defect | fixed).ids)]
                ),
                defect,
            )
            self.assertEqual(
                Defect.search(
                    [("is_overdue", "=", False), ("id", "in", (defect | fixed).ids)]
                ),
                fixed,
            )
        with freeze_time("2026-03-20"):
            defect.invalidate_recordset(["is_overdue"])
            self.assertFalse(defect.is_overdue)

    def test_warranty_reminder_once_before_it_ends(self):
        defect = self._defect(warranty_end_date=date(2026, 6, 30))
        far = self._defect(warranty_end_date=date(2026, 12, 31), summary="Far")
        fixed = self._defect(warranty_end_date=date(2026, 6, 30), summary="Done")
        fixed.action_fixed()
        Defect = self.env["property.defect"]
        Defect._cron_warranty_reminders(date_ref=date(2026, 5, 1))
        self.assertFalse(defect.activity_ids, "more than 30 days before")
        Defect._cron_warranty_reminders(date_ref=date(2026, 6, 5))
        self.assertEqual(len(defect.activity_ids), 1)
        self.assertEqual(defect.activity_ids.user_id, self.agent)
        self.assertEqual(defect.activity_ids.date_deadline, date(2026, 6, 23))
        self.assertFalse(far.activity_ids | fixed.activity_ids)
        Defect._cron_warranty_reminders(date_ref=date(2026, 6, 6))
        self.assertEqual(len(defect.activity_ids), 1, "once per end date")
        defect.warranty_end_date = date(2026, 7, 15)
        Defect._cron_warranty_reminders(date_ref=date(2026, 6, 20))
        self.assertEqual(len(defect.activity_ids), 2, "a new end date, a new reminder")
        defect.claim_reference = "CL-1"
        defect.action_start()
        defect.action_fixed()
        self.assertFalse(defect.activity_ids, "fixed: nothing left to claim")

    # ------------------------------------------------------------------
    # the flow's graph, derived from the buttons
    # ------------------------------------------------------------------
    def _flow_prepare(self, defect, button):
        if button == "action_start":
            defect.claim_reference = "CL-FLOW"
        if button == "action_cancel":
            defect.cancel_reason = "Registered twice"

    def test_every_state_reaches_fixed(self):
        edges = self.flow_graph(self._defect(), (self.agent, self.supervisor))
        self.assertLessEqual(
            {
                ("open", "Start Repair", "in_progress"),
                ("in_progress", "Mark Fixed", "fixed"),
                ("fixed", "Reopen", "open"),
                ("open", "Cancel", "cancel"),
            },
            edges,
        )
        # without the cancel every state is fixed in the end (a cancelled
        # defect reopened included)
        self.assertEqual(never_ending(edges, {"fixed"}, "open", ("Cancel",)), set())
        self.assertEqual(never_ending(edges, {"fixed", "cancel"}, "open"), set())
