from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.property_tenant.models.property_occupancy import TENANT_KINDS


class PropertyCallbackCampaign(models.Model):
    """Random, periodic or festival call-backs (不定期回访) to tenants, with
    a few scripted questions; their results count in the satisfaction rate."""

    _name = "property.callback.campaign"
    _description = "Call-back Campaign"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    campaign_type = fields.Selection(
        [("periodic", "Periodic"), ("festival", "Festival"), ("random", "Random")],
        string="Type",
        required=True,
        default="periodic",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    site_id = fields.Many2one(
        "property.site", required=True, check_company=True, tracking=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    tenant_kind_anchor = fields.Boolean(string="Anchor Tenants", default=True)
    tenant_kind_small = fields.Boolean(string="Small Merchants", default=True)
    tenant_kind_resident = fields.Boolean(string="Residents", default=True)
    sample_size = fields.Integer(
        help="Call only this many tenants, picked at random (0 = all of them)."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Caller",
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user if not self.env.user.share else False,
    )
    question_ids = fields.One2many(
        "property.callback.question", "campaign_id", string="Questions", copy=True
    )
    callback_ids = fields.One2many("property.callback", "campaign_id")
    callback_count = fields.Integer(compute="_compute_figures")
    done_count = fields.Integer(compute="_compute_figures")
    satisfied_count = fields.Integer(compute="_compute_figures")
    follow_up_count = fields.Integer(
        string="Follow-up Items",
        compute="_compute_figures",
        help="Desk items registered from the campaign's answers.",
    )
    follow_up_open_count = fields.Integer(
        string="Follow-ups Open",
        compute="_compute_figures",
        help="Follow-up items not closed yet.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        tracking=True,
    )

    def _compute_figures(self):
        groups = self.env["property.callback"]._read_group(
            [("campaign_id", "in", self.ids)],
            ["campaign_id", "state", "is_satisfied"],
            ["__count"],
        )
        figures = {}
        for campaign, state, satisfied, count in groups:
            total = figures.setdefault(campaign.id, [0, 0, 0])
            total[0] += count
            if state == "done":
                total[1] += count
                if satisfied:
                    total[2] += count
        follow_ups = {}
        for campaign, is_open, count in self.env["property.ticket"]._read_group(
            [("source_campaign_id", "in", self.ids)],
            ["source_campaign_id", "is_open"],
            ["__count"],
        ):
            total = follow_ups.setdefault(campaign.id, [0, 0])
            total[0] += count
            if is_open:
                total[1] += count
        for campaign in self:
            (
                campaign.callback_count,
                campaign.done_count,
                campaign.satisfied_count,
            ) = figures.get(campaign.id, (0, 0, 0))
            (
                campaign.follow_up_count,
                campaign.follow_up_open_count,
            ) = follow_ups.get(campaign.id, (0, 0))

    def _tenant_kinds(self):
        self.ensure_one()
        return [kind for kind, _label in TENANT_KINDS if self[f"tenant_kind_{kind}"]]

    def action_generate(self):
        """One call-back per active tenant of the site, with the script."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(
                self.env._("The call-backs of this campaign exist already.")
            )
        kinds = self._tenant_kinds()
        if not kinds:
            raise UserError(self.env._("Choose at least one kind of tenant to call."))
        if not self.question_ids:
            raise UserError(
                self.env._("Write the short questions the caller will ask.")
            )
        occupancies = self.env["property.occupancy"].search(
            [
                ("site_id", "=", self.site_id.id),
                ("state", "=", "active"),
                ("tenant_kind", "in", kinds),
            ],
            order="id",
        )
        if self.sample_size and len(occupancies) > self.sample_size:
            # deterministic sample: every n-th archive
            step = len(occupancies) / self.sample_size
            occupancies = occupancies.browse(
                [occupancies[int(i * step)].id for i in range(self.sample_size)]
            )
        if not occupancies:
            raise UserError(
                self.env._("No active tenant of this site matches the campaign.")
            )
        questions = [
            Command.create({"question_id": question.id})
            for question in self.question_ids
        ]
        self.env["property.callback"].create(
            [
                {
                    "campaign_id": self.id,
                    "company_id": self.company_id.id,
                    "site_id": self.site_id.id,
                    "partner_id": occupancy.tenant_id.id,
                    "tenant_kind": occupancy.tenant_kind,
                    "user_id": self.user_id.id,
                    "deadline": fields.Datetime.to_datetime(self.date),
                    "answer_ids": questions,
                }
                for occupancy in occupancies
            ]
        )
        self.state = "running"
        return self.action_view_callbacks()

    def action_done(self):
        self.write({"state": "done"})
        self.callback_ids.filtered(lambda c: c.state == "todo").action_cancel()
        return True

    def action_view_follow_ups(self):
        """The items the campaign's answers asked for, and their outcome."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_ticket_action"
        )
        action["domain"] = [("source_campaign_id", "=", self.id)]
        action["context"] = {"group_by": "state"}
        return action

    def action_view_callbacks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_callback_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action


class PropertyCallbackQuestion(models.Model):
    _name = "property.callback.question"
    _description = "Call-back Script Question"
    _order = "campaign_id, sequence, id"

    campaign_id = fields.Many2one(
        "property.callback.campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Question", required=True, translate=True)


class PropertyCallbackAnswer(models.Model):
    _name = "property.callback.answer"
    _description = "Call-back Answer"
    _order = "callback_id, sequence, id"

    callback_id = fields.Many2one(
        "property.callback", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="callback_id.company_id", store=True)
    question_id = fields.Many2one(
        "property.callback.question", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(related="question_id.sequence", store=True)
    answer = fields.Char()

    @api.depends("question_id.name")
    def _compute_display_name(self):
        for answer in self:
            answer.display_name = answer.question_id.name or ""
