import io
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import psycopg2
from psycopg2 import errors as pg_errors

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round

from odoo.addons.property_tenant.spreadsheet import new_workbook
from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError

from ..billing import (
    add_months,
    apportion,
    clip,
    cycle_bounds,
    days_late,
    late_fee,
    month_end,
    month_start,
    prorate,
    tiered_amount,
    to_decimal,
)
from .property_meter import CACHE_KEY, ConsumptionCache

RUN_STATES = [
    ("draft", "Draft"),
    ("previewed", "Previewed"),
    ("generating", "Generating"),
    ("generated", "Invoices Generated"),
    ("posting", "Posting"),
    ("posted", "Posted"),
    ("cancel", "Cancelled"),
]

LINE_STATES = [
    ("to_bill", "To Bill"),
    ("billed", "Billed"),
    ("duplicate", "Already Billed"),
    ("skipped", "Skipped"),
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

    @api.depends("site_id", "period_start")
    def _compute_display_name(self):
        for run in self:
            period = run.period_start and run.period_start.strftime("%Y-%m") or ""
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

    def _plan_charge_context(self):
        """What every charge of the run looks up, loaded once per run."""
        self.ensure_one()
        return {
            "standards": self.env["property.fee.standard"]._standards_by_item(
                self.site_id
            ),
        }

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

    def _cycle_range(self, plan):
        """``(cycle start, billed start, billed end)`` of ``plan`` billed by
        this run, or ``None``.  In advance, a run bills the cycle whose
        billed range starts in its month; in arrears, the cycle whose billed
        range ends in its month.  The billed range is the cycle clipped to
        the plan's (and so the tenant's) dates."""
        self.ensure_one()
        if plan.timing == "advance":
            cycle_start, cycle_end = cycle_bounds(self.period_start, plan.cycle)
            billed = clip(cycle_start, cycle_end, plan.date_start, plan.date_end)
            if billed and month_start(billed[0]) == self.period_start:
                return cycle_start, billed[0], billed[1]
            return None
        # in arrears: the cycle containing the run's month, or the earlier
        # cycle cut short by the end of the plan
        cycle_start, cycle_end = cycle_bounds(self.period_start, plan.cycle)
        billed = clip(cycle_start, cycle_end, plan.date_start, plan.date_end)
        if billed and month_start(billed[1]) == self.period_start:
            return cycle_start, billed[0], billed[1]
        return None

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

    def _collect_plan_charges(self, plan, ctx):
        """The charges of one billing plan for this run, as a list of dicts
        (see the module's design notes); raise to fail the plan's tenant
        archive as a whole.  Other charges (shared costs, late fees) are
        added by overriding this method."""
        self.ensure_one()
        occupancy = plan.occupancy_id
        unit = occupancy.unit_id
        charges = []
        cycle = None
        for line in plan.line_ids:
            item = line.item_id
            if item.kind in ("area", "fixed"):
                cycle = cycle or self._cycle_range(plan) or False
                if not cycle:
                    continue
                cycle_start, start, end = cycle
                quantity = line.quantity or (unit.area if item.kind == "area" else 1.0)

                def monthly(day, item=item, quantity=quantity):
                    return quantity * self._standard(ctx, item, occupancy, day).rate

                first_standard = self._standard(ctx, item, occupancy, start)
                changes = any(
                    s.date_from > start and s.date_from <= end
                    for s in ctx["standards"].get(item.id, [])
                )
                if changes:
                    amount = prorate(None, start, end, rate_on=monthly)
                else:
                    amount = prorate(quantity * first_standard.rate, start, end)
                detail = (
                    self.env._(
                        "%(quantity)s m² × %(rate)s",
                        quantity=float_round(quantity, 2),
                        rate=first_standard.rate,
                    )
                    if item.kind == "area"
                    else None
                )
                charges.append(
                    {
                        "plan": plan,
                        "item": item,
                        "standard": first_standard,
                        "period_start": cycle_start,
                        "billed_start": start,
                        "billed_end": end,
                        "quantity": 1.0,
                        "price_unit": float(amount),
                        "name": self._label(item, unit, start, end, detail),
                        "warning": False,
                    }
                )
            elif item.kind == "metered":
                start = max(self.period_start, plan.date_start)
                end = min(self.period_end, plan.date_end or self.period_end)
                if start > end:
                    continue
                standard = self._standard(ctx, item, occupancy, end)
                usage = self.env["property.meter"]._billing_consumption(
                    unit, item.meter_type, start, end
                )
                warnings = list(usage.get("warnings") or [])
                quantity = usage.get("quantity") or 0.0
                if usage.get("missing"):
                    charges.append(
                        {
                            "plan": plan,
                            "item": item,
                            "standard": standard,
                            "period_start": self.period_start,
                            "billed_start": start,
                            "billed_end": end,
                            "quantity": 0.0,
                            "price_unit": 0.0,
                            "name": self._label(item, unit, start, end),
                            "warning": "\n".join(warnings),
                            "skip": True,
                        }
                    )
                    continue
                if standard.tier_ids:
                    price_unit, qty = (
                        float(tiered_amount(quantity, standard._tiers())),
                        1.0,
                    )
                    detail = self.env._(
                        "%(quantity)s %(uom)s, tiered",
                        quantity=quantity,
                        uom=item.uom_name or "",
                    )
                else:
                    price_unit, qty = standard.rate, quantity
                    detail = None
                charges.append(
                    {
                        "plan": plan,
                        "item": item,
                        "standard": standard,
                        "period_start": self.period_start,
                        "billed_start": start,
                        "billed_end": end,
                        "quantity": qty,
                        "price_unit": price_unit,
                        "name": self._label(item, unit, start, end, detail),
                        "warning": "\n".join(warnings) or False,
                        "reading_ids": usage.get("reading_ids"),
                    }
                )
        return charges

    # ------------------------------------------------------------------
    # Where the charges of a run come from: the billing plans, the shared
    # costs (公摊) and the late fees (滞纳金)
    # ------------------------------------------------------------------
    def _charge_context(self):
        """What every charge of the run looks up, loaded once per run."""
        ctx = self._plan_charge_context()
        ctx["shared_cost_lines"] = self._unbilled_shared_cost_lines()
        ctx["late_fees"] = self._late_fee_context(ctx)
        for source in self._charge_sources():
            ctx[source._name] = source._charge_context(self, ctx)
        return ctx

    def _charge_sources(self):
        return self.env["property.charge.source"]._charge_sources()

    def _collect_charges(self, plan, ctx):
        """The charges of one billing plan for this run, as a list of dicts
        (see ``_collect_plan_charges``); raise to fail the plan's tenant
        archive as a whole."""
        return (
            self._collect_plan_charges(plan, ctx)
            + self._shared_cost_charges(plan, ctx)
            + self._late_fee_charges(plan, ctx)
            + [
                charge
                for source in self._charge_sources()
                for charge in source._charges(self, plan, ctx)
            ]
        )

    def _line_vals(self, plan, charge, billed, waivers):
        vals = self._plan_line_vals(plan, charge, billed, waivers)
        if charge.get("shared_cost_line"):
            vals["shared_cost_line_id"] = charge["shared_cost_line"].id
        if charge.get("late_fees"):
            vals["late_fee_ids"] = [Command.create(d) for d in charge["late_fees"]]
        for source in self._charge_sources():
            source._charge_line_vals(self, charge, vals)
        return vals

    def action_preview(self):
        """Compute every billing plan's charges into the run's lines (the
        pre-bill review).  One meter-consumption cache serves the whole
        preview: meters are loaded a site at a time, not a unit at a time."""
        if not isinstance(self.env.context.get(CACHE_KEY), ConsumptionCache):
            return self.with_context(**{CACHE_KEY: ConsumptionCache()}).action_preview()
        self._preview()
        self._shared_cost_orphan_errors()
        return True

    def _create_invoices(self, groups):
        groups = self._billable_groups(groups)
        if not groups:
            return self.env["account.move"]
        moves = self._create_plan_invoices(groups)
        self._link_shared_cost_keys(moves)
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
            Waiver = self.env["property.fee.waiver"]
            waivers = defaultdict(list)
            for waiver in Waiver.search(
                [
                    ("site_id", "=", run.site_id.id),
                    ("state", "=", "approved"),
                    ("date_to", ">=", add_months(run.period_start, -12)),
                ]
            ):
                waivers[waiver.occupancy_id.id, waiver.item_id.id].append(waiver)
            error_vals = []
            for batch_start in range(0, len(plans), GENERATE_BATCH):
                batch = plans[batch_start : batch_start + GENERATE_BATCH]
                billed = run._billed_keys(batch.occupancy_id)
                line_vals = []
                for plan in batch:
                    try:
                        with self.env.cr.savepoint():
                            # labels in the payer's language: they are
                            # printed on the payer's bill
                            charges = run.with_context(
                                lang=plan.payer_id.lang or run.env.lang
                            )._collect_charges(plan, ctx)
                    except (UserError, ValidationError) as error:
                        # a tenant archive's own data error: listed among the
                        # run's errors, the other archives go on.  The error
                        # is the billing user's to read: in their language,
                        # not the payer's.  Anything else (a database error,
                        # a bug) is not the tenant's: it stops the preview.
                        error_vals.append(
                            run._error_vals(
                                plan, run._error_in_user_language(plan, ctx, error)
                            )
                        )
                        continue
                    for charge in charges:
                        line_vals.append(run._line_vals(plan, charge, billed, waivers))
                # a batch of lines at a time, then out of memory: the
                # preview's memory does not grow with the number of plans
                self.env["property.billing.run.line"].create(line_vals)
                self.env.flush_all()
                self.env.invalidate_all()
            # what a source has to bill and no plan of the run took
            error_vals += [
                vals
                for source in run._charge_sources()
                for vals in source._charge_preview_errors(run, ctx)
            ]
            self.env["property.billing.run.error"].create(error_vals)
            run.write(
                {
                    "state": "previewed",
                    "plan_count": len(plans),
                }
            )
        return True

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

    def _plan_line_vals(self, plan, charge, billed, waivers):
        occupancy = plan.occupancy_id
        item = charge["item"]
        key = (occupancy.id, item.id, charge["period_start"])
        discount = self.env["property.fee.waiver"]._waived_percent(
            waivers.get((occupancy.id, item.id), []),
            charge["billed_start"],
            charge["billed_end"],
        )
        state = "to_bill"
        warning = charge.get("warning") or False
        if key in billed:
            state = "duplicate"
        elif charge.get("skip"):
            state = "skipped"
        return {
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
            "warning": warning,
            "state": state,
            "source_ref": charge.get("source_ref") or False,
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
        One site per transaction; the cron is called back for the rest."""
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
    # Late fees (滞纳金)
    # ------------------------------------------------------------------

    late_fee_ids = fields.One2many("property.late.fee", "run_id", string="Late Fees")
    late_fee_count = fields.Integer(compute="_compute_late_fee_count")

    def _compute_late_fee_count(self):
        counts = dict(
            self.env["property.late.fee"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        for run in self:
            run.late_fee_count = counts.get(run, 0)

    def _late_fee_as_of(self):
        """Day up to which the run charges late fees: the date of its bills,
        or today when the bills are dated later."""
        self.ensure_one()
        return min(
            self.invoice_date or self.period_start, fields.Date.context_today(self)
        )

    def _late_fee_context(self, ctx):
        """The overdue invoices of the site, split by tenant archive, and
        what earlier runs billed on them: loaded once per run.  Empty when
        the site has no approved late-fee standard."""
        self.ensure_one()
        item = self.env["property.late.fee"]._late_fee_item(self.company_id)
        if not item or not ctx["standards"].get(item.id):
            return {}
        as_of = self._late_fee_as_of()
        late_items = self.env["property.fee.item"].search(
            [("kind", "=", "late_fee"), ("company_id", "=", self.company_id.id)]
        )
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "=", "posted"),
                ("move_id.payment_state", "in", ("not_paid", "partial")),
                ("move_id.invoice_date_due", "<", as_of),
                ("display_type", "=", "product"),
                ("property_occupancy_id.site_id", "=", self.site_id.id),
            ],
            ["move_id", "property_occupancy_id", "property_fee_item_id"],
            ["price_total:sum"],
        )
        # per invoice: the (tax-included) amount of each archive's lines,
        # late fees excluded (no late fee on late fees)
        bases = defaultdict(lambda: defaultdict(Decimal))
        for move, occupancy, fee_item, total in groups:
            if fee_item in late_items:
                bases[move][None] += to_decimal(total)
            else:
                bases[move][occupancy] += to_decimal(total)
        by_occupancy = defaultdict(list)
        for move, shares in bases.items():
            occupancies = [o for o in shares if o is not None]
            if not occupancies or move.amount_residual <= 0:
                continue
            # a credit line can make an archive's share negative: it then
            # owes nothing on this invoice
            weights = [max(shares[o], Decimal(0)) for o in occupancies]
            rest = to_decimal(move.amount_total) - sum(shares.values())
            weights.append(max(rest + shares[None], Decimal(0)))
            if not sum(weights):
                continue
            # what is still owed on the invoice, split over its archives in
            # proportion to their lines
            parts = apportion(move.amount_residual, weights)
            for occupancy, part in zip(occupancies, parts, strict=False):
                if part > 0:
                    by_occupancy[occupancy.id].append((move, part))
        if not by_occupancy:
            return {}
        keys = self.env["property.billing.key"].search_fetch(
            [
                ("item_id", "in", late_items.ids),
                ("occupancy_id", "in", list(by_occupancy)),
            ],
            ["move_line_id"],
        )
        billed = {
            (move.id, occupancy.id): to_decimal(amount)
            for move, occupancy, amount in self.env["property.late.fee"]._read_group(
                [
                    ("invoice_id", "in", list({m.id for m in bases})),
                    ("move_line_id", "in", keys.move_line_id.ids),
                ],
                ["invoice_id", "occupancy_id"],
                ["amount:sum"],
            )
        }
        return {
            "item": item,
            "as_of": as_of,
            "by_occupancy": by_occupancy,
            "billed": billed,
        }

    def _late_fee_charges(self, plan, ctx):
        """The late-fee charge of the plan's tenant archive (at most one per
        run, even with several plans)."""
        charges = []
        info = ctx.get("late_fees")
        if not info:
            return charges
        occupancy = plan.occupancy_id
        # one late-fee charge per archive and run, even with several plans
        overdue = info["by_occupancy"].pop(occupancy.id, None)
        if not overdue:
            return charges
        charge = self._late_fee_charge(plan, info, overdue, ctx)
        if charge:
            charges.append(charge)
        return charges

    def _late_fee_charge(self, plan, info, overdue, ctx):
        """The late-fee charge of ``plan``'s archive for its ``overdue``
        ``(invoice, amount owed)``, or ``None`` when nothing is due."""
        occupancy = plan.occupancy_id
        item, as_of = info["item"], info["as_of"]
        standard = self.env["property.fee.standard"]._pick(
            ctx["standards"].get(item.id, []),
            occupancy.unit_id.usage,
            occupancy.tenant_kind,
            as_of,
        )
        if not standard:
            return None
        details, total, parts = [], Decimal(0), []
        for move, residual in sorted(
            overdue, key=lambda o: (o[0].invoice_date_due, o[0].id)
        ):
            days = days_late(move.invoice_date_due, as_of, standard.grace_days)
            accrued = late_fee(
                residual, days, standard.daily_rate_permille, standard.cap_percent
            )
            previously = info["billed"].get((move.id, occupancy.id), Decimal(0))
            amount = max(accrued - previously, Decimal(0))
            if amount <= 0:
                continue
            total += amount
            parts.append(
                self.env._(
                    "%(invoice)s: %(days)s days",
                    invoice=move.name,
                    days=days,
                )
            )
            details.append(
                {
                    "invoice_id": move.id,
                    "occupancy_id": occupancy.id,
                    "standard_id": standard.id,
                    "due_date": move.invoice_date_due,
                    "as_of_date": as_of,
                    "grace_days": standard.grace_days,
                    "days_late": days,
                    "daily_rate_permille": standard.daily_rate_permille,
                    "cap_percent": standard.cap_percent,
                    "residual": float(residual),
                    "accrued": float(accrued),
                    "previously_billed": float(previously),
                    "amount": float(amount),
                }
            )
        if not details:
            return None
        label = self.env._(
            "%(item)s %(unit)s to %(date)s (%(invoices)s)",
            item=item.with_env(self.env).name,
            unit=occupancy.unit_id.code,
            date=as_of.strftime("%Y-%m-%d"),
            invoices="; ".join(parts),
        )
        return {
            "plan": plan,
            "item": item,
            "standard": standard,
            "period_start": self.period_start,
            "billed_start": self.period_start,
            "billed_end": self.period_end,
            "quantity": 1.0,
            "price_unit": float(total),
            "name": label,
            "warning": False,
            "source_ref": ", ".join(
                self.env["account.move"].browse(d["invoice_id"]).name for d in details
            ),
            "late_fees": details,
        }

    def action_view_late_fees(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_late_fee_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Shared costs (公摊)
    # ------------------------------------------------------------------

    def _unbilled_shared_cost_domain(self):
        self.ensure_one()
        return [
            ("shared_cost_id.site_id", "=", self.site_id.id),
            ("shared_cost_id.state", "in", ("confirmed", "published")),
            ("period_start", "<=", self.period_start),
            ("occupancy_id", "!=", False),
            ("key_id", "=", False),
            ("amount", ">", 0),
        ]

    def _unbilled_shared_cost_lines(self):
        """``{occupancy id: [shared cost lines]}`` of the site's confirmed
        shared costs up to the run's month whose share is not billed yet:
        loaded once per run, whatever the number of tenant archives."""
        self.ensure_one()
        lines = self.env["property.shared.cost.line"].search_fetch(
            self._unbilled_shared_cost_domain(),
            ["shared_cost_id", "occupancy_id", "unit_id", "weight", "amount"],
            order="period_start, shared_cost_id, sequence, id",
        )
        # the shared costs' own fields (item, period, weights) in one read
        lines.shared_cost_id.fetch(
            ["name", "title", "item_id", "period_start", "period_end", "basis"]
        )
        by_occupancy = defaultdict(list)
        for line in lines:
            by_occupancy[line.occupancy_id.id].append(line)
        return by_occupancy

    def _shared_cost_charges(self, plan, ctx):
        """The shares of confirmed shared costs of the plan's tenant archive
        not billed yet, one charge each."""
        charges = []
        # popped: an archive with two plans in the run is charged once
        for line in ctx.get("shared_cost_lines", {}).pop(plan.occupancy_id.id, []):
            cost = line.shared_cost_id
            charges.append(
                {
                    "plan": plan,
                    "item": cost.item_id,
                    # No fee standard: a shared cost passes an actual cost on
                    # at cost.  Its amount was approved by the billing
                    # manager who confirmed the apportionment (R-FEE-1), which
                    # stands in for the approved standard of other charges.
                    "standard": self.env["property.fee.standard"],
                    "period_start": cost.period_start,
                    "billed_start": cost.period_start,
                    "billed_end": cost.period_end,
                    "quantity": 1.0,
                    "price_unit": line.amount,
                    "name": self._label(
                        cost.item_id,
                        line.unit_id,
                        cost.period_start,
                        cost.period_end,
                        cost.with_env(self.env)._charge_detail(line),
                    ),
                    "warning": False,
                    "source_ref": cost.name,
                    "shared_cost_line": line,
                }
            )
        return charges

    def _shared_cost_orphan_errors(self):
        """A tenant's share is billed through the tenant's billing plan: the
        shares of archives without a running plan in the run are listed
        among the run's errors instead of being left out silently."""
        for run in self:
            charged = run.line_ids.occupancy_id | run.error_ids.occupancy_id
            left = self.env["property.shared.cost.line"].search(
                run._unbilled_shared_cost_domain()
                + [("occupancy_id", "not in", charged.ids)],
                order="period_start, shared_cost_id, sequence, id",
            )
            error_vals = [
                {
                    "run_id": run.id,
                    "occupancy_id": line.occupancy_id.id,
                    "message": self.env._(
                        "The share of unit %(unit)s in shared cost %(cost)s "
                        "(%(amount)s) is not billed: tenant archive "
                        "%(occupancy)s has no running billing plan. Start "
                        "(or reopen) its billing plan and preview again.",
                        unit=line.unit_id.code,
                        cost=line.shared_cost_id.display_name,
                        amount=run.currency_id.format(line.amount),
                        occupancy=line.occupancy_id.display_name,
                    ),
                }
                for line in left
            ]
            self.env["property.billing.run.error"].create(error_vals)

    def _link_shared_cost_keys(self, moves):
        """Mark the shares invoiced by ``moves`` as billed: their
        shared-cost line points at the billed period (key) of the invoice
        line, which is removed (and the share billed again) when the
        invoice is cancelled or credited."""
        keys = self.env["property.billing.key"].search_fetch(
            [("move_id", "in", moves.ids)], ["move_line_id"]
        )
        for key in keys:
            share = key.move_line_id.property_run_line_id.shared_cost_line_id
            if share:
                share.sudo().key_id = key

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


class PropertyBillingRunLine(models.Model):
    """One charge of a billing run: what the pre-bill review shows and what
    becomes an invoice line."""

    _name = "property.billing.run.line"
    _description = "Billing Run Charge"
    _order = "run_id, unit_code, item_sequence, id"

    run_id = fields.Many2one(
        "property.billing.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="run_id.currency_id")
    plan_id = fields.Many2one("property.billing.plan", index=True)
    occupancy_id = fields.Many2one(
        "property.occupancy", string="Tenant Archive", required=True, index=True
    )
    unit_id = fields.Many2one(related="occupancy_id.unit_id", store=True)
    unit_code = fields.Char(related="occupancy_id.unit_id.code", store=True)
    building_id = fields.Many2one(related="occupancy_id.building_id", store=True)
    payer_id = fields.Many2one("res.partner", required=True, index=True)
    item_id = fields.Many2one("property.fee.item", string="Fee Item", required=True)
    item_sequence = fields.Integer(related="item_id.sequence", store=True)
    standard_id = fields.Many2one("property.fee.standard")
    period_start = fields.Date(required=True, help="Start of the billed cycle.")
    billed_start = fields.Date(string="From", required=True)
    billed_end = fields.Date(string="To", required=True)
    name = fields.Char(string="Label", required=True)
    quantity = fields.Float(digits="Product Unit of Measure")
    price_unit = fields.Float(digits="Product Price")
    discount = fields.Float(string="Waived (%)", digits="Discount")
    amount = fields.Monetary(compute="_compute_amount", store=True)
    warning = fields.Text()
    state = fields.Selection(
        LINE_STATES,
        default="to_bill",
        required=True,
        index=True,
    )
    move_line_id = fields.Many2one(
        "account.move.line", readonly=True, index="btree_not_null"
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice")
    source_ref = fields.Char(
        help="What the charge comes from, when not from the billing plan "
        "(e.g. a shared cost or an overdue invoice)."
    )

    @api.depends("quantity", "price_unit", "discount", "currency_id")
    def _compute_amount(self):
        for line in self:
            amount = line.quantity * line.price_unit * (1 - line.discount / 100.0)
            line.amount = (
                line.currency_id.round(amount) if line.currency_id else round(amount, 2)
            )

    late_fee_ids = fields.One2many(
        "property.late.fee", "run_line_id", string="Late Fee Detail"
    )

    shared_cost_line_id = fields.Many2one(
        "property.shared.cost.line",
        string="Shared Cost Share",
        index="btree_not_null",
        ondelete="set null",
    )


class PropertyBillingRunError(models.Model):
    _name = "property.billing.run.error"
    _description = "Billing Run Error"
    _order = "run_id, id"

    run_id = fields.Many2one(
        "property.billing.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    plan_id = fields.Many2one("property.billing.plan")
    occupancy_id = fields.Many2one("property.occupancy", string="Tenant Archive")
    unit_id = fields.Many2one(related="occupancy_id.unit_id")
    move_id = fields.Many2one("account.move", string="Invoice")
    message = fields.Text(required=True)
