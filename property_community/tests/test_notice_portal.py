from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common_notice import PropertyNoticeCase

PDF_A = b"%PDF-1.4 building A timetable"
PDF_B = b"%PDF-1.4 secret building B plan"


class NoticePortalCase(PropertyNoticeCase):
    """The tenant portal of notices and satisfaction surveys: a tenant sees
    what is addressed to them, and nothing else is reachable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = datetime(2020, 1, 1)
        cls.site_notice = cls._published("Tour: lift maintenance", publish_from=start)
        cls.a_notice = cls._published(
            "Tour: water cut in tower A",
            publish_from=start,
            important=True,
            category="outage",
            building_ids=[Command.set(cls.building_a.ids)],
        )
        cls.file_a = cls._file(cls.a_notice, "timetable.pdf", PDF_A)
        cls.b_notice = cls._published(
            "Secret B: gas inspection",
            publish_from=start,
            important=True,
            building_ids=[Command.set(cls.building_b.ids)],
        )
        cls.file_b = cls._file(cls.b_notice, "b_plan.pdf", PDF_B)
        cls.anchor_notice = cls._published(
            "Secret anchors: rent review",
            publish_from=start,
            category="finance",
            tenant_kind_small=False,
            tenant_kind_resident=False,
        )
        cls.other_site_notice = cls._published(
            "Secret other site: festival", publish_from=start, site_id=cls.site2.id
        )
        cls.draft_notice = cls._notice("Secret draft: not yet")
        cls.future_notice = cls._published(
            "Secret future: next year", publish_from=datetime(2099, 1, 1)
        )
        cls.over_notice = cls._published(
            "Secret over: last winter",
            publish_from=datetime(2020, 1, 1),
            publish_to=datetime(2020, 2, 1),
        )
        cls.expired_notice = cls._published(
            "Secret expired: ended", publish_from=start, state="expired"
        )
        cls.archived_notice = cls._published(
            "Secret archived: gone", publish_from=start, active=False
        )
        # satisfaction surveys: A1 and B invited
        with freeze_time("2026-03-02"):
            cls.survey = (
                cls.env["property.satisfaction.survey"]
                .with_user(cls.officer)
                .create(
                    {
                        "name": "Tour satisfaction survey",
                        "site_id": cls.site.id,
                        "date_from": date(2026, 3, 1),
                        "date_to": date(2099, 12, 31),
                        "tenant_kind_anchor": False,
                    }
                )
            )
            cls.survey.action_send()
        cls.answer_a1 = cls.survey.user_input_ids.filtered(
            lambda i: i.partner_id == cls.tenant_a1
        )
        cls.answer_b = cls.survey.user_input_ids.filtered(
            lambda i: i.partner_id == cls.tenant_b
        )

    @classmethod
    def _file(cls, notice, name, raw):
        attachment = cls.env["ir.attachment"].create(
            {
                "name": name,
                "raw": raw,
                "res_model": "property.notice",
                "res_id": notice.id,
            }
        )
        notice.attachment_ids = [Command.link(attachment.id)]
        return attachment


@tagged("post_install", "-at_install")
class TestNoticePortal(HttpCase, NoticePortalCase):
    """The tests of the portal pages on this fixture."""

    def _secret_free(self, response, url):
        self.assertNotIn("Secret", response.text, url)
        self.assertNotIn(PDF_B, response.content, url)

    # ------------------------------------------------------------------
    def test_list_shows_what_is_addressed(self):
        self.authenticate("pc_tenant_a1", "pc_tenant_a1")
        response = self.url_open("/my/notices")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tour: lift maintenance", response.text)
        self.assertIn("Tour: water cut in tower A", response.text)
        self.assertIn("o_property_notice_unread", response.text)
        self._secret_free(response, "/my/notices")
        self.assertEqual(response.text.count("o_property_notice_row"), 2)
        # a filter by category
        response = self.url_open("/my/notices?filterby=outage")
        self.assertIn("Tour: water cut in tower A", response.text)
        self.assertNotIn("Tour: lift maintenance", response.text)
        response = self.url_open("/my/notices?filterby=nonsense")
        self.assertEqual(response.status_code, 200)
        # the home page counters, only when asked
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["property_notice_count", "property_survey_count"]},
        )
        self.assertEqual(counters["property_notice_count"], 2)
        self.assertEqual(counters["property_survey_count"], 1)
        self.assertIn("/my/notices", self.url_open("/my").text)

    def test_tenant_kind_and_building(self):
        # A2 is the anchor tenant of tower A: the anchors' notice too
        self.authenticate("pc_tenant_a2", "pc_tenant_a2")
        text = self.url_open("/my/notices").text
        self.assertIn("Secret anchors: rent review", text)
        self.assertIn("Tour: water cut in tower A", text)
        self.assertNotIn("Secret B", text)
        self.assertEqual(
            self.url_open(f"/my/notices/{self.anchor_notice.id}").status_code, 200
        )
        # B sees the tower B notice and not tower A's
        self.authenticate("pc_tenant_b", "pc_tenant_b")
        text = self.url_open("/my/notices").text
        self.assertIn("Secret B: gas inspection", text)
        self.assertNotIn("Tour: water cut in tower A", text)
        self.assertEqual(
            self.url_open(f"/my/notices/{self.a_notice.id}").status_code, 404
        )
        # the other site's tenant sees only their site's notice
        self.authenticate("pc_tenant_s2", "pc_tenant_s2")
        text = self.url_open("/my/notices").text
        self.assertIn("Secret other site: festival", text)
        self.assertEqual(text.count("o_property_notice_row"), 1)

    def test_open_notice_records_read_receipt(self):
        self.authenticate("pc_tenant_a1", "pc_tenant_a1")
        with freeze_time("2026-03-10 09:00:00"):
            response = self.url_open(f"/my/notices/{self.a_notice.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Tour: water cut in tower A", response.text)
        url = f"/my/notices/{self.a_notice.id}/files/{self.file_a.id}"
        self.assertIn(url, response.text)
        self.assertRecordValues(
            self.a_notice.read_ids,
            [
                {
                    "partner_id": self.tenant_a1.id,
                    "reader_id": self.tenant_a1.id,
                    "read_date": datetime(2026, 3, 10, 9, 0),
                }
            ],
        )
        self.url_open(f"/my/notices/{self.a_notice.id}")
        self.assertEqual(len(self.a_notice.read_ids), 1, "the first reading counts")
        self.assertNotIn("o_property_notice_unread", self.url_open("/my/notices").text)
        # an ordinary notice records no receipt
        self.url_open(f"/my/notices/{self.site_notice.id}")
        self.assertFalse(self.site_notice.read_ids)
        # the file
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF_A)
        self.assertIn("attachment", response.headers["Content-Disposition"])

    def test_open_surveys(self):
        self.authenticate("pc_tenant_a1", "pc_tenant_a1")
        response = self.url_open("/my/satisfaction")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.answer_a1.access_token, response.text)
        self.assertNotIn(self.answer_b.access_token, response.text)
        self.assertEqual(response.text.count("o_property_survey_row"), 1)
        # the link opens the survey's own page for A1's answer
        survey_token = self.survey.survey_id.access_token
        response = self.url_open(self.answer_a1.get_start_url())
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            response.url.endswith(
                f"/survey/{survey_token}/{self.answer_a1.access_token}"
            )
        )
        # once answered, it leaves the list
        self.answer_a1._mark_done()
        response = self.url_open("/my/satisfaction")
        self.assertNotIn(self.answer_a1.access_token, response.text)
        self.assertIn("no survey waiting", response.text)

    def test_idor_every_route(self):
        """Tenant A1 on every route of this portal, with the ids of what is
        not addressed to them: always a 404, never a byte of it."""
        self.authenticate("pc_tenant_a1", "pc_tenant_a1")
        hidden = (
            self.b_notice
            | self.anchor_notice
            | self.other_site_notice
            | self.draft_notice
            | self.future_notice
            | self.over_notice
            | self.expired_notice
            | self.archived_notice
        )
        gets = []
        for notice in hidden:
            gets += [
                f"/my/notices/{notice.id}",
                f"/my/notices/{notice.id}?access_token=wrong",
                f"/my/notices/{notice.id}/files/{self.file_b.id}",
                f"/my/notices/{notice.id}/files/{self.file_a.id}",
            ]
        gets += [
            "/my/notices/999999",
            "/my/notices/999999/files/999999",
            # B's file through A1's own notice
            f"/my/notices/{self.a_notice.id}/files/{self.file_b.id}",
            f"/my/notices/{self.site_notice.id}/files/{self.file_b.id}",
        ]
        for url in gets:
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self._secret_free(response, url)
        self.assertFalse(hidden.read_ids, "no receipt for what was not shown")
        for url in (
            "/my/notices",
            "/my/notices/page/2",
            "/my/notices?filterby=important",
            "/my/notices?filterby=finance",
            "/my/satisfaction",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self._secret_free(response, url)
            self.assertNotIn(self.answer_b.access_token, response.text, url)
        # nor through the generic routes
        self.assertNotEqual(
            self.url_open(f"/web/content/{self.file_b.id}").status_code, 200
        )
        self.assertNotIn(PDF_B, self.url_open(f"/web/content/{self.file_b.id}").content)
        # the survey's own pages refuse B's answer to A1
        survey_token = self.survey.survey_id.access_token
        response = self.url_open(
            f"/survey/start/{survey_token}?answer_token={self.answer_b.access_token}"
        )
        self.assertNotIn(self.answer_b.access_token, response.url.split("?")[0])
        self.assertIn("Survey Access Error", response.text)

    def test_anonymous(self):
        for url in (
            "/my/notices",
            f"/my/notices/{self.site_notice.id}",
            f"/my/notices/{self.a_notice.id}/files/{self.file_a.id}",
            "/my/satisfaction",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303), url)
            self.assertIn("/web/login", response.headers["Location"], url)

    def test_portal_tour(self):
        self.start_tour("/my", "property_notice_portal_tour", login="pc_tenant_a1")
        self.assertEqual(self.a_notice.read_ids.partner_id, self.tenant_a1)
