from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .property_ticket import PRIORITIES, TICKET_KINDS

# Fields that decide which items a policy applies to.
POLICY_MATCHING_FIELDS = {
    "kind",
    "priority",
    "site_id",
    "company_id",
    "active",
    "sequence",
}


class PropertySlaPolicy(models.Model):
    """Service-level targets of the desk, per kind of item and priority,
    optionally per site, in working hours of the responsible department."""

    _name = "property.sla.policy"
    _description = "Service Level Policy"
    _order = "sequence, kind, priority desc, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    kind = fields.Selection(TICKET_KINDS, required=True, index=True)
    priority = fields.Selection(
        PRIORITIES,
        help="Leave empty for a policy that applies to every priority; a "
        "policy with the item's exact priority wins over it.",
    )
    site_id = fields.Many2one(
        "property.site",
        check_company=True,
        ondelete="cascade",
        help="Leave empty for a policy of every site; a site's own policy "
        "wins over the general one.",
    )
    response_hours = fields.Float(
        string="Respond Within (working hours)",
        help="Working hours, on the calendar of the responsible department, "
        "between registration and the first step taken on the item. "
        "0: no response target.",
    )
    resolution_hours = fields.Float(
        string="Resolve Within (working hours)",
        help="Working hours, on the calendar of the responsible department, "
        "between registration and the closing of the item. 0: no "
        "resolution target.",
    )
    supervisor_id = fields.Many2one(
        "res.users",
        string="Escalate To",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Who is asked to act when a target is missed. Empty: the "
        "site's project manager, else the item's responsible agent.",
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count", string="Items")

    _sql_constraints = [
        (
            "hours_positive",
            "CHECK(response_hours >= 0 AND resolution_hours >= 0)",
            "Response and resolution targets are hours of work: they cannot be "
            "negative. Use 0 for no target.",
        ),
    ]

    @api.constrains("kind", "response_hours", "resolution_hours")
    def _check_hours(self):
        for policy in self:
            if not policy.response_hours and not policy.resolution_hours:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s has no target: set the working hours "
                        "within which items are answered, resolved, or both.",
                        policy=policy.name,
                    )
                )
            if (
                policy.response_hours
                and policy.resolution_hours
                and policy.resolution_hours < policy.response_hours
            ):
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s resolves items within %(resolution)s "
                        "working hours but answers them within %(response)s: an "
                        "item cannot be resolved before it is answered. Make the "
                        "resolution target at least as long as the response "
                        "target.",
                        policy=policy.name,
                        resolution=policy.resolution_hours,
                        response=policy.response_hours,
                    )
                )

    def _compute_ticket_count(self):
        counts = {
            policy.id: count
            for policy, count in self.env["property.ticket"]._read_group(
                [("sla_policy_id", "in", self.ids)], ["sla_policy_id"], ["__count"]
            )
        }
        for policy in self:
            policy.ticket_count = counts.get(policy.id, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_unused(self):
        if self.env["property.ticket"].search_count(
            [("sla_policy_id", "in", self.ids)], limit=1
        ):
            raise UserError(
                self.env._(
                    "This policy measured registered items and is kept for the "
                    "SLA report: archive it instead of deleting it."
                )
            )

    # ------------------------------------------------------------------
    # Open items follow the policies
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        policies._recompute_open_tickets(policies._open_tickets())
        return policies

    def write(self, vals):
        if not POLICY_MATCHING_FIELDS & set(vals):
            return super().write(vals)
        before = self._open_tickets()
        res = super().write(vals)
        self._recompute_open_tickets(before | self._open_tickets())
        return res

    def _open_tickets(self):
        """Open items that the policies in ``self`` may apply to."""
        policies = self.with_context(active_test=False)
        if not policies:
            return self.env["property.ticket"]
        return (
            self.env["property.ticket"]
            .sudo()
            .search(
                [
                    ("company_id", "in", policies.company_id.ids),
                    ("kind", "in", list(set(policies.mapped("kind")))),
                    ("state", "not in", ("closed", "cancel")),
                ]
            )
        )

    def _recompute_open_tickets(self, tickets):
        """Open items choose their policy again, and their deadlines follow;
        closed items keep the policy and deadlines they were measured with."""
        if tickets:
            self.env.add_to_compute(tickets._fields["sla_policy_id"], tickets)
            tickets.modified(["sla_policy_id"])

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_ticket_action"
        )
        action["domain"] = [("sla_policy_id", "=", self.id)]
        action["context"] = {}
        return action
