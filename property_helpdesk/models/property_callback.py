from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.property_tenant.models.property_occupancy import TENANT_KINDS

from ..utils import SATISFACTION_LEVELS, is_satisfied
from .property_ticket import CHANNELS, TICKET_KINDS

CALLBACK_METHODS = [
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("email", "E-mail"),
    ("portal", "Portal"),
]


class PropertyCallback(models.Model):
    _name = "property.callback"
    _description = "Call-back"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "state desc, deadline, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    ticket_id = fields.Many2one(
        "property.ticket",
        string="Item",
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    work_order_id = fields.Many2one(
        "property.work.order", index=True, ondelete="set null", check_company=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    site_id = fields.Many2one(
        "property.site",
        compute="_compute_site_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        index=True,
    )
    tenant_kind = fields.Selection(
        TENANT_KINDS,
        string="Customer Kind",
        compute="_compute_tenant_kind",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="The kind of tenant called back, as the archive had it then: "
        "residents' answers make the residents' satisfaction (the service "
        "target); shops' and offices' are shown beside it.",
    )
    kind = fields.Selection(related="ticket_id.kind", store=True, string="Item Kind")
    is_major_repair = fields.Boolean(
        related="work_order_id.is_major_repair", store=True
    )
    technician_id = fields.Many2one(
        related="work_order_id.user_id", store=True, index=True, string="Technician"
    )
    department_id = fields.Many2one(
        related="work_order_id.department_id", store=True, index=True
    )
    method = fields.Selection(CALLBACK_METHODS, default="phone", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Called By",
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user if not self.env.user.share else False,
    )
    deadline = fields.Datetime(
        compute="_compute_deadline", store=True, readonly=False, index=True
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )
    state = fields.Selection(
        [("todo", "To Call"), ("done", "Done"), ("cancel", "Cancelled")],
        default="todo",
        required=True,
        tracking=True,
        index=True,
    )
    done_at = fields.Datetime(readonly=True, index=True)
    satisfaction = fields.Selection(SATISFACTION_LEVELS, tracking=True)
    is_satisfied = fields.Boolean(
        compute="_compute_is_satisfied", store=True, index=True
    )
    comment = fields.Text(string="Customer's Comments")
    campaign_id = fields.Many2one(
        "property.callback.campaign", index=True, ondelete="cascade", check_company=True
    )
    answer_ids = fields.One2many(
        "property.callback.answer", "callback_id", string="Answers"
    )
    follow_up_kind = fields.Selection(
        TICKET_KINDS,
        string="Follow-up Item",
        help="A campaign or random call-back whose customer is not satisfied, "
        "or asks for something, becomes a desk item of this kind, prefilled "
        "from the call-back, when the call-back is recorded.",
    )
    follow_up_ticket_ids = fields.One2many(
        "property.ticket", "source_callback_id", string="Follow-up Items"
    )

    @api.depends("ticket_id.name", "campaign_id.name", "partner_id.name")
    def _compute_name(self):
        for callback in self:
            callback.name = " - ".join(
                part
                for part in (
                    callback.ticket_id.name or callback.campaign_id.name,
                    callback.partner_id.name,
                )
                if part
            ) or self.env._("Call-back")

    @api.depends("ticket_id")
    def _compute_company_id(self):
        for callback in self:
            if callback.ticket_id:
                callback.company_id = callback.ticket_id.company_id
            elif not callback.company_id:
                callback.company_id = self.env.company

    @api.depends("ticket_id")
    def _compute_site_id(self):
        for callback in self:
            if callback.ticket_id:
                callback.site_id = callback.ticket_id.site_id

    @api.depends("ticket_id")
    def _compute_partner_id(self):
        for callback in self:
            if callback.ticket_id and not callback.partner_id:
                callback.partner_id = callback.ticket_id.partner_id

    @api.depends("ticket_id", "partner_id", "site_id")
    def _compute_tenant_kind(self):
        """The kind of the item's tenant archive; without one (campaigns,
        items not tied to a unit), of the customer's archives at the site,
        a resident first."""
        for callback in self:
            kinds = callback.ticket_id.occupancy_id.mapped("tenant_kind")
            if not kinds and callback.partner_id and callback.site_id:
                kinds = (
                    self.env["property.occupancy"]
                    .sudo()
                    .search(
                        [
                            (
                                "tenant_id",
                                "=",
                                callback.partner_id.commercial_partner_id.id,
                            ),
                            ("site_id", "=", callback.site_id.id),
                            ("state", "=", "active"),
                        ]
                    )
                    .mapped("tenant_kind")
                )
            kind = "resident" if "resident" in kinds else (kinds or [False])[0]
            callback.tenant_kind = kind or callback.tenant_kind

    @api.depends("work_order_id.done_at", "ticket_id")
    def _compute_deadline(self):
        for callback in self:
            if callback.deadline:
                continue
            start = callback.work_order_id.done_at or fields.Datetime.now()
            hours = callback.company_id.property_callback_delay_hours or 48
            callback.deadline = start + timedelta(hours=hours)

    @api.depends("satisfaction")
    def _compute_is_satisfied(self):
        for callback in self:
            callback.is_satisfied = is_satisfied(callback.satisfaction)

    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for callback in self:
            callback.is_overdue = bool(
                callback.state == "todo"
                and callback.deadline
                and callback.deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue call-backs."))
        overdue = [("state", "=", "todo"), ("deadline", "<", fields.Datetime.now())]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    def action_done(self):
        for callback in self:
            if callback.state != "todo":
                raise UserError(self.env._("This call-back is already recorded."))
            if not callback.satisfaction:
                raise UserError(
                    self.env._(
                        "Record the customer's satisfaction before completing the "
                        "call-back %s.",
                        callback.name,
                    )
                )
            if (
                not callback.ticket_id
                and not is_satisfied(callback.satisfaction)
                and not callback.follow_up_kind
            ):
                raise UserError(
                    self.env._(
                        "The customer of %s is not satisfied: choose the kind "
                        "of follow-up item (complaint, service request, …) so "
                        "that the answer leads somewhere.",
                        callback.name,
                    )
                )
        self.write({"state": "done", "done_at": fields.Datetime.now()})
        for callback in self.filtered("ticket_id"):
            callback.ticket_id._on_callback_done(callback)
        self.filtered(
            lambda c: not c.ticket_id and c.follow_up_kind
        )._create_follow_up_tickets()
        return True

    def _create_follow_up_tickets(self):
        """One desk item per call-back, prefilled from it: site, customer,
        the customer's unit and tenancy at the site, what was said."""
        channels = dict(CHANNELS)
        vals_list = []
        for callback in self:
            occupancy = self.env["property.occupancy"].search(
                [
                    ("site_id", "=", callback.site_id.id),
                    ("tenant_id", "=", callback.partner_id.id),
                    ("state", "=", "active"),
                ],
                limit=1,
            )
            answers = "\n".join(
                f"{answer.question_id.name}: {answer.answer}"
                for answer in callback.answer_ids
                if answer.answer
            )
            comment = (callback.comment or "").strip()
            vals_list.append(
                {
                    "kind": callback.follow_up_kind,
                    "channel": callback.method
                    if callback.method in channels
                    else "phone",
                    "company_id": callback.company_id.id,
                    "site_id": callback.site_id.id,
                    "unit_id": occupancy.unit_id.id,
                    "occupancy_id": occupancy.id,
                    "partner_id": callback.partner_id.id,
                    "summary": (comment.splitlines() or [""])[0][:120]
                    or self.env._("Follow-up of call-back %s", callback.name),
                    "description": "\n\n".join(
                        part for part in (comment, answers) if part
                    ).replace("\n", "<br/>")
                    or False,
                    "user_id": callback.user_id.id,
                    "source_callback_id": callback.id,
                }
            )
        tickets = self.env["property.ticket"].create(vals_list)
        for callback, ticket in zip(self, tickets, strict=True):
            callback.message_post(
                body=self.env._("Follow-up item %s registered.", ticket.name)
            )
        return tickets

    def action_view_follow_ups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_ticket_action"
        )
        action["domain"] = [("source_callback_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_cancel(self):
        self.filtered(lambda c: c.state == "todo").write({"state": "cancel"})
        return True
