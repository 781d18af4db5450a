from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..utils import SATISFACTION_LEVELS, is_major_repair

WORK_ORDER_STATES = [
    ("assigned", "Assigned"),
    ("in_progress", "On Site"),
    ("done", "Done"),
    ("returned", "Returned to Desk"),
    ("cancel", "Cancelled"),
]


class PropertyWorkOrder(models.Model):
    _name = "property.work.order"
    _description = "Work Order"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "property.sequence.mixin",
    ]
    _sequence_code = "property.work.order"
    _order = "planned_date, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    defect_id = fields.Many2one(
        "property.defect",
        string="Construction Defect",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        help="The legacy construction defect this work order repairs.",
    )
    ticket_id = fields.Many2one(
        "property.ticket",
        string="Origin Item",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    kind = fields.Selection(related="ticket_id.kind", store=True)
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )
    site_id = fields.Many2one(
        related="ticket_id.site_id", store=True, index=True, precompute=True
    )
    unit_id = fields.Many2one(related="ticket_id.unit_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="ticket_id.partner_id", store=True, index=True, string="Customer"
    )
    department_id = fields.Many2one(
        "property.department",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        index=True,
        tracking=True,
        check_company=True,
        domain="[('property_department_ids', 'in', department_id)]",
    )
    duty_id = fields.Many2one(
        "property.duty",
        string="Turn on Duty",
        compute="_compute_duty_id",
        store=True,
        index="btree_not_null",
        copy=False,
        help="The turn on duty (值班) the assignee was on when the work order "
        "reached them.",
    )
    state = fields.Selection(
        WORK_ORDER_STATES,
        required=True,
        default="assigned",
        tracking=True,
        index=True,
        copy=False,
    )
    category_id = fields.Many2one("property.ticket.category", tracking=True)
    description = fields.Html()
    planned_date = fields.Datetime(tracking=True)
    round = fields.Integer(default=1, readonly=True)
    previous_work_order_id = fields.Many2one(
        "property.work.order",
        string="Previous Round",
        readonly=True,
        index=True,
        ondelete="set null",
    )

    # on-site assessment
    can_be_done = fields.Boolean(default=True, tracking=True)
    return_reason = fields.Text(tracking=True)
    charge_type = fields.Selection(
        [("free", "Free"), ("paid", "Paid")],
        default="free",
        required=True,
        tracking=True,
    )
    price = fields.Monetary(tracking=True, help="Price of paid work (特约服务).")
    currency_id = fields.Many2one(related="company_id.currency_id")
    estimated_hours = fields.Float(tracking=True)
    estimated_cost = fields.Monetary(tracking=True)
    materials_needed = fields.Text()
    purchase_needed = fields.Boolean(
        tracking=True,
        help="Materials must be bought: the department head arranges the purchase.",
    )
    is_major_repair = fields.Boolean(
        string="Major Repair",
        compute="_compute_is_major_repair",
        store=True,
        index=True,
        help="Set by rule (category, estimated hours or cost, see Settings): "
        "every major repair is called back.",
    )

    # completion
    started_at = fields.Datetime(readonly=True, copy=False)
    done_at = fields.Datetime(readonly=True, copy=False, index=True)
    work_done = fields.Html()
    time_spent = fields.Float(string="Time Spent (hours)")
    materials_used = fields.Text()
    signature = fields.Image(
        string="Customer Signature", copy=False, max_width=1024, max_height=1024
    )
    signed_by = fields.Char(copy=False)
    signed_at = fields.Datetime(copy=False, readonly=True)
    satisfaction = fields.Selection(SATISFACTION_LEVELS, copy=False, tracking=True)
    customer_comment = fields.Text(copy=False)
    callback_done = fields.Boolean(
        string="Called Back",
        compute="_compute_callback_done",
        store=True,
        index=True,
        help="The customer was called back after this work was completed.",
    )

    @api.model
    def _sequence_company(self, vals):
        if vals.get("ticket_id"):
            return self.env["property.ticket"].browse(vals["ticket_id"]).company_id
        return super()._sequence_company(vals)

    @api.model_create_multi
    def create(self, vals_list):
        work_orders = super().create(vals_list)
        for work_order in work_orders.filtered("user_id"):
            work_order._notify_assignee()
        return work_orders

    def write(self, vals):
        res = super().write(vals)
        if vals.get("user_id"):
            for work_order in self:
                work_order._notify_assignee()
        if vals.get("signature"):
            self.filtered(lambda w: not w.signed_at).write(
                {"signed_at": fields.Datetime.now()}
            )
        return res

    def _notify_assignee(self):
        self.ensure_one()
        self.message_subscribe(partner_ids=self.user_id.partner_id.ids)

    @api.depends("user_id", "department_id")
    def _compute_duty_id(self):
        """The turn on duty of the department now, when the assignee is the
        one on it (assigned or reassigned to someone else: none)."""
        Duty = self.env["property.duty"].sudo()
        for work_order in self:
            turn = (
                Duty._turn(work_order.department_id)
                if work_order.department_id and work_order.user_id
                else Duty
            )
            work_order.duty_id = turn if turn.user_id == work_order.user_id else False

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for work_order in self:
            work_order.access_url = f"/my/work-orders/{work_order.id}"
        return res

    @api.depends(
        "category_id.is_major_repair",
        "estimated_hours",
        "estimated_cost",
        "company_id.property_major_repair_hours",
        "company_id.property_major_repair_cost",
    )
    def _compute_is_major_repair(self):
        for work_order in self:
            company = work_order.company_id
            work_order.is_major_repair = is_major_repair(
                work_order.category_id.is_major_repair,
                work_order.estimated_hours,
                work_order.estimated_cost,
                company.property_major_repair_hours,
                company.property_major_repair_cost,
            )

    @api.depends(
        "done_at", "ticket_id.callback_ids.state", "ticket_id.callback_ids.done_at"
    )
    def _compute_callback_done(self):
        for work_order in self:
            work_order.callback_done = bool(
                work_order.done_at
                and work_order.ticket_id.callback_ids.filtered(
                    lambda c, wo=work_order: (
                        c.state == "done" and c.done_at and c.done_at >= wo.done_at
                    )
                )
            )

    @api.constrains("price", "charge_type")
    def _check_price(self):
        for work_order in self:
            if work_order.charge_type == "paid" and work_order.price <= 0:
                raise ValidationError(
                    self.env._(
                        "Paid work order %s needs a price greater than zero.",
                        work_order.name,
                    )
                )
            if work_order.price < 0:
                raise ValidationError(self.env._("A price cannot be negative."))

    @api.constrains("department_id", "user_id")
    def _check_assignee_department(self):
        for work_order in self:
            if (
                work_order.user_id
                and work_order.department_id
                and work_order.department_id
                not in work_order.user_id.property_department_ids
            ):
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a member of the %(department)s department.",
                        user=work_order.user_id.name,
                        department=work_order.department_id.name,
                    )
                )

    @api.onchange("department_id")
    def _onchange_department_id(self):
        if self.department_id and (
            not self.user_id or self.user_id not in self.department_id.member_ids
        ):
            self.user_id = self.department_id._assignee()

    def _ensure_states(self, states):
        for work_order in self:
            if work_order.state not in states:
                raise UserError(
                    self.env._(
                        "Work order %(name)s is %(state)s: this step is not "
                        "possible now.",
                        name=work_order.name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[work_order.state],
                    )
                )

    def action_start(self):
        """On site: assessment done, work starts."""
        self._ensure_states(["assigned"])
        for work_order in self:
            if not work_order.user_id:
                raise UserError(
                    self.env._(
                        "Assign work order %s to a person first.", work_order.name
                    )
                )
        self.write({"state": "in_progress", "started_at": fields.Datetime.now()})
        for work_order in self.filtered("purchase_needed"):
            head = work_order.department_id.head_id
            if head:
                work_order.activity_schedule(
                    "property_helpdesk.mail_activity_data_purchase",
                    user_id=head.id,
                    note=work_order.materials_needed,
                )
        return True

    def action_return_to_desk(self):
        """Cannot be done: back to the service desk with the reason."""
        self._ensure_states(["assigned", "in_progress"])
        for work_order in self:
            if not work_order.return_reason:
                raise UserError(
                    self.env._(
                        "Record why work order %s cannot be done.", work_order.name
                    )
                )
        self.write({"state": "returned", "can_be_done": False})
        for work_order in self:
            ticket = work_order.ticket_id.sudo()
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(ticket.user_id or self.env.user).id,
                summary=self.env._("Work order returned: %s", work_order.name),
                note=work_order.return_reason,
            )
        return True

    def action_done(self):
        """Completion: the work done and the customer's sign-off."""
        self._ensure_states(["in_progress"])
        for work_order in self:
            if not work_order.work_done:
                raise UserError(
                    self.env._(
                        "Describe the work done on %s before completing it.",
                        work_order.name,
                    )
                )
            if not work_order.signature:
                raise UserError(
                    self.env._(
                        "The customer signs work order %s on completion.",
                        work_order.name,
                    )
                )
        self.write({"state": "done", "done_at": fields.Datetime.now()})
        self.activity_unlink(["property_helpdesk.mail_activity_data_purchase"])
        # the item moves on to its call-back whoever completed the work (the
        # technician may not edit desk items)
        self.ticket_id.sudo()._on_work_order_done()
        # the defect it repairs is fixed (the technician may not edit it)
        self.defect_id.sudo()._on_work_order_done()
        return True

    def action_cancel(self):
        self._ensure_states(["assigned", "in_progress"])
        self.write({"state": "cancel"})
        return True

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Work Order %s", self.name)
