import io
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta

import psycopg2
from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.property_tenant.spreadsheet import new_workbook
from odoo.addons.property_tenant.utils import month_label
from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError

from ..billing import (
    add_months,
    month_end,
    month_start,
)

RUN_STATES = [
    ("draft", "Draft"),
    ("previewed", "Previewed"),
    ("generating", "Generating"),
    ("generated", "Invoices Generated"),
    ("posting", "Posting"),
    ("posted", "Posted"),
    ("cancel", "Cancelled"),
]


# Invoices are created and posted this many at a time: memory stays bounded
# by the batch, not by the number of tenant archives.
GENERATE_BATCH = 250
POST_BATCH = 250

# The background batches of a large run are queue_job jobs on this channel;
# its capacity (how many batches run at once, over every worker of every
# server sharing the database) is set in the [queue_job] section of the
# server configuration.
JOB_CHANNEL = "root.property_billing"
# Two transactions meeting on the same rows: the batch is tried again a
# little later (queue_job's retry), never recorded as a tenant's error.
CONCURRENCY_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.LockNotAvailable,
    pg_errors.DeadlockDetected,
)
RETRY_SECONDS = 10

# Invoices of a run carry no chatter message or tracking of their own: the run
# is their audit trail (who generated and posted what, when).
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}


class _SameErrorMissing(Exception):
    """The collection passed in the user's language (rolled back)."""


@contextmanager
def retry_on_concurrency():
    """Turn a concurrency error of the database into queue_job's
    :class:`RetryableJobError`: the job is postponed and tried again."""
    try:
        yield
    except CONCURRENCY_ERRORS as error:
        raise RetryableJobError(str(error), seconds=RETRY_SECONDS) from error


class PropertyBillingRun(models.Model):
    """A billing run (收费批次) of a site for one month: preview the charges
    of every billing plan, generate one draft invoice per payer, post them."""

    _name = "property.billing.run"
    _description = "Billing Run"
    _inherit = ["mail.thread", "mail.activity.mixin", "property.sequence.mixin"]
    _order = "period_start desc, id desc"
    _check_company_auto = True
    _sequence_code = "property.billing.run"
    # its batches are tried again when the database connection is lost
    # (controllers/queue_job.py): a batch run again bills only what is left
    _property_retry_lost_connection = True

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
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_start = fields.Date(
        string="Billing Month",
        required=True,
        tracking=True,
        default=lambda self: month_start(fields.Date.context_today(self)),
    )
    period_end = fields.Date(compute="_compute_period_end", store=True)
    invoice_date = fields.Date(
        compute="_compute_invoice_date", store=True, readonly=False, tracking=True
    )
    due_date = fields.Date(
        compute="_compute_due_date", store=True, readonly=False, tracking=True
    )
    journal_id = fields.Many2one(
        "account.journal",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('type', '=', 'sale')]",
    )
    state = fields.Selection(
        RUN_STATES, default="draft", required=True, tracking=True, index=True
    )
    scheduled = fields.Boolean(
        readonly=True, help="Started by the scheduled billing of the site."
    )
    line_ids = fields.One2many("property.billing.run.line", "run_id", string="Charges")
    error_ids = fields.One2many("property.billing.run.error", "run_id", string="Errors")
    move_ids = fields.One2many(
        "account.move", "property_billing_run_id", string="Invoices"
    )
    plan_count = fields.Integer(string="Billing Plans", readonly=True)
    queue_job_ids = fields.One2many(
        "queue.job", "property_billing_run_id", string="Background Batches"
    )
    job_count = fields.Integer(compute="_compute_job_counts")
    job_failed_count = fields.Integer(compute="_compute_job_counts")
    progress = fields.Float(compute="_compute_figures")
    line_count = fields.Integer(compute="_compute_figures")
    warning_count = fields.Integer(compute="_compute_figures")
    error_count = fields.Integer(compute="_compute_figures")
    invoice_count = fields.Integer(compute="_compute_figures")
    amount_total = fields.Monetary(compute="_compute_figures")
    late_fee_ids = fields.One2many("property.late.fee", "run_id", string="Late Fees")
    late_fee_count = fields.Integer(compute="_compute_late_fee_count")

    _sql_constraints = [
        (
            "period_first_day",
            "CHECK(EXTRACT(DAY FROM period_start) = 1)",
            "A billing run starts on the first day of a month.",
        ),
    ]

    @api.model
    def _sequence_company(self, vals):
        site = self.env["property.site"].browse(vals.get("site_id"))
        return site.company_id or self.env.company

    @api.depends("period_start")
    def _compute_period_end(self):
        for run in self:
            run.period_end = run.period_start and month_end(run.period_start)

    @api.depends("period_start")
    def _compute_invoice_date(self):
        for run in self:
            if not run.invoice_date and run.period_start:
                run.invoice_date = run.period_start

    @api.depends("invoice_date", "site_id")
    def _compute_due_date(self):
        for run in self:
            if run.invoice_date:
                run.due_date = run.invoice_date + timedelta(
                    days=run.site_id.billing_due_days or 0
                )

    @api.depends("site_id")
    def _compute_journal_id(self):
        for run in self:
            run.journal_id = run.site_id.billing_journal_id or self.env[
                "account.journal"
            ].search(
                [
                    *self.env["account.journal"]._check_company_domain(
                        run.company_id or self.env.company
                    ),
                    ("type", "=", "sale"),
                ],
                limit=1,
            )

    def _compute_figures(self):
        Line = self.env["property.billing.run.line"]
        lines = {
            run: (count, amount)
            for run, count, amount in Line._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count", "amount:sum"]
            )
        }
        warnings = dict(
            Line._read_group(
                [("run_id", "in", self.ids), ("warning", "!=", False)],
                ["run_id"],
                ["__count"],
            )
        )
        errors = dict(
            self.env["property.billing.run.error"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        invoices = dict(
            self.env["account.move"]._read_group(
                [("property_billing_run_id", "in", self.ids)],
                ["property_billing_run_id"],
                ["__count"],
            )
        )
        done = dict(
            Line._read_group(
                [("run_id", "in", self.ids), ("state", "!=", "to_bill")],
                ["run_id"],
                ["__count"],
            )
        )
        jobs = self._job_progress()
        for run in self:
            run.line_count, run.amount_total = lines.get(run, (0, 0.0))
            if run.id in jobs:
                run.progress = jobs[run.id]
            else:
                run.progress = (
                    100.0 * done.get(run, 0) / run.line_count if run.line_count else 0.0
                )
            run.warning_count = warnings.get(run, 0)
            run.error_count = errors.get(run, 0)
            run.invoice_count = invoices.get(run, 0)

    def _job_progress(self):
        """``{run id: percent}`` of the runs working in the background: the
        share of the current phase's jobs (generation or posting) done."""
        phases = {"generating": "generate", "posting": "post"}
        working = self.filtered(lambda run: run.state in phases)
        if not working:
            return {}
        counts = defaultdict(lambda: [0, 0])
        for run, phase, state, count in (
            self.env["queue.job"]
            .sudo()
            ._read_group(
                [("property_billing_run_id", "in", working.ids)],
                ["property_billing_run_id", "property_billing_phase", "state"],
                ["__count"],
            )
        ):
            if phases[run.state] != phase:
                continue
            counts[run.id][1] += count
            if state == "done":
                counts[run.id][0] += count
        return {
            run_id: 100.0 * done / total for run_id, (done, total) in counts.items()
        }

    def _compute_job_counts(self):
        counts = defaultdict(lambda: [0, 0])
        for run, state, count in (
            self.env["queue.job"]
            .sudo()
            ._read_group(
                [("property_billing_run_id", "in", self.ids)],
                ["property_billing_run_id", "state"],
                ["__count"],
            )
        ):
            counts[run.id][0] += count
            if state == "failed":
                counts[run.id][1] += count
        for run in self:
            run.job_count, run.job_failed_count = counts[run.id]

    def _compute_late_fee_count(self):
        counts = dict(
            self.env["property.late.fee"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        for run in self:
            run.late_fee_count = counts.get(run, 0)

    @api.depends("site_id", "period_start")
    def _compute_display_name(self):
        for run in self:
            period = month_label(run.period_start)
            run.display_name = f"{run.name} {run.site_id.code or ''} {period}".strip()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        if any(run.move_ids for run in self):
            raise UserError(
                self.env._(
                    "A billing run with invoices cannot be deleted; cancel its "
                    "invoices with credit notes instead."
                )
            )

    # ------------------------------------------------------------------
    # Charges
    # ------------------------------------------------------------------
    def _plan_domain(self):
        self.ensure_one()
        return [
            ("site_id", "=", self.site_id.id),
            ("state", "=", "running"),
            ("date_start", "<=", self.period_end),
            "|",
            ("date_end", "=", False),
            # an arrears cycle may end up to a year before the run's month
            ("date_end", ">=", add_months(self.period_start, -12)),
        ]

    def _standard(self, ctx, item, occupancy, on_date):
        standard = self.env["property.fee.standard"]._pick(
            ctx["standards"].get(item.id, []),
            occupancy.unit_id.usage,
            occupancy.tenant_kind,
            on_date,
        )
        if not standard:
            raise UserError(
                self.env._(
                    "No approved fee standard of %(item)s for unit %(unit)s "
                    "on %(date)s: nothing may be billed without one.",
                    item=item.name,
                    unit=occupancy.unit_id.code,
                    date=on_date,
                )
            )
        return standard

    def _error_in_user_language(self, plan, ctx, error):
        """``error``, raised while collecting ``plan``'s charges in the
        payer's language, as the run's user reads it: the same collection
        in the user's language raises it again (nothing is kept)."""
        if (plan.payer_id.lang or self.env.lang) == self.env.lang:
            return error
        try:
            with self.env.cr.savepoint():
                self._collect_charges(plan, ctx)
                raise _SameErrorMissing()
        except (UserError, ValidationError) as again:
            return again
        except _SameErrorMissing:
            return error

    def _label(self, item, unit, start, end, detail=None):
        # the item's name in the run's language: the payer's (see _preview)
        name = item.with_env(self.env).name
        label = f"{name} {unit.code} {start:%Y-%m-%d}~{end:%Y-%m-%d}"
        return f"{label} ({detail})" if detail else label

    # ------------------------------------------------------------------
    # Where the charges of a run come from: every installed charge source
    # (property.charge.source), in order
    # ------------------------------------------------------------------
    def _charge_context(self):
        """What every charge of the run looks up, loaded once per run: the
        approved fee standards of the site, then each source's own."""
        self.ensure_one()
        ctx = {
            "standards": self.env["property.fee.standard"]._standards_by_item(
                self.site_id
            ),
        }
        for source in self._charge_sources():
            ctx[source._name] = source._charge_context(self, ctx)
        return ctx

    def _charge_sources(self):
        return self.env["property.charge.source"]._charge_sources()

    def _collect_charges(self, plan, ctx):
        """The charges of one billing plan's tenant archive for this run,
        as a list of dicts (see ``property.charge.source``), from every
        source in order; raise to fail the archive as a whole."""
        return [
            charge
            for source in self._charge_sources()
            for charge in source._charges(self, plan, ctx)
        ]

    def _line_vals(self, plan, charge, billed, waivers):
        """The values of the run line of ``charge``: "already billed" when
        its billed-period key exists, "skipped" when previewed only, the
        approved waivers of its archive and item as the discount."""
        occupancy = plan.occupancy_id
        item = charge["item"]
        key = (occupancy.id, item.id, charge["period_start"])
        discount = self.env["property.fee.waiver"]._waived_percent(
            waivers.get((occupancy.id, item.id), []),
            charge["billed_start"],
            charge["billed_end"],
        )
        state = "to_bill"
        if key in billed:
            state = "duplicate"
        elif charge.get("skip"):
            state = "skipped"
        vals = {
            "run_id": self.id,
            "plan_id": plan.id,
            "occupancy_id": occupancy.id,
            "payer_id": plan.payer_id.id,
            "item_id": item.id,
            "standard_id": charge["standard"].id,
            "period_start": charge["period_start"],
            "billed_start": charge["billed_start"],
            "billed_end": charge["billed_end"],
            "name": charge["name"],
            "quantity": charge["quantity"],
            "price_unit": charge["price_unit"],
            "discount": discount,
            "warning": charge.get("warning") or False,
            "state": state,
            "source_ref": charge.get("source_ref") or False,
        }
        for source in self._charge_sources():
            source._charge_line_vals(self, charge, vals)
        return vals

    def action_preview(self):
        """Compute every billing plan's charges into the run's lines (the
        pre-bill review)."""
        return self._preview()

    def _create_invoices(self, groups):
        """Invoices of ``groups`` of ``(payer, line ids)``; every source
        first drops what it no longer lets bill, then links its records to
        the invoices."""
        groups = self._billable_groups(groups)
        if not groups:
            return self.env["account.move"]
        moves = self._create_plan_invoices(groups)
        for source in self._charge_sources():
            source._charge_invoiced(self, moves)
        return moves

    def _billable_groups(self, groups):
        """``groups`` of ``(payer, line ids)`` without the lines that a
        charge source no longer lets bill (billed since the preview)."""
        lines = self.env["property.billing.run.line"].browse(
            [i for _payer, ids in groups for i in ids]
        )
        kept = lines
        for source in self._charge_sources():
            kept = source._charge_billable_lines(self, kept)
        if kept == lines:
            return groups
        kept_ids = set(kept.ids)
        return [
            (payer, [i for i in ids if i in kept_ids])
            for payer, ids in groups
            if any(i in kept_ids for i in ids)
        ]

    # ------------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------------
    def _preview(self):
        """Compute every billing plan's charges into the run's lines (the
        pre-bill review).  A plan whose charges cannot be computed is listed
        among the errors; the others are previewed."""
        for run in self:
            if run.state not in ("draft", "previewed"):
                raise UserError(
                    self.env._("Only a draft or previewed run can be previewed again.")
                )
            run._check_can_run()
            # the site's analytic account, which the invoices carry, is made
            # now if it is missing, not while they are created: two runs of
            # a site generating at once would race to write the site
            run.site_id._billing_analytic_account()
            run.line_ids.unlink()
            run.error_ids.unlink()
            plans = self.env["property.billing.plan"].search(run._plan_domain())
            ctx = run._charge_context()
            waivers = run._approved_waivers()
            error_vals = []
            for batch_start in range(0, len(plans), GENERATE_BATCH):
                batch = plans[batch_start : batch_start + GENERATE_BATCH]
                billed = run._billed_keys(batch.occupancy_id)
                line_vals = []
                for plan in batch:
                    line_vals += run._preview_plan(
                        plan, ctx, billed, waivers, error_vals
                    )
                # a batch of lines at a time, then out of memory: the
                # preview's memory does not grow with the number of plans
                self.env["property.billing.run.line"].create(line_vals)
                self.env.flush_all()
                self.env.invalidate_all()
            self.env["property.billing.run.error"].create(error_vals)
            self.env.flush_all()
            self.env.invalidate_all()
            # what a source has to bill and no plan of the run took (its
            # archive has neither a line nor an error in the run)
            self.env["property.billing.run.error"].create(
                [
                    vals
                    for source in run._charge_sources()
                    for vals in source._charge_preview_errors(run, ctx)
                ]
            )
            run.write(
                {
                    "state": "previewed",
                    "plan_count": len(plans),
                }
            )
        return True

    def _approved_waivers(self):
        """``{(occupancy id, item id): [waivers]}`` of the site's approved
        waivers that may still reduce a charge of the run."""
        self.ensure_one()
        waivers = defaultdict(list)
        for waiver in self.env["property.fee.waiver"].search(
            [
                ("site_id", "=", self.site_id.id),
                ("state", "=", "approved"),
                ("date_to", ">=", add_months(self.period_start, -12)),
            ]
        ):
            waivers[waiver.occupancy_id.id, waiver.item_id.id].append(waiver)
        return waivers

    def _preview_plan(self, plan, ctx, billed, waivers, error_vals):
        """The values of the run lines of ``plan``'s charges.  A tenant
        archive's own data error (UserError, ValidationError) gives no line:
        its values are added to ``error_vals`` and the other archives go
        on.  The error is the billing user's to read: in their language, not
        the payer's.  Anything else (a database error, a bug) is not the
        tenant's: it stops the preview."""
        try:
            with self.env.cr.savepoint():
                # labels in the payer's language: they are printed on the
                # payer's bill
                charges = self.with_context(
                    lang=plan.payer_id.lang or self.env.lang
                )._collect_charges(plan, ctx)
        except (UserError, ValidationError) as error:
            error_vals.append(
                self._error_vals(plan, self._error_in_user_language(plan, ctx, error))
            )
            return []
        return [self._line_vals(plan, charge, billed, waivers) for charge in charges]

    def _billed_keys(self, occupancies):
        keys = self.env["property.billing.key"].search_fetch(
            [("occupancy_id", "in", occupancies.ids)],
            ["occupancy_id", "item_id", "period_start"],
        )
        return {(k.occupancy_id.id, k.item_id.id, k.period_start) for k in keys}

    def _error_vals(self, plan, error):
        message = error.args[0] if getattr(error, "args", None) else str(error)
        return {
            "run_id": self.id,
            "plan_id": plan.id,
            "occupancy_id": plan.occupancy_id.id,
            "message": str(message),
        }

    def _check_can_run(self):
        self.ensure_one()
        if not self.env.user.has_group("property_billing.group_property_fee_collector"):
            raise UserError(self.env._("Only fee collectors can prepare billing runs."))
        if not self.journal_id:
            raise UserError(
                self.env._(
                    "Choose the sales journal of run %(run)s (or of its site).",
                    run=self.name,
                )
            )

    # ------------------------------------------------------------------
    # Generate
    # ------------------------------------------------------------------
    def _check_manager(self):
        if not self.env.user.has_group(
            "property_billing.group_property_billing_manager"
        ):
            raise UserError(
                self.env._("Only a billing manager can generate and post billing runs.")
            )

    def _sync_limit(self):
        """Runs of up to this many payers are invoiced at once in the user's
        request; larger runs are split into batches, queue_job jobs that the
        job runner spreads over the workers of every server."""
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("property_billing.sync_limit", 500)
        )

    def action_generate(self):
        """One draft invoice per payer from the previewed lines.  The billed
        keys are inserted with the invoices: a charge billed meanwhile (by
        another run) is marked "already billed" instead of being invoiced
        twice, and the rest of the run goes on."""
        return self._start_billing(post=False)

    def action_generate_post(self):
        """Generate and post in one pass (what a scheduled run does)."""
        return self._start_billing(post=True)

    def _start_billing(self, post):
        self._check_manager()
        for run in self:
            if run.state != "previewed":
                raise UserError(
                    self.env._("Preview the run before generating invoices.")
                )
            groups = run._payer_groups()
            if len(groups) <= run._sync_limit():
                run._bill_groups(groups, post=post)
                run._finish_billing(post=post)
            else:
                # made here, once: parallel batches would race to create it
                run.site_id._billing_analytic_account()
                run._queue_jobs(groups, post=post)
        return True

    def _job_batch_size(self, default):
        """Payers (or invoices) per background batch."""
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("property_billing.job_batch_size", default)
        ) or int(default)

    def _payer_groups(self, domain=None):
        """``[(payer, [run line ids], [plan ids])]`` of the charges to bill,
        in a stable order."""
        self.ensure_one()
        return self.env["property.billing.run.line"]._read_group(
            [("run_id", "=", self.id), ("state", "=", "to_bill"), *(domain or [])],
            ["payer_id"],
            ["id:array_agg", "plan_id:array_agg"],
            order="payer_id",
        )

    def _bill_groups(self, groups, post):
        """Invoice (and post) ``groups`` a batch at a time, clearing the
        cache between batches so that memory does not grow with the run."""
        run_id = self.id
        for batch_start in range(0, len(groups), GENERATE_BATCH):
            run = self.browse(run_id)
            run._bill_batch(groups[batch_start : batch_start + GENERATE_BATCH], post)
            self.env.flush_all()
            self.env.invalidate_all()

    def _bill_batch(self, batch, post):
        self.ensure_one()
        Line = self.env["property.billing.run.line"]
        moves = self.env["account.move"]
        try:
            with self.env.cr.savepoint():
                moves = self._create_invoices([group[:2] for group in batch])
        except psycopg2.IntegrityError:
            # another run billed some of these charges meanwhile: invoice
            # payer by payer so that only the billed ones are left out
            for group in batch:
                try:
                    with self.env.cr.savepoint():
                        moves |= self._create_invoices([group[:2]])
                except psycopg2.IntegrityError:
                    Line.browse(group[1]).write({"state": "duplicate"})
        if post and moves:
            self._post_moves(moves)

    # ------------------------------------------------------------------
    # Background batches (queue_job)
    # ------------------------------------------------------------------
    def _queue_jobs(self, groups, post):
        """One job per batch of payers; the run is closed by a last job that
        depends on them all (queue_job's graph), so nothing polls."""
        self.ensure_one()
        size = self._job_batch_size(GENERATE_BATCH)
        payer_ids = [payer.id for payer, *_rest in groups]
        self.state = "generating"
        self._delay_batches(
            [
                self._batch_delayable(index, len(payer_ids), size)._job_bill_batch(
                    payer_ids[start : start + size], post
                )
                for index, start in enumerate(range(0, len(payer_ids), size))
            ],
            "generate",
            post,
        )

    def _queue_post_jobs(self, move_ids):
        self.ensure_one()
        size = self._job_batch_size(POST_BATCH)
        self.state = "posting"
        self._delay_batches(
            [
                self._batch_delayable(index, len(move_ids), size)._job_post_batch(
                    move_ids[start : start + size]
                )
                for index, start in enumerate(range(0, len(move_ids), size))
            ],
            "post",
            True,
        )

    def _batch_delayable(self, index, total, size):
        return self.delayable(
            channel=JOB_CHANNEL,
            description=self.env._(
                "Billing run %(run)s: batch %(batch)s of %(count)s",
                run=self.name,
                batch=index + 1,
                count=-(-total // size),
            ),
        )

    def _delay_batches(self, batches, phase, post):
        finish = self.delayable(
            channel=JOB_CHANNEL,
            description=self.env._("Billing run %(run)s: close", run=self.name),
        )._job_finish(phase, post)
        group(*batches).on_done(finish).delay()

    def _job_bill_batch(self, payer_ids, post):
        """Job: invoice (and post) the run's charges of these payers.  Run
        again (a retried or requeued job), it bills only what is left."""
        self.ensure_one()
        with retry_on_concurrency():
            self._bill_groups(
                self._payer_groups([("payer_id", "in", payer_ids)]), post=post
            )
            self.env.flush_all()

    def _job_post_batch(self, move_ids):
        """Job: post these invoices of the run (those still in draft)."""
        self.ensure_one()
        with retry_on_concurrency():
            self._post_moves(
                self.env["account.move"]
                .browse(move_ids)
                .filtered(lambda move: move.state == "draft")
            )
            self.env.flush_all()

    def _job_finish(self, phase, post):
        """Job: close the run once every batch of ``phase`` is done."""
        self.ensure_one()
        with retry_on_concurrency():
            if phase == "generate" and self.state == "generating":
                self._finish_billing(post=post)
            elif phase == "post" and self.state == "posting":
                self.state = "posted"
                self.message_post(body=self.env._("Invoices of the run posted."))
            self.env.flush_all()

    def _job_store_values(self, job):
        """queue_job hook: link the job to its run, with its phase."""
        phase = {"_job_bill_batch": "generate", "_job_post_batch": "post"}.get(
            job.method_name
        ) or (job.args[0] if job.args else False)
        return {
            "property_billing_run_id": self.id,
            "property_billing_phase": phase,
        }

    def action_view_jobs(self):
        """The run's background batches (queue_job jobs); a failed one is
        retried from there with queue_job's Requeue button."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "queue_job.action_queue_job"
        )
        action["domain"] = [("property_billing_run_id", "=", self.id)]
        action["context"] = {
            "search_default_failed": bool(self.job_failed_count),
        }
        return action

    def _finish_billing(self, post):
        self.ensure_one()
        self.write({"state": "posted" if post else "generated"})
        body = (
            self.env._(
                "%(count)s invoices generated and posted for %(amount)s.",
                count=self.invoice_count,
                amount=self.currency_id.format(self.amount_total),
            )
            if post
            else self.env._(
                "%(count)s invoices generated for %(amount)s.",
                count=self.invoice_count,
                amount=self.currency_id.format(self.amount_total),
            )
        )
        self.message_post(body=body)

    def _create_plan_invoices(self, groups):
        """Invoices (and their billed keys) of ``groups`` of
        ``(payer, line ids)``, in one batch."""
        Line = self.env["property.billing.run.line"]
        analytic = self.site_id._billing_analytic_account()
        distribution = {str(analytic.id): 100} if analytic else False
        # one recordset for the whole batch: its fields are read in one go
        all_lines = Line.browse(sorted(i for _payer, ids in groups for i in ids))
        lines_by_id = {line.id: line for line in all_lines}
        vals_list = []
        for payer, line_ids in groups:
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": payer.id,
                    "journal_id": self.journal_id.id,
                    "invoice_date": self.invoice_date,
                    "invoice_date_due": self.due_date,
                    "invoice_origin": self.name,
                    "property_site_id": self.site_id.id,
                    "property_billing_run_id": self.id,
                    "property_period_start": self.period_start,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "product_id": line.item_id.product_id.id,
                                "name": line.name,
                                "quantity": line.quantity,
                                "price_unit": line.price_unit,
                                "discount": line.discount,
                                "analytic_distribution": distribution,
                                "property_occupancy_id": line.occupancy_id.id,
                                "property_fee_item_id": line.item_id.id,
                                "property_period_start": line.period_start,
                                "property_period_end": line.billed_end,
                                "property_run_line_id": line.id,
                            }
                        )
                        for line in (lines_by_id[i] for i in sorted(line_ids))
                    ],
                }
            )
        moves = (
            self.env["account.move"]
            .with_context(**QUIET)
            .with_company(self.company_id)
            ._property_create_invoices(vals_list, report_to=self)
        )
        key_vals = []
        for move_line in moves.invoice_line_ids:
            run_line = move_line.property_run_line_id
            if not run_line:
                continue
            key_vals.append(
                {
                    "occupancy_id": run_line.occupancy_id.id,
                    "item_id": run_line.item_id.id,
                    "period_start": run_line.period_start,
                    "period_end": run_line.billed_end,
                    "move_id": move_line.move_id.id,
                    "move_line_id": move_line.id,
                    "run_id": self.id,
                    "company_id": self.company_id.id,
                }
            )
            run_line.move_line_id = move_line
        self.env["property.billing.key"].create(key_vals)
        all_lines.state = "billed"
        self.env.flush_all()
        return moves

    # ------------------------------------------------------------------
    # Post
    # ------------------------------------------------------------------
    def action_post(self):
        """Post the run's draft invoices, a batch at a time; an invoice that
        cannot be posted is listed among the errors and the others post."""
        self._check_manager()
        for run in self:
            if run.state != "generated":
                raise UserError(
                    self.env._("Generate the invoices before posting them.")
                )
            move_ids = (
                self.env["account.move"]
                .search(
                    [("property_billing_run_id", "=", run.id), ("state", "=", "draft")],
                    order="id",
                )
                .ids
            )
            if len(move_ids) <= run._sync_limit():
                run_id = run.id
                for batch_start in range(0, len(move_ids), POST_BATCH):
                    self.browse(run_id)._post_moves(
                        self.env["account.move"].browse(
                            move_ids[batch_start : batch_start + POST_BATCH]
                        )
                    )
                    self.env.flush_all()
                    self.env.invalidate_all()
                run = self.browse(run_id)
                run.state = "posted"
                run.message_post(body=self.env._("Invoices of the run posted."))
            else:
                run._queue_post_jobs(move_ids)
        return True

    def _post_moves(self, moves):
        """Post ``moves`` together; when one of them fails, post them one by
        one and list the failures among the run's errors."""
        self.ensure_one()
        moves = moves.with_context(**QUIET)
        try:
            with self.env.cr.savepoint():
                moves._property_post_invoices()
        except (UserError, ValidationError):
            for move in moves:
                try:
                    with self.env.cr.savepoint():
                        move.action_post()
                except (UserError, ValidationError) as error:
                    self.env["property.billing.run.error"].create(
                        {
                            "run_id": self.id,
                            "occupancy_id": move.invoice_line_ids[
                                :1
                            ].property_occupancy_id.id,
                            "move_id": move.id,
                            "message": str(error.args[0]),
                        }
                    )

    def action_cancel(self):
        for run in self:
            if run.move_ids.filtered(lambda m: m.state == "posted"):
                raise UserError(
                    self.env._(
                        "Posted invoices of run %(run)s must be credited one by "
                        "one; the run itself cannot be cancelled.",
                        run=run.name,
                    )
                )
            run.move_ids.filtered(lambda m: m.state == "draft").unlink()
            run.state = "cancel"

    @api.model
    def _requeue_orphan_runs(self, post_by_run=None):
        """Queue again the remaining work of runs generating or posting in
        the background that have no job (batches of an older version's own
        table, see the 18.0.1.1.0 migration): the charges still to bill, or
        the draft invoices still to post.  ``post_by_run``: whether each
        run was to post its invoices as well."""
        post_by_run = post_by_run or {}
        runs = self.search([("state", "in", ("generating", "posting"))])
        for run in runs.filtered(lambda run: not run.queue_job_ids):
            if run.state == "generating":
                groups = run._payer_groups()
                if groups:
                    run._queue_jobs(groups, post=bool(post_by_run.get(run.id)))
                else:
                    run._finish_billing(post=False)
                continue
            move_ids = (
                self.env["account.move"]
                .search(
                    [("property_billing_run_id", "=", run.id), ("state", "=", "draft")],
                    order="id",
                )
                .ids
            )
            if move_ids:
                run._queue_post_jobs(move_ids)
            else:
                run.state = "posted"
        return runs

    def action_stop_jobs(self):
        """Give up the failed background batches of a run stuck generating or
        posting (a batch that fails again when requeued): the failed jobs and
        the closing job waiting for them are cancelled and the run is back to
        "Invoices Generated" with what was done: its invoices can be posted,
        or the run cancelled (draft invoices deleted) and billed again."""
        self._check_manager()
        for run in self:
            if run.state not in ("generating", "posting"):
                continue
            jobs = run.queue_job_ids.sudo()
            if jobs.filtered(
                lambda job: job.state in ("pending", "enqueued", "started")
            ):
                raise UserError(
                    self.env._(
                        "Batches of run %(run)s are still waiting or running: "
                        "wait for them to finish, then stop the failed ones.",
                        run=run.name,
                    )
                )
            left = jobs.filtered(
                lambda job: job.state in ("failed", "wait_dependencies")
            )
            left.button_cancelled()
            to_bill = len(run.line_ids.filtered(lambda line: line.state == "to_bill"))
            run.state = "generated"
            run.message_post(
                body=self.env._(
                    "Background batches stopped: %(jobs)s failed or waiting jobs "
                    "cancelled; %(lines)s charges were not invoiced.",
                    jobs=len(left),
                    lines=to_bill,
                )
            )
        return True

    def action_reset_draft(self):
        self.filtered(
            lambda r: r.state in ("previewed", "cancel") and not r.move_ids
        ).write({"state": "draft"})

    # ------------------------------------------------------------------
    # Scheduled billing
    # ------------------------------------------------------------------
    @api.model
    def _cron_scheduled_runs(self, date_ref=None):
        """For each site billed automatically whose billing day has come:
        preview, generate and (if the site says so) post this month's run.
        Every due site in this one call and transaction; the cron's progress
        is reported after each site.  A large run only queues its batches
        here (queue_job), so the pass stays short."""
        today = date_ref or fields.Date.context_today(self)
        period = month_start(today)
        sites = self.env["property.site"].search(
            [("billing_auto_run", "=", True), ("billing_run_day", "<=", today.day)]
        )
        done_sites = self.search(
            [("site_id", "in", sites.ids), ("period_start", "=", period)]
        ).site_id
        todo = sites - done_sites
        for index, site in enumerate(todo):
            run = self.create(
                {"site_id": site.id, "period_start": period, "scheduled": True}
            )
            manager = site.billing_manager_id or self.env.user
            run = run.with_user(manager)
            try:
                run.action_preview()
                if site.billing_auto_post:
                    run.action_generate_post()
                else:
                    run.action_generate()
            except (UserError, ValidationError) as error:
                run.sudo().message_post(body=str(error.args[0]))
            self.env["ir.cron"]._notify_progress(
                done=index + 1, remaining=len(todo) - index - 1
            )
        return True

    # ------------------------------------------------------------------
    # Navigation
    # ------------------------------------------------------------------
    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("property_billing_run_id", "=", self.id)]
        action["context"] = {"create": False, "default_move_type": "out_invoice"}
        return action

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_billing_run_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action

    def action_view_late_fees(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_late_fee_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_errors(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Errors"),
            "res_model": "property.billing.run.error",
            "view_mode": "list,form",
            "domain": [("run_id", "=", self.id)],
        }

    # ------------------------------------------------------------------
    # xlsx export of the preview
    # ------------------------------------------------------------------

    def _selection_labels(self, model, field_name):
        return dict(
            self.env[model]._fields[field_name]._description_selection(self.env)
        )

    def _preview_xlsx(self):
        """The run's charges (the pre-bill review) as an xlsx workbook: one
        row per charge, then the run's errors on their own sheet."""
        self.ensure_one()
        self.check_access("read")
        _ = self.env._
        states = self._selection_labels("property.billing.run.line", "state")
        workbook = new_workbook(io.BytesIO())
        workbook.write_table(
            _("Charges"),
            [
                (_("Unit"), "text", 10),
                (_("Payer"), "text", 22),
                (_("Fee Item"), "text", 22),
                (_("Label"), "text", 48),
                (_("From"), "date", 12),
                (_("To"), "date", 12),
                (_("Quantity"), "number", 12),
                (_("Unit Price"), "number", 12),
                (_("Waived (%)"), "percent", 12),
                (_("Amount"), "money", 12),
                (_("Warning"), "warning", 40),
                (_("Status"), "text", 16),
                (_("Invoice"), "text", 16),
            ],
            [
                [
                    line.unit_code,
                    line.payer_id.display_name,
                    line.item_id.display_name,
                    line.name,
                    line.billed_start,
                    line.billed_end,
                    line.quantity,
                    line.price_unit,
                    line.discount,
                    line.amount,
                    line.warning,
                    states.get(line.state),
                    line.move_id.name,
                ]
                for line in self.line_ids
            ],
            title=_(
                "Billing run %(run)s: %(site)s, %(month)s",
                run=self.name,
                site=self.site_id.display_name,
                month=self.period_start.strftime("%Y-%m"),
            ),
            head=[
                [
                    _("Status"),
                    self._selection_labels(self._name, "state").get(self.state),
                    _("Invoice date"),
                    fields.Date.to_string(self.invoice_date),
                    _("Due date"),
                    fields.Date.to_string(self.due_date),
                ]
            ],
            totals=[_("Total")] + [None] * 8 + [sum(self.line_ids.mapped("amount"))],
            freeze_columns=1,
            autofilter=True,
        )
        workbook.write_table(
            _("Errors"),
            [
                (_("Tenant Archive"), "text", 28),
                (_("Invoice"), "text", 28),
                (_("Message"), "text", 80),
            ],
            [
                [error.occupancy_id.display_name, error.move_id.name, error.message]
                for error in self.error_ids
            ],
        )
        return workbook.content()

    def _preview_filename(self):
        self.ensure_one()
        month = self.period_start.strftime("%Y%m")
        return self.env._(
            "billing_run_%(site)s_%(month)s.xlsx",
            site=self.site_id.code or self.site_id.id,
            month=month,
        )

    def action_export_preview_xlsx(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": f"/property_billing/run/{self.id}/preview.xlsx",
        }
