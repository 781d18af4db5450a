from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .property_occupancy import REQUIRABLE_FIELDS, TENANT_KINDS


class PropertyArchiveRequirement(models.Model):
    _name = "property.archive.requirement"
    _description = "Archive Requirement"
    _order = "sequence, id"

    name = fields.Char(compute="_compute_name", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to apply the requirement in every company.",
    )
    tenant_kind = fields.Selection(
        TENANT_KINDS,
        help="Leave empty to require the item for every kind of tenant.",
    )
    requirement_type = fields.Selection(
        [("document", "Document"), ("field", "Field")],
        string="Type",
        required=True,
        default="document",
    )
    document_type_id = fields.Many2one("property.document.type", ondelete="cascade")
    field_name = fields.Selection(REQUIRABLE_FIELDS, string="Field")

    @api.depends("requirement_type", "document_type_id.name", "field_name")
    def _compute_name(self):
        labels = dict(self._fields["field_name"]._description_selection(self.env))
        for requirement in self:
            if requirement.requirement_type == "document":
                requirement.name = requirement.document_type_id.name or ""
            else:
                requirement.name = labels.get(requirement.field_name, "")

    @api.constrains("requirement_type", "document_type_id", "field_name")
    def _check_target(self):
        for requirement in self:
            if (
                requirement.requirement_type == "document"
                and not requirement.document_type_id
            ):
                raise ValidationError(
                    self.env._("Choose the document type that is required.")
                )
            if requirement.requirement_type == "field" and not requirement.field_name:
                raise ValidationError(self.env._("Choose the field that is required."))

    def _is_satisfied_by(self, occupancy, valid_document_types=None):
        """Whether ``occupancy`` holds what this requirement asks for.

        ``valid_document_types`` may be given when the caller already has
        the occupancy's usable document types (see ``_valid_document_types``).
        """
        self.ensure_one()
        if self.requirement_type == "document":
            if valid_document_types is None:
                valid_document_types = occupancy._valid_document_types()
            return self.document_type_id in valid_document_types
        return bool(occupancy[self.field_name])

    @api.model_create_multi
    def create(self, vals_list):
        requirements = super().create(vals_list)
        requirements._recompute_archives()
        return requirements

    def write(self, vals):
        res = super().write(vals)
        self._recompute_archives()
        return res

    def unlink(self):
        companies = self.company_id
        everywhere = any(not requirement.company_id for requirement in self)
        res = super().unlink()
        self.env["property.archive.requirement"]._recompute_archives(
            companies=companies, everywhere=everywhere
        )
        return res

    def _recompute_archives(self, companies=None, everywhere=None):
        """A changed rule changes every archive it applies to."""
        if companies is None:
            companies = self.company_id
            everywhere = any(not requirement.company_id for requirement in self)
        domain = [] if everywhere else [("company_id", "in", companies.ids)]
        occupancies = (
            self.env["property.occupancy"].sudo().with_context(active_test=False)
        ).search(domain)
        Occupancy = self.env["property.occupancy"]
        for fname in (
            "required_item_count",
            "present_item_count",
            "completeness",
            "is_archive_complete",
            "missing_items",
        ):
            self.env.add_to_compute(Occupancy._fields[fname], occupancies)
        occupancies._recompute_recordset()
