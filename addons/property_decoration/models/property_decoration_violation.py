from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

VIOLATION_KINDS = [
    ("hours", "Outside Working Hours"),
    ("noise", "Noise"),
    ("unauthorised", "Unauthorised Change"),
    ("other", "Other"),
]
DEDUCTION_STATES = [
    ("none", "No Deduction"),
    ("proposed", "Proposed"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]
SUPERVISOR_GROUP = "property_tenant.group_property_supervisor"


class PropertyDecorationViolation(models.Model):
    """A breach of the decoration rules: rectified through a transfer slip
    (信息传递单) and, where the rules say so, a deduction from the deposit
    that only a supervisor approves (R-DEC-3)."""

    _name = "property.decoration.violation"
    _description = "Decoration Violation"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Summary", required=True, tracking=True)
    decoration_id = fields.Many2one(
        "property.decoration",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    inspection_id = fields.Many2one(
        "property.decoration.inspection",
        index=True,
        check_company=True,
        ondelete="set null",
        domain="[('decoration_id', '=', decoration_id)]",
    )
    company_id = fields.Many2one(
        related="decoration_id.company_id", store=True, index=True
    )
    site_id = fields.Many2one(related="decoration_id.site_id", store=True)
    unit_id = fields.Many2one(related="decoration_id.unit_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(VIOLATION_KINDS, required=True, default="other")
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    description = fields.Text()
    department_id = fields.Many2one(
        "property.department",
        string="Rectifying Department",
        check_company=True,
        help="Department the transfer slip for the rectification goes to.",
    )
    slip_id = fields.Many2one(
        "property.transfer.slip",
        string="Transfer Slip",
        readonly=True,
        copy=False,
        check_company=True,
    )
    slip_state = fields.Selection(related="slip_id.state", string="Slip Status")
    deduction_amount = fields.Monetary(string="Deduction", tracking=True, copy=False)
    deduction_state = fields.Selection(
        DEDUCTION_STATES,
        required=True,
        default="none",
        tracking=True,
        copy=False,
        index=True,
    )
    deduction_decided_by_id = fields.Many2one(
        "res.users", string="Decided By", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "deduction_positive",
            "CHECK(deduction_amount >= 0)",
            "A deduction cannot be negative.",
        ),
    ]

    def write(self, vals):
        if "deduction_amount" in vals and any(
            v.deduction_state == "approved" for v in self
        ):
            raise UserError(
                self.env._("An approved deduction cannot be changed any more.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if any(v.deduction_state == "approved" or v.slip_id for v in self):
            raise UserError(
                self.env._(
                    "A violation with a transfer slip or an approved deduction "
                    "is kept as evidence and cannot be deleted."
                )
            )

    def action_send_slip(self):
        """The rectification goes to the department on a transfer slip."""
        for violation in self:
            if violation.slip_id:
                raise UserError(
                    self.env._("This violation already has its transfer slip.")
                )
            if not violation.department_id:
                raise UserError(
                    self.env._("Choose the department that rectifies the violation.")
                )
            decoration = violation.decoration_id
            slip = self.env["property.transfer.slip"].create(
                {
                    "summary": self.env._(
                        "Decoration %(name)s: %(violation)s",
                        name=decoration.name,
                        violation=violation.name,
                    ),
                    "company_id": violation.company_id.id,
                    "site_id": decoration.site_id.id,
                    "department_id": violation.department_id.id,
                    "issue_description": violation.description or violation.name,
                }
            )
            slip.action_send()
            violation.slip_id = slip
        return True

    def action_propose_deduction(self):
        for violation in self:
            if violation.deduction_state not in ("none", "refused"):
                raise UserError(self.env._("A deduction is already proposed."))
            if violation.deduction_amount <= 0:
                raise UserError(
                    self.env._("Enter the amount to deduct from the deposit.")
                )
        self.write({"deduction_state": "proposed"})
        return True

    def _check_supervisor(self):
        if not self.env.su and not self.env.user.has_group(SUPERVISOR_GROUP):
            raise AccessError(
                self.env._("Only a service supervisor decides on deductions.")
            )
        if any(v.deduction_state != "proposed" for v in self):
            raise UserError(self.env._("No deduction is waiting for a decision."))

    def action_approve_deduction(self):
        self._check_supervisor()
        self.write(
            {"deduction_state": "approved", "deduction_decided_by_id": self.env.user.id}
        )
        return True

    def action_refuse_deduction(self):
        self._check_supervisor()
        self.write(
            {"deduction_state": "refused", "deduction_decided_by_id": self.env.user.id}
        )
        return True
