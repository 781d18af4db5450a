from odoo import models
from odoo.tools import float_round

from ..billing import clip, cycle_bounds, month_start, prorate


class PropertyChargeSourcePlan(models.AbstractModel):
    """The billing plans' fixed and area fees: one charge per fee line of
    kind "fixed" or "area" for the cycle the run bills, priced by the
    approved fee standard(s) of the billed range (prorated when the tenant
    came or left within it, or when the standard changed)."""

    _name = "property.charge.source.plan"
    _inherit = "property.charge.source"
    _description = "Billing Run Charges: Plan Fees"
    _charge_sequence = 10

    def _cycle_range(self, run, plan):
        """``(cycle start, billed start, billed end)`` of ``plan`` billed by
        ``run``, or ``None``.  In advance, a run bills the cycle whose
        billed range starts in its month; in arrears, the cycle whose billed
        range ends in its month.  The billed range is the cycle clipped to
        the plan's (and so the tenant's) dates."""
        cycle_start, cycle_end = cycle_bounds(run.period_start, plan.cycle)
        billed = clip(cycle_start, cycle_end, plan.date_start, plan.date_end)
        if not billed:
            return None
        # in advance: the cycle whose billed range starts in the run's
        # month; in arrears: the cycle containing the run's month, or the
        # earlier cycle cut short by the end of the plan
        edge = billed[0] if plan.timing == "advance" else billed[1]
        if month_start(edge) == run.period_start:
            return cycle_start, billed[0], billed[1]
        return None

    def _charges(self, run, plan, ctx):
        charges = []
        cycle = None
        for line in plan.line_ids:
            if line.item_id.kind not in ("area", "fixed"):
                continue
            cycle = cycle or self._cycle_range(run, plan) or False
            if not cycle:
                break
            charges.append(self._fee_charge(run, plan, line, cycle, ctx))
        return charges

    def _fee_charge(self, run, plan, line, cycle, ctx):
        """The charge of the plan's fee ``line`` for the billed ``cycle``."""
        occupancy = plan.occupancy_id
        unit = occupancy.unit_id
        item = line.item_id
        cycle_start, start, end = cycle
        quantity = line.quantity or (unit.area if item.kind == "area" else 1.0)

        def monthly(day):
            return quantity * run._standard(ctx, item, occupancy, day).rate

        first_standard = run._standard(ctx, item, occupancy, start)
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
        return {
            "plan": plan,
            "item": item,
            "standard": first_standard,
            "period_start": cycle_start,
            "billed_start": start,
            "billed_end": end,
            "quantity": 1.0,
            "price_unit": float(amount),
            "name": run._label(item, unit, start, end, detail),
            "warning": False,
        }
