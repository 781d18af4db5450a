from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..utils import rate


class PropertyStaffScorecard(models.TransientModel):
    """Staff scorecards: items handled, SLA met, call-back satisfaction and
    praise received, per person or per department, over a period."""

    _name = "property.staff.scorecard"
    _description = "Staff Scorecard"

    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    group_by = fields.Selection(
        [("user", "Person"), ("department", "Department")],
        required=True,
        default="user",
    )
    site_id = fields.Many2one(
        "property.site",
        default=lambda self: self.env["property.site"]._default_for_user(),
    )
    line_ids = fields.One2many("property.staff.scorecard.line", "scorecard_id")

    @api.model_create_multi
    def create(self, vals_list):
        scorecards = super().create(vals_list)
        scorecards._build_lines()
        return scorecards

    @api.model
    def action_open_scorecards(self):
        """The menu's entry point: the scorecards of the user's own site
        and today, filled at once (a saved record, nothing to save)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_helpdesk.property_staff_scorecard_action"
        )
        action["res_id"] = self.create({}).id
        return action

    def action_refresh(self):
        self._build_lines()
        return True

    def _bounds(self):
        return (
            fields.Datetime.to_string(datetime.combine(self.date_from, time.min)),
            fields.Datetime.to_string(
                datetime.combine(self.date_to + relativedelta(days=1), time.min)
            ),
        )

    def _grouped(self, model, domain, key, extra_groupby=None):
        groupby = [key] + ([extra_groupby] if extra_groupby else [])
        result = {}
        for row in self.env[model]._read_group(domain, groupby, ["__count"]):
            owner, count = row[0], row[-1]
            if not owner:
                continue
            bucket = result.setdefault(owner.id, {})
            bucket[row[1] if extra_groupby else None] = count
        return result

    def _build_lines(self):
        for card in self:
            start, end = card._bounds()
            site = [("site_id", "=", card.site_id.id)] if card.site_id else []
            per_user = card.group_by == "user"
            ticket_key = "closed_by_id" if per_user else "department_id"
            handled = card._grouped(
                "property.ticket",
                site
                + [
                    ("state", "=", "closed"),
                    ("closed_at", ">=", start),
                    ("closed_at", "<", end),
                ],
                ticket_key,
                "sla_resolution_breached",
            )
            callbacks = card._grouped(
                "property.callback",
                site
                + [
                    ("state", "=", "done"),
                    ("done_at", ">=", start),
                    ("done_at", "<", end),
                ],
                "technician_id" if per_user else "department_id",
                "is_satisfied",
            )
            praise = card._grouped(
                "property.ticket",
                site
                + [
                    ("kind", "=", "praise"),
                    ("received_at", ">=", start),
                    ("received_at", "<", end),
                ],
                "praised_user_id" if per_user else "praised_department_id",
            )
            owners = set(handled) | set(callbacks) | set(praise)
            lines = []
            for owner in sorted(owners):
                done = handled.get(owner, {})
                answered = callbacks.get(owner, {})
                closed = sum(done.values())
                total_answers = sum(answered.values())
                lines.append(
                    {
                        "scorecard_id": card.id,
                        "user_id": owner if per_user else False,
                        "department_id": False if per_user else owner,
                        "handled_count": closed,
                        "sla_met_rate": rate(closed - done.get(True, 0), closed) or 0.0,
                        "callback_count": total_answers,
                        "satisfaction_rate": rate(answered.get(True, 0), total_answers)
                        or 0.0,
                        "praise_count": sum(praise.get(owner, {}).values()),
                    }
                )
            card.line_ids.unlink()
            self.env["property.staff.scorecard.line"].create(lines)


class PropertyStaffScorecardLine(models.TransientModel):
    _name = "property.staff.scorecard.line"
    _description = "Staff Scorecard Line"
    _order = "handled_count desc, id"

    scorecard_id = fields.Many2one(
        "property.staff.scorecard", required=True, ondelete="cascade"
    )
    user_id = fields.Many2one("res.users", string="Person")
    department_id = fields.Many2one("property.department")
    handled_count = fields.Integer(string="Items Closed")
    sla_met_rate = fields.Float(string="SLA Met (%)", digits=(16, 2))
    callback_count = fields.Integer(string="Call-backs")
    satisfaction_rate = fields.Float(string="Satisfaction (%)", digits=(16, 2))
    praise_count = fields.Integer(string="Praise Received")
