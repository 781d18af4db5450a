from collections import defaultdict
from decimal import Decimal

from odoo import Command, fields, models

from ..billing import apportion, days_late, late_fee, to_decimal


class PropertyChargeSourceLateFee(models.AbstractModel):
    """Late fees (滞纳金): one charge per tenant archive and run for what is
    still owed on the site's overdue invoices, at the approved late-fee
    standard (grace days, daily rate, cap), less what earlier runs already
    billed on the same invoices.  Each invoice's part is kept as a
    ``property.late.fee`` detail of the run line."""

    _name = "property.charge.source.late.fee"
    _inherit = "property.charge.source"
    _description = "Billing Run Charges: Late Fees"
    _charge_sequence = 40

    def _as_of(self, run):
        """Day up to which ``run`` charges late fees: the date of its bills,
        or today when the bills are dated later."""
        return min(run.invoice_date or run.period_start, fields.Date.context_today(run))

    def _charge_context(self, run, ctx):
        """The overdue invoices of the site, split by tenant archive, and
        what earlier runs billed on them: loaded once per run.  Empty when
        the site has no approved late-fee standard."""
        item = self.env["property.late.fee"]._late_fee_item(run.company_id)
        if not item or not ctx["standards"].get(item.id):
            return {}
        as_of = self._as_of(run)
        late_items = self.env["property.fee.item"].search(
            [("kind", "=", "late_fee"), ("company_id", "=", run.company_id.id)]
        )
        bases = self._overdue_bases(run, as_of, late_items)
        by_occupancy = self._owed_by_occupancy(bases)
        if not by_occupancy:
            return {}
        return {
            "item": item,
            "as_of": as_of,
            "by_occupancy": by_occupancy,
            "billed": self._billed_before(late_items, by_occupancy, bases),
        }

    def _overdue_bases(self, run, as_of, late_items):
        """``{invoice: {occupancy (None for late fees): amount}}``: per
        overdue invoice of the site, the (tax-included) amount of each
        archive's lines, late fees apart (no late fee on late fees)."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "=", run.company_id.id),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "=", "posted"),
                ("move_id.payment_state", "in", ("not_paid", "partial")),
                ("move_id.invoice_date_due", "<", as_of),
                ("display_type", "=", "product"),
                ("property_occupancy_id.site_id", "=", run.site_id.id),
            ],
            ["move_id", "property_occupancy_id", "property_fee_item_id"],
            ["price_total:sum"],
        )
        bases = defaultdict(lambda: defaultdict(Decimal))
        for move, occupancy, fee_item, total in groups:
            if fee_item in late_items:
                bases[move][None] += to_decimal(total)
            else:
                bases[move][occupancy] += to_decimal(total)
        return bases

    def _owed_by_occupancy(self, bases):
        """``{occupancy id: [(invoice, amount owed)]}``: what is still owed
        on each invoice, split over its archives in proportion to their
        lines."""
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
            parts = apportion(move.amount_residual, weights)
            for occupancy, part in zip(occupancies, parts, strict=False):
                if part > 0:
                    by_occupancy[occupancy.id].append((move, part))
        return by_occupancy

    def _billed_before(self, late_items, by_occupancy, bases):
        """``{(invoice id, occupancy id): amount}`` of late fees billed on
        these invoices by earlier runs (still billed: their key exists)."""
        keys = self.env["property.billing.key"].search_fetch(
            [
                ("item_id", "in", late_items.ids),
                ("occupancy_id", "in", list(by_occupancy)),
            ],
            ["move_line_id"],
        )
        return {
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

    def _charges(self, run, plan, ctx):
        info = ctx.get(self._name)
        if not info:
            return []
        # one late-fee charge per archive and run, even with several plans
        overdue = info["by_occupancy"].pop(plan.occupancy_id.id, None)
        if not overdue:
            return []
        charge = self._late_fee_charge(run, plan, info, overdue, ctx)
        return [charge] if charge else []

    def _late_fee_charge(self, run, plan, info, overdue, ctx):
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
                self.env._("%(invoice)s: %(days)s days", invoice=move.name, days=days)
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
            "period_start": run.period_start,
            "billed_start": run.period_start,
            "billed_end": run.period_end,
            "quantity": 1.0,
            "price_unit": float(total),
            "name": label,
            "warning": False,
            "source_ref": ", ".join(
                self.env["account.move"].browse(d["invoice_id"]).name for d in details
            ),
            "late_fees": details,
        }

    def _charge_line_vals(self, run, charge, vals):
        if charge.get("late_fees"):
            vals["late_fee_ids"] = [Command.create(d) for d in charge["late_fees"]]
