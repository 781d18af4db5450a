import base64
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import file_open

from odoo.addons.property_tenant.spreadsheet import download_action

from ..applier import GoliveApply
from ..checker import GoliveCheck
from ..sheets import SHEETS, sheet_title
from ..workbook import read_tables, report_content, template_content

_logger = logging.getLogger(__name__)

IMPORT_STATES = [
    ("draft", "Draft"),
    ("checked", "Checked"),
    ("applied", "Applied"),
    ("failed", "Failed"),
]

# Files with more rows than this are applied by a queue job.
JOB_THRESHOLD_ROWS = 2000


class PropertyGoliveImport(models.Model):
    """A go-live import (上线导入): a company's workbook of sites, units,
    tenant archives, members, meters, fee standards, opening arrears and
    deposits held, its dry run and its application.

    The dry run checks every row and writes nothing but this record (the
    report and the totals).  Applying checks again and writes the whole
    file in one savepoint: any error and nothing of the file is kept.
    Rows are keyed by their natural keys, so a second upload of the same
    file creates nothing and a corrected one updates what changed."""

    _name = "property.golive.import"
    _description = "Go-live Import"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, default=lambda self: self.env._("Go-live import"))
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    site_id = fields.Many2one(
        "property.site",
        check_company=True,
        help="The site going live (for its checklist); the file may hold "
        "several sites.",
    )
    state = fields.Selection(
        IMPORT_STATES, default="draft", required=True, tracking=True, copy=False
    )
    file = fields.Binary(string="Workbook", attachment=True, copy=False)
    filename = fields.Char()
    cutover_date = fields.Date(
        string="Opening Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Date of the opening receivables and deposits in accounting.",
    )
    check_ok = fields.Boolean(string="Dry Run OK", readonly=True, copy=False)
    summary = fields.Text(readonly=True, copy=False)
    report_file = fields.Binary(
        string="Dry-run Report", attachment=True, copy=False, readonly=True
    )
    report_filename = fields.Char(readonly=True)
    row_count = fields.Integer(readonly=True, copy=False)
    create_count = fields.Integer(string="To Create", readonly=True, copy=False)
    update_count = fields.Integer(string="To Update", readonly=True, copy=False)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True, copy=False)
    error_count = fields.Integer(string="Errors", readonly=True, copy=False)
    arrears_total = fields.Monetary(string="Opening Arrears", readonly=True, copy=False)
    deposits_total = fields.Monetary(string="Deposits Held", readonly=True, copy=False)
    control_arrears = fields.Monetary(
        string="Control Total: Arrears",
        tracking=True,
        help="Entered by finance from the former system.",
    )
    control_deposits = fields.Monetary(string="Control Total: Deposits", tracking=True)
    arrears_difference = fields.Monetary(compute="_compute_differences")
    deposits_difference = fields.Monetary(compute="_compute_differences")
    progress = fields.Float(readonly=True, copy=False)
    progress_step = fields.Char(readonly=True, copy=False)
    job_uuid = fields.Char(readonly=True, copy=False)
    duration = fields.Float(string="Duration (s)", readonly=True, copy=False)
    move_ids = fields.One2many(
        "account.move", "property_golive_import_id", string="Opening Entries"
    )

    @api.depends(
        "arrears_total", "deposits_total", "control_arrears", "control_deposits"
    )
    def _compute_differences(self):
        for record in self:
            record.arrears_difference = record.arrears_total - record.control_arrears
            record.deposits_difference = record.deposits_total - record.control_deposits

    # ------------------------------------------------------------------
    def action_download_template(self):
        self.ensure_one()
        return download_action(self, "golive_template.xlsx", template_content())

    def _check(self):
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("Upload the go-live workbook first."))
        try:
            tables = read_tables(base64.b64decode(self.file))
        except ValueError as error:
            raise UserError(
                self.env._(
                    "The file is not a readable xlsx workbook: save it as .xlsx and "
                    "upload it again."
                )
            ) from error
        if not tables:
            raise UserError(
                self.env._(
                    "The workbook has none of the go-live sheets (%(sheets)s): "
                    "start from the template.",
                    sheets=", ".join(sheet_title(sheet) for sheet in SHEETS),
                )
            )
        # the manager's import reads the tenant side too (members, archives)
        return GoliveCheck(
            self.sudo().env, self.company_id, tables, fields.Date.context_today(self)
        ).run()

    def _store_check(self, check):
        totals = check.totals()
        vals = {
            "row_count": sum(
                sum(t[a] for a in ("create", "update", "unchanged", "error"))
                for t in totals.values()
            ),
            "create_count": sum(t["create"] for t in totals.values()),
            "update_count": sum(t["update"] for t in totals.values()),
            "unchanged_count": sum(t["unchanged"] for t in totals.values()),
            "error_count": sum(t["error"] for t in totals.values()),
            "arrears_total": totals["arrears"]["amount"],
            "deposits_total": totals["deposits"]["amount"],
            "summary": self._summary_text(totals, check),
            "report_file": base64.b64encode(self._report(check, totals)),
            "report_filename": "golive_dry_run.xlsx",
        }
        vals["check_ok"] = not vals["error_count"]
        return vals

    def _summary_text(self, totals, check):
        lines = [
            self.env._(
                "%(sheet)s: %(create)s to create, %(update)s to update, "
                "%(unchanged)s unchanged, "
                "%(error)s errors, total %(amount)s",
                sheet=sheet_title(sheet),
                **{
                    k: totals[sheet.key][k]
                    for k in ("create", "update", "unchanged", "error", "amount")
                },
            )
            for sheet in SHEETS
        ]
        lines += [row.reason for row in check.errors()[:50]]
        return "\n".join(lines)

    def _action_labels(self):
        return {
            "create": self.env._("create"),
            "update": self.env._("update"),
            "unchanged": self.env._("unchanged"),
            "error": self.env._("error"),
        }

    def _report(self, check, totals):
        _ = self.env._
        labels = self._action_labels()
        rows = [
            [
                sheet_title(sheet),
                row.number,
                labels[row.action],
                row.reason,
                " | ".join(str(v) for v in row.values.values() if v not in (None, "")),
            ]
            for sheet in SHEETS
            for row in check.rows[sheet.key]
        ]
        summary = {
            "title": _("Summary"),
            "columns": [
                (_("Sheet"), "text", 22),
                (_("Create"), "integer"),
                (_("Update"), "integer"),
                (_("Unchanged"), "integer"),
                (_("Errors"), "integer"),
                (_("Total"), "number"),
            ],
            "rows": [
                [
                    sheet_title(sheet),
                    *(
                        totals[sheet.key][k]
                        for k in ("create", "update", "unchanged", "error", "amount")
                    ),
                ]
                for sheet in SHEETS
            ],
            "rows_title": _("Rows"),
        }
        columns = [
            (_("Sheet"), "text", 18),
            (_("Row"), "integer", 6),
            (_("Result"), "text", 10),
            (_("Reason"), "text", 60),
            (_("Values"), "text", 60),
        ]
        return report_content(columns, rows, summary)

    def action_dry_run(self):
        """Check every row, keep the report and the totals; write nothing else."""
        for record in self:
            if record.state == "applied":
                raise UserError(
                    self.env._(
                        "This file is applied: upload a corrected file in a new import."
                    )
                )
            check = record._check()
            record.write({**record._store_check(check), "state": "checked"})
        return True

    def action_apply(self):
        self.ensure_one()
        if self.state != "checked" or not self.check_ok:
            raise UserError(
                self.env._(
                    "Run the dry run and correct every error before applying the file."
                )
            )
        if self.row_count > JOB_THRESHOLD_ROWS and not self.env.context.get(
            "property_golive_sync"
        ):
            job = self.with_delay(
                channel="root", description=self.display_name
            )._apply_job()
            self.job_uuid = job.uuid
            return True
        return self._apply()

    def _apply_job(self):
        return self.with_context(property_golive_progress_cursor=True)._apply()

    def _apply(self):
        """Check again (the database may have changed) and write the whole
        file, or nothing of it."""
        self.ensure_one()
        start = time.time()
        check = self._check()
        vals = self._store_check(check)
        if not vals["check_ok"]:
            self.write({**vals, "state": "failed"})
            return False
        try:
            with self.env.cr.savepoint():
                # a billing manager loads the tenant side too (sites, units,
                # archives): the import is the manager's action, its company
                # set on every record
                # and, as Odoo's own import, without a chatter message per
                # record (the import's chatter and the opening entries say it)
                bulk = self.sudo().with_context(
                    tracking_disable=True, mail_create_nolog=True, mail_notrack=True
                )
                GoliveApply(bulk, check, self._progress_writer()).run()
                self.env.flush_all()
        except Exception as error:  # noqa: BLE001 - any error fails the file, kept as its reason
            _logger.info("go-live import %s failed: %s", self.id, error)
            self.env.invalidate_all()
            self.write(
                {**vals, "state": "failed", "summary": str(error), "progress": 0.0}
            )
            self.message_post(
                body=self.env._("The file was not applied: %(error)s", error=str(error))
            )
            return False
        self.write(
            {
                **vals,
                "state": "applied",
                "progress": 100.0,
                "duration": time.time() - start,
            }
        )
        return True

    def _progress_writer(self):
        """Progress written through a cursor of its own when running as a
        job, so the record shows it while the job's transaction is open."""
        if not self.env.context.get("property_golive_progress_cursor"):
            return None
        record_id = self.id

        def write(done, step):
            with self.env.registry.cursor() as cr:
                cr.execute(
                    "UPDATE property_golive_import SET progress = %s, progress_step "
                    "= %s WHERE id = %s",
                    [done, step, record_id],
                )

        return write

    @api.model
    def _demo_load(self, path):
        """The demo's go-live: the workbook at ``path`` (in the addons)
        checked and applied by the demo administrator, like a manager would."""
        with file_open(path, "rb") as workbook:
            content = workbook.read()
        admin = self.env.ref("base.user_admin")
        record = (
            self.with_user(admin)
            .with_context(property_golive_sync=True)
            .create(
                {
                    "name": self.env._("Go-live of the demo site"),
                    "file": base64.b64encode(content),
                    "filename": path.rsplit("/", 1)[-1],
                }
            )
        )
        record.action_dry_run()
        if not record.check_ok or not record._apply():
            _logger.warning("demo go-live workbook not applied: %s", record.summary)
        record.site_id = self.env["property.site"].search(
            [("code", "=", "WH"), ("company_id", "=", record.company_id.id)], limit=1
        )
        return record

    def action_reset_draft(self):
        for record in self:
            if record.state not in ("checked", "failed"):
                raise UserError(
                    self.env._("Only a checked or failed import goes back to draft.")
                )
        self.write({"state": "draft", "check_ok": False, "progress": 0.0})
        return True

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_journal_line"
        )
        action["domain"] = [("property_golive_import_id", "=", self.id)]
        action["context"] = {}
        return action
