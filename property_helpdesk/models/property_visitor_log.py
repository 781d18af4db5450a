from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

ID_TYPES = [
    ("id_card", "ID Card"),
    ("passport", "Passport"),
    ("driving_license", "Driving Licence"),
    ("staff_card", "Staff Card"),
    ("other", "Other"),
    ("none", "None Shown"),
]

# Privacy: the desk writes down the last characters of an ID, never the
# whole number.
ID_DIGITS_KEPT = 4


def last_id_digits(value):
    """The last characters of an ID number as the visitor log keeps them:
    spaces removed, at most ``ID_DIGITS_KEPT`` characters, upper case."""
    if not value:
        return value
    compact = "".join(value.split()).upper()
    return compact[-ID_DIGITS_KEPT:]


class PropertyVisitorLog(models.Model):
    """Visitors logged at the front desk and directed (R-FRONT-2)."""

    _name = "property.visitor.log"
    _description = "Front Desk Visitor Log"
    _inherit = ["mail.thread"]
    _order = "arrived_at desc, id desc"
    _check_company_auto = True

    visitor_name = fields.Char(required=True, tracking=True)
    visitor_count = fields.Integer(string="Persons", default=1)
    visitor_phone = fields.Char(string="Phone")
    id_type = fields.Selection(
        ID_TYPES, string="ID Shown", required=True, default="id_card"
    )
    id_last_digits = fields.Char(
        string="ID Last 4",
        size=ID_DIGITS_KEPT,
        help="Only the last 4 characters of the ID are kept (privacy); a longer "
        "number is cut to its last 4.",
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
        check_company=True,
        ondelete="restrict",
    )
    unit_id = fields.Many2one(
        "property.unit",
        string="Visiting Unit",
        index=True,
        check_company=True,
        ondelete="restrict",
        domain="[('site_id', '=', site_id)]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Visiting Tenant",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        index=True,
    )
    purpose = fields.Char(required=True)
    directed_to = fields.Char(
        help="Where the visitor was sent: floor, office, person to meet."
    )
    badge_number = fields.Char(string="Badge")
    arrived_at = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    left_at = fields.Datetime(tracking=True)
    on_site = fields.Boolean(compute="_compute_on_site", store=True, index=True)
    recorded_by_id = fields.Many2one(
        "res.users",
        required=True,
        check_company=True,
        domain="[('share', '=', False)]",
        default=lambda self: self.env.user,
    )
    note = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "id_last_digits" in vals:
                vals["id_last_digits"] = last_id_digits(vals["id_last_digits"])
        return super().create(vals_list)

    def write(self, vals):
        if "id_last_digits" in vals:
            vals = dict(vals, id_last_digits=last_id_digits(vals["id_last_digits"]))
        return super().write(vals)

    @api.depends("visitor_name")
    def _compute_display_name(self):
        for visit in self:
            visit.display_name = visit.visitor_name or ""

    @api.depends("left_at")
    def _compute_on_site(self):
        for visit in self:
            visit.on_site = not visit.left_at

    @api.depends("unit_id")
    def _compute_partner_id(self):
        for visit in self:
            if visit.unit_id and not visit.partner_id:
                visit.partner_id = visit.unit_id.current_tenant_id

    @api.onchange("unit_id")
    def _onchange_unit_id(self):
        if self.unit_id:
            self.site_id = self.unit_id.site_id

    @api.constrains("arrived_at", "left_at")
    def _check_dates(self):
        for visit in self:
            if visit.left_at and visit.left_at < visit.arrived_at:
                raise ValidationError(
                    self.env._(
                        "%(name)s cannot leave before arriving: check the times.",
                        name=visit.visitor_name,
                    )
                )

    def action_leave(self):
        """The visitor leaves; the badge comes back to the desk."""
        if self.filtered("left_at"):
            raise UserError(
                self.env._(
                    "%(name)s has already left.",
                    name=self.filtered("left_at")[0].visitor_name,
                )
            )
        self.write({"left_at": fields.Datetime.now()})
        return True
