from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class PropertyComplaintSolution(models.Model):
    _name = "property.complaint.solution"
    _description = "Proposed Complaint Solution"
    _inherit = ["mail.thread"]
    _order = "ticket_id, sequence, id"
    _check_company_auto = True

    ticket_id = fields.Many2one(
        "property.ticket",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('kind', '=', 'complaint')]",
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Solution", required=True)
    description = fields.Html()
    department_id = fields.Many2one(
        "property.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        check_company=True,
    )
    proposed_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
    )
    estimated_cost = fields.Float()
    estimated_date = fields.Date(string="Can Be Done By")
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
        ],
        default="proposed",
        required=True,
        tracking=True,
        readonly=True,
        copy=False,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_at = fields.Datetime(readonly=True, copy=False)

    @api.depends("ticket_id")
    def _compute_department_id(self):
        for solution in self:
            if not solution.department_id:
                solution.department_id = solution.ticket_id.department_id

    def _check_supervisor(self):
        if not self.env.user.has_group("property_tenant.group_property_supervisor"):
            raise AccessError(
                self.env._(
                    "Only a service supervisor reviews and approves the "
                    "solutions of a complaint."
                )
            )

    def action_approve(self):
        """The supervisor approves the best solution; the others are set
        aside, and the complaint can be dispatched."""
        self._check_supervisor()
        self.ensure_one()
        if self.ticket_id.state != "solution":
            raise UserError(
                self.env._(
                    "Solutions are approved once the department has submitted "
                    "them (complaint %s).",
                    self.ticket_id.display_name,
                )
            )
        if self.state != "proposed":
            raise UserError(self.env._("Only a proposed solution can be approved."))
        others = self.ticket_id.solution_ids.filtered(
            lambda s: s != self and s.state == "proposed"
        )
        others.write({"state": "rejected"})
        self.write(
            {
                "state": "approved",
                "approved_by_id": self.env.user.id,
                "approved_at": fields.Datetime.now(),
            }
        )
        self.ticket_id.message_post(body=self.env._("Solution approved: %s", self.name))
        return self.ticket_id.action_dispatch()

    def action_reject(self):
        self._check_supervisor()
        self.filtered(lambda s: s.state == "proposed").write({"state": "rejected"})
        return True
