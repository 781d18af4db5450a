from odoo import api, fields, models
from odoo.exceptions import ValidationError

INSPECTION_KINDS = [("patrol", "Patrol Check"), ("acceptance", "Acceptance")]
INSPECTION_RESULTS = [("ok", "In Order"), ("issues", "Issues Found")]


class PropertyDecorationInspection(models.Model):
    """A patrol check of the works (or the acceptance visit): photos,
    checklist, findings (R-DEC-3)."""

    _name = "property.decoration.inspection"
    _description = "Decoration Inspection"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    decoration_id = fields.Many2one(
        "property.decoration",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('state', 'in', ('permitted', 'works', 'acceptance'))]",
    )
    company_id = fields.Many2one(
        related="decoration_id.company_id", store=True, index=True
    )
    unit_id = fields.Many2one(related="decoration_id.unit_id", store=True)
    kind = fields.Selection(INSPECTION_KINDS, required=True, default="patrol")
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    inspector_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
    )
    check_ids = fields.One2many(
        "property.decoration.check", "inspection_id", string="Checklist"
    )
    photo_ids = fields.Many2many(
        "ir.attachment",
        "property_decoration_inspection_photo_rel",
        "inspection_id",
        "attachment_id",
        string="Photos",
    )
    result = fields.Selection(INSPECTION_RESULTS, tracking=True)
    findings = fields.Text(tracking=True)
    violation_ids = fields.One2many(
        "property.decoration.violation", "inspection_id", string="Violations"
    )

    @api.model_create_multi
    def create(self, vals_list):
        inspections = super().create(vals_list)
        items = self.env["property.decoration.check.item"].search(
            [("applies_to", "in", ("inspection", "both"))]
        )
        for inspection in inspections.filtered(lambda i: not i.check_ids):
            inspection.check_ids = [
                fields.Command.create(
                    {"item_id": item.id, "decoration_id": inspection.decoration_id.id}
                )
                for item in items
                if not item.company_id or item.company_id == inspection.company_id
            ]
        return inspections

    @api.constrains("result", "findings")
    def _check_findings(self):
        for inspection in self:
            if (
                inspection.result == "issues"
                and not (inspection.findings or "").strip()
            ):
                raise ValidationError(
                    self.env._("Write the findings of an inspection that found issues.")
                )

    @api.depends("decoration_id.name", "date")
    def _compute_display_name(self):
        for inspection in self:
            day = (
                fields.Date.to_string(inspection.date.date()) if inspection.date else ""
            )
            inspection.display_name = (
                f"{inspection.decoration_id.name or ''} {day}".strip()
            )
