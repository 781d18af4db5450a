from odoo import api, fields, models
from odoo.exceptions import UserError

from ..billing import add_months, month_end, month_start


class PropertyLateFee(models.Model):
    """The late fee (滞纳金) accrued on one overdue invoice of a tenant
    archive, as computed by a billing run: the audit trail of how a late-fee
    line was made, and what counts as already billed.

    A billing run charges, for each overdue invoice, the late fee accrued
    up to the run's date minus what earlier runs billed for it; the records
    of one run and tenant archive make up that run's late-fee charge.  They
    live and die with the run's charge: a new preview computes them again."""

    _name = "property.late.fee"
    _description = "Late Fee Accrual"
    _order = "as_of_date desc, id desc"
    _check_company_auto = True
    _rec_name = "invoice_id"

    run_line_id = fields.Many2one(
        "property.billing.run.line",
        string="Run Charge",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    run_id = fields.Many2one(
        related="run_line_id.run_id", store=True, index=True, string="Billing Run"
    )
    company_id = fields.Many2one(
        related="run_line_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    invoice_id = fields.Many2one(
        "account.move",
        string="Overdue Invoice",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    occupancy_id = fields.Many2one(
        "property.occupancy",
        string="Tenant Archive",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        related="invoice_id.commercial_partner_id", store=True, string="Customer"
    )
    unit_id = fields.Many2one(related="occupancy_id.unit_id", store=True)
    site_id = fields.Many2one(related="occupancy_id.site_id", store=True, index=True)
    standard_id = fields.Many2one(
        "property.fee.standard", string="Late-Fee Standard", readonly=True
    )
    due_date = fields.Date(readonly=True)
    as_of_date = fields.Date(
        string="Accrued To", readonly=True, help="Late fees are counted up to this day."
    )
    grace_days = fields.Integer(readonly=True)
    days_late = fields.Integer(
        readonly=True, help="Days after the due date and the grace days."
    )
    daily_rate_permille = fields.Float(
        string="Daily Rate (‰)", digits=(16, 4), readonly=True
    )
    cap_percent = fields.Float(string="Cap (% of overdue)", readonly=True)
    residual = fields.Monetary(
        string="Overdue Amount",
        readonly=True,
        help="What the tenant archive still owes on the invoice.",
    )
    accrued = fields.Monetary(
        string="Accrued Late Fee",
        readonly=True,
        help="Late fee on the overdue amount from the due date (after the "
        "grace days) to the accrual day, capped.",
    )
    previously_billed = fields.Monetary(
        readonly=True, help="Late fees of this invoice billed by earlier runs."
    )
    amount = fields.Monetary(
        string="Late Fee",
        readonly=True,
        help="Charged by this run: accrued less previously billed.",
    )
    waived_percent = fields.Float(
        related="run_line_id.discount", string="Waived (%)", store=True
    )
    waived = fields.Boolean(compute="_compute_waived", store=True)
    state = fields.Selection(related="run_line_id.state", store=True, index=True)
    move_line_id = fields.Many2one(
        related="run_line_id.move_line_id", store=True, string="Late-Fee Invoice Line"
    )
    late_fee_move_id = fields.Many2one(
        related="run_line_id.move_line_id.move_id", string="Late-Fee Invoice"
    )

    @api.depends("waived_percent")
    def _compute_waived(self):
        for fee in self:
            fee.waived = fee.waived_percent > 0

    @api.depends("invoice_id", "as_of_date")
    def _compute_display_name(self):
        for fee in self:
            fee.display_name = self.env._(
                "Late fee on %(invoice)s to %(date)s",
                invoice=fee.invoice_id.name or "",
                date=fee.as_of_date or "",
            )

    # ------------------------------------------------------------------
    # Waivers
    # ------------------------------------------------------------------
    def action_waive(self):
        """A draft waiver of the late fees of this charge's tenant archive
        for the run's month, to be approved by a billing manager; preview the
        run again once it is approved."""
        billed = self.filtered(lambda f: f.state == "billed")
        if billed:
            raise UserError(
                self.env._(
                    "The late fee on %(invoice)s is already billed on %(move)s: "
                    "credit that invoice instead of waiving it.",
                    invoice=billed[0].invoice_id.name,
                    move=billed[0].late_fee_move_id.name,
                )
            )
        waivers = self.env["property.fee.waiver"]
        for (occupancy, run), fees in self.grouped(
            lambda f: (f.occupancy_id, f.run_id)
        ).items():
            waivers |= self._create_late_fee_waiver(
                occupancy,
                fees.run_line_id.item_id[:1],
                run.period_start,
                run.period_end,
                self.env._(
                    "Late fees on %(invoices)s",
                    invoices=", ".join(fees.invoice_id.mapped("name")),
                ),
            )
        return self._open_waivers(waivers)

    @api.model
    def _open_waivers(self, waivers):
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Late-Fee Waivers"),
            "res_model": "property.fee.waiver",
        }
        if len(waivers) == 1:
            return {**action, "res_id": waivers.id, "view_mode": "form"}
        return {
            **action,
            "view_mode": "list,form",
            "domain": [("id", "in", waivers.ids)],
        }

    @api.model
    def _create_late_fee_waiver(self, occupancy, item, date_from, date_to, reason):
        if not item:
            raise UserError(
                self.env._(
                    "No late-fee item is set up for %(company)s.",
                    company=occupancy.company_id.name,
                )
            )
        return self.env["property.fee.waiver"].create(
            {
                "occupancy_id": occupancy.id,
                "item_id": item.id,
                "date_from": date_from,
                "date_to": date_to,
                "percent": 100.0,
                "reason": reason,
            }
        )

    @api.model
    def _next_late_fee_period(self, occupancy, item, today):
        """First and last day of the next month whose late fees of
        ``occupancy`` are not billed yet (this month, or the next one when
        this month's run already billed them)."""
        period = month_start(today)
        billed = self.env["property.billing.key"].search_count(
            [
                ("occupancy_id", "=", occupancy.id),
                ("item_id", "=", item.id),
                ("period_start", "=", period),
            ]
        )
        if billed:
            period = add_months(period, 1)
        return period, month_end(period)

    @api.model
    def _late_fee_item(self, company):
        """The late-fee item of ``company``: the module's one when it
        belongs to the company, else the first active one."""
        item = self.env.ref(
            "property_billing.fee_item_late_fee", raise_if_not_found=False
        )
        if item and item.active and item.company_id == company:
            return item
        return self.env["property.fee.item"].search(
            [("kind", "=", "late_fee"), ("company_id", "=", company.id)], limit=1
        )
