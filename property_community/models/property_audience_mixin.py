from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from odoo.addons.property_tenant.models.property_occupancy import TENANT_KINDS


class PropertyAudienceMixin(models.AbstractModel):
    """Who a notice or a survey is addressed to: the tenants of the ACTIVE
    occupancies of a site, optionally only of some buildings and some
    tenant kinds. The models that use it have a ``company_id``.

    The kinds are one checkbox each, like the call-back campaigns of the
    service desk: ``tenant_kind_<kind>`` for every kind of TENANT_KINDS."""

    _name = "property.audience.mixin"
    _description = "Tenant Audience"

    site_id = fields.Many2one(
        "property.site",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    building_ids = fields.Many2many(
        "property.building",
        string="Buildings",
        check_company=True,
        domain="[('site_id', '=', site_id)]",
        help="Leave empty to address every building of the site.",
    )
    tenant_kind_anchor = fields.Boolean(string="Anchor Tenants", default=True)
    tenant_kind_small = fields.Boolean(string="Small Merchants", default=True)
    tenant_kind_resident = fields.Boolean(string="Residents", default=True)
    audience_count = fields.Integer(
        string="Audience",
        compute="_compute_audience_count",
        help="Tenants of the active occupancies that match the site, "
        "buildings and tenant kinds.",
    )

    @api.constrains("site_id", "building_ids")
    def _check_audience_buildings(self):
        for record in self:
            strays = record.building_ids.filtered(
                lambda b, r=record: b.site_id != r.site_id
            )
            if strays:
                raise ValidationError(
                    self.env._(
                        "The buildings %(buildings)s are not part of the site "
                        "%(site)s. Choose buildings of the site, or leave the "
                        "buildings empty to address the whole site.",
                        buildings=", ".join(strays.mapped("display_name")),
                        site=record.site_id.display_name or "-",
                    )
                )

    @api.onchange("site_id")
    def _onchange_site_id_buildings(self):
        self.building_ids = self.building_ids.filtered(
            lambda b: b.site_id == self.site_id
        )

    def _check_audience(self):
        """Refuse to address nobody: a site is needed, at least one tenant
        kind, and at least one active tenant must match."""
        for record in self:
            if not record.site_id:
                raise UserError(
                    self.env._(
                        "%(name)s has no audience. Choose the site whose "
                        "tenants it is addressed to (and, if needed, buildings "
                        "and tenant kinds).",
                        name=record.display_name,
                    )
                )
            if not record._audience_tenant_kinds():
                raise UserError(
                    self.env._(
                        "%(name)s is addressed to no kind of tenant. Tick at "
                        "least one of anchor tenants, small merchants and "
                        "residents.",
                        name=record.display_name,
                    )
                )
            if not record._audience_partners():
                raise UserError(
                    self.env._(
                        "No active tenant of %(site)s matches the buildings and "
                        "tenant kinds of %(name)s. Widen the audience.",
                        site=record.site_id.display_name,
                        name=record.display_name,
                    )
                )

    def _audience_occupancy_domain(self):
        """Domain of the active occupancies whose tenants are addressed."""
        self.ensure_one()
        domain = [
            ("state", "=", "active"),
            ("site_id", "=", self.site_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        if self.building_ids:
            domain.append(("building_id", "in", self.building_ids.ids))
        kinds = self._audience_tenant_kinds()
        if len(kinds) < len(TENANT_KINDS):
            domain.append(("tenant_kind", "in", kinds))
        return domain

    def _audience_tenant_kinds(self):
        """The tenant kinds ticked, as codes of TENANT_KINDS."""
        self.ensure_one()
        return [kind for kind, _label in TENANT_KINDS if self[f"tenant_kind_{kind}"]]

    def _audience_partners(self):
        """The addressed tenants (partners), each once, in one grouped query.

        Read as superuser: who is addressed does not depend on whether the
        officer may read the tenant archive."""
        self.ensure_one()
        if not self.site_id:
            return self.env["res.partner"]
        groups = (
            self.env["property.occupancy"]
            .sudo()
            ._read_group(self._audience_occupancy_domain(), ["tenant_id"])
        )
        return self.env["res.partner"].browse([tenant.id for (tenant,) in groups])

    @api.depends(
        "site_id",
        "building_ids",
        "company_id",
        *[f"tenant_kind_{kind}" for kind, _label in TENANT_KINDS],
    )
    def _compute_audience_count(self):
        for record in self:
            record.audience_count = len(record._audience_partners())

    @api.model
    def _audience_domain_for_partners(self, partner_ids):
        """Domain on this model: the records addressed to the partners (or
        to the companies they belong to), from their active occupancies.

        One branch per (site, building, tenant kind) the partners occupy:
        a record matches when its site is that site, its buildings are empty
        or include that building, and that kind is ticked.
        """
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        if not partners:
            return expression.FALSE_DOMAIN
        occupancies = (
            self.env["property.occupancy"]
            .sudo()
            .search(
                [
                    ("state", "=", "active"),
                    (
                        "tenant_id.commercial_partner_id",
                        "in",
                        partners.commercial_partner_id.ids,
                    ),
                ]
            )
        )
        branches = []
        seen = set()
        for occupancy in occupancies:
            key = (
                occupancy.site_id.id,
                occupancy.building_id.id,
                occupancy.tenant_kind,
            )
            if key in seen:
                continue
            seen.add(key)
            site_id, building_id, kind = key
            building = [("building_ids", "=", False)]
            if building_id:
                building = expression.OR(
                    [building, [("building_ids", "in", [building_id])]]
                )
            branches.append(
                expression.AND(
                    [
                        [("site_id", "=", site_id), (f"tenant_kind_{kind}", "=", True)],
                        building,
                    ]
                )
            )
        return expression.OR(branches) if branches else expression.FALSE_DOMAIN
