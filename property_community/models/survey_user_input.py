from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    satisfaction_survey_id = fields.Many2one(
        "property.satisfaction.survey",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        help="The resident satisfaction survey (site and period) that sent "
        "this invitation.",
    )
