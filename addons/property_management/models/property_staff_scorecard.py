from odoo import fields, models

from .property_morning_meeting import PAYMENT_DONE_STATES


class PropertyStaffScorecard(models.TransientModel):
    """Staff scorecards across the apps: besides items, SLA, call-backs and
    praise, the transfer slips of a person or department and, per person,
    the fee collection (counter payments taken, dunning steps followed)."""

    _inherit = "property.staff.scorecard"

    def _suite_grouped(self, model, domain, key, aggregates):
        """Per owner id, the aggregates of the records, counted without the
        reader's access rights but within the reader's companies."""
        rows = (
            self.env[model]
            .sudo()
            ._read_group(
                domain + [("company_id", "in", self.env.companies.ids)],
                [key],
                aggregates,
            )
        )
        return {row[0].id: row[1:] for row in rows if row[0]}

    def _suite_figures(self):
        """``{field: {owner id: value}}`` of the cross-app columns."""
        self.ensure_one()
        start, end = self._bounds()
        per_user = self.group_by == "user"
        site = [("site_id", "=", self.site_id.id)] if self.site_id else []
        slips = self._suite_grouped(
            "property.transfer.slip",
            site + [("sent_at", ">=", start), ("sent_at", "<", end)],
            "issued_by_id" if per_user else "department_id",
            ["__count", "failed_inspection_count:sum"],
        )
        figures = {
            "slip_count": {key: value[0] for key, value in slips.items()},
            "slip_failed_count": {key: value[1] for key, value in slips.items()},
        }
        if not per_user:
            return figures
        date_from = fields.Date.to_string(self.date_from)
        date_to = fields.Date.to_string(self.date_to)
        payment_domain = [
            ("property_cashier_id", "!=", False),
            ("state", "in", PAYMENT_DONE_STATES),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
        if self.site_id:
            payment_domain.append(
                ("invoice_ids.property_site_id", "=", self.site_id.id)
            )
        payments = self._suite_grouped(
            "account.payment",
            payment_domain,
            "property_cashier_id",
            ["__count", "amount:sum"],
        )
        dunning = self._suite_grouped(
            "property.dunning",
            site
            + [
                ("state", "=", "done"),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ],
            "user_id",
            ["__count"],
        )
        figures.update(
            {
                "payment_count": {key: value[0] for key, value in payments.items()},
                "payment_amount": {key: value[1] for key, value in payments.items()},
                "dunning_count": {key: value[0] for key, value in dunning.items()},
            }
        )
        return figures

    def _build_lines(self):
        result = super()._build_lines()
        Line = self.env["property.staff.scorecard.line"]
        for card in self:
            per_user = card.group_by == "user"
            owner_field = "user_id" if per_user else "department_id"
            figures = card._suite_figures()
            lines = {line[owner_field].id: line for line in card.line_ids}
            owners = set()
            for values in figures.values():
                owners.update(values)
            new_lines = []
            for owner in sorted(owners):
                values = {
                    key: per_owner.get(owner, 0) for key, per_owner in figures.items()
                }
                if owner in lines:
                    lines[owner].write(values)
                else:
                    new_lines.append(
                        {"scorecard_id": card.id, owner_field: owner, **values}
                    )
            Line.create(new_lines)
        return result
