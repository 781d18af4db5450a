from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mail import email_normalize, parse_contact_from_email

from odoo.addons.property_tenant.concurrency import serialize_on

from ..utils import is_satisfied

TICKET_KINDS = [
    ("complaint", "Complaint"),
    ("suggestion", "Suggestion"),
    ("praise", "Praise"),
    ("service", "Service Request"),
    ("inquiry", "Inquiry"),
]

CHANNELS = [
    ("phone", "Phone"),
    ("visit", "Walk-in Visit"),
    ("portal", "Portal"),
    ("email", "E-mail"),
    ("patrol", "Staff Patrol"),
    ("other", "Other"),
]

PRIORITIES = [
    ("0", "Low"),
    ("1", "Normal"),
    ("2", "High"),
    ("3", "Urgent"),
]

# One state field for the five flows; each kind walks its own path, and every
# item is closed after a call-back (inquiries: after the answer; praise: once
# passed on).  An unsatisfied call-back always leads somewhere:
#   service:    new → in_progress → done → closed, or → in_progress (new
#               round); from any open state → referred (outside service, the
#               number given) → closed, or → new (judged again)
#   suggestion: new → replied (invalid) → closed, or → replied again / in
#               progress / pending (judged again); new → pending →
#               in_progress → done → closed; new → in_progress → done → closed
#   complaint:  new → replied (invalid) → closed, or a supervisor answers again
#               (→ replied) or judges it valid after all (→ investigating);
#               new → investigating → solution → in_progress → done → closed,
#               or → in_progress (new round)
#   inquiry:    new → closed (answered at once); new → pending (answer
#               promised for a time, an activity for who promised) → closed
#   praise:     new → closed
# The test test_flow_graph derives these graphs by pressing the buttons.
TICKET_STATES = [
    ("new", "Registered"),
    ("referred", "Referred"),
    ("replied", "Replied"),
    ("pending", "Pending"),
    ("investigating", "Investigating"),
    ("solution", "Solution Review"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]

OPEN_STATES = (
    "new",
    "referred",
    "replied",
    "pending",
    "investigating",
    "solution",
    "in_progress",
    "done",
)

ROOT_CAUSES = [
    ("attitude", "Staff Attitude"),
    ("quality", "Service Quality"),
    ("response", "Response Time"),
    ("facility", "Facilities and Equipment"),
    ("cleaning", "Cleanliness"),
    ("security", "Security and Order"),
    ("fees", "Fees"),
    ("neighbour", "Neighbours and Other Tenants"),
    ("external", "Outside the Company's Control"),
    ("other", "Other"),
]


class PropertyTicket(models.Model):
    _name = "property.ticket"
    _description = "Service Desk Item"
    _inherit = [
        "portal.mixin",
        "mail.thread.cc",
        "mail.activity.mixin",
        "property.sequence.mixin",
        "property.unit.link.mixin",
    ]
    _sequence_code = "property.ticket"
    _order = "priority desc, received_at desc, id desc"
    _check_company_auto = True
    _sql_constraints = [
        (
            "portal_submission_uniq",
            "unique(portal_submission)",
            "This request form was already sent: look at your requests.",
        ),
    ]
    _mail_post_access = "read"
    # no item from an auto-responder, no auto-reply posted on one
    _mail_refuse_automatic = True
    _primary_email = "email_from"

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    kind = fields.Selection(
        TICKET_KINDS, required=True, default="service", tracking=True, index=True
    )
    channel = fields.Selection(
        CHANNELS, required=True, default="phone", tracking=True, index=True
    )
    state = fields.Selection(
        TICKET_STATES,
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
    )
    is_open = fields.Boolean(compute="_compute_is_open", store=True, index=True)
    portal_submission = fields.Char(
        readonly=True,
        copy=False,
        help="Key of the portal form that sent the request: the same form "
        "sent twice is one request.",
    )
    priority = fields.Selection(PRIORITIES, default="1", tracking=True, index=True)
    site_id = fields.Many2one(tracking=True)
    unit_id = fields.Many2one(tracking=True)
    spot_id = fields.Many2one(
        "property.spot",
        string="Public Spot",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain="[('site_id', '=', site_id)]",
        help="The public spot (lift, lobby, car park…) the item is about; "
        "the item belongs to the spot's site.",
    )
    partner_id = fields.Many2one(
        string="Customer",
        tracking=True,
        help="The tenant or resident; leave empty for a caller who is not in "
        "the archive yet and fill the contact.",
    )
    contact_name = fields.Char(tracking=True)
    contact_phone = fields.Char(tracking=True)
    email_from = fields.Char(string="Email")
    summary = fields.Char(required=True, tracking=True)
    description = fields.Html()
    key_points = fields.Text(
        string="Key Points Confirmed",
        help="The key points repeated back to the customer and confirmed.",
    )
    category_id = fields.Many2one(
        "property.ticket.category",
        tracking=True,
        domain="['|', ('kind', '=', False), ('kind', '=', kind)]",
    )
    photo_ids = fields.Many2many(
        "ir.attachment",
        "property_ticket_photo_rel",
        "ticket_id",
        "attachment_id",
        string="Photos",
    )
    received_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user if not self.env.user.share else False,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    received_at = fields.Datetime(
        required=True, default=fields.Datetime.now, tracking=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user if not self.env.user.share else False,
        help="Service agent who follows the item until it is closed.",
    )
    department_id = fields.Many2one(
        "property.department",
        string="Responsible Department",
        tracking=True,
        index=True,
        check_company=True,
    )
    phone_script = fields.Html(related="company_id.property_phone_script")

    # judgement
    validity = fields.Selection(
        [("valid", "Valid"), ("invalid", "Invalid")], tracking=True, copy=False
    )
    judgement_reason = fields.Text(tracking=True, copy=False)
    can_serve = fields.Boolean(
        string="We Can Serve It", default=True, tracking=True, copy=False
    )
    referral_id = fields.Many2one(
        "property.service.directory", string="Referred To", tracking=True, copy=False
    )
    referral_phone = fields.Char(
        string="Number Given",
        compute="_compute_referral_phone",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        help="The service number given to the customer (the directory's, "
        "unless another one was given).",
    )
    defect_id = fields.Many2one(
        "property.defect",
        string="Construction Defect",
        index="btree_not_null",
        tracking=True,
        copy=False,
        check_company=True,
        domain="[('unit_id', '=', unit_id), ('state', 'in', ('open', 'in_progress'))]",
        help="The legacy construction defect this item repairs: its work "
        "orders put the defect in repair, and fix it when done.",
    )
    second_reply = fields.Text(
        string="Answer Again",
        tracking=True,
        copy=False,
        help="The new answer given to a customer who was not satisfied with "
        "the first one; the customer is called back again.",
    )
    reply = fields.Text(
        string="Reply to Customer",
        tracking=True,
        copy=False,
        help="What the customer was answered (reason of an invalid item, of "
        "a postponed suggestion, or the referral).",
    )
    reply_date = fields.Date(tracking=True, copy=False)
    review_date = fields.Date(
        tracking=True,
        copy=False,
        help="When a pending suggestion is looked at again.",
    )
    promised_date = fields.Datetime(
        string="Promised To Customer",
        tracking=True,
        copy=False,
        help="The time needed to investigate, as told to the customer.",
    )
    root_cause = fields.Selection(ROOT_CAUSES, tracking=True, copy=False)
    round_count = fields.Integer(
        string="Rounds",
        default=0,
        copy=False,
        tracking=True,
        help="Dispatch rounds: 2 or more means the customer was not satisfied "
        "and the work was dispatched again (二次派单).",
    )

    # praise
    praised_user_id = fields.Many2one(
        "res.users",
        string="Praised Person",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    praised_department_id = fields.Many2one("property.department", check_company=True)

    solution_ids = fields.One2many(
        "property.complaint.solution", "ticket_id", string="Solutions"
    )
    approved_solution_id = fields.Many2one(
        "property.complaint.solution",
        compute="_compute_approved_solution_id",
        store=True,
    )
    work_order_ids = fields.One2many(
        "property.work.order", "ticket_id", string="Work Orders"
    )
    work_order_count = fields.Integer(compute="_compute_counts")
    callback_ids = fields.One2many(
        "property.callback", "ticket_id", string="Call-backs"
    )
    callback_count = fields.Integer(compute="_compute_counts")
    last_satisfaction = fields.Selection(
        related="last_callback_id.satisfaction", string="Last Satisfaction"
    )
    last_callback_id = fields.Many2one(
        "property.callback", compute="_compute_last_callback", store=True
    )
    needs_callback = fields.Boolean(compute="_compute_needs_callback")
    last_callback_unsatisfied = fields.Boolean(
        compute="_compute_last_callback_unsatisfied",
        help="The last call-back found the customer not satisfied.",
    )
    source_callback_id = fields.Many2one(
        "property.callback",
        string="Follow-up Of",
        index="btree_not_null",
        copy=False,
        check_company=True,
        ondelete="set null",
        help="The campaign or random call-back whose answer asked for this item.",
    )
    source_campaign_id = fields.Many2one(
        related="source_callback_id.campaign_id",
        string="From Campaign",
        store=True,
        index="btree_not_null",
    )

    cancel_reason = fields.Text(tracking=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False, index=True)
    closed_by_id = fields.Many2one("res.users", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        for ticket in tickets.filtered("partner_id"):
            ticket.message_subscribe(partner_ids=ticket.partner_id.ids)
        return tickets

    def write(self, vals):
        if (
            "state" in vals
            and not self.env.su
            and not self.env.context.get("property_ticket_flow")
        ):
            self.check_access("write")
            raise UserError(
                self.env._(
                    "The status of an item changes only through the steps of "
                    "its flow (the buttons on the item): nothing registered at "
                    "the desk is closed or lost by hand."
                )
            )
        return super().write(vals)

    def _flow_write(self, vals):
        """Write done by a step of the flow: the only way to change the state."""
        return self.with_context(property_ticket_flow=True).write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if any(ticket.state != "new" or ticket.work_order_ids for ticket in self):
            raise UserError(
                self.env._(
                    "An item that has been handled cannot be deleted: nothing "
                    "registered at the desk is lost. Cancel it with a reason "
                    "instead (supervisors)."
                )
            )

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/requests/{ticket.id}"
        return res

    @api.depends("name", "summary")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = f"{ticket.name} {ticket.summary or ''}".strip()

    @api.depends("state")
    def _compute_is_open(self):
        for ticket in self:
            ticket.is_open = ticket.state in OPEN_STATES

    @api.depends("solution_ids.state")
    def _compute_approved_solution_id(self):
        for ticket in self:
            approved = ticket.solution_ids.filtered(lambda s: s.state == "approved")
            ticket.approved_solution_id = approved[-1:] if approved else False

    @api.depends("callback_ids.state", "callback_ids.done_at")
    def _compute_last_callback(self):
        for ticket in self:
            done = ticket.callback_ids.filtered(lambda c: c.state == "done")
            ticket.last_callback_id = (
                done.sorted(lambda c: (c.done_at, c.id))[-1:] if done else False
            )

    def _compute_counts(self):
        def counts(model):
            return {
                ticket.id: count
                for ticket, count in self.env[model]._read_group(
                    [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
                )
            }

        work_orders = counts("property.work.order")
        callbacks = counts("property.callback")
        for ticket in self:
            ticket.work_order_count = work_orders.get(ticket.id, 0)
            ticket.callback_count = callbacks.get(ticket.id, 0)

    @api.depends("kind", "state", "validity", "work_order_ids.is_major_repair")
    def _compute_needs_callback(self):
        for ticket in self:
            ticket.needs_callback = ticket._callback_required()

    @api.depends("last_callback_id.satisfaction")
    def _compute_last_callback_unsatisfied(self):
        for ticket in self:
            ticket.last_callback_unsatisfied = bool(
                ticket.last_callback_id
                and not is_satisfied(ticket.last_callback_id.satisfaction)
            )

    @api.depends("referral_id")
    def _compute_referral_phone(self):
        for ticket in self:
            ticket.referral_phone = ticket.referral_id.phone or False

    @api.onchange("spot_id")
    def _onchange_spot_id(self):
        if self.spot_id:
            self.site_id = self.spot_id.site_id

    @api.constrains("spot_id", "site_id")
    def _check_spot_site(self):
        for ticket in self:
            if ticket.spot_id and ticket.spot_id.site_id != ticket.site_id:
                raise ValidationError(
                    self.env._(
                        "The spot %(spot)s is not part of site %(site)s. Pick "
                        "a spot of the item's site.",
                        spot=ticket.spot_id.display_name,
                        site=ticket.site_id.name,
                    )
                )

    @api.onchange("category_id")
    def _onchange_category_id(self):
        if self.category_id.department_id and not self.department_id:
            self.department_id = self.category_id.department_id

    # ------------------------------------------------------------------
    # Gates
    # ------------------------------------------------------------------
    def _callback_required(self):
        """Whether the item can only be closed after a call-back (回访).

        Complaints and suggestions always (also invalid ones: the answer is
        checked with the customer); service requests once work was
        dispatched or the customer referred elsewhere; any item with a major
        repair.  Inquiries end with their answer, praise once passed on.
        """
        self.ensure_one()
        if self.work_order_ids.filtered("is_major_repair"):
            return True
        if self.kind in ("complaint", "suggestion"):
            return True
        if self.kind == "service":
            return bool(self.work_order_ids) or self.state == "referred"
        return False

    def _check_can_close(self):
        for ticket in self:
            if ticket.state in ("closed", "cancel"):
                raise UserError(
                    self.env._("Item %s is already closed.", ticket.display_name)
                )
            if ticket._callback_required():
                callback = ticket.last_callback_id
                if not callback:
                    raise UserError(
                        self.env._(
                            "Item %s cannot be closed before the customer has "
                            "been called back (回访). Record the call-back first.",
                            ticket.display_name,
                        )
                    )
                if not is_satisfied(callback.satisfaction):
                    raise UserError(
                        self.env._(
                            "The last call-back of %s found the customer not "
                            "satisfied: dispatch the work again (second round) "
                            "instead of closing.",
                            ticket.display_name,
                        )
                    )
            if ticket.kind == "inquiry" and not ticket.reply:
                raise UserError(
                    self.env._(
                        "Record the answer given to the customer before closing "
                        "the inquiry %s.",
                        ticket.display_name,
                    )
                )
            if ticket.work_order_ids.filtered(
                lambda w: w.state in ("assigned", "in_progress")
            ):
                raise UserError(
                    self.env._(
                        "Item %s still has work orders in progress.",
                        ticket.display_name,
                    )
                )

    def _ensure_state(self, states, action):
        for ticket in self:
            if ticket.state not in states:
                raise UserError(
                    self.env._(
                        "%(action)s is not possible for %(item)s in state %(state)s.",
                        action=action,
                        item=ticket.display_name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[ticket.state],
                    )
                )

    def _ensure_kind(self, kinds):
        for ticket in self:
            if ticket.kind not in kinds:
                raise UserError(
                    self.env._(
                        "This step does not belong to the flow of %s.",
                        ticket.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Flows
    # ------------------------------------------------------------------
    def action_refer(self):
        """Service request the company cannot serve (judged so at once, or a
        work order came back "cannot be done"): the customer is given an
        outside service and its number, then called back before closing
        (不能处理 → 告知客服部 → 提供相应的服务电话)."""
        self._ensure_kind(["service"])
        self._ensure_state(["new", "in_progress", "done"], self.env._("Referral"))
        for ticket in self:
            if not ticket.referral_id or not ticket.referral_phone:
                raise UserError(
                    self.env._(
                        "Choose where the customer can get this service "
                        "(service directory) and the number given before "
                        "referring %s: never leave a customer without an answer.",
                        ticket.display_name,
                    )
                )
            if ticket.work_order_ids.filtered(
                lambda w: w.state in ("assigned", "in_progress")
            ):
                raise UserError(
                    self.env._(
                        "Item %s still has work orders in progress: they are "
                        "returned to the desk or cancelled before the customer "
                        "is referred elsewhere.",
                        ticket.display_name,
                    )
                )
        self._flow_write(
            {
                "can_serve": False,
                "state": "referred",
                "reply_date": fields.Date.context_today(self),
            }
        )
        for ticket in self:
            ticket.message_post(
                body=self.env._(
                    "Referred to %(provider)s, number given: %(phone)s.",
                    provider=ticket.referral_id.name,
                    phone=ticket.referral_phone,
                )
            )
            ticket._plan_callback()
        return True

    def action_judge_invalid(self):
        """Invalid complaint or suggestion: the reason and the answer given
        to the customer are recorded."""
        self._ensure_kind(["complaint", "suggestion"])
        self._ensure_state(["new"], self.env._("Judging"))
        for ticket in self:
            if not ticket.judgement_reason or not ticket.reply:
                raise UserError(
                    self.env._(
                        "Record why %s is not valid and the answer given to the "
                        "customer.",
                        ticket.display_name,
                    )
                )
        self._flow_write(
            {
                "validity": "invalid",
                "state": "replied",
                "reply_date": fields.Date.context_today(self),
            }
        )
        # every complaint and suggestion is called back, invalid ones too
        for ticket in self:
            ticket._plan_callback()
        return True

    def action_reply_again(self):
        """The customer was not satisfied with the answer to an invalid item:
        a new answer is given and the customer called back again.  For a
        complaint a supervisor confirms it invalid this way."""
        self._ensure_kind(["complaint", "suggestion"])
        self._ensure_state(["replied"], self.env._("Answering again"))
        self._ensure_unsatisfied()
        if self.filtered(lambda t: t.kind == "complaint"):
            self._ensure_supervisor(
                self.env._("Only a service supervisor confirms a complaint invalid.")
            )
        for ticket in self:
            if not ticket.second_reply:
                raise UserError(
                    self.env._(
                        "Record the new answer given to the customer of %s.",
                        ticket.display_name,
                    )
                )
        self._flow_write({"reply_date": fields.Date.context_today(self)})
        for ticket in self:
            ticket.message_post(
                body=self.env._("Answered again: %s", ticket.second_reply)
            )
            ticket._plan_callback()
        return True

    def action_rejudge_valid(self):
        """An invalid complaint whose customer was not satisfied is judged
        valid after all by a supervisor: it is accepted like a valid one
        (department, time promised, solutions, work, call-back)."""
        self._ensure_kind(["complaint"])
        self._ensure_state(["replied"], self.env._("Judging again"))
        self._ensure_unsatisfied()
        self._ensure_supervisor(
            self.env._("Only a service supervisor judges a complaint again.")
        )
        return self._accept_complaint()

    def _ensure_unsatisfied(self):
        for ticket in self:
            if not ticket.last_callback_unsatisfied:
                raise UserError(
                    self.env._(
                        "%s is judged again only after a call-back found the "
                        "customer not satisfied.",
                        ticket.display_name,
                    )
                )

    def _ensure_supervisor(self, message):
        if not self.env.user.has_group("property_tenant.group_property_supervisor"):
            raise UserError(message)

    def action_accept_complaint(self):
        """Valid complaint: the responsible department and the time promised
        to the customer are set, the department proposes solutions."""
        self._ensure_kind(["complaint"])
        self._ensure_state(["new"], self.env._("Accepting"))
        return self._accept_complaint()

    def _accept_complaint(self):
        for ticket in self:
            if not ticket.department_id or not ticket.promised_date:
                raise UserError(
                    self.env._(
                        "Name the responsible department of %s and the time "
                        "promised to the customer.",
                        ticket.display_name,
                    )
                )
        self._cancel_pending_callbacks()
        self._flow_write({"validity": "valid", "state": "investigating"})
        for ticket in self:
            head = ticket.department_id.head_id
            if head:
                ticket.activity_schedule(
                    "property_helpdesk.mail_activity_data_propose_solution",
                    user_id=head.id,
                    date_deadline=ticket.promised_date.date(),
                )
        return True

    def action_submit_solutions(self):
        self._ensure_kind(["complaint"])
        self._ensure_state(["investigating"], self.env._("Submitting solutions"))
        for ticket in self:
            if not ticket.solution_ids.filtered(lambda s: s.state == "proposed"):
                raise UserError(
                    self.env._(
                        "The department proposes at least one solution for %s.",
                        ticket.display_name,
                    )
                )
        # the department (which may not edit desk items) hands its proposals
        # over: the state moves on its behalf
        self.sudo().write({"state": "solution"})
        self.sudo().activity_feedback(
            ["property_helpdesk.mail_activity_data_propose_solution"]
        )
        return True

    def action_postpone(self):
        """Valid suggestion that cannot be done now: reply and keep pending
        (also an invalid one judged again after an unsatisfied call-back)."""
        self._ensure_kind(["suggestion"])
        self._ensure_state(["new", "replied"], self.env._("Postponing"))
        replied = self.filtered(lambda t: t.state == "replied")
        replied._ensure_unsatisfied()
        replied._cancel_pending_callbacks()
        for ticket in self:
            if not ticket.reply or not ticket.review_date:
                raise UserError(
                    self.env._(
                        "Record the reply given to the customer and the review "
                        "date of %s.",
                        ticket.display_name,
                    )
                )
        self._flow_write(
            {
                "validity": "valid",
                "state": "pending",
                "reply_date": fields.Date.context_today(self),
            }
        )
        for ticket in self:
            # the pending suggestion comes back to its agent on the review date
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=ticket.review_date,
                summary=self.env._("Review the pending suggestion"),
                user_id=(ticket.user_id or self.env.user).id,
            )
        return True

    def action_dispatch(self):
        """Open a work order for the item (first or next round)."""
        self.ensure_one()
        # two agents dispatching at once: the second waits for the first
        # and is replayed on its result, which the check below refuses
        serialize_on(self)
        self._ensure_as_seen()
        if self.kind == "complaint":
            self._ensure_state(["solution", "in_progress"], self.env._("Dispatching"))
            if not self.approved_solution_id:
                raise UserError(
                    self.env._(
                        "A supervisor approves one of the proposed solutions of "
                        "%s before work is dispatched.",
                        self.display_name,
                    )
                )
        elif self.kind in ("service", "suggestion"):
            self._ensure_state(
                ["new", "pending", "in_progress", "replied"],
                self.env._("Dispatching"),
            )
            if self.state == "replied":
                # an invalid suggestion judged valid after all
                self._ensure_kind(["suggestion"])
                self._ensure_unsatisfied()
        else:
            self._ensure_kind(["complaint", "service", "suggestion"])
        work_order = self._create_work_order()
        return {
            "type": "ir.actions.act_window",
            "res_model": "property.work.order",
            "res_id": work_order.id,
            "view_mode": "form",
            "target": "current",
        }

    def _ensure_as_seen(self):
        """The item is still as the agent saw it when pressing the button
        (its form sends the state and the number of work orders it showed):
        another agent's press in the meantime is not done a second time."""
        context = self.env.context
        seen_state = context.get("property_seen_state")
        seen_orders = context.get("property_seen_work_orders")
        self.invalidate_recordset(["work_order_count"])  # not stored: recount
        for ticket in self:
            if (seen_state and seen_state != ticket.state) or (
                seen_orders is not None and seen_orders != ticket.work_order_count
            ):
                raise UserError(
                    self.env._(
                        "%(item)s was changed by someone else in the meantime "
                        "(it is now %(state)s, with %(count)s work orders): "
                        "nothing was done. Reload the item and look at it "
                        "before pressing again.",
                        item=ticket.display_name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[ticket.state],
                        count=ticket.work_order_count,
                    )
                )

    def _create_work_order(self, previous=None):
        self.ensure_one()
        department = (
            self.department_id
            or self.category_id.department_id
            or (previous and previous.department_id)
        )
        if not department:
            raise UserError(
                self.env._(
                    "Choose the department that serves %s before dispatching.",
                    self.display_name,
                )
            )
        if self.state == "replied":
            self._cancel_pending_callbacks()
        vals = {"state": "in_progress"}
        if self.kind in ("service", "suggestion") and self.state in (
            "new",
            "pending",
            "replied",
        ):
            vals["validity"] = "valid"
        if not self.round_count or previous:
            vals["round_count"] = self.round_count + 1
        self._flow_write(vals)
        description = self.approved_solution_id.description or self.description
        work_order = self.env["property.work.order"].create(
            {
                "ticket_id": self.id,
                "defect_id": self.defect_id.id,
                "department_id": department.id,
                "user_id": (previous and previous.user_id.id)
                or department._assignee().id,
                "description": description,
                "category_id": self.category_id.id,
                "previous_work_order_id": previous and previous.id,
                "round": self.round_count,
            }
        )
        self.defect_id.sudo()._on_work_order_dispatched()
        return work_order

    def _on_work_order_done(self):
        """All the work of the item is finished: call-back time."""
        for ticket in self:
            if ticket.state == "in_progress" and not ticket.work_order_ids.filtered(
                lambda w: w.state in ("assigned", "in_progress")
            ):
                ticket._flow_write({"state": "done"})
                if ticket._callback_required():
                    ticket._plan_callback()

    def _plan_callback(self):
        self.ensure_one()
        pending = self.callback_ids.filtered(lambda c: c.state == "todo")
        if pending:
            return pending
        return self.env["property.callback"].create(
            {
                "ticket_id": self.id,
                "work_order_id": self.work_order_ids.sorted("id")[-1:].id,
                "user_id": self.user_id.id,
            }
        )

    def _on_callback_done(self, callback):
        """A call-back was recorded: close when satisfied; otherwise a new
        round of work, a new judgement of a referred item, or a judgement
        again of an invalid one."""
        self.ensure_one()
        satisfied = is_satisfied(callback.satisfaction)
        if self.state not in ("done", "replied", "referred"):
            return
        if satisfied:
            self._close()
        elif self.state == "done":
            self._redispatch(callback)
        elif self.state == "referred":
            # the outside service did not help: the desk judges it again
            # (dispatch after all, or another referral)
            self._flow_write({"state": "new", "can_serve": True})
            self._ask_judgement_again(callback)
        else:
            self._ask_judgement_again(callback)

    def _ask_judgement_again(self, callback):
        """An activity for the agent (for a complaint: the site's manager, or
        another service supervisor) to judge the item again after an
        unsatisfied call-back."""
        self.ensure_one()
        user = self.user_id or self.env.user
        supervisor = "property_tenant.group_property_supervisor"
        if self.kind == "complaint" and not user.has_group(supervisor):
            manager = self.site_id.manager_id
            user = (
                (manager if manager and manager.has_group(supervisor) else False)
                or self.env["res.users"].search(
                    [
                        ("groups_id", "in", self.env.ref(supervisor).id),
                        ("company_ids", "in", self.company_id.id),
                        ("share", "=", False),
                    ],
                    order="id",
                    limit=1,
                )
                or user
            )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=self.env._("Customer not satisfied: judge again"),
            note=callback.comment or False,
        )

    def _redispatch(self, callback):
        """Second dispatch (二次派单): the customer was not satisfied."""
        self.ensure_one()
        previous = callback.work_order_id or self.work_order_ids.sorted("id")[-1:]
        work_order = self._create_work_order(previous=previous or None)
        self.message_post(
            body=self.env._(
                "The customer was not satisfied (%(comment)s): round %(round)s "
                "dispatched as %(work_order)s.",
                comment=callback.comment or "-",
                round=self.round_count,
                work_order=work_order.name,
            )
        )
        return work_order

    def action_close(self):
        self._check_can_close()
        self._close()
        return True

    def action_promise_answer(self):
        """Inquiry the desk cannot answer at once (“我了解一下再告诉您”): the
        time promised to the customer, and an activity for the person who
        promised, due then."""
        self._ensure_kind(["inquiry"])
        self._ensure_state(["new"], self.env._("Promising an answer"))
        for ticket in self:
            if not ticket.promised_date:
                raise UserError(
                    self.env._(
                        "Record when the customer of %s will have the answer.",
                        ticket.display_name,
                    )
                )
        self._flow_write({"state": "pending"})
        for ticket in self:
            if not ticket.user_id:
                ticket.user_id = self.env.user
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=ticket.user_id.id,
                date_deadline=fields.Date.context_today(ticket, ticket.promised_date),
                summary=self.env._("Answer the inquiry as promised"),
            )
        return True

    def action_answer(self):
        """Inquiry answered: the answer is recorded, sent to the customer
        (e-mail and portal) and the inquiry closed."""
        self._ensure_kind(["inquiry"])
        self._ensure_state(["new", "pending"], self.env._("Answering"))
        for ticket in self:
            if not ticket.reply:
                raise UserError(
                    self.env._(
                        "Record the answer given to the customer of %s.",
                        ticket.display_name,
                    )
                )
        self._flow_write({"reply_date": fields.Date.context_today(self)})
        for ticket in self:
            ticket.message_post(
                body=self.env._("Answer: %s", ticket.reply),
                partner_ids=ticket.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            ticket.activity_feedback(
                ["mail.mail_activity_data_todo"], user_id=ticket.user_id.id
            )
        self._close()
        return True

    def _cancel_pending_callbacks(self):
        """A call-back planned for an answer that no longer stands (the item
        was judged again, or is closed) is not made."""
        self.callback_ids.filtered(lambda c: c.state == "todo").write(
            {"state": "cancel"}
        )

    def _close(self):
        self._cancel_pending_callbacks()
        self._flow_write(
            {
                "state": "closed",
                "closed_at": fields.Datetime.now(),
                "closed_by_id": self.env.user.id,
            }
        )

    def action_pass_on_praise(self):
        """Praise: the praised person or department is told, and it counts."""
        self._ensure_kind(["praise"])
        self._ensure_state(["new"], self.env._("Passing on praise"))
        for ticket in self:
            department = ticket.praised_department_id
            users = (
                ticket.praised_user_id or department.head_id or department.member_ids
            )
            if not users:
                raise UserError(
                    self.env._(
                        "Choose the person or the department praised in %s.",
                        ticket.display_name,
                    )
                )
            ticket.message_subscribe(partner_ids=users.partner_id.ids)
            ticket.message_post(
                body=self.env._(
                    "Praise from %(customer)s: %(summary)s",
                    customer=ticket.partner_id.name or ticket.contact_name or "-",
                    summary=ticket.summary,
                ),
                partner_ids=users.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        self._close()
        return True

    def action_cancel(self):
        """Cancel with a reason; supervisors only (nothing is silently lost)."""
        if not self.env.user.has_group("property_tenant.group_property_supervisor"):
            raise UserError(self.env._("Only a service supervisor can cancel an item."))
        for ticket in self:
            if not ticket.cancel_reason:
                raise UserError(
                    self.env._(
                        "Record why %s is cancelled before cancelling it.",
                        ticket.display_name,
                    )
                )
            if ticket.state in ("closed", "cancel"):
                raise UserError(
                    self.env._("Item %s is already closed.", ticket.display_name)
                )
        self.work_order_ids.filtered(
            lambda w: w.state in ("assigned", "in_progress")
        ).write({"state": "cancel"})
        self.callback_ids.filtered(lambda c: c.state == "todo").write(
            {"state": "cancel"}
        )
        self._flow_write({"state": "cancel"})
        return True

    def action_reopen(self):
        self._ensure_state(["closed"], self.env._("Reopening"))
        self._flow_write({"state": "done" if self.work_order_ids else "new"})
        return True

    def action_view_work_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_work_order_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_view_callbacks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_callback_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_plan_callback(self):
        self.ensure_one()
        callback = self._plan_callback()
        return {
            "type": "ir.actions.act_window",
            "res_model": "property.callback",
            "res_id": callback.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Mail gateway: an e-mail to the desk's alias registers an item
    # ------------------------------------------------------------------
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        partner = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        occupancy = self.env["property.occupancy"]
        if partner:
            occupancy = self.env["property.occupancy"].search(
                [
                    (
                        "tenant_id.commercial_partner_id",
                        "=",
                        partner.commercial_partner_id.id,
                    ),
                    ("state", "=", "active"),
                ],
                limit=1,
            )
        site = occupancy.site_id or self.env["property.site"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        values.setdefault("channel", "email")
        values.setdefault(
            "summary", msg_dict.get("subject") or self.env._("No subject")
        )
        values.setdefault("email_from", msg_dict.get("email_from"))
        # as Odoo's CRM does with a lead from an e-mail: the sender's display
        # name (decoded from any charset, e.g. GB2312) and the body
        name, _email = parse_contact_from_email(msg_dict.get("email_from") or "")
        if name and not partner:
            values.setdefault("contact_name", name)
        if msg_dict.get("body"):
            values.setdefault("description", msg_dict["body"])
        values.setdefault("site_id", site.id)
        if occupancy:
            values.setdefault("unit_id", occupancy.unit_id.id)
            values.setdefault("occupancy_id", occupancy.id)
        if partner:
            values.setdefault("partner_id", partner.id)
        return super().message_new(msg_dict, custom_values=values)

    def _mail_reply_allowed(self, message_dict):
        """A reply is attached to the item when it comes from the staff,
        from the item's customer (their company included), from one of its
        followers, or from the address that wrote it in; anyone else's
        "reply" (a forged In-Reply-To or References) is not, and is taken as
        a new mail to the desk."""
        self.ensure_one()
        author = self.env["res.partner"].browse(message_dict.get("author_id"))
        if author:
            if any(not user.share for user in author.sudo().user_ids):
                return True
            commercial = author.commercial_partner_id
            if self.partner_id and commercial == self.partner_id.commercial_partner_id:
                return True
            if author in self.sudo().message_partner_ids:
                return True
        sender = email_normalize(message_dict.get("email_from") or "")
        return bool(sender) and sender == email_normalize(self.email_from or "")

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=self.env._("Customer")
            )
        return recipients
