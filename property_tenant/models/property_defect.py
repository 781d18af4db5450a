from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

RESPONSIBLE_PARTIES = [
    ("developer", "Developer"),
    ("contractor", "Contractor"),
    ("property", "Property Company"),
]

DEFECT_STATES = [
    ("open", "Open"),
    ("in_progress", "In Progress"),
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
    warranty_end_date = fields.Date(tracking=True)
    under_warranty = fields.Boolean(compute="_compute_under_warranty")
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

    def action_start(self):
        self.filtered(lambda d: d.state == "open").write({"state": "in_progress"})
        return True

    def action_fixed(self):
        for defect in self:
            if defect.state not in ("open", "in_progress"):
                raise UserError(
                    self.env._("Defect %s is not open.", defect.display_name)
                )
        self.write(
            {
                "state": "fixed",
                "fixed_date": fields.Date.context_today(self),
            }
        )
        return True

    def action_reopen(self):
        self.write({"state": "open", "fixed_date": False})
        return True

    def action_cancel(self):
        self.write({"state": "cancel"})
        return True
