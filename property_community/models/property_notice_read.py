from odoo import fields, models


class PropertyNoticeRead(models.Model):
    """Read receipt of an important notice: which tenant opened it on the
    portal, and when. Created by the portal, never by hand."""

    _name = "property.notice.read"
    _description = "Notice Read Receipt"
    _order = "read_date desc, id desc"
    _check_company_auto = True

    notice_id = fields.Many2one(
        "property.notice",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Tenant",
        required=True,
        index=True,
        ondelete="cascade",
    )
    reader_id = fields.Many2one(
        "res.partner",
        string="Read By",
        ondelete="set null",
        help="The person who opened the notice, for a company tenant.",
    )
    read_date = fields.Datetime(required=True, default=fields.Datetime.now)
    company_id = fields.Many2one(
        related="notice_id.company_id", store=True, index=True, precompute=True
    )

    _sql_constraints = [
        (
            "notice_partner_uniq",
            "unique(notice_id, partner_id)",
            "The tenant has already read this notice.",
        ),
    ]
