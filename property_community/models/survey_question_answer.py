from odoo import fields, models


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    is_satisfied = fields.Boolean(
        string="Counts as Satisfied",
        help="Answers flagged here (satisfied, very satisfied) count as "
        "satisfied in the resident satisfaction rate (满意率).",
    )
