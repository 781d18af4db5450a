import base64
import io
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

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
        for the user's own site and today: nothing to press first.  The
        morning meeting opens as a new board whose lines come with the form
        (one request, nothing written); saved when a button needs it."""
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
        # the scorecards: a server action creates them filled
        Scorecard = self.env["property.staff.scorecard"].with_user(self.supervisor)
        action = Scorecard.action_open_scorecards()
        self.assertEqual(action["res_model"], "property.staff.scorecard")
        scorecard = Scorecard.browse(action["res_id"])
        self.assertEqual(scorecard.site_id, self.site)
        self.assertTrue(scorecard.line_ids, "filled at once")
        # the morning meeting: the menu opens the form on a new board
        menu = self.env.ref("property_helpdesk.property_morning_meeting_menu")
        self.assertEqual(
            menu.action,
            self.env.ref("property_helpdesk.property_morning_meeting_action"),
        )
        self.assertFalse(menu.action.res_id)
        Meeting = self.env["property.morning.meeting"].with_user(self.supervisor)
        before = Meeting.search_count([])
        form = Form(Meeting)
        self.assertEqual(str(form.date), "2026-03-03")
        self.assertEqual(form.site_id, self.site)
        # the lines as the form holds them (values, no record yet)
        shown = {
            line["user_id"]: line["received_count"] for line in form.line_ids._records
        }
        self.assertEqual(shown[self.agent.id], 2, "the request and the praise")
        self.assertEqual(Meeting.search_count([]), before, "nothing written")
        # another day: the lines follow, still unsaved
        form.date = date(2026, 3, 4)
        self.assertNotIn(
            self.agent.id,
            [
                line["user_id"]
                for line in form.line_ids._records
                if line["received_count"]
            ],
            "nothing registered on 3 March",
        )
        form.date = date(2026, 3, 3)
        meeting = form.save()
        self.assertEqual(meeting.display_name, "Morning Meeting 03/03/2026 Test Plaza")
        agent_line = meeting.line_ids.filtered(lambda line: line.user_id == self.agent)
        self.assertEqual(agent_line.received_count, 2, "computed again when saved")
        self.assertEqual(len(meeting.line_ids), len(shown), "each person once")
        # another day on the saved board computes it again
        meeting.date = date(2026, 3, 4)
        self.assertFalse(
            meeting.line_ids.filtered(
                lambda line: line.user_id == self.agent
            ).received_count
        )

    @freeze_time("2026-03-03 08:30:00")
    def test_morning_meeting_line_buttons(self):
        """The lines' buttons run through one server action that finds the
        line again by its board and person (a new board's lines have no id
        when the button is pressed; the form saves the board first)."""
        self._ticket(received_at=datetime(2026, 3, 2, 1, 0))
        meeting = self.env["property.morning.meeting"].with_user(self.supervisor)
        meeting = meeting.create({"site_id": self.site.id})
        server_action = self.env.ref(
            "property_helpdesk.property_morning_meeting_line_action_open"
        ).with_user(self.supervisor)

        def press(button, user):
            return server_action.with_context(
                property_board_id=meeting.id,
                property_board_user_id=user.id,
                property_board_button=button,
            ).run()

        action = press("action_open_items", self.agent)
        self.assertEqual(action["res_model"], "property.ticket")
        self.assertIn(("user_id", "=", self.agent.id), action["domain"])
        self.assertIn(("site_id", "=", self.site.id), action["domain"])
        action = press("action_open_defects", self.agent)
        self.assertEqual(action["res_model"], "property.defect")
        # a button that is not the board's, a person not on the board
        with self.assertRaisesRegex(UserError, "does not belong to the board"):
            press("unlink", self.agent)
        with self.assertRaisesRegex(UserError, "no longer on the board"):
            press("action_open_items", self.agent_2)

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
