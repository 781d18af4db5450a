import base64
import logging
import time

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import file_open

from odoo.addons.property_billing.models.property_billing_run import (
    CONCURRENCY_ERRORS,
    retry_on_concurrency,
)
from odoo.addons.property_tenant.spreadsheet import download_action
from odoo.addons.queue_job.delay import group

from ..applier import GoliveApply
from ..checker import GoliveCheck
from ..sheets import SHEETS, SHEETS_BY_KEY, sheet_title
from ..workbook import read_tables, report_content, template_content

_logger = logging.getLogger(__name__)

IMPORT_STATES = [
    ("draft", "Draft"),
    ("checked", "Checked"),
    ("applying", "Applying"),
    ("applied", "Applied"),
    ("failed", "Failed"),
]

# Files with more rows than this are applied by queue jobs: the file in one
# job (all or nothing), then its opening invoices in batches of
# JOB_BATCH_INVOICES (about 10 s of a worker each), run in parallel.
# Both can be set as ir.config_parameter property_golive.job_threshold_rows
# and property_golive.job_batch_invoices.
JOB_THRESHOLD_ROWS = 2000
JOB_BATCH_INVOICES = 400
JOB_CHANNEL = "root"


def write_progress(registry, import_id, progress, step):
    """Write the progress of a background apply through a cursor of its
    own, into ``property.golive.progress``, never into the import's row:
    the jobs' transactions write that row, and a row another transaction
    changed meanwhile would make them fail to serialize (and be tried again
    for ever).  Progress only goes up; a write that meets a parallel batch's
    is skipped, the next one writes it (so is one on an import this
    cursor cannot see yet)."""
    try:
        with registry.cursor() as cr:
            cr.execute(
                "INSERT INTO property_golive_progress "
                "(import_id, company_id, progress, step) "
                "SELECT id, company_id, %s, %s FROM property_golive_import "
                "WHERE id = %s "
                "ON CONFLICT (import_id) DO UPDATE SET "
                "progress = GREATEST(property_golive_progress.progress, "
                "EXCLUDED.progress), step = EXCLUDED.step",
                [progress, step, import_id],
            )
    except psycopg2.errors.SerializationFailure:
        _logger.debug("go-live import %s: progress met a parallel write", import_id)


class PropertyGoliveProgress(models.Model):
    """Where the jobs of a go-live import applied in the background write
    its progress (see :func:`write_progress`)."""

    _name = "property.golive.progress"
    _description = "Go-live Import Progress"
    _log_access = False

    import_id = fields.Many2one(
        "property.golive.import", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    progress = fields.Float()
    step = fields.Char()

    _sql_constraints = [
        ("import_uniq", "unique (import_id)", "One progress per go-live import."),
    ]


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
    # its jobs are tried again when the database connection is lost
    # (property_billing/controllers/queue_job.py)
    _property_retry_lost_connection = True

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
    progress = fields.Float(compute="_compute_progress")
    progress_step = fields.Char(compute="_compute_progress")
    job_uuid = fields.Char(readonly=True, copy=False)
    duration = fields.Float(string="Duration (s)", readonly=True, copy=False)
    apply_started = fields.Datetime(readonly=True, copy=False)
    deferred_invoice_count = fields.Integer(
        string="Opening Invoices in Background",
        readonly=True,
        copy=False,
        help="Opening invoices of a large file posted by background batches.",
    )
    queue_job_ids = fields.One2many(
        "queue.job", "property_golive_import_id", string="Background Jobs"
    )
    job_count = fields.Integer(compute="_compute_job_counts")
    job_failed_count = fields.Integer(compute="_compute_job_counts")
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

    def _compute_progress(self):
        """An applied file is done; a file applying in the background shows
        what its jobs wrote in ``property.golive.progress``."""
        rows = {
            row.import_id.id: row
            for row in self.env["property.golive.progress"]
            .sudo()
            .search([("import_id", "in", self.ids)])
        }
        for record in self:
            row = rows.get(record.id)
            if record.state == "applied":
                record.progress, record.progress_step = 100.0, self.env._("Done")
            elif record.state == "applying" and row:
                record.progress = row.progress
                record.progress_step = self._step_label(row.step)
            else:
                record.progress, record.progress_step = 0.0, False

    def _step_label(self, step):
        """The step written by the jobs (a sheet's key) as the user reads it:
        the sheet's name in the workbook."""
        if step in SHEETS_BY_KEY:
            return sheet_title(SHEETS_BY_KEY[step])
        return self.env._("Done") if step == "done" else step

    def _compute_job_counts(self):
        counts = {record.id: [0, 0] for record in self}
        for record, state, count in (
            self.env["queue.job"]
            .sudo()
            ._read_group(
                [("property_golive_import_id", "in", self.ids)],
                ["property_golive_import_id", "state"],
                ["__count"],
            )
        ):
            counts[record.id][0] += count
            if state == "failed":
                counts[record.id][1] += count
        for record in self:
            record.job_count, record.job_failed_count = counts.get(record.id, (0, 0))

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
            if record.state == "applying":
                raise UserError(
                    self.env._(
                        "This file is being applied in the background: wait until "
                        "it is applied."
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
        if self.row_count > self._job_param(
            "job_threshold_rows", JOB_THRESHOLD_ROWS
        ) and not self.env.context.get("property_golive_sync"):
            self.write({"state": "applying", "apply_started": fields.Datetime.now()})
            self.env["property.golive.progress"].sudo().search(
                [("import_id", "=", self.id)]
            ).unlink()
            job = self.with_delay(
                channel=JOB_CHANNEL,
                description=self.env._(
                    "Go-live import %(name)s: the file", name=self.display_name
                ),
            )._apply_job()
            self.job_uuid = job.uuid
            return True
        return self._apply()

    def _job_param(self, name, default):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"property_golive.{name}", default)
        ) or int(default)

    def _apply_job(self):
        """Job: the whole file but its opening invoices, all or nothing;
        those are then posted by batches (:meth:`_job_post_arrears`)."""
        self.ensure_one()
        if self.state != "applying":
            return False  # run again after it ended (requeued by hand)
        with retry_on_concurrency():
            return self.with_context(property_golive_progress_cursor=True)._apply(
                defer_arrears=True
            )

    def _bulk(self):
        """A billing manager loads the tenant side too (sites, units,
        archives): the import is the manager's action, its company set on
        every record, and, as Odoo's own import, without a chatter message
        per record (the import's chatter and the opening entries say it)."""
        return self.sudo().with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )

    def _apply(self, defer_arrears=False):
        """Check again (the database may have changed) and write the whole
        file, or nothing of it.  With ``defer_arrears`` (a background apply)
        the opening invoices are left to background batches queued here."""
        self.ensure_one()
        start = time.time()
        check = self._check()
        vals = self._store_check(check)
        if not vals["check_ok"]:
            self.write({**vals, "state": "failed"})
            return False
        try:
            with self.env.cr.savepoint():
                applier = GoliveApply(
                    self._bulk(),
                    check,
                    self._progress_writer(0.2 if defer_arrears else 1.0),
                    defer_arrears=defer_arrears,
                )
                applier.run()
                self.env.flush_all()
        except CONCURRENCY_ERRORS:
            raise  # the job is tried again (retry_on_concurrency)
        except Exception as error:  # noqa: BLE001 - any error fails the file, kept as its reason
            _logger.info("go-live import %s failed: %s", self.id, error)
            self.env.invalidate_all()
            self.write({**vals, "state": "failed", "summary": str(error)})
            self.message_post(
                body=self.env._("The file was not applied: %(error)s", error=str(error))
            )
            return False
        if applier.deferred_arrears:
            self.write(
                {**vals, "deferred_invoice_count": len(applier.deferred_arrears)}
            )
            self._queue_arrears(applier.deferred_arrears)
            return True
        self.write({**vals, "state": "applied", "duration": self._elapsed(start)})
        return True

    def _elapsed(self, start):
        if self.apply_started:
            return (fields.Datetime.now() - self.apply_started).total_seconds()
        return time.time() - start

    # ------------------------------------------------------------------
    # Background batches of opening invoices (queue_job)
    # ------------------------------------------------------------------
    def _queue_arrears(self, groups):
        """One job per batch of opening invoices, in parallel on the
        channel; a last job, depending on them all, ends the import.  Each
        batch is one transaction: its invoices are all posted or none, and a
        batch tried again (worker killed, connection lost) posts only those
        not posted yet."""
        self.ensure_one()
        size = self._job_param("job_batch_invoices", JOB_BATCH_INVOICES)
        count = -(-len(groups) // size)
        batches = [
            self.delayable(
                channel=JOB_CHANNEL,
                description=self.env._(
                    "Go-live import %(name)s: opening invoices, batch %(batch)s "
                    "of %(count)s",
                    name=self.display_name,
                    batch=index + 1,
                    count=count,
                ),
            )._job_post_arrears(groups[start : start + size])
            for index, start in enumerate(range(0, len(groups), size))
        ]
        finish = self.delayable(
            channel=JOB_CHANNEL,
            description=self.env._(
                "Go-live import %(name)s: close", name=self.display_name
            ),
        )._job_apply_finish()
        group(*batches).on_done(finish).delay()

    def _job_post_arrears(self, groups):
        """Job: post the opening invoices ``[[occupancy id, due date,
        [[fee item id, period, amount], ...]], ...]`` not posted yet."""
        self.ensure_one()
        with retry_on_concurrency():
            todo = self._arrears_to_post(groups)
            if todo:
                GoliveApply(self._bulk(), None).create_opening_invoices(todo)
            self.env.flush_all()
        self._write_job_progress()
        return len(todo)

    def _arrears_to_post(self, groups):
        """``groups`` as records, without those already posted by this
        import (a batch run again after its first run was committed)."""
        occupancies = self.env["property.occupancy"].browse(
            sorted({occupancy_id for occupancy_id, _due, _lines in groups})
        )
        posted = {
            (key.occupancy_id.id, key.item_id.id, key.period_start)
            for key in self.env["property.billing.key"]
            .sudo()
            .search(
                [
                    ("occupancy_id", "in", occupancies.ids),
                    ("move_id.property_golive_import_id", "=", self.id),
                ]
            )
        }
        Item = self.env["property.fee.item"]
        todo = []
        for occupancy_id, due, lines in groups:
            lines = [
                (Item.browse(item_id), fields.Date.to_date(period), amount)
                for item_id, period, amount in lines
            ]
            if (occupancy_id, lines[0][0].id, lines[0][1]) in posted:
                continue
            todo.append(
                (occupancies.browse(occupancy_id), fields.Date.to_date(due), lines)
            )
        return todo

    def _write_job_progress(self):
        """The share of this import's batches done."""
        done = (
            self.env["queue.job"]
            .sudo()
            .search_count(
                [
                    ("property_golive_import_id", "=", self.id),
                    ("method_name", "=", "_job_post_arrears"),
                    ("state", "=", "done"),
                ]
            )
        )
        total = (
            self.env["queue.job"]
            .sudo()
            .search_count(
                [
                    ("property_golive_import_id", "=", self.id),
                    ("method_name", "=", "_job_post_arrears"),
                ]
            )
        )
        # this batch is done once its transaction commits
        write_progress(
            self.env.registry,
            self.id,
            min(99.0, 20.0 + 80.0 * (done + 1) / max(total, 1)),
            "arrears",
        )

    def _job_apply_finish(self):
        """Job: the import is applied once every batch is done."""
        self.ensure_one()
        with retry_on_concurrency():
            if self.state != "applying":
                return False
            self.write({"state": "applied", "duration": self._elapsed(time.time())})
            self.message_post(
                body=self.env._(
                    "File applied: %(count)s opening invoices posted in the "
                    "background.",
                    count=self.deferred_invoice_count,
                )
            )
            self.env.flush_all()
        return True

    def _job_store_values(self, job):
        """queue_job hook: link the job to its import."""
        return {"property_golive_import_id": self.id}

    def action_view_jobs(self):
        """The import's background jobs; a failed one is tried again from
        there with queue_job's Requeue button."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "queue_job.action_queue_job"
        )
        action["domain"] = [("property_golive_import_id", "=", self.id)]
        action["context"] = {"search_default_failed": bool(self.job_failed_count)}
        return action

    def _progress_writer(self, share=1.0):
        """Progress of the file job, shown while its transaction is open;
        it is the first ``share`` of the whole (the batches of opening
        invoices, if any, are the rest)."""
        if not self.env.context.get("property_golive_progress_cursor"):
            return None
        registry, record_id = self.env.registry, self.id

        def write(done, step):
            if share < 1.0 and step == "done":
                step = "arrears"
            write_progress(registry, record_id, done * share, step)

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
        self.write({"state": "draft", "check_ok": False})
        return True

    def action_view_moves(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_journal_line"
        )
        action["domain"] = [("property_golive_import_id", "=", self.id)]
        action["context"] = {}
        return action
