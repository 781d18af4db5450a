from odoo import api, fields, models

HISTORY_SIZE = 20  # check-ins shown on the screen, newest first


class PropertyEventCheckin(models.TransientModel):
    """The check-in screen of a community event: scan the QR code of a
    registration (a scanner types the code and Enter) or type the code.
    The same screen stays open for the next attendee."""

    _name = "property.event.checkin"
    _description = "Community Event Check-in"

    event_id = fields.Many2one(
        "event.event",
        required=True,
        domain="[('property_site_id', '!=', False)]",
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="event_id.company_id")
    code = fields.Char(string="Check-in Code")
    result_status = fields.Selection(
        [
            ("checked_in", "Checked in"),
            ("already_checked_in", "Already checked in"),
        ],
        readonly=True,
    )
    result_message = fields.Char(readonly=True)
    last_registration_id = fields.Many2one("event.registration", readonly=True)
    registered_count = fields.Integer(related="event_id.property_registered_count")
    attended_count = fields.Integer(related="event_id.property_attended_count")
    history = fields.Text(
        string="Last Check-ins", readonly=True, help="The latest check-ins first."
    )

    @api.model
    def _check_in(self, event, code):
        """The method the screen (and the benchmark) use for one code."""
        return event._property_check_in(code)

    def action_check_in(self):
        self.ensure_one()
        result = self._check_in(self.event_id, self.code)
        lines = [result["message"], *(self.history or "").splitlines()]
        self.write(
            {
                "code": False,
                "result_status": result["status"],
                "result_message": result["message"],
                "last_registration_id": result["registration"].id,
                "history": "\n".join(lines[:HISTORY_SIZE]),
            }
        )
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check-in: %s", self.event_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
