from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.property_tenant.utils import KPI_TARGETS, kpi_percent

# The seed's service target (服务目标): resident satisfaction >= 90%.
SATISFACTION_TARGET = KPI_TARGETS["satisfaction"]

SURVEY_STATES = [
    ("draft", "Draft"),
    ("open", "Open"),
    ("closed", "Closed"),
]


class PropertySatisfactionSurvey(models.Model):
    """A resident satisfaction survey (社区居民满意度调查) of a site for a
    period: an Odoo survey sent to the tenants of the site, whose answers
    to the satisfaction question make the satisfaction rate (满意率)."""

    _name = "property.satisfaction.survey"
    _description = "Resident Satisfaction Survey"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.audience.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    survey_id = fields.Many2one(
        "survey.survey",
        string="Questionnaire",
        required=True,
        tracking=True,
        ondelete="restrict",
        domain="[('survey_type', '=', 'survey')]",
        default=lambda self: self.env.ref(
            "property_community.survey_resident_satisfaction",
            raise_if_not_found=False,
        ),
    )
    site_id = fields.Many2one(required=True)
    company_id = fields.Many2one(
        related="site_id.company_id", store=True, index=True, precompute=True
    )
    date_from = fields.Date(
        string="From", required=True, tracking=True, help="First day of the survey."
    )
    date_to = fields.Date(
        string="To",
        required=True,
        tracking=True,
        help="Last day on which the tenants can answer.",
    )
    state = fields.Selection(
        SURVEY_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    user_input_ids = fields.One2many(
        "survey.user_input", "satisfaction_survey_id", string="Invitations"
    )
    invited_count = fields.Integer(compute="_compute_figures", string="Invited")
    answered_count = fields.Integer(compute="_compute_figures", string="Answered")
    satisfied_count = fields.Integer(compute="_compute_figures", string="Satisfied")
    satisfied_percent = fields.Float(
        string="Satisfaction (%)", compute="_compute_figures", digits=(16, 2)
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for survey in self:
            if survey.date_to < survey.date_from:
                raise ValidationError(
                    self.env._(
                        "The survey %(name)s ends (%(end)s) before it starts "
                        "(%(start)s). Set the last day after the first.",
                        name=survey.name,
                        start=survey.date_from,
                        end=survey.date_to,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(survey.state != "draft" for survey in self):
            raise UserError(
                self.env._(
                    "A satisfaction survey that was sent keeps its answers for "
                    "the satisfaction rate and cannot be deleted."
                )
            )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _answer_line_domain(self):
        """Answers to satisfaction questions, of completed real (not test)
        participations sent by a satisfaction survey."""
        return [
            ("user_input_id.satisfaction_survey_id", "!=", False),
            ("user_input_id.state", "=", "done"),
            ("user_input_id.test_entry", "=", False),
            ("question_id.is_satisfaction_question", "=", True),
            ("answer_type", "=", "suggestion"),
            ("suggested_answer_id", "!=", False),
        ]

    @api.model
    def _count_satisfied(self, domain):
        """(satisfied answers, answers) of the answer lines in the domain,
        in one grouped query."""
        groups = (
            self.env["survey.user_input.line"]
            .sudo()
            ._read_group(domain, ["suggested_answer_id"], ["__count"])
        )
        answered = sum(count for _answer, count in groups)
        satisfied = sum(count for answer, count in groups if answer.is_satisfied)
        return satisfied, answered

    def _compute_figures(self):
        invited = {
            survey.id: count
            for survey, count in self.env["survey.user_input"]
            .sudo()
            ._read_group(
                [("satisfaction_survey_id", "in", self.ids)],
                ["satisfaction_survey_id"],
                ["__count"],
            )
        }
        answered = {
            survey.id: count
            for survey, count in self.env["survey.user_input"]
            .sudo()
            ._read_group(
                [
                    ("satisfaction_survey_id", "in", self.ids),
                    ("state", "=", "done"),
                ],
                ["satisfaction_survey_id"],
                ["__count"],
            )
        }
        for survey in self:
            satisfied, lines = self._count_satisfied(
                self._answer_line_domain()
                + [("user_input_id.satisfaction_survey_id", "=", survey.id)]
            )
            survey.invited_count = invited.get(survey.id, 0)
            survey.answered_count = answered.get(survey.id, 0)
            survey.satisfied_count = satisfied
            # no answer, no value (shown blank, never 100 %)
            survey.satisfied_percent = kpi_percent(satisfied, lines) or 0.0

    def _audience_kind_by_tenant(self):
        """``{partner id: tenant kind}`` of the addressed tenants; a tenant
        who is a resident somewhere in the audience counts as a resident."""
        self.ensure_one()
        kinds = {}
        for tenant, kind in (
            self.env["property.occupancy"]
            .sudo()
            ._read_group(
                self._audience_occupancy_domain(), ["tenant_id", "tenant_kind"]
            )
        ):
            if kinds.get(tenant.id) != "resident":
                kinds[tenant.id] = kind
        return kinds

    @api.model
    def satisfaction_rate(self, site_ids, date_from, date_to, tenant_kinds=None):
        """Resident satisfaction (社区居民对物业管理满意率) of the sites over
        [date_from, date_to] (dates, inclusive), for the suite's KPIs.

        The answers to the satisfaction question of the satisfaction surveys
        of the sites, completed in the period: the share answering a choice
        that counts as satisfied (satisfied, very satisfied). Same shape as
        the service desk's ``compute_kpis`` figures; no answer, no value.
        ``tenant_kinds``: only the answers of tenants of these kinds (as
        invited), e.g. ``("resident",)`` for the service target.
        """
        self.check_access("read")
        start = fields.Datetime.to_string(datetime.combine(date_from, time.min))
        end = fields.Datetime.to_string(
            datetime.combine(date_to + relativedelta(days=1), time.min)
        )
        domain = self._answer_line_domain() + [
            ("user_input_id.satisfaction_survey_id.site_id", "in", list(site_ids)),
            (
                "user_input_id.satisfaction_survey_id.company_id",
                "in",
                self.env.companies.ids,
            ),
            ("user_input_id.end_datetime", ">=", start),
            ("user_input_id.end_datetime", "<", end),
        ]
        if tenant_kinds:
            domain.append(
                ("user_input_id.property_tenant_kind", "in", list(tenant_kinds))
            )
        satisfied, answered = self._count_satisfied(domain)
        return {
            "value": kpi_percent(satisfied, answered),
            "numerator": satisfied,
            "denominator": answered,
            "target": SATISFACTION_TARGET,
            "model": "survey.user_input.line",
            "domain": domain,
            "numerator_domain": domain
            + [("suggested_answer_id.is_satisfied", "=", True)],
        }

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _deadline(self):
        """End of the last day of the survey, as a UTC datetime."""
        self.ensure_one()
        return datetime.combine(self.date_to + relativedelta(days=1), time.min)

    def action_send(self):
        """Invite the addressed tenants: one participation per tenant not yet
        invited, with its own answer link, e-mailed through the mail queue."""
        template = self.env.ref("property_community.mail_template_satisfaction_invite")
        for survey in self:
            if survey.state == "closed":
                raise UserError(
                    self.env._(
                        "The survey %(name)s is closed; open a new one for a "
                        "new period.",
                        name=survey.name,
                    )
                )
            questionnaire = survey.survey_id
            if not questionnaire.active:
                raise UserError(
                    self.env._(
                        "The questionnaire %(survey)s is archived.",
                        survey=questionnaire.display_name,
                    )
                )
            if not questionnaire.question_ids.filtered("is_satisfaction_question"):
                raise UserError(
                    self.env._(
                        "The questionnaire %(survey)s has no satisfaction "
                        "question: add a single-choice question and tick "
                        "'Counts as Satisfied' on its satisfied answers.",
                        survey=questionnaire.display_name,
                    )
                )
            if survey._deadline() <= fields.Datetime.now():
                raise UserError(
                    self.env._(
                        "The survey %(name)s ended on %(end)s: the tenants "
                        "could no longer answer. Move its last day later.",
                        name=survey.name,
                        end=survey.date_to,
                    )
                )
            survey._check_audience()
            audience = survey._audience_partners()
            invited = survey.user_input_ids.partner_id
            new_partners = audience - invited
            kinds = survey._audience_kind_by_tenant()
            inputs = (
                self.env["survey.user_input"]
                .sudo()
                .create(
                    [
                        {
                            "survey_id": questionnaire.id,
                            "partner_id": partner.id,
                            "email": partner.email,
                            "nickname": partner.name,
                            "deadline": survey._deadline(),
                            "satisfaction_survey_id": survey.id,
                            "property_tenant_kind": kinds.get(partner.id),
                        }
                        for partner in new_partners
                    ]
                )
            )
            to_mail = inputs.filtered("email")
            if to_mail:
                template.sudo().send_mail_batch(to_mail.ids, force_send=False)
            survey.state = "open"
            survey.message_post(
                body=self.env._(
                    "%(invited)s tenant(s) invited, %(mailed)s e-mail(s) queued; "
                    "%(no_email)s without e-mail address answer from the portal.",
                    invited=len(inputs),
                    mailed=len(to_mail),
                    no_email=len(inputs) - len(to_mail),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_close(self):
        """Close the survey: the pending invitations can no longer be answered."""
        now = fields.Datetime.now()
        for survey in self:
            if survey.state != "open":
                raise UserError(
                    self.env._(
                        "Only open surveys can be closed (%(name)s).", name=survey.name
                    )
                )
            survey.user_input_ids.sudo().filtered(
                lambda i: i.state != "done"
            ).deadline = now
            survey.state = "closed"
        return True

    def action_reset_to_draft(self):
        for survey in self:
            if survey.state != "closed" or survey.user_input_ids:
                raise UserError(
                    self.env._(
                        "Only a closed survey without any invitation can be "
                        "set back to draft (%(name)s).",
                        name=survey.name,
                    )
                )
        self.write({"state": "draft"})
        return True

    def action_view_answers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "survey.action_survey_user_input"
        )
        action["domain"] = [("satisfaction_survey_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
