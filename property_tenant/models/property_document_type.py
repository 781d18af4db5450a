from odoo import fields, models

DOCUMENT_CATEGORIES = [
    ("contract", "Occupancy Contract"),
    ("decoration", "Decoration Permit"),
    ("certificate", "Certificate / ID"),
    ("engineering", "Engineering Handover"),
    ("other", "Other"),
]


class PropertyDocumentType(models.Model):
    _name = "property.document.type"
    _description = "Archive Document Type"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    category = fields.Selection(DOCUMENT_CATEGORIES, required=True, default="other")
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share this type between companies."
    )
    has_expiry = fields.Boolean(
        string="Has Expiry Date",
        help="Documents of this type expire (IDs, permits, contracts) and are "
        "followed up before they do.",
    )
    expiry_lead_days = fields.Integer(
        string="Reminder Lead Time (days)",
        default=30,
        help="How many days before expiry the responsible agent gets an "
        "activity to renew the document.",
    )
    portal_visible_default = fields.Boolean(
        string="Visible to Tenant by Default",
        help="New documents of this type are shown to the tenant in the portal.",
    )
    description = fields.Text()

    _sql_constraints = [
        (
            "lead_days_positive",
            "CHECK(expiry_lead_days >= 0)",
            "The reminder lead time cannot be negative.",
        ),
    ]
