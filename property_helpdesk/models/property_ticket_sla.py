import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import format_datetime, sql

from ..sla import (
    SLA_RESULTS,
    SLA_STATUSES,
    best_policy,
    is_breached,
    sla_result,
    sla_status,
    wall_clock_deadline,
)

_logger = logging.getLogger(__name__)

# Once closed or cancelled, an item keeps the policy and deadlines it was
# measured with, whatever happens to the policies afterwards.
SLA_FINAL_STATES = ("closed", "cancel")

# Items escalated per batch (per commit) of the escalation cron.
SLA_BATCH_SIZE = 100

# target -> (deadline field, breached flag, escalated flag)
SLA_TARGETS = {
    "response": (
        "sla_response_deadline",
        "sla_response_breached",
        "sla_response_escalated",
    ),
    "resolution": (
        "sla_resolution_deadline",
        "sla_resolution_breached",
        "sla_resolution_escalated",
    ),
}


class PropertyTicket(models.Model):
    _inherit = "property.ticket"

    sla_policy_id = fields.Many2one(
        "property.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_policy_id",
        store=True,
        index=True,
        ondelete="restrict",
        help="Service-level policy of the item's company, kind and priority; "
        "a policy of the item's site wins over a general one.",
    )
    sla_response_deadline = fields.Datetime(
        string="Respond By",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
        help="Registration time plus the policy's response hours, counted in "
        "the working hours of the responsible department.",
    )
    sla_resolution_deadline = fields.Datetime(
        string="Resolve By",
        compute="_compute_sla_deadlines",
        store=True,
        index=True,
        help="Registration time plus the policy's resolution hours, counted in "
        "the working hours of the responsible department.",
    )
    responded_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the item first left the Registered state.",
    )
    sla_response_breached = fields.Boolean(
        string="Response Target Missed", readonly=True, copy=False, tracking=True
    )
    sla_resolution_breached = fields.Boolean(
        string="Resolution Target Missed", readonly=True, copy=False, tracking=True
    )
    sla_response_escalated = fields.Boolean(
        string="Response Miss Escalated", readonly=True, copy=False
    )
    sla_resolution_escalated = fields.Boolean(
        string="Resolution Miss Escalated", readonly=True, copy=False
    )
    sla_status = fields.Selection(
        SLA_STATUSES,
        string="SLA",
        compute="_compute_sla_status",
        help="At Risk: less than a quarter of the time to the next deadline is left.",
    )
    sla_response_overdue = fields.Boolean(
        string="Response Overdue",
        compute="_compute_sla_overdue",
        search="_search_sla_response_overdue",
    )
    sla_resolution_overdue = fields.Boolean(
        string="Resolution Overdue",
        compute="_compute_sla_overdue",
        search="_search_sla_resolution_overdue",
    )
    sla_result = fields.Selection(
        SLA_RESULTS,
        string="SLA Result",
        compute="_compute_sla_result",
        store=True,
        index=True,
    )
    sla_met_percent = fields.Integer(
        string="SLA Met (%)",
        compute="_compute_sla_result",
        store=True,
        aggregator="avg",
        help="100 for an item that met its targets, 0 otherwise: its average "
        "over met and breached items is the rate of items on time.",
    )
    sla_breached_percent = fields.Integer(
        string="SLA Breached (%)",
        compute="_compute_sla_result",
        store=True,
        aggregator="avg",
        help="100 for an item that missed a target, 0 otherwise.",
    )

    def init(self):
        res = super().init()
        # The escalation cron looks for the few items still waiting for an
        # escalation: partial indexes keep that query small however many
        # items were ever registered. Their conditions are written the way
        # the ORM writes the domains of ``_sla_escalation_domain`` so that
        # PostgreSQL can match them.
        not_final = "(state NOT IN ('closed', 'cancel') OR state IS NULL)"
        for target, (deadline, _breached, escalated) in SLA_TARGETS.items():
            where = f"({escalated} IS NULL OR {escalated} = FALSE) AND {not_final}"
            if target == "response":
                where += " AND responded_at IS NULL"
            sql.create_index(
                self.env.cr,
                f"property_ticket_sla_{target}_todo_index",
                self._table,
                [deadline, "id"],
                where=where,
            )
        return res

    # ------------------------------------------------------------------
    # Policy and deadlines
    # ------------------------------------------------------------------
    def _sla_frozen(self, *fnames):
        """Closed and cancelled items keep what they were measured with (the
        stored values), e.g. when a policy changes afterwards."""
        self.ensure_one()
        return self.state in SLA_FINAL_STATES and any(
            self._origin[fname] for fname in fnames
        )

    @api.depends("kind", "priority", "site_id", "company_id")
    def _compute_sla_policy_id(self):
        Policy = self.env["property.sla.policy"]
        policies = Policy.sudo().search(
            [
                ("company_id", "in", self.company_id.ids),
                ("kind", "in", list(set(self.mapped("kind")))),
            ]
        )
        candidates = policies.grouped(lambda p: (p.company_id.id, p.kind))
        for ticket in self:
            if ticket._sla_frozen("sla_policy_id"):
                ticket.sla_policy_id = ticket._origin.sla_policy_id
                continue
            policy_id = best_policy(
                [
                    (p.id, p.site_id.id, p.priority, p.sequence)
                    for p in candidates.get((ticket.company_id.id, ticket.kind), [])
                ],
                ticket.site_id.id,
                ticket.priority,
            )
            ticket.sla_policy_id = Policy.browse(policy_id)

    @api.depends(
        "received_at",
        "sla_policy_id.response_hours",
        "sla_policy_id.resolution_hours",
        "department_id.resource_calendar_id",
        "company_id.resource_calendar_id",
    )
    def _compute_sla_deadlines(self):
        planned = {}
        for ticket in self:
            if ticket._sla_frozen("sla_response_deadline", "sla_resolution_deadline"):
                origin = ticket._origin
                ticket.sla_response_deadline = origin.sla_response_deadline
                ticket.sla_resolution_deadline = origin.sla_resolution_deadline
                continue
            policy = ticket.sla_policy_id
            calendar = ticket._sla_calendar()
            ticket.sla_response_deadline = ticket._sla_plan(
                calendar, policy.response_hours, planned
            )
            ticket.sla_resolution_deadline = ticket._sla_plan(
                calendar, policy.resolution_hours, planned
            )

    def _sla_calendar(self):
        """Working hours the item's targets are counted in."""
        self.ensure_one()
        return (
            self.department_id.resource_calendar_id
            or self.company_id.resource_calendar_id
        )

    def _sla_plan(self, calendar, hours, planned):
        """The moment ``hours`` working hours after registration (naive UTC),
        public holidays of the calendar excluded; round-the-clock hours when
        no calendar is known."""
        self.ensure_one()
        start = self.received_at
        if not start or not hours:
            return False
        key = (calendar.id, start, hours)
        if key not in planned:
            deadline = (
                calendar.sudo().plan_hours(hours, start, compute_leaves=True)
                if calendar
                else False
            )
            planned[key] = deadline or wall_clock_deadline(start, hours)
        return planned[key]

    # ------------------------------------------------------------------
    # Status, breaches and report figures
    # ------------------------------------------------------------------
    @api.depends(
        "state",
        "received_at",
        "responded_at",
        "closed_at",
        "sla_response_deadline",
        "sla_resolution_deadline",
        "sla_response_breached",
        "sla_resolution_breached",
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for ticket in self:
            breached = ticket.sla_response_breached or ticket.sla_resolution_breached
            if ticket.state == "cancel":
                ticket.sla_status = "breached" if breached else "none"
                continue
            closed = ticket.state == "closed"
            ticket.sla_status = sla_status(
                ticket.received_at,
                [
                    (
                        ticket.sla_response_deadline,
                        ticket.responded_at,
                        ticket.sla_response_breached,
                    ),
                    (
                        ticket.sla_resolution_deadline,
                        closed and ticket.closed_at,
                        ticket.sla_resolution_breached,
                    ),
                ],
                now,
                finished=closed,
            )

    @api.depends(
        "state", "responded_at", "sla_response_deadline", "sla_resolution_deadline"
    )
    def _compute_sla_overdue(self):
        now = fields.Datetime.now()
        for ticket in self:
            is_open = ticket.state not in SLA_FINAL_STATES
            ticket.sla_response_overdue = (
                is_open
                and not ticket.responded_at
                and is_breached(ticket.sla_response_deadline, None, now)
            )
            ticket.sla_resolution_overdue = is_open and is_breached(
                ticket.sla_resolution_deadline, None, now
            )

    def _sla_overdue_search(self, domain, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(
                self.env._("Overdue filters only compare with True or False.")
            )
        domain = expression.AND(domain)
        return domain if (operator == "=") == value else ["!", *domain]

    def _search_sla_response_overdue(self, operator, value):
        return self._sla_overdue_search(
            [
                [("state", "not in", SLA_FINAL_STATES)],
                [("responded_at", "=", False)],
                [("sla_response_deadline", "<", fields.Datetime.now())],
            ],
            operator,
            value,
        )

    def _search_sla_resolution_overdue(self, operator, value):
        return self._sla_overdue_search(
            [
                [("state", "not in", SLA_FINAL_STATES)],
                [("sla_resolution_deadline", "<", fields.Datetime.now())],
            ],
            operator,
            value,
        )

    @api.depends(
        "state",
        "sla_response_deadline",
        "sla_resolution_deadline",
        "sla_response_breached",
        "sla_resolution_breached",
    )
    def _compute_sla_result(self):
        for ticket in self:
            result = sla_result(
                bool(ticket.sla_response_deadline or ticket.sla_resolution_deadline),
                ticket.sla_response_breached or ticket.sla_resolution_breached,
                ticket.state == "closed",
                ticket.state == "cancel",
            )
            ticket.sla_result = result
            ticket.sla_met_percent = 100 if result == "met" else 0
            ticket.sla_breached_percent = 100 if result == "breached" else 0

    # ------------------------------------------------------------------
    # Response time and late answers
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            if vals.get("state", "new") != "new" and not vals.get("responded_at"):
                vals["responded_at"] = now
        tickets = super().create(vals_list)
        tickets.filtered("responded_at")._sla_check_late()
        return tickets

    def write(self, vals):
        leaving_new = self.browse()
        if vals.get("state", "new") != "new" and "responded_at" not in vals:
            leaving_new = self.filtered(
                lambda t: t.state == "new" and not t.responded_at
            )
        res = super().write(vals)
        if leaving_new:
            super(PropertyTicket, leaving_new).write(
                {"responded_at": fields.Datetime.now()}
            )
        if leaving_new or {"state", "closed_at", "responded_at"} & set(vals):
            self._sla_check_late()
        return res

    def _sla_check_late(self):
        """Flag the targets met too late: answered or closed after the
        deadline. A target that is done is judged on its time alone, so a
        corrected time corrects the flag; the cron flags the targets missed
        while still waiting."""
        to_write = {}
        for ticket in self:
            vals = {}
            if ticket.responded_at:
                late = is_breached(ticket.sla_response_deadline, ticket.responded_at)
                if late != ticket.sla_response_breached:
                    vals["sla_response_breached"] = late
            if ticket.state == "closed" and ticket.closed_at:
                late = is_breached(ticket.sla_resolution_deadline, ticket.closed_at)
                if late != ticket.sla_resolution_breached:
                    vals["sla_resolution_breached"] = late
            if vals:
                to_write.setdefault(tuple(sorted(vals.items())), []).append(ticket.id)
        for vals, ids in to_write.items():
            self.browse(ids).write(dict(vals))

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    @api.model
    def _sla_escalation_domain(self, target, now):
        """Items whose ``target`` deadline passed and that were not escalated
        for it yet; matches the partial indexes created in ``init``."""
        deadline, _breached, escalated = SLA_TARGETS[target]
        domain = [
            (deadline, "<", now),
            (escalated, "!=", True),
            ("state", "not in", SLA_FINAL_STATES),
        ]
        if target == "response":
            domain.append(("responded_at", "=", False))
        return domain

    @api.model
    def _cron_sla_escalation(self, date_ref=None, batch_size=SLA_BATCH_SIZE):
        """Escalate the missed targets: each breach is flagged and gives its
        supervisor one activity, once.

        Items are read in batches from the partial indexes. Run by the
        scheduler, one batch is done per call and the progress is reported
        (``ir.cron._notify_progress``): the scheduler commits it and calls
        again while items remain. Called directly (tests, shell), every
        batch is done. One item that fails is logged on itself and the
        others go on. Returns the items escalated.
        """
        now = date_ref or fields.Datetime.now()
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        escalated_ids = []
        processed = 0
        for target in SLA_TARGETS:
            domain = self._sla_escalation_domain(target, now)
            last_id = 0
            while True:
                batch = self.search(
                    expression.AND([domain, [("id", ">", last_id)]]),
                    order="id",
                    limit=batch_size,
                )
                if not batch:
                    break
                last_id = batch[-1].id
                escalated_ids += batch._sla_escalate(target, now).ids
                processed += len(batch)
                self.env.flush_all()
                if in_cron:
                    remaining = sum(
                        self.search_count(self._sla_escalation_domain(other, now))
                        for other in SLA_TARGETS
                    )
                    self.env["ir.cron"]._notify_progress(
                        done=processed, remaining=remaining
                    )
                    return self.browse(escalated_ids)
                self.env.invalidate_all()
        self.env["ir.cron"]._notify_progress(done=processed, remaining=0)
        return self.browse(escalated_ids)

    def _sla_escalate(self, target, now):
        escalated = self.browse()
        # one activity per breach, without an e-mail each: the supervisor
        # gets a single digest of the batch instead (see _sla_send_digest)
        quiet = self.with_context(mail_activity_quick_update=True)
        for ticket in quiet:
            try:
                with self.env.cr.savepoint():
                    ticket._sla_escalate_one(target)
                escalated |= ticket
            except Exception as error:  # noqa: BLE001 - one item must not stop the batch
                _logger.exception(
                    "SLA escalation of %s failed for item %s", target, ticket.id
                )
                ticket._sla_escalation_failed(target, error)
        escalated = escalated.with_env(self.env)
        escalated._sla_send_digest(target)
        return escalated

    def _sla_send_digest(self, target):
        """One e-mail per supervisor listing the items of ``self`` that just
        missed their ``target``, queued in the mail queue."""
        Mail = self.env["mail.mail"].sudo()
        base_url = self[:1].get_base_url()
        for user, tickets in self.grouped(lambda t: t._sla_escalation_user()).items():
            if not user or not user.email:
                continue
            tickets = tickets.with_context(lang=user.lang or self.env.lang)
            env = tickets.env
            target_label = (
                env._("response") if target == "response" else env._("resolution")
            )
            rows = Markup("").join(
                Markup('<li><a href="%s">%s</a></li>')
                % (
                    f"{base_url}/odoo/action-property_helpdesk.property_ticket_action/"
                    f"{ticket.id}",
                    ticket.display_name,
                )
                for ticket in tickets
            )
            Mail.create(
                {
                    "subject": env._(
                        "%(count)s service items missed their %(target)s target",
                        count=len(tickets),
                        target=target_label,
                    ),
                    "body_html": Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        env._(
                            "Each of them has a follow-up activity for you in "
                            "the service desk."
                        ),
                        rows,
                    ),
                    "recipient_ids": [(4, user.partner_id.id)],
                    "auto_delete": True,
                }
            )

    def _sla_escalation_user(self):
        """Who acts on a missed target: the policy's supervisor, else the
        site's project manager, else the item's responsible agent."""
        self.ensure_one()
        return (
            self.sla_policy_id.supervisor_id or self.site_id.manager_id or self.user_id
        )

    def _sla_escalate_one(self, target):
        self.ensure_one()
        deadline_field, breached_field, escalated_field = SLA_TARGETS[target]
        self.write({breached_field: True, escalated_field: True})
        calendar = self._sla_calendar()
        deadline = format_datetime(
            self.env,
            self[deadline_field],
            tz=calendar.tz or self.env.user.tz or "UTC",
            dt_format="short",
        )
        if target == "response":
            summary = self.env._("Response target missed")
            note = self.env._(
                "%(item)s was due to be answered by %(deadline)s and is still "
                "registered without a first step.",
                item=self.display_name,
                deadline=deadline,
            )
        else:
            summary = self.env._("Resolution target missed")
            note = self.env._(
                "%(item)s was due to be resolved by %(deadline)s and is still open.",
                item=self.display_name,
                deadline=deadline,
            )
        user = self._sla_escalation_user()
        if not user:
            self.message_post(
                body=self.env._(
                    "%(summary)s: %(note)s Nobody to escalate to: set a "
                    "supervisor on the SLA policy or a project manager on the "
                    "site.",
                    summary=summary,
                    note=note,
                )
            )
            return
        self.activity_schedule(
            "property_helpdesk.mail_activity_data_sla_breach",
            summary=summary,
            note=note,
            user_id=user.id,
        )

    def _sla_escalation_failed(self, target, error):
        """Log the failure on the item and do not try again every run: the
        breach stays flagged and visible in the SLA filters."""
        _deadline, breached_field, escalated_field = SLA_TARGETS[target]
        try:
            with self.env.cr.savepoint():
                self.write({breached_field: True, escalated_field: True})
                self.message_post(
                    body=self.env._(
                        "The missed %(target)s target could not be escalated: "
                        "%(error)s",
                        target={
                            "response": self.env._("response"),
                            "resolution": self.env._("resolution"),
                        }[target],
                        error=error,
                    )
                )
        except Exception:  # noqa: BLE001 - logged, the batch goes on
            _logger.exception("Could not log the SLA failure on item %s", self.id)
