from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PropertyUnitLinkMixin(models.AbstractModel):
    """A record about a unit of a site: the unit's current tenant archive and
    tenant follow from the unit, and the unit must belong to the site."""

    _name = "property.unit.link.mixin"
    _description = "Linked to a Property Unit"

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
        index=True,
        check_company=True,
        ondelete="restrict",
        domain="[('site_id', '=', site_id)]",
    )
    occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        compute="_compute_occupancy_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
        domain="[('unit_id', '=', unit_id), ('state', '=', 'active')]",
    )
    partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        index=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )

    @api.depends("unit_id")
    def _compute_occupancy_id(self):
        for record in self:
            if record.unit_id and record.occupancy_id.unit_id != record.unit_id:
                record.occupancy_id = record.unit_id.current_occupancy_id

    @api.depends("occupancy_id")
    def _compute_partner_id(self):
        for record in self:
            if record.occupancy_id and not record.partner_id:
                record.partner_id = record.occupancy_id.tenant_id

    @api.onchange("unit_id")
    def _onchange_unit_id(self):
        if self.unit_id:
            self.site_id = self.unit_id.site_id

    @api.constrains("unit_id", "site_id")
    def _check_unit_site(self):
        for record in self:
            if record.unit_id and record.unit_id.site_id != record.site_id:
                raise ValidationError(
                    self.env._(
                        "Unit %(unit)s is not part of site %(site)s.",
                        unit=record.unit_id.code,
                        site=record.site_id.name,
                    )
                )
