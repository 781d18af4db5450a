import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..utils import expiry_state

_logger = logging.getLogger(__name__)

EXPIRY_STATES = [
    ("none", "No Expiry"),
    ("valid", "Valid"),
    ("expiring", "Expiring Soon"),
    ("expired", "Expired"),
]


class PropertyDocument(models.Model):
    _name = "property.document"
    _description = "Archive Document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "expiry_date, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    document_type_id = fields.Many2one(
        "property.document.type",
        required=True,
        tracking=True,
        index=True,
        ondelete="restrict",
    )
    category = fields.Selection(
        related="document_type_id.category", store=True, index=True
    )
    occupancy_id = fields.Many2one(
        "property.occupancy",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        help="Tenant archive this document belongs to. Leave empty for a "
        "document about the unit itself (e.g. engineering handover).",
    )
    unit_id = fields.Many2one(
        "property.unit",
        compute="_compute_unit_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    site_id = fields.Many2one(
        related="unit_id.site_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="unit_id.company_id", store=True, index=True, precompute=True
    )
    tenant_id = fields.Many2one(
        related="occupancy_id.tenant_id", store=True, index=True, string="Tenant"
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "property_document_attachment_rel",
        "document_id",
        "attachment_id",
        string="Files",
        tracking=True,
    )
    file_count = fields.Integer(compute="_compute_file_count")
    reference = fields.Char(
        string="Document Number", help="Number printed on the document."
    )
    issue_date = fields.Date(tracking=True)
    expiry_date = fields.Date(tracking=True, index=True)
    has_expiry = fields.Boolean(related="document_type_id.has_expiry")
    expiry_state = fields.Selection(
        EXPIRY_STATES,
        compute="_compute_expiry_state",
        store=True,
        precompute=True,
        index=True,
        string="Validity",
    )
    verified_by_id = fields.Many2one("res.users", tracking=True, copy=False)
    verified_date = fields.Date(string="Verified On", tracking=True, copy=False)
    responsible_id = fields.Many2one(
        "res.users",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Agent reminded before the document expires. Defaults to the "
        "archive's agent, then the site's archive agent.",
    )
    portal_visible = fields.Boolean(
        string="Visible to Tenant",
        compute="_compute_portal_visible",
        store=True,
        readonly=False,
        tracking=True,
        help="Show this document and its files to the tenant in the portal.",
    )
    expiry_reminded_on = fields.Date(
        copy=False,
        readonly=True,
        help="Expiry date for which the renewal reminder was last sent.",
    )
    note = fields.Text()

    @api.depends("occupancy_id")
    def _compute_unit_id(self):
        for document in self:
            if document.occupancy_id:
                document.unit_id = document.occupancy_id.unit_id

    @api.depends("document_type_id")
    def _compute_portal_visible(self):
        for document in self:
            if not document.portal_visible:
                document.portal_visible = (
                    document.document_type_id.portal_visible_default
                )

    @api.depends("expiry_date", "document_type_id.expiry_lead_days")
    def _compute_expiry_state(self):
        today = self.env.context.get("property_today") or fields.Date.context_today(
            self
        )
        for document in self:
            document.expiry_state = expiry_state(
                document.expiry_date,
                today,
                document.document_type_id.expiry_lead_days,
            )

    def _compute_file_count(self):
        for document in self:
            document.file_count = len(document.attachment_ids)

    @api.constrains("issue_date", "expiry_date")
    def _check_dates(self):
        for document in self:
            if (
                document.issue_date
                and document.expiry_date
                and document.expiry_date < document.issue_date
            ):
                raise ValidationError(
                    self.env._(
                        "Document %(name)s expires (%(expiry)s) before it was "
                        "issued (%(issue)s). Check both dates.",
                        name=document.name,
                        expiry=document.expiry_date,
                        issue=document.issue_date,
                    )
                )

    @api.constrains("occupancy_id", "unit_id")
    def _check_attached(self):
        for document in self:
            if not document.unit_id:
                raise ValidationError(
                    self.env._(
                        "Document %s must be filed in a tenant archive or on a unit.",
                        document.name,
                    )
                )
            if document.occupancy_id and document.occupancy_id.unit_id != (
                document.unit_id
            ):
                raise ValidationError(
                    self.env._(
                        "Document %(name)s is filed on unit %(unit)s but its "
                        "tenant archive is for unit %(archive_unit)s.",
                        name=document.name,
                        unit=document.unit_id.code,
                        archive_unit=document.occupancy_id.unit_id.code,
                    )
                )

    def action_verify(self):
        self.write(
            {
                "verified_by_id": self.env.user.id,
                "verified_date": fields.Date.context_today(self),
            }
        )
        return True

    def _expiry_responsible(self):
        self.ensure_one()
        return (
            self.responsible_id
            or self.occupancy_id.agent_id
            or self.site_id.agent_id
            or self.site_id.manager_id
            or self.create_uid
        )

    @api.model
    def _cron_document_expiry(self, date_ref=None):
        """Refresh validity and remind agents of documents about to expire.

        Validity depends on the date, so it is recomputed here every day for
        every dated document that has not expired yet. Each expiring or
        expired document gets one renewal activity per expiry date; a
        document that fails is logged and the others go on.
        """
        today = date_ref or fields.Date.context_today(self)
        dated = self.with_context(active_test=False, property_today=today).search(
            [("expiry_date", "!=", False), ("expiry_state", "!=", "expired")]
        )
        before = {document.id: document.expiry_state for document in dated}
        self.env.add_to_compute(self._fields["expiry_state"], dated)
        dated._recompute_recordset(["expiry_state"])
        # the archives that count these documents follow their new validity
        dated.filtered(lambda d: d.expiry_state != before[d.id]).modified(
            ["expiry_state"]
        )
        self.env.flush_all()

        due = self.search([("expiry_state", "in", ("expiring", "expired"))]).filtered(
            lambda d: d.expiry_reminded_on != d.expiry_date
        )
        reminded = self.browse()
        for document in due:
            try:
                with self.env.cr.savepoint():
                    document._schedule_expiry_activity()
                reminded |= document
            except Exception as error:  # noqa: BLE001 - one document must not stop the batch
                _logger.exception("Expiry reminder failed for document %s", document.id)
                document.message_post(
                    body=self.env._(
                        "The expiry reminder could not be scheduled: %s", error
                    )
                )
        return reminded

    def _schedule_expiry_activity(self):
        self.ensure_one()
        user = self._expiry_responsible()
        what = self.occupancy_id.display_name or self.unit_id.display_name
        self.activity_schedule(
            "property_tenant.mail_activity_data_document_expiry",
            date_deadline=self.expiry_date,
            summary=self.env._("Renew %(document)s", document=self.name),
            note=self.env._(
                "%(type)s of %(what)s expires on %(date)s.",
                type=self.document_type_id.name,
                what=what,
                date=self.expiry_date,
            ),
            user_id=user.id,
        )
        self.expiry_reminded_on = self.expiry_date
