from odoo import api, models


class PropertySequenceMixin(models.AbstractModel):
    """Reference of a new record (``name``) from the ``ir.sequence`` of
    ``_sequence_code``, numbered in the record's company."""

    _name = "property.sequence.mixin"
    _description = "Property Reference Sequence"

    _sequence_code = None

    @api.model
    def _sequence_company(self, vals):
        """Company of a record about to be created from ``vals``; models
        whose company comes from another record (unit, site, item) say so."""
        return self.env["res.company"].browse(
            vals.get("company_id") or self.env.company.id
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].with_company(
                    self._sequence_company(vals)
                ).next_by_code(self._sequence_code) or self.env._("New")
        return super().create(vals_list)
