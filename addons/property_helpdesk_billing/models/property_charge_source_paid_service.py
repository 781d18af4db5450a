from collections import defaultdict

from odoo import Command, models

from ..costing import group_by_item


class PropertyChargeSourcePaidService(models.AbstractModel):
    """Paid services on the next bill (特约服务, R-WO-5).

    A billing run charges the completed paid services of a tenant archive
    that are waiting for the next bill (site setting "On the Next Bill") and
    were done by the end of the run's month: ONE charge per fee item and
    archive in the run, whose amount is the sum of the accepted quotes of
    those work orders and whose label names them.  The billed-period key of
    such a charge is (archive, fee item, first day of the run's month): one
    charge per run keeps it unique however many paid services an archive
    had in the month, and a second run of the same month cannot bill them
    again (its charge is "already billed").  The work orders are linked to
    the key of the invoice line that bills them, so a service is never on
    two bills; cancelling or crediting the invoice releases the key and the
    services wait for the next run again."""

    _name = "property.charge.source.paid.service"
    _inherit = "property.charge.source"
    _description = "Billing Run Charges: Paid Services"
    _charge_sequence = 50

    def _waiting_domain(self, run):
        return [
            ("site_id", "=", run.site_id.id),
            ("service_state", "=", "to_bill"),
            ("service_billing", "=", "next_bill"),
            ("service_date", "<=", run.period_end),
            ("occupancy_id", "!=", False),
        ]

    def _charge_context(self, run, ctx):
        """The site's paid services waiting for this run, by tenant
        archive, loaded once per run.  Read by the system: fee collectors
        have no rights on work orders."""
        orders = (
            self.env["property.work.order"]
            .sudo()
            .search(self._waiting_domain(run), order="service_date, id")
        )
        by_occupancy = defaultdict(list)
        for order in orders:
            by_occupancy[order.occupancy_id.id].append(order.id)
        return by_occupancy

    def _charges(self, run, plan, ctx):
        """One charge per fee item of the archive's paid services waiting
        for this run (popped: an archive with two plans is charged once)."""
        order_ids = (ctx.get(self._name) or {}).pop(plan.occupancy_id.id, None)
        if not order_ids:
            return []
        orders = self.env["property.work.order"].sudo().browse(order_ids)
        totals = group_by_item(
            [
                (line.fee_item_id, line.quantity, line.price_unit)
                for order in orders
                for line in order.quote_line_ids
            ]
        )
        unit = plan.occupancy_id.unit_id
        charges = []
        for item, total in totals.items():
            item_orders = orders.filtered(
                lambda o, item=item: item in o.quote_line_ids.fee_item_id
            )
            charges.append(
                {
                    "plan": plan,
                    "item": item,
                    # No fee standard: the price of a paid service comes from
                    # the price list kept by the billing managers, and the
                    # tenant accepted and signed the quote before the work
                    # (R-FEE-1: no arbitrary charge).
                    "standard": self.env["property.fee.standard"],
                    "period_start": run.period_start,
                    "billed_start": run.period_start,
                    "billed_end": run.period_end,
                    "quantity": 1.0,
                    "price_unit": float(total),
                    "name": "{} {}: {}".format(
                        item.name,
                        unit.code,
                        ", ".join(
                            f"{o.name} ({o.service_date:%Y-%m-%d})" for o in item_orders
                        ),
                    ),
                    "warning": False,
                    "source_ref": ", ".join(item_orders.mapped("name")),
                    "paid_work_orders": item_orders,
                }
            )
        return charges

    def _charge_line_vals(self, run, charge, vals):
        orders = charge.get("paid_work_orders")
        if orders:
            vals["paid_work_order_ids"] = [Command.set(orders.ids)]
            # the tenant who accepted the quote pays it, even when the
            # archive's bills go to another payer (e.g. the owner)
            vals["payer_id"] = orders[0]._service_payer().id

    def _charge_preview_errors(self, run, ctx):
        """Paid services of archives without a running billing plan in the
        run are listed among its errors, not left out silently."""
        charged = run.line_ids.occupancy_id | run.error_ids.occupancy_id
        left = (
            self.env["property.work.order"]
            .sudo()
            .search(
                self._waiting_domain(run) + [("occupancy_id", "not in", charged.ids)],
                order="service_date, id",
            )
        )
        return [
            {
                "run_id": run.id,
                "occupancy_id": order.occupancy_id.id,
                "message": self.env._(
                    "Paid service %(order)s (%(amount)s) of unit %(unit)s "
                    "is not billed: tenant archive %(occupancy)s has no "
                    "running billing plan. Start its billing plan and "
                    "preview again, or invoice the work order now.",
                    order=order.name,
                    amount=run.currency_id.format(order.quote_amount),
                    unit=order.unit_id.code,
                    occupancy=order.occupancy_id.display_name,
                ),
            }
            for order in left
        ]

    def _charge_billable_lines(self, run, lines):
        """Charges of paid services billed since the preview (by another
        run, or invoiced at once) are marked "already billed" and left out."""
        stale = lines.sudo().filtered(
            lambda line: any(
                order.service_state != "to_bill" or order.service_billing != "next_bill"
                for order in line.paid_work_order_ids
            )
        )
        if not stale:
            return lines
        stale.write({"state": "duplicate"})
        return lines - stale

    def _charge_invoiced(self, run, moves):
        """The billed work orders point at the billed period (key) and the
        invoice of the line that bills them."""
        keys = (
            self.env["property.billing.key"]
            .sudo()
            .search_fetch([("move_id", "in", moves.ids)], ["move_line_id", "move_id"])
        )
        for key in keys:
            orders = key.move_line_id.property_run_line_id.paid_work_order_ids
            if orders:
                orders.write(
                    {"service_key_id": key.id, "service_invoice_id": key.move_id.id}
                )
