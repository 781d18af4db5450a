import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.property_tenant.models.property_occupancy import TENANT_KINDS

from .property_dunning_level import reached_level

_logger = logging.getLogger(__name__)

DUNNING_STATES = [
    ("done", "Done"),
    ("failed", "Failed"),
]

# Overdue bills are read and escalated this many at a time.
DUNNING_BATCH = 200
# Steps (each may print a letter: seconds) per call of the scheduled action:
# the scheduler commits them and calls again while bills remain, so that a
# long first run (go-live arrears) fits in the cron time limit, and a run
# stopped halfway resumes after the committed steps instead of starting over.
DUNNING_CRON_STEPS = 20


class PropertyDunning(models.Model):
    """One dunning step (催缴) of an overdue bill: the level it reached, when,
    for how much, and what was done (portal notice, e-mail, activity,
    letter).  Together, the tenant's dunning history.  A bill reaches each
    level at most once."""

    _name = "property.dunning"
    _description = "Dunning"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    invoice_id = fields.Many2one(
        "account.move",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="invoice_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    partner_id = fields.Many2one(
        related="invoice_id.commercial_partner_id",
        store=True,
        index=True,
        string="Customer",
    )
    occupancy_id = fields.Many2one(
        "property.occupancy", string="Tenant Archive", index=True, readonly=True
    )
    unit_id = fields.Many2one(related="occupancy_id.unit_id", store=True)
    site_id = fields.Many2one(
        related="invoice_id.property_site_id", store=True, index=True, string="Site"
    )
    building_id = fields.Many2one(related="occupancy_id.building_id", store=True)
    tenant_kind = fields.Selection(TENANT_KINDS, readonly=True)
    level_id = fields.Many2one(
        "property.dunning.level",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    date = fields.Date(required=True, readonly=True, index=True)
    invoice_date_due = fields.Date(
        related="invoice_id.invoice_date_due", string="Due Date"
    )
    days_overdue = fields.Integer(readonly=True)
    amount_overdue = fields.Monetary(readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        readonly=True,
        help="Who follows up this bill.",
    )
    state = fields.Selection(
        DUNNING_STATES, required=True, default="done", readonly=True, tracking=True
    )
    actions_done = fields.Text(string="Actions", readonly=True)
    error = fields.Text(readonly=True)
    portal_notified = fields.Boolean(readonly=True)
    email_sent = fields.Boolean(string="E-mailed", readonly=True)
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "level_once",
            "unique(invoice_id, level_id)",
            "A bill reaches each dunning level only once.",
        ),
    ]

    @api.depends("level_id", "invoice_id")
    def _compute_display_name(self):
        for dunning in self:
            dunning.display_name = (
                f"{dunning.level_id.name or ''} / {dunning.invoice_id.name or ''}"
            )

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    @api.model
    def _cron_dunning(self, date_ref=None):
        """Escalate every overdue property bill to the highest dunning level
        it reached and did not get yet (lower levels it skipped are not done
        any more; a level done once is never repeated).  A bill that fails is
        recorded as a failed step, logged, and tried again on the next run;
        the others go on.  A database error is nobody's bill's: it fails the
        whole run (tried again by the next one).  Returns the steps done."""
        today = date_ref or fields.Date.context_today(self)
        levels = self.env["property.dunning.level"].search([])
        if not levels:
            return self.browse()
        by_company = {
            company: [(lv.id, lv.days_overdue, lv.anchor_days_overdue) for lv in group]
            for company, group in levels.grouped("company_id").items()
        }
        earliest = min(min(lv[1], lv[2]) for lvs in by_company.values() for lv in lvs)
        invoice_ids = self.env["account.move"]._search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("company_id", "in", levels.company_id.ids),
                ("invoice_date_due", "<=", today - timedelta(days=earliest)),
                ("invoice_line_ids.property_occupancy_id", "!=", False),
            ],
            order="id",
        )
        invoice_ids = list(invoice_ids)
        # run by the scheduler (with its progress): a few steps per call
        limit = DUNNING_CRON_STEPS if self.env.context.get("ir_cron_progress_id") else 0
        size = min(DUNNING_BATCH, limit or DUNNING_BATCH)
        done = self.browse()
        for start in range(0, len(invoice_ids), size):
            invoices = self.env["account.move"].browse(
                invoice_ids[start : start + size]
            )
            done |= self._escalate(invoices, by_company, today)
            self.env.flush_all()
            self.env.invalidate_all()
            remaining = len(invoice_ids) - start - size
            if limit and len(done) >= limit and remaining > 0:
                # committed by the scheduler, which calls again; the bills
                # dunned already are skipped then (their step is done)
                self.env["ir.cron"]._notify_progress(
                    done=len(done), remaining=remaining
                )
                return done
        self.env["ir.cron"]._notify_progress(done=len(invoice_ids), remaining=0)
        return done

    @api.model
    def _escalate(self, invoices, by_company, today):
        Level = self.env["property.dunning.level"]
        history = {}
        for dunning in self.search([("invoice_id", "in", invoices.ids)]):
            history.setdefault(dunning.invoice_id.id, {})[dunning.level_id.id] = dunning
        done = self.browse()
        for invoice in invoices:
            levels = by_company.get(invoice.company_id)
            if not levels or invoice.amount_residual <= 0:
                continue
            occupancies = invoice.invoice_line_ids.property_occupancy_id
            anchor = "anchor" in occupancies.mapped("tenant_kind")
            days = (today - invoice.invoice_date_due).days
            level_id = reached_level(levels, days, anchor)
            if not level_id:
                continue
            steps = history.get(invoice.id, {})
            rank = [lv[0] for lv in levels]
            if any(
                step.state == "done" and rank.index(lid) >= rank.index(level_id)
                for lid, step in steps.items()
                if lid in rank
            ):
                continue
            level = Level.browse(level_id)
            vals = {
                "invoice_id": invoice.id,
                "level_id": level.id,
                "occupancy_id": occupancies[:1].id,
                "tenant_kind": "anchor" if anchor else occupancies[:1].tenant_kind,
                "date": today,
                "days_overdue": days,
                "amount_overdue": invoice.amount_residual,
                "user_id": invoice.property_site_id._dunning_collector().id
                if invoice.property_site_id
                else False,
            }
            failed = steps.get(level.id)
            try:
                with self.env.cr.savepoint():
                    if failed:
                        failed.write({**vals, "state": "done", "error": False})
                        dunning = failed
                    else:
                        dunning = self.create(vals)
                    dunning._execute()
                done |= dunning
            except psycopg2.Error:
                # not the bill's fault (a lock, a serialization failure, the
                # database going away): the whole cron run fails and is tried
                # again, nothing is recorded against the tenant
                raise
            except Exception as error:  # noqa: BLE001 - one bill must not stop the others
                _logger.exception(
                    "Dunning of invoice %s at level %s failed", invoice.id, level.id
                )
                self._record_failure(failed, vals, error)
        return done

    @api.model
    def _record_failure(self, failed, vals, error):
        message = str(error.args[0]) if getattr(error, "args", None) else str(error)
        vals = {**vals, "state": "failed", "error": message, "actions_done": False}
        if failed:
            failed.write(vals)
        else:
            failed = self.create(vals)
        failed.message_post(body=self.env._("Dunning failed: %(error)s", error=message))

    def _execute(self):
        """Do what this step's level says, and write down what was done."""
        self.ensure_one()
        level = self.level_id
        invoice = self.invoice_id
        partner = invoice.partner_id
        actions = []
        attachments = []
        if level.print_letter:
            content = self._render_letter()
            name = self.env._("Dunning Letter %(invoice)s", invoice=invoice.name)
            filename = f"{name.replace('/', '-')}.pdf"
            self.letter_attachment_id = self.env["ir.attachment"].create(
                {
                    "name": filename,
                    "raw": content,
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": "application/pdf",
                }
            )
            attachments.append((filename, content))
            actions.append(self.env._("Letter printed"))
        if level.notify_portal or level.send_email:
            subject, body = self._render_message()
            email = level.send_email and bool(partner.email)
            if level.send_email and not partner.email:
                actions.append(
                    self.env._(
                        "No e-mail sent: %(partner)s has no e-mail address",
                        partner=partner.display_name,
                    )
                )
            post = {
                "body": body,
                "subject": subject,
                "message_type": "comment",
                "subtype_xmlid": "mail.mt_comment",
                "partner_ids": [partner.id] if email else [],
                "attachments": attachments,
                "email_layout_xmlid": "mail.mail_notification_light",
            }
            if level.notify_portal:
                invoice.message_post(**post)
                self.portal_notified = True
                actions.append(self.env._("Notice posted on the customer portal"))
            elif email:
                self.message_post(**post)
            if email:
                self.email_sent = True
                actions.append(
                    self.env._("E-mail sent to %(email)s", email=partner.email)
                )
        if level.create_activity:
            user = self._activity_user()
            self.activity_schedule(
                activity_type_id=level.activity_type_id.id,
                user_id=user.id,
                date_deadline=self.date,
                summary=self.env._(
                    "%(level)s: %(partner)s, %(amount)s overdue %(days)s days",
                    level=level.name,
                    partner=partner.display_name,
                    amount=self.currency_id.format(self.amount_overdue),
                    days=self.days_overdue,
                ),
                note=self.env._(
                    "Invoice %(invoice)s, phone %(phone)s",
                    invoice=invoice.name,
                    phone=partner.phone or partner.mobile or "-",
                ),
            )
            actions.append(
                self.env._(
                    "%(activity)s scheduled for %(user)s",
                    activity=level.activity_type_id.name,
                    user=user.name,
                )
            )
        self.actions_done = "\n".join(actions)

    def _activity_user(self):
        self.ensure_one()
        site = self.invoice_id.property_site_id
        if self.level_id.activity_user == "supervisor":
            user = site._dunning_supervisor() if site else False
            if not user:
                raise UserError(
                    self.env._(
                        "Site %(site)s has no billing manager or project manager "
                        "to sign its dunning letters.",
                        site=site.name or "",
                    )
                )
            return user
        user = site._dunning_collector() if site else False
        if not user:
            raise UserError(
                self.env._(
                    "Site %(site)s has no fee collector to call its late payers: "
                    "set one on the site.",
                    site=site.name or "",
                )
            )
        return user

    def _render_message(self):
        self.ensure_one()
        template = self.level_id.mail_template_id or self.env.ref(
            "property_billing.mail_template_property_dunning"
        )
        subject = template._render_field("subject", self.ids, compute_lang=True)[
            self.id
        ]
        body = template._render_field("body_html", self.ids, compute_lang=True)[self.id]
        return subject, body

    def _render_letter(self):
        self.ensure_one()
        content, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "property_billing.action_report_property_dunning_letter", self.ids
        )
        return content

    # ------------------------------------------------------------------
    # Letter
    # ------------------------------------------------------------------
    def _letter_invoices(self):
        """The customer's bills still overdue at the site on the letter's
        date, oldest first."""
        self.ensure_one()
        domain = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("commercial_partner_id", "=", self.partner_id.id),
            ("invoice_date_due", "<", self.date),
            ("company_id", "=", self.company_id.id),
        ]
        if self.site_id:
            domain.append(("property_site_id", "=", self.site_id.id))
        return self.env["account.move"].search(domain, order="invoice_date_due, id")

    def _letter_pay_by(self):
        self.ensure_one()
        return self.date + timedelta(days=self.level_id.payment_days or 0)

    def _letter_signatory(self):
        self.ensure_one()
        site = self.invoice_id.property_site_id
        return site._dunning_supervisor() if site else self.env["res.users"]

    def action_print_letter(self):
        return self.env.ref(
            "property_billing.action_report_property_dunning_letter"
        ).report_action(self)

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "view_mode": "form",
        }

    @api.model
    def action_run_dunning(self):
        """Run the dunning now (billing managers), instead of waiting for
        the daily scheduled action."""
        if not self.env.user.has_group(
            "property_billing.group_property_billing_manager"
        ):
            raise UserError(self.env._("Only a billing manager can run the dunning."))
        done = self._cron_dunning()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(count)s overdue bills escalated.", count=len(done)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
