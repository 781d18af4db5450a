from odoo import api, fields, models
from odoo.exceptions import UserError

CHECK_STATES = [
    ("planned", "Planned"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]


class PropertyArchiveCheck(models.Model):
    _name = "property.archive.check"
    _description = "Periodic Archive Check"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.sequence.mixin"]
    _sequence_code = "property.archive.check"
    _order = "planned_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    site_id = fields.Many2one(
        "property.site",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        related="site_id.company_id", store=True, index=True, precompute=True
    )
    state = fields.Selection(
        CHECK_STATES, required=True, default="planned", tracking=True, copy=False
    )
    planned_date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True
    )
    check_date = fields.Date(string="Checked On", tracking=True, copy=False)
    user_id = fields.Many2one(
        "res.users",
        string="Checked By",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    result = fields.Selection(
        [("ok", "Archive in order"), ("issues", "Issues found")],
        tracking=True,
        copy=False,
    )
    findings = fields.Html()
    completeness_at_check = fields.Float(
        string="Completeness at Check (%)", readonly=True, copy=False, digits=(16, 2)
    )
    incomplete_at_check = fields.Integer(
        string="Incomplete Archives at Check", readonly=True, copy=False
    )

    @api.model
    def _sequence_company(self, vals):
        if vals.get("site_id"):
            return self.env["property.site"].browse(vals["site_id"]).company_id
        return super()._sequence_company(vals)

    @api.model_create_multi
    def create(self, vals_list):
        checks = super().create(vals_list)
        for check in checks.filtered(lambda c: c.user_id and c.state == "planned"):
            check.activity_schedule(
                "property_tenant.mail_activity_data_archive_check",
                date_deadline=check.planned_date,
                summary=self.env._("Archive check of %s", check.site_id.name),
                user_id=check.user_id.id,
            )
        return checks

    def action_done(self):
        for check in self:
            if check.state != "planned":
                raise UserError(
                    self.env._("Archive check %s is not planned.", check.name)
                )
            if not check.result:
                raise UserError(
                    self.env._(
                        "Record the result of archive check %s (in order or "
                        "issues found) before closing it.",
                        check.name,
                    )
                )
            check.write(
                {
                    "state": "done",
                    "check_date": check.check_date or fields.Date.context_today(self),
                    "user_id": check.user_id.id or self.env.user.id,
                    "completeness_at_check": check.site_id.archive_completeness,
                    "incomplete_at_check": check.site_id.incomplete_archive_count,
                }
            )
            check.activity_feedback(
                ["property_tenant.mail_activity_data_archive_check"]
            )
        # what the archive held on the day of the check, for past periods
        self.env["property.archive.snapshot"].sudo()._take(
            self.site_id.sudo(), fields.Date.context_today(self)
        )
        return True

    def action_cancel(self):
        self.write({"state": "cancel"})
        self.activity_unlink(["property_tenant.mail_activity_data_archive_check"])
        return True
