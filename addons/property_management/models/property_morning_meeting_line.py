from odoo import fields, models

from .property_morning_meeting import SLIP_OPEN_STATES


class PropertyMorningMeetingLine(models.TransientModel):
    _inherit = "property.morning.meeting.line"

    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    slip_open_count = fields.Integer(
        string="Open Slips",
        help="Transfer slips the person issued that are not up to standard yet.",
    )
    slip_overdue_count = fields.Integer(
        string="Overdue Slips",
        help="Open transfer slips issued by the person whose due date has passed.",
    )
    payment_count = fields.Integer(
        string="Counter Payments Yesterday",
        help="Payments the person took at the fee counter yesterday.",
    )
    payment_amount = fields.Monetary(string="Collected Yesterday")
    dunning_done_count = fields.Integer(
        string="Dunning Steps Yesterday",
        help="Dunning steps of overdue bills the person follows, done yesterday.",
    )
    collection_task_count = fields.Integer(
        string="Collection Tasks",
        help="Open dunning activities of the person (calls, visits, letters).",
    )
    collection_task_overdue_count = fields.Integer(string="Overdue Collection Tasks")

    def _board_buttons(self):
        return (
            *super()._board_buttons(),
            "action_open_slips",
            "action_open_collection_tasks",
        )

    def action_open_slips(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_transfer_slip_action"
        )
        domain = [
            ("issued_by_id", "=", self.user_id.id),
            ("state", "in", SLIP_OPEN_STATES),
        ]
        if self.meeting_id.site_id:
            domain.append(("site_id", "=", self.meeting_id.site_id.id))
        action.update(
            {
                "domain": domain,
                "context": {},
                "display_name": self.env._("Open slips of %s", self.user_id.name),
            }
        )
        return action

    def action_open_collection_tasks(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_dunning_action"
        )
        domain = [("activity_ids.user_id", "=", self.user_id.id)]
        if self.meeting_id.site_id:
            domain.append(("site_id", "=", self.meeting_id.site_id.id))
        action.update(
            {
                "domain": domain,
                "context": {},
                "display_name": self.env._("Collection tasks of %s", self.user_id.name),
            }
        )
        return action
