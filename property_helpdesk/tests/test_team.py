import base64
import io
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.property_tenant.tests.spreadsheet_checks import (
    FORMULA_TEXT,
    assert_text_not_formula,
)

from .common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestTeamViews(PropertyHelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_2 = cls.env["res.users"].create(
            {
                "name": "Second Agent",
                "login": "ph_agent_2",
                "groups_id": [(6, 0, cls.agent.groups_id.ids)],
            }
        )

    @freeze_time("2026-03-03 08:30:00")
    def test_morning_meeting_board(self):
        # yesterday (2 March): the agent registered two items, closed one
        with freeze_time("2026-03-02 09:00:00"):
            leak = self._ticket(
                received_at=datetime(2026, 3, 2, 1, 0),
                category_id=self.category_plumbing.id,
            )
            leak.action_dispatch()
            gas = self._ticket(received_at=datetime(2026, 3, 2, 2, 0))
            gas.write({"referral_id": self.directory_gas.id})
            gas.action_refer()
            # referred items are called back before they close (issue 12)
            self._callback(gas, "5")
            # the plumber completed a work order yesterday
            self._complete(leak.work_order_ids)
        # the day before: one item of the second agent, still open
        self._ticket(received_at=datetime(2026, 3, 1, 2, 0), user=self.agent_2)
        board = self.env["property.morning.meeting"].create(
            {"date": date(2026, 3, 3), "site_id": self.site.id}
        )
        lines = {line.user_id: line for line in board.line_ids}
        agent = lines[self.agent]
        self.assertEqual(agent.received_count, 2)
        self.assertEqual(agent.closed_count, 1)
        self.assertEqual(agent.open_count, 1, "the leak waits for its call-back")
        self.assertEqual(lines[self.plumber].work_order_done_count, 1)
        other = lines[self.agent_2]
        self.assertEqual((other.received_count, other.open_count), (0, 1))
        action = other.action_open_items()
        self.assertEqual(len(self.env["property.ticket"].search(action["domain"])), 1)

    @freeze_time("2026-03-20 10:00:00")
    def test_scorecards(self):
        leak = self._ticket(category_id=self.category_plumbing.id)
        leak.action_dispatch()
        self._complete(leak.work_order_ids)
        self._callback(leak, "5")
        praise = self._ticket("praise", praised_user_id=self.plumber.id)
        praise.action_pass_on_praise()
        card = self.env["property.staff.scorecard"].create(
            {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
        )
        lines = {line.user_id: line for line in card.line_ids}
        self.assertEqual(lines[self.agent].handled_count, 2)
        plumber = lines[self.plumber]
        self.assertEqual(
            (plumber.callback_count, plumber.satisfaction_rate), (1, 100.0)
        )
        self.assertEqual(plumber.praise_count, 1)
        by_department = self.env["property.staff.scorecard"].create(
            {
                "date_from": date(2026, 3, 1),
                "date_to": date(2026, 3, 31),
                "group_by": "department",
            }
        )
        engineering = by_department.line_ids.filtered(
            lambda line: line.department_id == self.engineering
        )
        self.assertEqual(engineering.callback_count, 1)

    @freeze_time("2026-03-03 08:30:00")
    def test_boards_open_filled_for_the_users_site(self):
        """The menus open the morning meeting and the scorecards computed
        for the user's own site and today: a saved record, nothing to press
        or save first."""
        other = self.env["property.site"].create({"name": "Other Plaza", "code": "TOT"})
        self.assertEqual(
            self.env["property.site"].with_user(self.supervisor)._default_for_user(),
            self.site,
            "the site the supervisor manages, not the first one",
        )
        self.assertNotEqual(other, self.site)
        self._ticket(received_at=datetime(2026, 3, 2, 1, 0))
        praise = self._ticket("praise", received_at=datetime(2026, 3, 2, 2, 0))
        praise.praised_user_id = self.plumber
        praise.action_pass_on_praise()
        for model, method in (
            ("property.morning.meeting", "action_open_board"),
            ("property.staff.scorecard", "action_open_scorecards"),
        ):
            with self.subTest(model=model):
                action = getattr(self.env[model].with_user(self.supervisor), method)()
                self.assertEqual(action["res_model"], model)
                board = self.env[model].browse(action["res_id"])
                self.assertTrue(board.exists())
                self.assertEqual(board.site_id, self.site)
                self.assertTrue(board.line_ids, "filled at once")
        meeting = self.env["property.morning.meeting"].browse(
            self.env["property.morning.meeting"]
            .with_user(self.supervisor)
            .action_open_board()["res_id"]
        )
        self.assertEqual(str(meeting.date), "2026-03-03")
        agent_line = meeting.line_ids.filtered(lambda line: line.user_id == self.agent)
        self.assertEqual(agent_line.received_count, 2, "the request and the praise")

    def test_complaint_xlsx_export(self):
        ticket = self._ticket(
            "complaint",
            received_at=datetime(2026, 3, 5, 10, 0),
            summary="Rude guard",
            department_id=self.engineering.id,
            root_cause="attitude",
        )
        self._ticket("complaint", received_at=datetime(2026, 3, 6, 10, 0))
        self._ticket("service", received_at=datetime(2026, 3, 6, 10, 0))
        export = (
            self.env["property.complaint.export"]
            .with_user(self.supervisor)
            .create(
                {
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 3, 31),
                    "site_id": self.site.id,
                }
            )
        )
        action = export.action_export()
        self.assertIn("download=true", action["url"])
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))
        self.assertEqual(
            workbook.sheetnames,
            ["Complaints", "By Root Cause", "By Department", "By Category", "By Month"],
        )
        rows = list(workbook["Complaints"].iter_rows(values_only=True))
        self.assertEqual(len(rows), 3, "header and the two complaints")
        self.assertEqual(rows[1][0], ticket.name)
        self.assertEqual(rows[1][8], "Staff Attitude")
        causes = {
            row[0]: row[1]
            for row in workbook["By Root Cause"].iter_rows(min_row=2, values_only=True)
        }
        self.assertEqual(causes, {"Staff Attitude": 1, "Undefined": 1})
        self.assertTrue(export.filename.endswith(".xlsx"))

    def test_complaint_xlsx_export_user_text(self):
        """A summary typed as a formula in the portal stays text."""
        self._ticket(
            "complaint",
            received_at=datetime(2026, 3, 5, 10, 0),
            summary=FORMULA_TEXT,
        )
        export = (
            self.env["property.complaint.export"]
            .with_user(self.supervisor)
            .create({"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)})
        )
        export.action_export()
        assert_text_not_formula(self, base64.b64decode(export.file))
