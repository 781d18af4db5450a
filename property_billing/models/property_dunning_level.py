from odoo import api, fields, models
from odoo.exceptions import ValidationError

ACTIVITY_USERS = [
    ("collector", "Fee Collector of the Site"),
    ("supervisor", "Billing Manager of the Site"),
]


def reached_level(levels, days_overdue, anchor):
    """The highest of ``levels`` (``(key, days, anchor_days)`` in ascending
    order) that a bill ``days_overdue`` days overdue has reached; anchor
    tenants are on the firmer path (their own thresholds).  ``None`` when
    no level is reached yet."""
    reached = None
    for key, days, anchor_days in levels:
        if days_overdue >= (anchor_days if anchor else days):
            reached = key
    return reached


class PropertyDunningLevel(models.Model):
    """A dunning level (催缴级别): how many days after the due date a bill is
    reminded, and by which means.  Anchor tenants (主力商户) follow a firmer
    path: they reach each level earlier."""

    _name = "property.dunning.level"
    _description = "Dunning Level"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, days_overdue, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(
        default=10, help="Levels are escalated in this order, the lowest first."
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    days_overdue = fields.Integer(
        required=True,
        tracking=True,
        help="Days after the due date at which a bill reaches this level.",
    )
    anchor_days_overdue = fields.Integer(
        string="Days Overdue (Anchor Tenants)",
        required=True,
        tracking=True,
        help="The firmer path: days after the due date at which a bill of an "
        "anchor tenant reaches this level.",
    )
    notify_portal = fields.Boolean(
        string="Portal Notice",
        tracking=True,
        help="Post the reminder on the bill: the tenant reads it on the "
        "customer portal, and the bill's followers are notified by e-mail.",
    )
    send_email = fields.Boolean(
        string="E-mail",
        tracking=True,
        help="E-mail the reminder (and the letter, when printed) to the tenant.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Reminder Template",
        domain="[('model', '=', 'property.dunning')]",
        help="Text of the portal notice and of the e-mail.",
    )
    message = fields.Text(
        translate=True,
        help="What this level says to the tenant, in the notice, the e-mail "
        "and the letter.",
    )
    create_activity = fields.Boolean(
        string="Schedule Activity",
        tracking=True,
        help="Give the site's collector or billing manager an activity, "
        "e.g. a phone call to the tenant.",
    )
    activity_type_id = fields.Many2one("mail.activity.type", tracking=True)
    activity_user = fields.Selection(
        ACTIVITY_USERS,
        string="Activity For",
        default="collector",
        tracking=True,
    )
    print_letter = fields.Boolean(
        string="Dunning Letter",
        tracking=True,
        help="Print the dunning letter (催缴函) signed by the site's billing "
        "manager and keep its PDF with the dunning record.",
    )
    payment_days = fields.Integer(
        string="Days Given to Pay",
        default=7,
        help="The letter asks the tenant to pay within these days.",
    )
    dunning_count = fields.Integer(compute="_compute_dunning_count")

    _sql_constraints = [
        (
            "days_positive",
            "CHECK(days_overdue > 0 AND anchor_days_overdue > 0)",
            "A dunning level is reached at least one day after the due date.",
        ),
        (
            "anchor_firmer",
            "CHECK(anchor_days_overdue <= days_overdue)",
            "Anchor tenants follow the firmer path: they reach a dunning level "
            "on the same day or earlier than other tenants, never later.",
        ),
    ]

    @api.constrains(
        "notify_portal",
        "send_email",
        "create_activity",
        "print_letter",
        "activity_type_id",
    )
    def _check_actions(self):
        for level in self:
            if not (
                level.notify_portal
                or level.send_email
                or level.create_activity
                or level.print_letter
            ):
                raise ValidationError(
                    self.env._(
                        "Dunning level %(level)s does nothing: choose at least "
                        "one means (portal notice, e-mail, activity or letter).",
                        level=level.name,
                    )
                )
            if level.create_activity and not level.activity_type_id:
                raise ValidationError(
                    self.env._(
                        "Choose the activity type of dunning level %(level)s.",
                        level=level.name,
                    )
                )

    def _compute_dunning_count(self):
        counts = dict(
            self.env["property.dunning"]._read_group(
                [("level_id", "in", self.ids)], ["level_id"], ["__count"]
            )
        )
        for level in self:
            level.dunning_count = counts.get(level, 0)

    def _days_for(self, anchor):
        self.ensure_one()
        return self.anchor_days_overdue if anchor else self.days_overdue

    def action_view_dunnings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_dunning_action"
        )
        action["domain"] = [("level_id", "=", self.id)]
        action["context"] = {}
        return action
