from odoo import fields, models

from odoo.addons.property_tenant.models.property_occupancy import TENANT_KINDS


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
    property_tenant_kind = fields.Selection(
        TENANT_KINDS,
        string="Tenant Kind",
        readonly=True,
        index="btree_not_null",
        help="The kind of tenant invited, as the archive had it when the "
        "invitation was sent: residents' answers make the residents' "
        "satisfaction, shops' and offices' are shown beside it.",
    )
