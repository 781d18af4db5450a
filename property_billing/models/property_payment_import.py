import base64
import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.property_tenant.concurrency import serialize_on
from odoo.addons.queue_job.delay import group

from ..payment_file import fingerprints, parse_file
from ..table_file import TableFileError, error_message
from .property_billing_run import JOB_CHANNEL, retry_on_concurrency

_logger = logging.getLogger(__name__)

IMPORT_STATES = [
    ("draft", "Draft"),
    ("matching", "Being Matched"),
    ("imported", "To Match"),
    ("done", "Done"),
]


# Lines are created and matched without a chatter message each: the import
# is their audit trail; a match by hand is logged on the line.
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
}

# Files of up to this many new payments are matched and reconciled in the
# user's request (property_billing.payment_sync_limit); larger ones in
# background batches of this many lines (property_billing.payment_batch_size):
# a line costs about a hundred queries, a file of hundreds of lines would
# outlast the request's time limits.
PAYMENT_SYNC_LIMIT = 50
PAYMENT_BATCH = 50


class PropertyPaymentImport(models.Model):
    """A payment file exported from a bank, WeChat Pay or Alipay (R-FEE-5):
    its incoming payments become import lines, matched with open invoices
    and reconciled in the accounting; the others wait for finance."""

    _name = "property.payment.import"
    _description = "Payment File Import"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.sequence.mixin"]
    _order = "id desc"
    _check_company_auto = True
    _sequence_code = "property.payment.import"
    # its background batches redo only what is left (controllers/queue_job.py)
    _property_retry_lost_connection = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        tracking=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Bank account, WeChat Pay or Alipay account the payments were "
        "received on (a bank or cash journal).",
    )
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True
    )
    file = fields.Binary(required=True, copy=False)
    filename = fields.Char()
    source_format = fields.Selection(
        [("csv", "CSV"), ("xlsx", "Excel (xlsx)")], readonly=True
    )
    imported_on = fields.Datetime(readonly=True, copy=False)
    state = fields.Selection(
        IMPORT_STATES,
        compute="_compute_state",
        store=True,
        tracking=True,
        index=True,
    )
    line_ids = fields.One2many(
        "property.payment.import.line", "import_id", string="Payments"
    )
    line_count = fields.Integer(
        string="Imported", readonly=True, copy=False, help="New payments imported."
    )
    duplicate_count = fields.Integer(
        string="Duplicates",
        readonly=True,
        copy=False,
        help="Rows already imported before (by this or another file).",
    )
    error_count = fields.Integer(
        string="Rows in Error",
        readonly=True,
        copy=False,
        help="Rows that could not be read (see the report).",
    )
    skipped_count = fields.Integer(
        string="Not Incoming",
        readonly=True,
        copy=False,
        help="Rows that are not incoming payments (outgoing transfers, "
        "refunds, bank and platform fees, unpaid orders, zero amounts): "
        "listed in the report, not imported.",
    )
    report = fields.Text(string="Import Report", readonly=True, copy=False)
    to_match_count = fields.Integer(compute="_compute_figures")
    reconciled_count = fields.Integer(compute="_compute_figures")
    ignored_count = fields.Integer(compute="_compute_figures")
    amount_total = fields.Monetary(compute="_compute_figures")
    matching = fields.Boolean(
        string="Matched in Background",
        readonly=True,
        copy=False,
        help="The payments are being matched and reconciled in the background.",
    )
    match_total = fields.Integer(
        string="Lines to Process",
        readonly=True,
        copy=False,
        help="Payments handed to the background batches.",
    )
    match_done = fields.Integer(
        string="Lines Processed", compute="_compute_match_progress"
    )
    match_progress = fields.Float(string="Progress", compute="_compute_match_progress")
    queue_job_ids = fields.One2many(
        "queue.job", "property_payment_import_id", string="Background Batches"
    )
    job_count = fields.Integer(compute="_compute_job_counts")
    job_failed_count = fields.Integer(compute="_compute_job_counts")

    @api.model
    def _sequence_company(self, vals):
        return self.env["res.company"].browse(
            vals.get("company_id") or self.env.company.id
        )

    @api.constrains("journal_id")
    def _check_journal_type(self):
        for record in self:
            if record.journal_id.type not in ("bank", "cash"):
                raise ValidationError(
                    self.env._(
                        "Payments are imported into a bank or cash journal (the "
                        "bank account, WeChat Pay or Alipay), not into %(journal)s.",
                        journal=record.journal_id.display_name,
                    )
                )

    @api.depends("journal_id", "company_id")
    def _compute_currency_id(self):
        for record in self:
            record.currency_id = (
                record.journal_id.currency_id or record.company_id.currency_id
            )

    @api.depends("imported_on", "matching", "line_ids.state")
    def _compute_state(self):
        open_lines = dict(
            self.env["property.payment.import.line"]._read_group(
                [
                    ("import_id", "in", self.ids),
                    ("state", "in", ("unmatched", "matched")),
                ],
                ["import_id"],
                ["__count"],
            )
        )
        for record in self:
            if not record.imported_on:
                record.state = "draft"
            elif record.matching:
                record.state = "matching"
            else:
                record.state = "imported" if open_lines.get(record) else "done"

    def _compute_figures(self):
        groups = self.env["property.payment.import.line"]._read_group(
            [("import_id", "in", self.ids)],
            ["import_id", "state"],
            ["__count", "amount:sum"],
        )
        figures = {}
        for record, state, count, amount in groups:
            figures.setdefault(record, {})[state] = (count, amount)
        for record in self:
            by_state = figures.get(record, {})
            record.to_match_count = sum(
                by_state.get(state, (0, 0))[0] for state in ("unmatched", "matched")
            )
            record.reconciled_count = by_state.get("reconciled", (0, 0))[0]
            record.ignored_count = by_state.get("ignored", (0, 0))[0]
            record.amount_total = sum(amount for _count, amount in by_state.values())

    def _compute_match_progress(self):
        """Lines processed: those of the background batches done (all of
        them once the background matching is over)."""
        pending = dict(
            self.env["property.payment.import.line"]._read_group(
                [("import_id", "in", self.ids), ("match_pending", "=", True)],
                ["import_id"],
                ["__count"],
            )
        )
        for record in self:
            total = record.match_total
            record.match_done = total - pending.get(record, 0)
            record.match_progress = 100.0 * record.match_done / total if total else 0.0

    def _compute_job_counts(self):
        counts = defaultdict(lambda: [0, 0])
        for record, state, count in (
            self.env["queue.job"]
            .sudo()
            ._read_group(
                [("property_payment_import_id", "in", self.ids)],
                ["property_payment_import_id", "state"],
                ["__count"],
            )
        ):
            counts[record.id][0] += count
            if state == "failed":
                counts[record.id][1] += count
        for record in self:
            record.job_count, record.job_failed_count = counts[record.id]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_reconciled(self):
        if self.line_ids.filtered(lambda line: line.state == "reconciled"):
            raise UserError(
                self.env._(
                    "An import whose payments are reconciled cannot be deleted; "
                    "cancel the payments first."
                )
            )

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def action_import(self):
        """Read the file, create a line per new incoming payment, report
        the rest row by row, then match and reconcile what can be: here for
        a small file, in background batches for a larger one."""
        for record in self:
            if record.state != "draft":
                raise UserError(
                    self.env._(
                        "Import %(name)s was already imported; import the "
                        "file again in a new import to see its duplicates.",
                        name=record.name,
                    )
                )
            lines = record._import_file()
            if record._match_lines(lines):
                record.message_post(body=record._summary())
        return True

    def action_match_again(self):
        """Match the lines still waiting (invoices may have been posted or
        paid since)."""
        for record in self:
            if record.state == "imported":
                record._match_lines(
                    record.line_ids.filtered(lambda line: line.state == "unmatched")
                )
        return True

    def _match_lines(self, lines):
        """Match and reconcile ``lines`` here if they are few (True), else
        in background batches (False)."""
        self.ensure_one()
        if len(lines) <= self._config_int("payment_sync_limit", PAYMENT_SYNC_LIMIT):
            lines._auto_match()
            return True
        self._queue_match_jobs(lines)
        return False

    def _file_error_message(self, error):
        if error.code != "no_header":
            return error_message(self.env, error)
        return self.env._(
            "No header row with a date column and an amount column was "
            "found at the top of the file. Expected column names such as "
            "交易时间/日期 (date), 金额/收入金额 (amount), 付款人/对方户名 "
            "(payer), 备注/摘要/附言 (memo) and 交易单号/流水号 "
            "(transaction id), or date, amount, payer, memo, transaction "
            "id. WeChat Pay trade and fund-flow bills, Alipay account and "
            "trade statements and the statements of the corporate online "
            "banks are read as they are downloaded."
        )

    def _row_message(self, row, code, value):
        if code == "bad_date":
            return self.env._(
                "Row %(row)s: “%(value)s” is not a date (dates are read year "
                "first: 2026-11-05, 2026/11/5, 20261105, 2026年11月5日); row not "
                "imported.",
                row=row,
                value=value,
            )
        if code == "formula":
            return self.env._(
                "Row %(row)s: the formula “%(value)s” was saved without its "
                "value: open the file in Excel, save it and import it again; "
                "row not imported.",
                row=row,
                value=value,
            )
        if code == "bad_amount" and value:
            return self.env._(
                "Row %(row)s: “%(value)s” is not an amount; row not imported.",
                row=row,
                value=value,
            )
        if code == "bad_amount":
            return self.env._(
                "Row %(row)s: the amount is missing; row not imported.", row=row
            )
        if code == "zero":
            return self.env._(
                "Row %(row)s: the amount is zero; row not imported.", row=row
            )
        if code == "refund":
            return self.env._(
                "Row %(row)s: a refund (%(value)s), not a payment; row not imported.",
                row=row,
                value=value,
            )
        if code == "fee":
            return self.env._(
                "Row %(row)s: a fee charged by the bank or payment platform "
                "(%(value)s), not a payment; row not imported.",
                row=row,
                value=value,
            )
        if code == "not_paid":
            return self.env._(
                "Row %(row)s: an order that was not paid (closed, revoked or "
                "failed, %(value)s); row not imported.",
                row=row,
                value=value,
            )
        return self.env._(
            "Row %(row)s: not an incoming payment (%(value)s); row not imported.",
            row=row,
            value=value,
        )

    def _import_file(self):
        """Create the lines of the file's new payments (all of them or none)
        and write the counts and the report; return the new lines."""
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("Choose the payment file to import."))
        try:
            file_format, parsed = parse_file(base64.b64decode(self.file), self.filename)
        except TableFileError as error:
            raise UserError(self._file_error_message(error)) from error
        if not any(parsed.values()):
            raise UserError(
                self.env._(
                    "The file has a header row but no payment row below it: "
                    "check that it is the right export and import it again."
                )
            )

        Line = self.env["property.payment.import.line"]
        records = parsed["records"]
        prints = fingerprints(self.journal_id.id, records)
        # fingerprints include the journal, which belongs to one company:
        # read them whatever the user's companies
        existing = {
            line.fingerprint: line
            for line in Line.sudo().search([("fingerprint", "in", prints)])
        }
        report, vals_list, seen = [], [], {}
        duplicates = 0
        for record, fingerprint in zip(records, prints, strict=True):
            previous = existing.get(fingerprint)
            if previous or fingerprint in seen:
                duplicates += 1
                report.append(
                    (
                        record["row"],
                        self.env._(
                            "Row %(row)s: already imported (%(reference)s, row "
                            "%(previous_row)s); nothing created.",
                            row=record["row"],
                            reference=previous.import_id.name
                            if previous
                            else self.name,
                            previous_row=previous.row
                            if previous
                            else seen[fingerprint],
                        ),
                    )
                )
                continue
            seen[fingerprint] = record["row"]
            vals_list.append(
                {
                    "import_id": self.id,
                    "row": record["row"],
                    "date": record["date"],
                    "amount": float(record["amount"]),
                    "payer_name": record["payer"],
                    "payer_account": record["account"],
                    "memo": record["memo"],
                    "transaction_ref": record["transaction"],
                    "fingerprint": fingerprint,
                }
            )
        for row, code, value in parsed["errors"] + parsed["skipped"]:
            report.append((row, self._row_message(row, code, value)))
        try:
            with self.env.cr.savepoint():
                lines = Line.with_context(**QUIET).create(vals_list)
        except psycopg2.IntegrityError as error:
            raise UserError(
                self.env._(
                    "Some of these payments were imported by someone else at "
                    "the same time. Import the file again: they will be "
                    "reported as duplicates."
                )
            ) from error
        self.write(
            {
                "source_format": file_format,
                "imported_on": fields.Datetime.now(),
                "line_count": len(lines),
                "duplicate_count": duplicates,
                "error_count": len(parsed["errors"]),
                "skipped_count": len(parsed["skipped"]),
                "report": "\n".join(message for _row, message in sorted(report))
                or False,
            }
        )
        return lines

    # ------------------------------------------------------------------
    # Background batches (queue_job), as the billing run's
    # ------------------------------------------------------------------
    def _config_int(self, key, default):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(f"property_billing.{key}", default)
        )

    def _queue_match_jobs(self, lines):
        """One job per batch of lines; the import is closed by a last job
        that depends on them all."""
        self.ensure_one()
        size = self._config_int("payment_batch_size", PAYMENT_BATCH) or PAYMENT_BATCH
        line_ids = lines.sorted(lambda line: (line.row, line.id)).ids
        lines.with_context(**QUIET).write({"match_pending": True})
        self.write({"matching": True, "match_total": len(line_ids)})
        batches = [
            self.delayable(
                channel=JOB_CHANNEL,
                description=self.env._(
                    "Payment import %(name)s: batch %(batch)s of %(count)s",
                    name=self.name,
                    batch=index + 1,
                    count=-(-len(line_ids) // size),
                ),
            )._job_match_batch(line_ids[start : start + size])
            for index, start in enumerate(range(0, len(line_ids), size))
        ]
        finish = self.delayable(
            channel=JOB_CHANNEL,
            description=self.env._("Payment import %(name)s: close", name=self.name),
        )._job_match_finish()
        group(*batches).on_done(finish).delay()

    def _job_match_batch(self, line_ids):
        """Job: match and reconcile these lines of the import.  Run again (a
        retried or requeued job), it processes only the lines it has not
        processed yet, and of those only the ones still unmatched (a line
        matched by hand meanwhile is left as it is): a reconciled line is
        never paid twice.  Two batches paying the same invoice at once
        conflict on it (the payment wizard's serialize_on): the second is
        retried on the first's result."""
        self.ensure_one()
        with retry_on_concurrency():
            # in the file's order, as a small file is matched
            lines = (
                self.env["property.payment.import.line"]
                .browse(line_ids)
                .exists()
                .filtered(lambda line: line.import_id == self and line.match_pending)
            )
            # the same batch running twice at once (a requeued dead job):
            # the second waits for the first and is retried on its result
            serialize_on(lines)
            lines._auto_match()
            lines.with_context(**QUIET).write({"match_pending": False})
            self.env.flush_all()

    def _job_match_finish(self):
        """Job: close the import once every batch is done."""
        self.ensure_one()
        with retry_on_concurrency():
            if self.matching:
                self.matching = False
                self.message_post(body=self._summary())
            self.env.flush_all()

    def action_stop_jobs(self):
        """Give up the failed background batches of an import (a batch that
        fails again when requeued): the failed jobs and the closing job
        waiting for them are cancelled; their payments wait in the import
        to be matched again or by hand."""
        for record in self.filtered("matching"):
            jobs = record.sudo().queue_job_ids
            if jobs.filtered(
                lambda job: job.state in ("pending", "enqueued", "started")
            ):
                raise UserError(
                    self.env._(
                        "Batches of import %(name)s are still waiting or running: "
                        "wait for them to finish, then stop the failed ones.",
                        name=record.name,
                    )
                )
            jobs.filtered(
                lambda job: job.state in ("failed", "wait_dependencies")
            ).button_cancelled()
            record.line_ids.filtered("match_pending").with_context(**QUIET).write(
                {"match_pending": False}
            )
            record.matching = False
            record.message_post(
                body=self.env._("Failed background batches stopped.")
                + " "
                + record._summary()
            )
        return True

    def _job_store_values(self, job):
        """queue_job hook: link the job to its import."""
        return {"property_payment_import_id": self.id}

    def action_view_jobs(self):
        """The import's background batches (queue_job jobs); a failed one is
        retried from there with queue_job's Requeue button."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "queue_job.action_queue_job"
        )
        action["domain"] = [("property_payment_import_id", "=", self.id)]
        action["context"] = {"search_default_failed": bool(self.job_failed_count)}
        return action

    def _summary(self):
        self.ensure_one()
        return self.env._(
            "%(lines)s payments imported, %(duplicates)s duplicates, %(errors)s "
            "rows in error, %(skipped)s not incoming; %(reconciled)s reconciled, "
            "%(to_match)s to match.",
            lines=self.line_count,
            duplicates=self.duplicate_count,
            errors=self.error_count,
            skipped=self.skipped_count,
            reconciled=self.reconciled_count,
            to_match=self.to_match_count,
        )

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def _lines_action(self, states):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_payment_import_line_action"
        )
        action["domain"] = [("import_id", "=", self.id), ("state", "in", states)]
        action["context"] = {"create": False}
        return action

    def action_view_to_match(self):
        return self._lines_action(["unmatched", "matched"])

    def action_view_reconciled(self):
        return self._lines_action(["reconciled"])

    def action_view_ignored(self):
        return self._lines_action(["ignored"])
