"""The back office's boards in a real browser: the morning meeting and the
service-target dashboard open as new records whose lines come with the form
(one request), and a line's button works on such a board (the form saves
it first; the line is found again by its board and its person or KPI)."""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.property_helpdesk.tests.common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestBoardTours(PropertyHelpdeskCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent.name = "Board Tour Agent"
        yesterday = fields.Datetime.now() - timedelta(days=1)
        cls.ticket = cls._ticket(
            summary="Board tour: lift stuck",
            received_at=datetime.combine(yesterday.date(), datetime.min.time())
            + timedelta(hours=3),
        )

    def test_morning_meeting(self):
        Meeting = self.env["property.morning.meeting"]
        before = Meeting.search_count([])
        self.start_tour(
            "/odoo/action-property_helpdesk.property_morning_meeting_action",
            "property_management_morning_meeting_tour",
            login=self.supervisor.login,
        )
        # the button saved the board: one, of the supervisor's site
        meeting = Meeting.sudo().search([], order="id desc", limit=1)
        self.assertEqual(Meeting.sudo().search_count([]), before + 1)
        self.assertEqual(meeting.site_id, self.site)
        self.assertEqual(meeting.create_uid, self.supervisor)

    def test_dashboard(self):
        Board = self.env["property.management.dashboard"]
        before = Board.sudo().search_count([])
        self.start_tour(
            "/odoo/action-property_management.property_management_dashboard_action",
            "property_management_dashboard_tour",
            login=self.supervisor.login,
        )
        board = Board.sudo().search([], order="id desc", limit=1)
        self.assertEqual(Board.sudo().search_count([]), before + 1)
        self.assertTrue(board.trend_done, "the trend computed for the chart")
        self.assertEqual(len(board.line_ids), 5)
