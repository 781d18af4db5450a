from collections import defaultdict

from odoo import models


class PropertyChargeSourceSharedCost(models.AbstractModel):
    """Shared costs (公摊): the share of each confirmed shared cost of the
    site, up to the run's month, that is not billed yet, one charge each,
    billed through the tenant archive's billing plan.  A share is marked
    billed by the billed-period key of its invoice line; cancelling or
    crediting the invoice releases it."""

    _name = "property.charge.source.shared.cost"
    _inherit = "property.charge.source"
    _description = "Billing Run Charges: Shared Costs"
    _charge_sequence = 30

    def _unbilled_domain(self, run):
        return [
            ("shared_cost_id.site_id", "=", run.site_id.id),
            ("shared_cost_id.state", "in", ("confirmed", "published")),
            ("period_start", "<=", run.period_start),
            ("occupancy_id", "!=", False),
            ("key_id", "=", False),
            ("amount", ">", 0),
        ]

    def _charge_context(self, run, ctx):
        """``{occupancy id: [shared cost lines]}`` of the site's confirmed
        shared costs up to the run's month whose share is not billed yet:
        loaded once per run, whatever the number of tenant archives."""
        lines = self.env["property.shared.cost.line"].search_fetch(
            self._unbilled_domain(run),
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

    def _charges(self, run, plan, ctx):
        charges = []
        # popped: an archive with two plans in the run is charged once
        for line in (ctx.get(self._name) or {}).pop(plan.occupancy_id.id, []):
            cost = line.shared_cost_id
            charges.append(
                {
                    "plan": plan,
                    "item": cost.item_id,
                    # No fee standard: a shared cost passes an actual cost on
                    # at cost.  Its amount was approved by the billing
                    # manager who confirmed the apportionment (R-FEE-1),
                    # which stands in for the approved standard of other
                    # charges.
                    "standard": self.env["property.fee.standard"],
                    "period_start": cost.period_start,
                    "billed_start": cost.period_start,
                    "billed_end": cost.period_end,
                    "quantity": 1.0,
                    "price_unit": line.amount,
                    "name": run._label(
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

    def _charge_line_vals(self, run, charge, vals):
        if charge.get("shared_cost_line"):
            vals["shared_cost_line_id"] = charge["shared_cost_line"].id

    def _charge_preview_errors(self, run, ctx):
        """A tenant's share is billed through the tenant's billing plan: the
        shares of archives without a running plan in the run are listed
        among the run's errors instead of being left out silently."""
        charged = run.line_ids.occupancy_id | run.error_ids.occupancy_id
        left = self.env["property.shared.cost.line"].search(
            self._unbilled_domain(run) + [("occupancy_id", "not in", charged.ids)],
            order="period_start, shared_cost_id, sequence, id",
        )
        return [
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

    def _charge_invoiced(self, run, moves):
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
