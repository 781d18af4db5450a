from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_notice import PropertyNoticeCase


@tagged("post_install", "-at_install")
class TestSatisfaction(PropertyNoticeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.questionnaire = cls.env.ref(
            "property_community.survey_resident_satisfaction"
        )
        cls.question = cls.env.ref("property_community.survey_resident_satisfaction_q1")
        cls.levels = {
            key: cls.env.ref(
                f"property_community.survey_resident_satisfaction_q1_{key}"
            )
            for key in (
                "very_satisfied",
                "satisfied",
                "neutral",
                "unsatisfied",
                "very_unsatisfied",
            )
        }
        # nine more residents in building B, to answer
        Partner = cls.env["res.partner"]
        cls.residents = Partner.create(
            [{"name": f"Resident {i}", "email": f"r{i}@example.com"} for i in range(9)]
        )
        units = cls.env["property.unit"].create(
            [
                {
                    "code": f"TB-2{i:02d}",
                    "site_id": cls.site.id,
                    "building_id": cls.building_b.id,
                    "area": 70,
                }
                for i in range(9)
            ]
        )
        occupancies = cls.env["property.occupancy"].create(
            [
                {
                    "unit_id": unit.id,
                    "tenant_id": partner.id,
                    "tenant_kind": "resident",
                    "move_in_date": date(2026, 1, 1),
                }
                for unit, partner in zip(units, cls.residents, strict=True)
            ]
        )
        occupancies.action_activate()

    def _survey(self, **vals):
        values = {
            "name": "Test satisfaction Q1",
            "site_id": self.site.id,
            "date_from": date(2026, 3, 1),
            "date_to": date(2026, 3, 31),
        }
        values.update(vals)
        return (
            self.env["property.satisfaction.survey"]
            .with_user(self.officer)
            .create(values)
        )

    def _answer(self, survey, partner, level, when):
        """The tenant answers (the survey pages work as superuser)."""
        answer = survey.sudo().user_input_ids.filtered(
            lambda i: i.partner_id == partner
        )
        self.assertEqual(len(answer), 1)
        with freeze_time(when):
            answer._save_lines(self.question, self.levels[level].id)
            answer._mark_done()
        return answer

    # ------------------------------------------------------------------
    def test_default_questionnaire(self):
        self.assertEqual(self.question.question_type, "simple_choice")
        self.assertTrue(self.question.is_satisfaction_question)
        self.assertEqual(
            self.question.suggested_answer_ids.mapped("value"),
            [
                "Very satisfied",
                "Satisfied",
                "Neutral",
                "Unsatisfied",
                "Very unsatisfied",
            ],
        )
        self.assertEqual(
            self.question.suggested_answer_ids.filtered("is_satisfied"),
            self.levels["very_satisfied"] | self.levels["satisfied"],
        )
        survey = self._survey()
        self.assertEqual(survey.survey_id, self.questionnaire, "the default")

    @freeze_time("2026-03-02 08:00:00")
    def test_send_invitations_through_the_queue(self):
        survey = self._survey(building_ids=[Command.set(self.building_b.ids)])
        self.assertEqual(survey.audience_count, 10)
        survey.action_send()
        self.assertEqual(survey.state, "open")
        inputs = survey.user_input_ids
        self.assertEqual(inputs.partner_id, self.tenant_b | self.residents)
        self.assertEqual(set(inputs.mapped("state")), {"new"})
        self.assertEqual(set(inputs.mapped("deadline")), {datetime(2026, 4, 1)})
        mails = self.env["mail.mail"].search(
            [("model", "=", "survey.user_input"), ("res_id", "in", inputs.ids)]
        )
        self.assertEqual(len(mails), 10)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(mails.recipient_ids, inputs.partner_id)
        mail_b = mails.filtered(lambda m: m.recipient_ids == self.tenant_b)
        answer_b = inputs.filtered(lambda i: i.partner_id == self.tenant_b)
        self.assertIn(answer_b.access_token, mail_b.body_html)
        self.assertEqual(survey.invited_count, 10)
        # sending again invites nobody twice
        survey.action_send()
        self.assertEqual(len(survey.user_input_ids), 10)

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self._survey(date_from=date(2026, 3, 31), date_to=date(2026, 3, 1))
        no_question = self.env["survey.survey"].create(
            {
                "title": "Test no satisfaction question",
                "question_and_page_ids": [
                    Command.create({"title": "Comments?", "question_type": "text_box"})
                ],
            }
        )
        survey = self._survey(survey_id=no_question.id)
        with (
            freeze_time("2026-03-02"),
            self.assertRaisesRegex(UserError, "no satisfaction question"),
        ):
            survey.action_send()
        late = self._survey()
        with (
            freeze_time("2026-04-01 00:00:01"),
            self.assertRaisesRegex(UserError, "ended on"),
        ):
            late.action_send()
        nobody = self._survey(site_id=self.site2.id, tenant_kind_resident=False)
        with (
            freeze_time("2026-03-02"),
            self.assertRaisesRegex(UserError, "No active tenant"),
        ):
            nobody.action_send()
        self.assertEqual((survey | late | nobody).mapped("state"), ["draft"] * 3)

    def test_satisfaction_rate_from_answers(self):
        with freeze_time("2026-03-02 08:00:00"):
            survey = self._survey(building_ids=[Command.set(self.building_b.ids)])
            survey.action_send()
        levels = [
            "very_satisfied",
            "satisfied",
            "satisfied",
            "very_satisfied",
            "neutral",
            "satisfied",
            "unsatisfied",
            "very_satisfied",
            "satisfied",
        ]
        for partner, level in zip(self.residents, levels, strict=True):
            self._answer(survey, partner, level, "2026-03-10 10:00:00")
        # tenant B started but did not finish: not counted
        answer_b = survey.sudo().user_input_ids.filtered(
            lambda i: i.partner_id == self.tenant_b
        )
        answer_b._save_lines(self.question, self.levels["very_unsatisfied"].id)
        survey.invalidate_recordset()
        self.assertEqual(survey.answered_count, 9)
        self.assertEqual(survey.satisfied_count, 7)
        self.assertEqual(survey.satisfied_percent, 77.78)

        Survey = self.env["property.satisfaction.survey"].with_user(self.officer)
        kpi = Survey.satisfaction_rate(
            self.site.ids, date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertEqual(kpi["value"], 77.78)
        self.assertEqual(kpi["numerator"], 7)
        self.assertEqual(kpi["denominator"], 9)
        self.assertEqual(kpi["target"], 90.0)
        self.assertEqual(kpi["model"], "survey.user_input.line")
        Line = self.env["survey.user_input.line"]
        self.assertEqual(Line.search_count(kpi["domain"]), 9)
        self.assertEqual(Line.search_count(kpi["numerator_domain"]), 7)
        # the period is the day the answer was completed
        self.assertEqual(
            Survey.satisfaction_rate(
                self.site.ids, date(2026, 3, 10), date(2026, 3, 10)
            )["denominator"],
            9,
        )
        april = Survey.satisfaction_rate(
            self.site.ids, date(2026, 4, 1), date(2026, 4, 30)
        )
        self.assertEqual((april["denominator"], april["value"]), (0, None))
        other_site = Survey.satisfaction_rate(
            self.site2.ids, date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertEqual(other_site["denominator"], 0)
        # a late answer, completed in April, counts in April
        self._answer(survey, self.tenant_b, "very_unsatisfied", "2026-04-01 09:00:00")
        april = Survey.satisfaction_rate(
            self.site.ids, date(2026, 4, 1), date(2026, 4, 30)
        )
        self.assertEqual((april["numerator"], april["denominator"]), (0, 1))
        self.assertEqual(april["value"], 0.0)
        both = Survey.satisfaction_rate(
            self.site.ids, date(2026, 3, 1), date(2026, 4, 30)
        )
        self.assertEqual((both["numerator"], both["denominator"]), (7, 10))
        self.assertEqual(both["value"], 70.0)
        # a user without the community role cannot read the figure
        with self.assertRaises(AccessError):
            self.env["property.satisfaction.survey"].with_user(
                self.agent
            ).satisfaction_rate(self.site.ids, date(2026, 3, 1), date(2026, 3, 31))

    def test_close_stops_pending_invitations(self):
        with freeze_time("2026-03-02 08:00:00"):
            survey = self._survey(building_ids=[Command.set(self.building_b.ids)])
            survey.action_send()
        self._answer(survey, self.tenant_b, "satisfied", "2026-03-05 10:00:00")
        with freeze_time("2026-03-20 12:00:00"):
            survey.action_close()
        self.assertEqual(survey.state, "closed")
        pending = survey.user_input_ids.filtered(lambda i: i.state != "done")
        self.assertEqual(len(pending), 9)
        self.assertEqual(
            set(pending.mapped("deadline")), {datetime(2026, 3, 20, 12, 0)}
        )
        done = survey.user_input_ids - pending
        self.assertEqual(done.deadline, datetime(2026, 4, 1))
        with self.assertRaises(UserError):
            survey.action_send()
        with self.assertRaises(UserError):
            survey.action_reset_to_draft()
        with self.assertRaises(UserError):
            survey.unlink()

    def test_question_flag_follows_the_answers(self):
        question = self.env["survey.question"].create(
            {
                "title": "Test how satisfied with cleaning?",
                "survey_id": self.questionnaire.id,
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    Command.create({"value": "Good"}),
                    Command.create({"value": "Bad"}),
                ],
            }
        )
        self.assertFalse(question.is_satisfaction_question)
        question.suggested_answer_ids[0].is_satisfied = True
        self.assertTrue(question.is_satisfaction_question)
        question.question_type = "text_box"
        self.assertFalse(question.is_satisfaction_question)
