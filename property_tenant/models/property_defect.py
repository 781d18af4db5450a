from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Days before the end of a defect's warranty when its follower is reminded to
# claim the repair from the responsible company.
WARRANTY_REMINDER_DAYS = 30

RESPONSIBLE_PARTIES = [
    ("developer", "Developer"),
    ("contractor", "Contractor"),
    ("property", "Property Company"),
]

# open → in repair (a work order or a claim on the responsible company) →
# fixed; a fixed defect that comes back is reopened; cancel with a reason.
DEFECT_STATES = [
    ("open", "Open"),
    ("in_progress", "In Repair"),
    ("fixed", "Fixed"),
    ("cancel", "Cancelled"),
]


class PropertyDefect(models.Model):
    _name = "property.defect"
    _description = "Legacy Construction Defect"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.sequence.mixin"]
    _sequence_code = "property.defect"
    _order = "state, found_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    summary = fields.Char(required=True, tracking=True)
    description = fields.Html()
    state = fields.Selection(
        DEFECT_STATES,
        required=True,
        default="open",
        tracking=True,
        index=True,
        copy=False,
    )
    unit_id = fields.Many2one(
        "property.unit",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    site_id = fields.Many2one(
        related="unit_id.site_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="unit_id.company_id", store=True, index=True, precompute=True
    )
    location = fields.Char(
        help="Where in the unit: room, wall, ceiling, pipe shaft, ..."
    )
    found_date = fields.Date(
        string="Found On",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    responsible_party = fields.Selection(
        RESPONSIBLE_PARTIES, required=True, default="developer", tracking=True
    )
    responsible_partner_id = fields.Many2one(
        "res.partner",
        string="Responsible Company",
        tracking=True,
        check_company=True,
        help="The developer or contractor who has to fix it.",
    )
    warranty_end_date = fields.Date(tracking=True, index=True)
    under_warranty = fields.Boolean(compute="_compute_under_warranty")
    warranty_reminded_on = fields.Date(
        copy=False,
        readonly=True,
        help="Warranty end date for which the follower was last reminded.",
    )
    target_date = fields.Date(
        string="Fix By",
        tracking=True,
        index=True,
        help="When the repair is due; past it, the defect is overdue on the "
        "morning meeting board.",
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )
    claim_reference = fields.Char(
        string="Claim Number",
        tracking=True,
        copy=False,
        help="The claim lodged with the responsible developer or contractor "
        "for the repair.",
    )
    claim_date = fields.Date(string="Claimed On", tracking=True, copy=False)
    reopen_count = fields.Integer(
        string="Reopened", readonly=True, copy=False, tracking=True
    )
    cancel_reason = fields.Text(tracking=True, copy=False)
    fixed_date = fields.Date(string="Fixed On", tracking=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Followed By",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user if not self.env.user.share else False,
    )
    photo_ids = fields.Many2many(
        "ir.attachment",
        "property_defect_photo_rel",
        "defect_id",
        "attachment_id",
        string="Photos",
    )
    resolution = fields.Html()

    @api.model
    def _sequence_company(self, vals):
        if vals.get("unit_id"):
            return self.env["property.unit"].browse(vals["unit_id"]).company_id
        return super()._sequence_company(vals)

    @api.depends("warranty_end_date")
    def _compute_under_warranty(self):
        today = fields.Date.context_today(self)
        for defect in self:
            defect.under_warranty = bool(
                defect.warranty_end_date and defect.warranty_end_date >= today
            )

    @api.depends("state", "target_date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for defect in self:
            defect.is_overdue = bool(
                defect.state in ("open", "in_progress")
                and defect.target_date
                and defect.target_date < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on overdue defects."))
        overdue = [
            ("state", "in", ("open", "in_progress")),
            ("target_date", "<", fields.Date.context_today(self)),
        ]
        if (operator == "=") == value:
            return overdue
        return ["!", "&", *overdue]

    @api.depends("name", "summary")
    def _compute_display_name(self):
        for defect in self:
            defect.display_name = f"{defect.name} {defect.summary or ''}".strip()

    @api.constrains("found_date", "fixed_date")
    def _check_fixed_date(self):
        for defect in self:
            if defect.fixed_date and defect.fixed_date < defect.found_date:
                raise ValidationError(
                    self.env._(
                        "Defect %(name)s cannot be fixed (%(fixed)s) before it "
                        "was found (%(found)s).",
                        name=defect.name,
                        fixed=defect.fixed_date,
                        found=defect.found_date,
                    )
                )

    def _ensure_states(self, states):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for defect in self:
            if defect.state not in states:
                raise UserError(
                    self.env._(
                        "Defect %(defect)s is %(state)s: this step is not possible.",
                        defect=defect.display_name,
                        state=labels[defect.state],
                    )
                )

    def _repair_source(self):
        """What repairs the defect: the claim on the responsible company
        here; the service desk adds its work orders."""
        self.ensure_one()
        return bool(self.claim_reference)

    def action_start(self):
        """In repair: by a claim on the responsible company (its number) or
        by a work order of the property company."""
        self._ensure_states(["open"])
        for defect in self:
            if not defect._repair_source():
                raise UserError(
                    self.env._(
                        "Record the claim lodged with the responsible company, "
                        "or dispatch a work order, before defect %s is in repair.",
                        defect.display_name,
                    )
                )
            if defect.claim_reference and not defect.claim_date:
                defect.claim_date = fields.Date.context_today(defect)
        self.write({"state": "in_progress"})
        return True

    def action_fixed(self):
        self._ensure_states(["open", "in_progress"])
        self.write(
            {
                "state": "fixed",
                "fixed_date": fields.Date.context_today(self),
            }
        )
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reopen(self):
        """The defect came back (or was cancelled wrongly): open again."""
        self._ensure_states(["fixed", "cancel"])
        for defect in self:
            defect.write(
                {
                    "state": "open",
                    "fixed_date": False,
                    "reopen_count": defect.reopen_count + (defect.state == "fixed"),
                }
            )
        return True

    def action_cancel(self):
        self._ensure_states(["open", "in_progress"])
        for defect in self:
            if not defect.cancel_reason:
                raise UserError(
                    self.env._(
                        "Record why defect %s is cancelled.", defect.display_name
                    )
                )
        self.write({"state": "cancel"})
        return True

    @api.model
    def _cron_warranty_reminders(self, date_ref=None):
        """Remind each follower, once per warranty end date, of the defects
        still not fixed whose warranty ends within WARRANTY_REMINDER_DAYS:
        the repair is claimed from the responsible company before then."""
        today = fields.Date.to_date(date_ref) or fields.Date.context_today(self)
        defects = self.search(
            [
                ("state", "in", ("open", "in_progress")),
                ("warranty_end_date", ">=", today),
                (
                    "warranty_end_date",
                    "<=",
                    today + timedelta(days=WARRANTY_REMINDER_DAYS),
                ),
            ]
        )
        for defect in defects.filtered(
            lambda d: d.warranty_reminded_on != d.warranty_end_date
        ):
            defect.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=defect.warranty_end_date - timedelta(days=7),
                user_id=(defect.user_id or self.env.user).id,
                summary=self.env._(
                    "Warranty ends on %s: claim the repair", defect.warranty_end_date
                ),
            )
            defect.warranty_reminded_on = defect.warranty_end_date
        return True
