from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from ..notice_utils import chunked, in_window, window_is_valid

NOTICE_CATEGORIES = [
    ("reminder", "Warm Reminder"),
    ("safety", "Safety"),
    ("hygiene", "Hygiene"),
    ("outage", "Outage / Maintenance"),
    ("finance", "Financial Disclosure"),
    ("activity", "Activity"),
]

NOTICE_STATES = [
    ("draft", "Draft"),
    ("published", "Published"),
    ("expired", "Expired"),
]

# mail.mail records created per INSERT when a notice is sent
MAIL_BATCH_SIZE = 1000


class PropertyNotice(models.Model):
    """A notice to tenants (公告/宣传, R-COM-3): warm reminders, safety and
    hygiene publicity, outages, financial disclosure, activities.

    Published notices are shown on the portal of the tenants they address
    and e-mailed to them through the mail queue. Important notices record
    who has read them."""

    _name = "property.notice"
    _description = "Notice to Tenants"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "property.audience.mixin",
    ]
    _order = "publish_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    category = fields.Selection(
        NOTICE_CATEGORIES,
        required=True,
        default="reminder",
        tracking=True,
        index=True,
    )
    body = fields.Html(string="Content")
    important = fields.Boolean(
        tracking=True,
        help="Important notices record which tenants have read them on the portal.",
    )
    state = fields.Selection(
        NOTICE_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    publish_from = fields.Datetime(
        tracking=True,
        index=True,
        copy=False,
        help="When the notice appears on the portal and is e-mailed. Empty: "
        "the moment it is published.",
    )
    publish_to = fields.Datetime(
        tracking=True,
        copy=False,
        help="When the notice leaves the portal. Empty: until it is ended by hand.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "property_notice_ir_attachment_rel",
        "notice_id",
        "attachment_id",
        string="Attachments",
        help="Files the tenants can download from the portal.",
    )
    mailed_partner_ids = fields.Many2many(
        "res.partner",
        "property_notice_mailed_partner_rel",
        "notice_id",
        "partner_id",
        string="E-mailed Tenants",
        copy=False,
        readonly=True,
    )
    mailed_count = fields.Integer(
        string="E-mails Queued",
        copy=False,
        readonly=True,
        help="E-mails put in the mail queue for this notice, over all its "
        "publications.",
    )
    addressed_to_user = fields.Boolean(
        string="Addressed to Me",
        compute="_compute_addressed_to_user",
        search="_search_addressed_to_user",
        help="The notice is addressed to the tenant of the current user: the "
        "portal record rule. Computed with one query, never by loading the "
        "whole audience.",
    )
    read_ids = fields.One2many("property.notice.read", "notice_id", string="Reads")
    read_count = fields.Integer(compute="_compute_read_counts", string="Read")
    unread_count = fields.Integer(compute="_compute_read_counts", string="Not Read")

    @api.constrains("publish_from", "publish_to")
    def _check_publish_window(self):
        for notice in self:
            if not window_is_valid(notice.publish_from, notice.publish_to):
                raise ValidationError(
                    self.env._(
                        "The notice %(name)s would leave the portal "
                        "(%(end)s) before it appears (%(start)s). Set the "
                        "end of the publication after its start.",
                        name=notice.name,
                        start=notice.publish_from,
                        end=notice.publish_to,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(notice.state != "draft" for notice in self):
            raise UserError(
                self.env._(
                    "A notice that was published is kept as a record of what "
                    "the tenants were told. Archive it instead of deleting it."
                )
            )

    @api.depends_context("uid")
    def _compute_addressed_to_user(self):
        addressed = self.browse()
        if self.ids:
            addressed = (
                self.sudo()
                .with_context(active_test=False)
                .search(
                    expression.AND(
                        [
                            [("id", "in", self.ids)],
                            self._audience_domain_for_partners(
                                self.env.user.partner_id.ids
                            ),
                        ]
                    )
                )
            )
        for notice in self:
            notice.addressed_to_user = notice.id in addressed.ids

    def _search_addressed_to_user(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search notices addressed to you with a yes/no value.")
            )
        domain = self._audience_domain_for_partners(self.env.user.partner_id.ids)
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("read_ids", "important", "audience_count")
    def _compute_read_counts(self):
        counts = {
            notice.id: count
            for notice, count in self.env["property.notice.read"]._read_group(
                [("notice_id", "in", self.ids)], ["notice_id"], ["__count"]
            )
        }
        for notice in self:
            notice.read_count = counts.get(notice.id, 0)
            notice.unread_count = (
                len(notice._unread_partners()) if notice.important else 0
            )

    def _unread_partners(self):
        """Addressed tenants who have not opened the notice on the portal."""
        self.ensure_one()
        readers = self.read_ids.partner_id
        return self._audience_partners().filtered(
            lambda p: p.commercial_partner_id not in readers
        )

    # ------------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------------
    @api.model
    def _portal_domain(self, partner, moment=None):
        """Notices shown to a partner on the portal: published, in their
        window, addressed to one of the partner's active occupancies."""
        moment = moment or fields.Datetime.now()
        return expression.AND(
            [
                [
                    ("state", "=", "published"),
                    ("publish_from", "<=", moment),
                    "|",
                    ("publish_to", "=", False),
                    ("publish_to", ">", moment),
                ],
                self._audience_domain_for_partners(partner.ids),
            ]
        )

    def _portal_url(self):
        self.ensure_one()
        return f"/my/notices/{self.id}"

    def _is_on_portal(self, moment=None):
        self.ensure_one()
        moment = moment or fields.Datetime.now()
        return (
            self.active
            and self.state == "published"
            and in_window(moment, self.publish_from, self.publish_to)
        )

    def _mark_read(self, partner):
        """Record that the tenant (the partner's company, if any) opened an
        important notice. Idempotent: the first reading counts."""
        self.ensure_one()
        tenant = partner.commercial_partner_id
        if not self.important:
            return self.env["property.notice.read"]
        Read = self.env["property.notice.read"].sudo()
        existing = Read.search(
            [("notice_id", "=", self.id), ("partner_id", "=", tenant.id)], limit=1
        )
        if existing:
            return existing
        return Read.create(
            {
                "notice_id": self.id,
                "partner_id": tenant.id,
                "reader_id": partner.id,
            }
        )

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _check_publishable(self):
        for notice in self:
            if notice.state != "draft":
                raise UserError(
                    self.env._(
                        "Only draft notices can be published; %(name)s is "
                        "already %(state)s.",
                        name=notice.name,
                        state=dict(
                            notice._fields["state"]._description_selection(self.env)
                        )[notice.state],
                    )
                )
        self._check_audience()

    def action_publish(self):
        self._check_publishable()
        now = fields.Datetime.now()
        for notice in self:
            vals = {"state": "published"}
            if not notice.publish_from:
                vals["publish_from"] = now
            if notice.publish_to and notice.publish_to <= now:
                raise UserError(
                    self.env._(
                        "The publication of %(name)s would already be over "
                        "(%(end)s). Move its end later.",
                        name=notice.name,
                        end=notice.publish_to,
                    )
                )
            notice.write(vals)
            notice._queue_mails()
        return True

    def action_end(self):
        """End the publication now: the notice leaves the portal."""
        now = fields.Datetime.now()
        for notice in self:
            if notice.state != "published":
                raise UserError(
                    self.env._(
                        "Only published notices can be ended (%(name)s).",
                        name=notice.name,
                    )
                )
            vals = {"state": "expired"}
            if not notice.publish_to or notice.publish_to > now:
                vals["publish_to"] = max(now, notice.publish_from)
            notice.write(vals)
        return True

    def action_reset_to_draft(self):
        if any(notice.state == "draft" for notice in self):
            raise UserError(self.env._("The notice is already a draft."))
        self.write({"state": "draft"})
        return True

    @api.model
    def _cron_expire_notices(self, date_ref=None):
        """Published notices whose window has ended become expired."""
        moment = date_ref or fields.Datetime.now()
        notices = self.search(
            [
                ("state", "=", "published"),
                ("publish_to", "!=", False),
                ("publish_to", "<=", moment),
            ]
        )
        notices.write({"state": "expired"})
        return notices

    # ------------------------------------------------------------------
    # E-mail through the mail queue
    # ------------------------------------------------------------------
    def _mail_body(self):
        """The e-mail of the notice, rendered once for all its recipients."""
        self.ensure_one()
        company = self.company_id
        url = self.get_base_url() + self._portal_url()
        content = self.env["ir.qweb"]._render(
            "property_community.property_notice_mail_content",
            {"notice": self, "portal_url": url},
            minimal_qcontext=True,
        )
        layout = self.env["ir.qweb"]._render(
            "mail.mail_notification_light",
            {
                "message": self.env["mail.message"]
                .sudo()
                .new({"body": content, "record_name": self.name}),
                "model_description": self.env._("Notice"),
                "company": company,
                "has_button_access": True,
                "button_access": {"url": url},
                "record": self,
            },
            minimal_qcontext=True,
        )
        return self.env["mail.render.mixin"]._replace_local_links(layout)

    def _queue_mails(self, batch_size=MAIL_BATCH_SIZE):
        """Put one e-mail per addressed tenant in the mail queue.

        The e-mails are ``mail.mail`` records created in batches that share
        one chatter message; Odoo's mail queue cron sends them (from the
        start of the publication on). A tenant already e-mailed for this
        notice is not e-mailed again; tenants without an e-mail address see
        the notice on the portal only. Returns the queued e-mails.
        """
        self.ensure_one()
        audience = self._audience_partners()
        already = set(self.mailed_partner_ids.ids)
        to_mail = audience.filtered(lambda p: p.id not in already)
        with_email = to_mail.filtered("email")
        without_email = to_mail - with_email
        Mail = self.env["mail.mail"].sudo()
        mails = Mail
        if with_email:
            summary = self.env._(
                "Notice published: %(count)s e-mail(s) queued to the tenants.",
                count=len(with_email),
            )
            if without_email:
                summary += " " + self.env._(
                    "%(count)s tenant(s) have no e-mail address and see it on "
                    "the portal only.",
                    count=len(without_email),
                )
            message = self.message_post(
                body=summary,
                subject=self.name,
                email_from=self.company_id.email_formatted
                or self.env.user.email_formatted,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            body_html = self._mail_body()
            scheduled = (
                self.publish_from
                if self.publish_from and self.publish_from > fields.Datetime.now()
                else False
            )
            # one e-mail per tenant, addressed by e-mail (who was e-mailed is
            # kept on the notice); batches keep the memory flat
            for partners in chunked(with_email, batch_size):
                mails |= Mail.create(
                    [
                        {
                            "mail_message_id": message.id,
                            "body_html": body_html,
                            "email_to": partner.email_formatted,
                            "auto_delete": True,
                            "scheduled_date": scheduled,
                            "state": "outgoing",
                        }
                        for partner in partners
                    ]
                )
            self.write(
                {
                    "mailed_partner_ids": [Command.link(pid) for pid in with_email.ids],
                    "mailed_count": self.mailed_count + len(with_email),
                }
            )
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger(
                scheduled or None
            )
        elif without_email:
            self.message_post(
                body=self.env._(
                    "Notice published: none of the %(count)s new tenant(s) "
                    "addressed has an e-mail address; they see it on the "
                    "portal only.",
                    count=len(without_email),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return mails

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def _action_partners(self, partners, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", partners.ids)],
            "context": {"create": False},
        }

    def action_view_audience(self):
        self.ensure_one()
        return self._action_partners(
            self._audience_partners(), self.env._("Addressed Tenants")
        )

    def action_view_unread(self):
        self.ensure_one()
        return self._action_partners(
            self._unread_partners(), self.env._("Tenants Who Have Not Read")
        )

    def action_view_reads(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_community.property_notice_read_action"
        )
        action["domain"] = [("notice_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
