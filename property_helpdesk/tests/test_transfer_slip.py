from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestTransferSlip(PropertyHelpdeskCase):
    """Information transfer slips (R-SLIP): desk → department → measures →
    rectification → inspection, again until up to standard → filed."""

    def _slip(self, department=None, **vals):
        values = {
            "summary": vals.pop("summary", "Stairwell B lights out"),
            "site_id": self.site.id,
            "department_id": (department or self.engineering).id,
            "issue_description": "<p>Lights out on floors 3 to 5 since Monday.</p>",
            "due_date": date(2026, 3, 6),
        }
        values.update(vals)
        return self.env["property.transfer.slip"].with_user(self.agent).create(values)

    def _inspections(self, slip):
        return [(i.round, i.result) for i in slip.inspection_ids.sorted("id")]

    @freeze_time("2026-03-02 09:00:00")
    def test_loop_failed_then_passed(self):
        slip = self._slip()
        self.assertRegex(slip.name, r"^TS/2026/\d{5}$")
        self.assertEqual(slip.state, "draft")
        self.assertEqual(slip.issued_by_id, self.agent)

        slip.action_send()
        self.assertEqual(slip.state, "sent")
        rectify = slip.activity_ids.filtered(
            lambda a: (
                a.activity_type_id
                == self.env.ref("property_helpdesk.mail_activity_data_slip_rectify")
            )
        )
        self.assertEqual(rectify.user_id, self.eng_head, "the head is asked to act")
        self.assertEqual(rectify.date_deadline, date(2026, 3, 6))

        # the department (a plain member) proposes measures and rectifies
        slip_dept = slip.with_user(self.plumber)
        slip_dept.corrective_measures = "Replace the relay of the timer."
        slip_dept.action_propose_measures()
        self.assertEqual(slip.state, "measures_proposed")
        self.assertEqual(slip.measures_by_id, self.plumber)
        slip_dept.rectification_note = "Relay replaced."
        slip_dept.action_rectified()
        self.assertEqual(slip.state, "rectified")
        self.assertEqual(slip.rectified_by_id, self.plumber)
        self.assertFalse(
            slip.activity_ids.filtered(lambda a: a.user_id == self.eng_head)
        )
        self.assertEqual(slip.activity_ids.user_id, self.agent, "the desk inspects")

        # first inspection: not up to standard, back to rectification
        slip_desk = slip.with_user(self.agent)
        slip_desk.inspection_remarks = "Floor 5 still dark."
        slip_desk.action_inspect_failed()
        self.assertEqual(slip.state, "measures_proposed")
        self.assertEqual(slip.round_count, 2)
        self.assertFalse(slip.inspection_remarks)
        self.assertEqual(slip.failed_inspection_count, 1)
        self.assertEqual(slip.activity_ids.user_id, self.eng_head, "rectify again")

        slip_dept.rectification_note = "Relay and floor 5 lamp replaced."
        slip_dept.action_rectified()
        slip_desk.inspection_remarks = "All floors lit."
        slip_desk.action_inspect_passed()
        self.assertEqual(slip.state, "inspected")
        self.assertEqual(self._inspections(slip), [(1, "failed"), (2, "passed")])
        self.assertEqual(slip.inspection_ids.inspector_id, self.agent)
        self.assertEqual(
            slip.inspection_ids.sorted("id").mapped("remarks"),
            ["Floor 5 still dark.", "All floors lit."],
        )
        self.assertFalse(slip.activity_ids)

        slip_desk.action_file()
        self.assertEqual(slip.state, "filed")
        self.assertEqual(slip.filed_by_id, self.agent)
        self.assertEqual(slip.filed_at, datetime(2026, 3, 2, 9, 0))
        self.assertEqual(slip.round_count, 2)

    def _end_transaction(self):
        """Tracking messages are written at commit, and not for records
        created in the same transaction (creation and edition are two
        requests in the application)."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_tracking(self):
        slip = self._slip()
        self._end_transaction()
        slip.action_send()
        slip.due_date = date(2026, 3, 9)
        self._end_transaction()
        values = slip.sudo().message_ids.tracking_value_ids
        state = values.filtered(lambda v: v.field_id.name == "state")
        self.assertEqual(state.old_value_char, "Draft")
        self.assertEqual(state.new_value_char, "Sent to Department")
        self.assertEqual(state.mail_message_id.author_id, self.agent.partner_id)
        due = values.filtered(lambda v: v.field_id.name == "due_date")
        self.assertEqual(len(due), 1)

    def test_step_guards(self):
        slip = self._slip()
        # nothing happens out of order
        with self.assertRaises(UserError):
            slip.with_user(self.plumber).action_propose_measures()
        with self.assertRaises(UserError):
            slip.action_inspect_passed()
        with self.assertRaises(UserError):
            slip.action_file()

        empty = self._slip(issue_description="<p><br></p>")
        with self.assertRaisesRegex(UserError, "Describe the issue"):
            empty.action_send()

        slip.action_send()
        with self.assertRaises(UserError):
            slip.action_send()
        slip_dept = slip.with_user(self.plumber)
        with self.assertRaisesRegex(UserError, "corrective measures"):
            slip_dept.action_propose_measures()
        slip_dept.corrective_measures = "Replace the relay."
        slip_dept.action_propose_measures()
        with self.assertRaisesRegex(UserError, "rectify"):
            slip_dept.action_rectified()
        slip_dept.rectification_note = "Done."
        slip_dept.action_rectified()
        with self.assertRaisesRegex(UserError, "not up to standard"):
            slip.with_user(self.agent).action_inspect_failed()
        self.assertEqual(slip.state, "rectified")
        self.assertFalse(slip.inspection_ids)
        with self.assertRaises(UserError):
            slip.action_cancel()
        with self.assertRaises(UserError):
            slip.with_user(self.supervisor).unlink()

    def test_department_access(self):
        slip = self._slip()
        slip.action_send()
        # another department does not even see it
        with self.assertRaises(AccessError):
            slip.with_user(self.cleaner).read(["summary"])
        self.assertFalse(
            self.env["property.transfer.slip"]
            .with_user(self.cleaner)
            .search([("id", "=", slip.id)])
        )
        # department staff cannot write slips
        with self.assertRaises(AccessError):
            self.env["property.transfer.slip"].with_user(self.plumber).create(
                {
                    "summary": "Self-issued",
                    "site_id": self.site.id,
                    "department_id": self.engineering.id,
                }
            )
        # the department works it but cannot inspect nor file
        slip_dept = slip.with_user(self.plumber)
        slip_dept.corrective_measures = "Replace the relay."
        slip_dept.action_propose_measures()
        slip_dept.rectification_note = "Done."
        slip_dept.action_rectified()
        with self.assertRaises(AccessError):
            slip.with_user(self.eng_head).action_inspect_passed()
        with self.assertRaises(AccessError):
            self.env["property.transfer.slip.inspection"].with_user(
                self.plumber
            ).create({"slip_id": slip.id, "result": "passed"})
        self.assertEqual(slip.state, "rectified")
        # the head sees the inspection log of their department, the desk inspects
        slip.with_user(self.agent).action_inspect_passed()
        self.assertEqual(slip.with_user(self.eng_head).inspection_ids.result, "passed")
        with self.assertRaises(AccessError):
            slip.with_user(self.plumber).action_file()
        slip.with_user(self.supervisor).action_file()
        self.assertEqual(slip.state, "filed")

    def test_filters(self):
        with freeze_time("2026-03-02"):
            late = self._slip(due_date=date(2026, 2, 27))
            late.action_send()
            on_time = self._slip(due_date=date(2026, 3, 9))
            on_time.action_send()
            draft_late = self._slip(due_date=date(2026, 2, 27))
            draft_late.action_cancel()
            Slip = self.env["property.transfer.slip"].with_user(self.agent)
            overdue = Slip.search([("is_overdue", "=", True)])
            self.assertIn(late, overdue)
            self.assertNotIn(on_time, overdue)
            self.assertNotIn(draft_late, overdue, "a cancelled slip is not late")
            self.assertTrue(late.is_overdue)
            self.assertIn(on_time, Slip.search([("is_overdue", "=", False)]))

    def test_origin_item(self):
        ticket = self._ticket(
            kind="complaint",
            summary="Dark stairwell",
            department_id=self.engineering.id,
        )
        slip = self._slip(ticket_id=ticket.id)
        self.assertEqual(slip.ticket_id, ticket)
        self.assertIn(ticket.name, slip.ticket_id.display_name)
