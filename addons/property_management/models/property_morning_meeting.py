from dateutil.relativedelta import relativedelta

from odoo import fields, models

# Slips the desk still follows: sent to a department and not yet up to
# standard.
SLIP_OPEN_STATES = ("sent", "measures_proposed", "rectified")
PAYMENT_DONE_STATES = ("in_process", "paid")


class PropertyMorningMeeting(models.TransientModel):
    """The morning meeting board (晨会) across the apps: besides the service
    desk's items, work orders and call-backs, each person's transfer slips
    and fee-collection tasks (counter payments taken yesterday, dunning
    steps, open and overdue dunning activities)."""

    _inherit = "property.morning.meeting"

    def _suite_counts(self, model, domain, user_field, amount_field=None):
        """Per user id: count (and sum of ``amount_field``) of the records,
        counted without the reader's access rights (the board shows
        everyone's figures) but within the reader's companies."""
        aggregates = ["__count"] + ([f"{amount_field}:sum"] if amount_field else [])
        rows = self.env[model].sudo()._read_group(domain, [user_field], aggregates)
        return {row[0].id: row[1:] for row in rows if row[0]}

    def _suite_figures(self):
        """``{field: {user id: value}}`` of the cross-app columns."""
        self.ensure_one()
        yesterday = self.date - relativedelta(days=1)
        companies = [("company_id", "in", self.env.companies.ids)]
        site = [("site_id", "=", self.site_id.id)] if self.site_id else []
        slips = self._suite_counts(
            "property.transfer.slip",
            companies + site + [("state", "in", SLIP_OPEN_STATES)],
            "issued_by_id",
        )
        slips_overdue = self._suite_counts(
            "property.transfer.slip",
            companies
            + site
            + [
                ("state", "in", SLIP_OPEN_STATES),
                ("due_date", "<", fields.Date.to_string(self.date)),
            ],
            "issued_by_id",
        )
        payment_domain = companies + [
            ("property_cashier_id", "!=", False),
            ("state", "in", PAYMENT_DONE_STATES),
            ("date", "=", fields.Date.to_string(yesterday)),
        ]
        if self.site_id:
            payment_domain.append(
                ("invoice_ids.property_site_id", "=", self.site_id.id)
            )
        payments = self._suite_counts(
            "account.payment", payment_domain, "property_cashier_id", "amount"
        )
        dunning = self._suite_counts(
            "property.dunning",
            companies
            + site
            + [("state", "=", "done"), ("date", "=", fields.Date.to_string(yesterday))],
            "user_id",
        )
        dunning_ids = self.env["property.dunning"].sudo()._search(companies + site)
        activity = [
            ("res_model", "=", "property.dunning"),
            ("res_id", "in", dunning_ids),
        ]
        tasks = self._suite_counts("mail.activity", activity, "user_id")
        tasks_overdue = self._suite_counts(
            "mail.activity",
            activity + [("date_deadline", "<", fields.Date.to_string(self.date))],
            "user_id",
        )
        return {
            "slip_open_count": {key: value[0] for key, value in slips.items()},
            "slip_overdue_count": {
                key: value[0] for key, value in slips_overdue.items()
            },
            "payment_count": {key: value[0] for key, value in payments.items()},
            "payment_amount": {key: value[1] for key, value in payments.items()},
            "dunning_done_count": {key: value[0] for key, value in dunning.items()},
            "collection_task_count": {key: value[0] for key, value in tasks.items()},
            "collection_task_overdue_count": {
                key: value[0] for key, value in tasks_overdue.items()
            },
        }

    def _line_figures(self):
        return {**super()._line_figures(), **self._suite_figures()}
