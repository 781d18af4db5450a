from odoo import api, models


class PropertyTimeline(models.AbstractModel):
    """The fees' part of a tenant's story: bills, payments, dunning."""

    _inherit = "property.timeline"

    @api.model
    def _timeline_rows(self, scope):
        rows = super()._timeline_rows(scope)
        if not self.env["account.move"].has_access("read"):
            return rows  # staff without access to the bills
        _ = self.env._
        partners = scope["partners"]
        bills = self.env["account.move"].search(
            [
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
                "|",
                (
                    "invoice_line_ids.property_occupancy_id",
                    "in",
                    scope["occupancies"].ids,
                ),
                ("commercial_partner_id", "in", partners.ids),
            ]
        )
        payment_states = dict(
            bills._fields["payment_state"]._description_selection(self.env)
        )
        for bill in bills:
            own = bill.commercial_partner_id in partners
            rows.append(
                self._timeline_row(
                    bill.invoice_date,
                    _("Credit Note") if bill.move_type == "out_refund" else _("Bill"),
                    bill.name,
                    bill,
                    detail=_(
                        "%(amount)s, %(state)s",
                        amount=bill.currency_id.format(bill.amount_total),
                        state=payment_states.get(bill.payment_state, ""),
                    ),
                    portal=own,
                )
            )
        for payment in bills.matched_payment_ids.filtered(
            lambda p: p.state in ("in_process", "paid")
        ):
            rows.append(
                self._timeline_row(
                    payment.date,
                    _("Payment"),
                    payment.name,
                    payment,
                    detail=payment.currency_id.format(payment.amount),
                    portal=payment.partner_id.commercial_partner_id in partners,
                )
            )
        Dunning = self.env["property.dunning"]
        dunning = (
            Dunning.search([("occupancy_id", "in", scope["occupancies"].ids)])
            if Dunning.has_access("read")
            else Dunning
        )
        for step in dunning:
            rows.append(
                self._timeline_row(
                    step.date,
                    _("Dunning"),
                    step.level_id.name,
                    step,
                    detail=step.invoice_id.name,
                )
            )
        return rows
