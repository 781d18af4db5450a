from odoo import fields, models
from odoo.exceptions import UserError


class PropertyFeeStandardTier(models.Model):
    _name = "property.fee.standard.tier"
    _description = "Fee Standard Price Tier"
    _order = "standard_id, from_quantity"

    standard_id = fields.Many2one(
        "property.fee.standard", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="standard_id.company_id", store=True)
    from_quantity = fields.Float(
        required=True, help="Consumption from which this band's rate applies."
    )
    rate = fields.Float(digits="Product Price", required=True)

    def write(self, vals):
        if any(
            t.standard_id.state == "approved" for t in self
        ) and not self.env.context.get("property_standard_versioning"):
            raise UserError(
                self.env._(
                    "The tiers of an approved fee standard cannot be changed: "
                    "create a new version."
                )
            )
        return super().write(vals)
