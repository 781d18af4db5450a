from odoo import api, fields, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    is_satisfaction_question = fields.Boolean(
        compute="_compute_is_satisfaction_question",
        store=True,
        help="A single-choice question with a choice that counts as "
        "satisfied: its answers make the resident satisfaction rate.",
    )

    @api.depends("question_type", "suggested_answer_ids.is_satisfied")
    def _compute_is_satisfaction_question(self):
        for question in self:
            question.is_satisfaction_question = question.question_type == (
                "simple_choice"
            ) and any(question.suggested_answer_ids.mapped("is_satisfied"))
