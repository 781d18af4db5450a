from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PropertyTicket(models.Model):
    """An item reported at a public spot (a lift, a lobby) rather than in a
    unit: it belongs to the spot's site, so it counts in the site's figures."""

    _inherit = "property.ticket"

    spot_id = fields.Many2one(
        "property.spot",
        string="Public Spot",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain="[('site_id', '=', site_id)]",
        help="The public spot (lift, lobby, car park…) the item is about.",
    )

    @api.onchange("spot_id")
    def _onchange_spot_id(self):
        if self.spot_id:
            self.site_id = self.spot_id.site_id

    @api.constrains("spot_id", "site_id")
    def _check_spot_site(self):
        for ticket in self:
            if ticket.spot_id and ticket.spot_id.site_id != ticket.site_id:
                raise ValidationError(
                    self.env._(
                        "The spot %(spot)s is not part of site %(site)s. Pick "
                        "a spot of the item's site.",
                        spot=ticket.spot_id.display_name,
                        site=ticket.site_id.name,
                    )
                )
