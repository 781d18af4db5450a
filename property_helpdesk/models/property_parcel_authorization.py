from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

AUTHORIZATION_SCOPES = [
    ("one", "One Item"),
    ("standing", "Every Item (standing)"),
]


class PropertyParcelAuthorization(models.Model):
    """A collector the tenant authorises to take their items from the front
    desk: for one item, or standing until a date or until revoked.  The desk
    hands an item to someone other than the tenant only against such an
    authorisation, checking the last digits of the collector's ID."""

    _name = "property.parcel.authorization"
    _description = "Parcel Collector Authorisation"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Tenant",
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
        help="The tenant (company or person) whose items the collector takes.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    collector_name = fields.Char(required=True, tracking=True)
    collector_phone = fields.Char(tracking=True)
    id_last_digits = fields.Char(
        string="ID Last Digits",
        required=True,
        tracking=True,
        help="The last four characters of the collector's ID card, checked at "
        "the desk.",
    )
    scope = fields.Selection(
        AUTHORIZATION_SCOPES, required=True, default="one", tracking=True
    )
    entry_id = fields.Many2one(
        "property.front.log",
        string="Item",
        index="btree_not_null",
        check_company=True,
        ondelete="cascade",
        help="The item the collector may take (an authorisation for one item).",
    )
    date_end = fields.Date(
        string="Valid Until",
        tracking=True,
        help="A standing authorisation ends on this day; empty: until revoked.",
    )
    active = fields.Boolean(default=True, tracking=True)
    used_count = fields.Integer(string="Items Collected", compute="_compute_used_count")

    _sql_constraints = [
        (
            "one_item_scope",
            "CHECK(scope != 'one' OR entry_id IS NOT NULL)",
            "An authorisation for one item names the item.",
        ),
    ]

    def _compute_used_count(self):
        counts = {
            authorization.id: count
            for authorization, count in self.env["property.front.log"]._read_group(
                [("authorization_id", "in", self.ids)],
                ["authorization_id"],
                ["__count"],
            )
        }
        for authorization in self:
            authorization.used_count = counts.get(authorization.id, 0)

    @api.depends("collector_name", "scope", "entry_id")
    def _compute_display_name(self):
        for authorization in self:
            authorization.display_name = (
                f"{authorization.collector_name} ({authorization.entry_id.name})"
                if authorization.scope == "one" and authorization.entry_id
                else authorization.collector_name
            )

    @api.constrains("id_last_digits")
    def _check_id_last_digits(self):
        for authorization in self:
            digits = (authorization.id_last_digits or "").strip()
            if not (4 <= len(digits) <= 6 and digits.isalnum()):
                raise ValidationError(
                    self.env._(
                        "Give the last 4 to 6 characters of the collector's ID "
                        "card (digits, or X)."
                    )
                )

    @api.constrains("entry_id", "partner_id")
    def _check_entry_partner(self):
        for authorization in self.filtered("entry_id"):
            if (
                authorization.entry_id.commercial_partner_id
                != authorization.partner_id.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "A tenant authorises a collector for their own items only."
                    )
                )

    def _valid_for(self, entry, on_date):
        """Whether the authorisation lets its collector take ``entry``."""
        self.ensure_one()
        if not self.active:
            return False
        if self.partner_id.commercial_partner_id != entry.commercial_partner_id:
            return False
        if self.scope == "one":
            return self.entry_id == entry
        return not self.date_end or self.date_end >= on_date

    def action_revoke(self):
        self.write({"active": False})
        return True

    def _check_collector(self, entry, id_digits):
        """Refuse the hand-over of ``entry`` to this collector unless the
        authorisation covers it and the ID digits match."""
        self.ensure_one()
        if not self._valid_for(entry, fields.Date.context_today(self)):
            raise UserError(
                self.env._(
                    "The authorisation of %(collector)s does not cover item "
                    "%(item)s (another item, ended or revoked).",
                    collector=self.collector_name,
                    item=entry.name,
                )
            )
        given = (id_digits or "").strip().upper()
        if not given or not self.id_last_digits.strip().upper().endswith(given[-4:]):
            raise UserError(
                self.env._(
                    "The ID card shown does not match the collector the tenant "
                    "authorised (last digits %(digits)s): do not hand over "
                    "item %(item)s.",
                    digits=self.id_last_digits,
                    item=entry.name,
                )
            )
