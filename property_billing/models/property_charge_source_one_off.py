from collections import defaultdict

from odoo import models


class PropertyChargeSourceOneOff(models.AbstractModel):
    """One-off charges on the next bill: a billing run bills the charges
    of its site waiting for the next bill ("On the Next Bill", approved)
    and dated up to the end of its month, one run line each, on the bill of
    the archive's running billing plan.  Each charge has its own
    billed-period key (see property.billing.key), made when its invoice is
    created; cancelling or crediting that invoice releases the key and the
    charge waits for the next run again."""

    _name = "property.charge.source.one_off"
    _inherit = "property.charge.source"
    _description = "Billing Run Charges: One-off Charges"
    _charge_sequence = 50

    def _one_off_domain(self, run):
        return [
            ("site_id", "=", run.site_id.id),
            ("state", "=", "to_bill"),
            ("billing", "=", "next_run"),
            ("date", "<=", run.period_end),
        ]

    def _charge_context(self, run, ctx):
        """The ids of the charges waiting for ``run``, by tenant archive."""
        charges = self.env["property.charge.one.off"].search_fetch(
            self._one_off_domain(run), ["occupancy_id"], order="date, id"
        )
        by_occupancy = defaultdict(list)
        for charge in charges:
            by_occupancy[charge.occupancy_id.id].append(charge.id)
        return by_occupancy

    def _charges(self, run, plan, ctx):
        """One charge per one-off charge of the plan's archive (popped: an
        archive with two plans is charged once)."""
        ids = (ctx.get(self._name) or {}).pop(plan.occupancy_id.id, None)
        if not ids:
            return []
        return [
            {
                "plan": plan,
                "item": charge.item_id,
                "standard": charge.standard_id,
                "period_start": charge.date,
                "billed_start": charge.date,
                "billed_end": charge.date,
                "quantity": charge.quantity,
                "price_unit": charge.price_unit,
                "name": charge.name,
                "warning": False,
                "source_ref": charge.origin_ref or charge.display_name,
                "one_off_charge": charge,
            }
            for charge in self.env["property.charge.one.off"].browse(ids)
        ]

    def _charge_line_vals(self, run, charge, vals):
        one_off = charge.get("one_off_charge")
        if not one_off:
            return
        vals["one_off_charge_id"] = one_off.id
        vals["payer_id"] = one_off.payer_id.id
        # the key of a one-off charge names the charge: another charge of
        # the same item and day billed before is not this one
        if vals["state"] == "duplicate" and not one_off.key_id:
            vals["state"] = "to_bill"

    def _charge_preview_errors(self, run, ctx):
        """Charges waiting for the run whose archive has no running billing
        plan in it (an archive whose plan failed is listed already)."""
        left = ctx.get(self._name)
        if not left:
            return []
        planned = (
            self.env["property.billing.plan"]
            .search(run._plan_domain() + [("occupancy_id", "in", list(left))])
            .occupancy_id
        )
        charges = self.env["property.charge.one.off"].browse(
            [
                charge_id
                for occupancy_id, ids in left.items()
                if occupancy_id not in planned.ids
                for charge_id in ids
            ]
        )
        return [
            {
                "run_id": run.id,
                "occupancy_id": charge.occupancy_id.id,
                "message": self.env._(
                    "One-off charge %(charge)s (%(amount)s) of unit %(unit)s is "
                    "not billed: tenant archive %(occupancy)s has no running "
                    "billing plan. Start its billing plan and preview again, or "
                    "invoice the charge now.",
                    charge=charge.display_name,
                    amount=run.currency_id.format(charge.amount),
                    unit=charge.unit_id.code,
                    occupancy=charge.occupancy_id.display_name,
                ),
            }
            for charge in charges
        ]

    def _charge_billable_lines(self, run, lines):
        """Lines of charges billed since the preview (invoiced at once,
        cancelled, billed by another run) are "already billed"."""
        stale = lines.filtered(
            lambda line: (
                line.one_off_charge_id
                and (
                    line.one_off_charge_id.state != "to_bill"
                    or line.one_off_charge_id.billing != "next_run"
                )
            )
        )
        stale.write({"state": "duplicate"})
        return lines - stale

    def _charge_invoiced(self, run, moves):
        keys = self.env["property.billing.key"].search(
            [("move_id", "in", moves.ids), ("one_off_charge_id", "!=", False)]
        )
        for key in keys:
            key.move_line_id.property_one_off_charge_id = key.one_off_charge_id
            key.one_off_charge_id._mark_billed(key)
