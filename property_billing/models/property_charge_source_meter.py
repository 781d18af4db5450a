from odoo import models

from ..billing import tiered_amount
from .property_meter import CACHE_KEY, ConsumptionCache


class PropertyChargeSourceMeter(models.AbstractModel):
    """Meter consumption: one charge per fee line of kind "metered" of a
    billing plan, for the consumption of the unit's meters in the run's
    month (within the plan's dates), at the approved standard's rate or
    tiers.  A consumption that cannot be read is previewed with its warning
    and not billed.  One consumption cache serves the whole run: meters are
    loaded a site at a time, not a unit at a time."""

    _name = "property.charge.source.meter"
    _inherit = "property.charge.source"
    _description = "Billing Run Charges: Meter Consumption"
    _charge_sequence = 20

    def _charge_context(self, run, ctx):
        return ConsumptionCache()

    def _charges(self, run, plan, ctx):
        start = max(run.period_start, plan.date_start)
        end = min(run.period_end, plan.date_end or run.period_end)
        if start > end:
            return []
        return [
            self._consumption_charge(run, plan, line.item_id, start, end, ctx)
            for line in plan.line_ids
            if line.item_id.kind == "metered"
        ]

    def _consumption_charge(self, run, plan, item, start, end, ctx):
        """The charge of ``item``'s consumption on the plan's unit from
        ``start`` to ``end``."""
        occupancy = plan.occupancy_id
        unit = occupancy.unit_id
        standard = run._standard(ctx, item, occupancy, end)
        Meter = self.env["property.meter"]
        if isinstance(ctx.get(self._name), ConsumptionCache):
            Meter = Meter.with_context(**{CACHE_KEY: ctx[self._name]})
        usage = Meter._billing_consumption(unit, item.meter_type, start, end)
        warnings = list(usage.get("warnings") or [])
        quantity = usage.get("quantity") or 0.0
        charge = {
            "plan": plan,
            "item": item,
            "standard": standard,
            "period_start": run.period_start,
            "billed_start": start,
            "billed_end": end,
        }
        if usage.get("missing"):
            return {
                **charge,
                "quantity": 0.0,
                "price_unit": 0.0,
                "name": run._label(item, unit, start, end),
                "warning": "\n".join(warnings),
                "skip": True,
            }
        if standard.tier_ids:
            price_unit, qty = float(tiered_amount(quantity, standard._tiers())), 1.0
            detail = self.env._(
                "%(quantity)s %(uom)s, tiered",
                quantity=quantity,
                uom=item.uom_name or "",
            )
        else:
            price_unit, qty = standard.rate, quantity
            detail = None
        return {
            **charge,
            "quantity": qty,
            "price_unit": price_unit,
            "name": run._label(item, unit, start, end, detail),
            "warning": "\n".join(warnings) or False,
            "reading_ids": usage.get("reading_ids"),
        }
