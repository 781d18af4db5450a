from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import is_html_empty

# The department-side rectification loop (信息传递单, 品质推行):
#   draft → sent → measures_proposed → rectified → inspected → filed
#   a failed inspection sends the slip back to measures_proposed (rectifying)
SLIP_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent to Department"),
    ("measures_proposed", "Rectifying"),
    ("rectified", "To Inspect"),
    ("inspected", "Up to Standard"),
    ("filed", "Filed"),
    ("cancel", "Cancelled"),
]

INSPECTION_RESULTS = [
    ("passed", "Up to Standard"),
    ("failed", "Not Up to Standard"),
]

DESK_GROUP = "property_tenant.group_property_agent"
RECTIFY_ACTIVITY = "property_helpdesk.mail_activity_data_slip_rectify"
INSPECT_ACTIVITY = "property_helpdesk.mail_activity_data_slip_inspect"


class PropertyTransferSlip(models.Model):
    _name = "property.transfer.slip"
    _description = "Information Transfer Slip"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.sequence.mixin"]
    _sequence_code = "property.transfer.slip"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index="trigram",
    )
    summary = fields.Char(required=True, tracking=True)
    state = fields.Selection(
        SLIP_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    site_id = fields.Many2one(
        "property.site",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    department_id = fields.Many2one(
        "property.department",
        string="Responsible Department",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    department_head_id = fields.Many2one(
        related="department_id.head_id", string="Department Head"
    )
    issued_by_id = fields.Many2one(
        "res.users",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
        help="The service desk agent who writes the slip and inspects the "
        "rectification.",
    )
    ticket_id = fields.Many2one(
        "property.ticket",
        string="Origin Item",
        index=True,
        check_company=True,
        ondelete="set null",
        domain="[('site_id', '=', site_id)]",
    )
    issue_description = fields.Html(
        string="Issue",
        help="What is wrong and where, as the desk found or was told it.",
    )
    due_date = fields.Date(tracking=True, index=True)
    sent_at = fields.Datetime(readonly=True, copy=False)

    # the department's side
    corrective_measures = fields.Text(
        tracking=True,
        copy=False,
        help="What the department will do to put the issue right.",
    )
    measures_by_id = fields.Many2one(
        "res.users", string="Measures Proposed By", readonly=True, copy=False
    )
    measures_at = fields.Datetime(
        string="Measures Proposed On", readonly=True, copy=False
    )
    rectification_note = fields.Text(
        string="Rectification Done",
        tracking=True,
        copy=False,
        help="What the department has actually done.",
    )
    rectified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    rectified_at = fields.Datetime(string="Rectified On", readonly=True, copy=False)
    round_count = fields.Integer(
        string="Rectification Rounds",
        default=1,
        readonly=True,
        copy=False,
        tracking=True,
        help="1 for the first rectification, one more for each failed inspection.",
    )

    # the desk's inspection
    inspection_remarks = fields.Text(
        copy=False,
        help="Remarks of the inspection under way; they are kept in the "
        "inspection log when you record the result.",
    )
    inspection_ids = fields.One2many(
        "property.transfer.slip.inspection", "slip_id", string="Inspections"
    )
    inspection_count = fields.Integer(compute="_compute_inspection_stats", store=True)
    failed_inspection_count = fields.Integer(
        string="Failed Inspections", compute="_compute_inspection_stats", store=True
    )
    filed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    filed_at = fields.Datetime(string="Filed On", readonly=True, copy=False)
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(slip.state not in ("draft", "cancel") for slip in self):
            raise UserError(
                self.env._(
                    "A slip that has been sent to a department cannot be "
                    "deleted: cancel it instead."
                )
            )

    @api.depends("name", "summary")
    def _compute_display_name(self):
        for slip in self:
            slip.display_name = f"{slip.name} {slip.summary or ''}".strip()

    @api.depends("inspection_ids.result")
    def _compute_inspection_stats(self):
        for slip in self:
            slip.inspection_count = len(slip.inspection_ids)
            slip.failed_inspection_count = len(
                slip.inspection_ids.filtered(lambda i: i.result == "failed")
            )

    @api.depends("due_date", "state")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for slip in self:
            slip.is_overdue = bool(
                slip.due_date
                and slip.due_date < today
                and slip.state not in ("inspected", "filed", "cancel")
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("This search is not supported."))
        domain = [
            ("due_date", "<", fields.Date.context_today(self)),
            ("state", "not in", ("inspected", "filed", "cancel")),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.onchange("ticket_id")
    def _onchange_ticket_id(self):
        if self.ticket_id:
            self.site_id = self.ticket_id.site_id
            if self.ticket_id.department_id and not self.department_id:
                self.department_id = self.ticket_id.department_id

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------
    def _state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _ensure_states(self, states):
        for slip in self:
            if slip.state not in states:
                raise UserError(
                    self.env._(
                        "Transfer slip %(name)s is %(state)s: this step is not "
                        "possible now.",
                        name=slip.name,
                        state=slip._state_label(),
                    )
                )

    def _check_desk(self):
        """Steps that belong to the service desk, not to the department."""
        if not self.env.su and not self.env.user.has_group(DESK_GROUP):
            raise AccessError(
                self.env._(
                    "Only the service desk sends, inspects and files transfer "
                    "slips; the department proposes measures and rectifies."
                )
            )

    def _schedule_rectify_activity(self, summary):
        for slip in self:
            head = slip.department_id.head_id
            if head:
                slip.activity_schedule(
                    RECTIFY_ACTIVITY,
                    user_id=head.id,
                    summary=summary,
                    date_deadline=slip.due_date or fields.Date.context_today(slip),
                )

    def action_send(self):
        """The desk sends the slip to the responsible department."""
        self._check_desk()
        self._ensure_states(["draft"])
        for slip in self:
            if is_html_empty(slip.issue_description):
                raise UserError(
                    self.env._(
                        "Describe the issue on slip %s before sending it to the "
                        "department.",
                        slip.name,
                    )
                )
        self.write({"state": "sent", "sent_at": fields.Datetime.now()})
        for slip in self:
            if slip.department_id.head_id:
                slip.message_subscribe(
                    partner_ids=slip.department_id.head_id.partner_id.ids
                )
        self._schedule_rectify_activity(
            self.env._("Propose corrective measures and rectify")
        )
        return True

    def action_propose_measures(self):
        """The department states its corrective measures."""
        self._ensure_states(["sent"])
        for slip in self:
            if not (slip.corrective_measures or "").strip():
                raise UserError(
                    self.env._(
                        "Write the department's corrective measures on slip %s first.",
                        slip.name,
                    )
                )
        self.write(
            {
                "state": "measures_proposed",
                "measures_by_id": self.env.user.id,
                "measures_at": fields.Datetime.now(),
            }
        )
        return True

    def action_rectified(self):
        """The department reports the rectification done."""
        self._ensure_states(["measures_proposed"])
        for slip in self:
            if not (slip.rectification_note or "").strip():
                raise UserError(
                    self.env._(
                        "Record what was done to rectify slip %s first.", slip.name
                    )
                )
        self.write(
            {
                "state": "rectified",
                "rectified_by_id": self.env.user.id,
                "rectified_at": fields.Datetime.now(),
            }
        )
        self.activity_feedback([RECTIFY_ACTIVITY])
        for slip in self:
            slip.activity_schedule(
                INSPECT_ACTIVITY,
                user_id=slip.issued_by_id.id,
                date_deadline=fields.Date.context_today(slip),
            )
        return True

    def _inspect(self, result):
        self._check_desk()
        self._ensure_states(["rectified"])
        for slip in self:
            if result == "failed" and not (slip.inspection_remarks or "").strip():
                raise UserError(
                    self.env._(
                        "Write in the inspection remarks what is not up to "
                        "standard on slip %s.",
                        slip.name,
                    )
                )
        now = fields.Datetime.now()
        self.env["property.transfer.slip.inspection"].create(
            [
                {
                    "slip_id": slip.id,
                    "date": now,
                    "inspector_id": self.env.user.id,
                    "result": result,
                    "round": slip.round_count,
                    "remarks": slip.inspection_remarks,
                }
                for slip in self
            ]
        )
        self.activity_feedback([INSPECT_ACTIVITY])
        if result == "passed":
            self.write({"state": "inspected", "inspection_remarks": False})
            return True
        for slip in self:
            slip.write(
                {
                    "state": "measures_proposed",
                    "round_count": slip.round_count + 1,
                    "inspection_remarks": False,
                    "rectified_by_id": False,
                    "rectified_at": False,
                }
            )
        self._schedule_rectify_activity(self.env._("Not up to standard: rectify again"))
        return True

    def action_inspect_passed(self):
        """Inspection by the desk: up to standard."""
        return self._inspect("passed")

    def action_inspect_failed(self):
        """Inspection by the desk: not up to standard, back to rectification."""
        return self._inspect("failed")

    def action_file(self):
        """The slip is closed and filed (归档)."""
        self._check_desk()
        self._ensure_states(["inspected"])
        self.write(
            {
                "state": "filed",
                "filed_by_id": self.env.user.id,
                "filed_at": fields.Datetime.now(),
            }
        )
        return True

    def action_cancel(self):
        self._check_desk()
        self._ensure_states(["draft", "sent"])
        self.write({"state": "cancel"})
        self.activity_unlink([RECTIFY_ACTIVITY, INSPECT_ACTIVITY])
        return True


class PropertyTransferSlipInspection(models.Model):
    _name = "property.transfer.slip.inspection"
    _description = "Transfer Slip Inspection"
    _order = "date desc, id desc"
    _check_company_auto = True

    slip_id = fields.Many2one(
        "property.transfer.slip",
        string="Transfer Slip",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="slip_id.company_id", store=True, index=True, precompute=True
    )
    department_id = fields.Many2one(
        related="slip_id.department_id", store=True, index=True
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    inspector_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
    )
    result = fields.Selection(INSPECTION_RESULTS, required=True)
    round = fields.Integer(
        string="Rectification Round", help="The rectification round inspected."
    )
    remarks = fields.Text()
