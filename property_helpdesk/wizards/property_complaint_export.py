import io
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.property_tenant.spreadsheet import download_action, new_workbook


class PropertyComplaintExport(models.TransientModel):
    """Complaint analysis (投诉统计、分析) as an xlsx workbook for the
    project manager: the complaints of the period, and their counts by root
    cause, department, category and month."""

    _name = "property.complaint.export"
    _description = "Complaint Analysis Export"

    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    site_id = fields.Many2one("property.site")
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def _domain(self):
        self.ensure_one()
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to + relativedelta(days=1), time.min)
        domain = [
            ("kind", "=", "complaint"),
            ("received_at", ">=", fields.Datetime.to_string(start)),
            ("received_at", "<", fields.Datetime.to_string(end)),
        ]
        if self.site_id:
            domain.append(("site_id", "=", self.site_id.id))
        return domain

    @api.model
    def _selection_label(self, field_name, value):
        selection = dict(
            self.env["property.ticket"]
            ._fields[field_name]
            ._description_selection(self.env)
        )
        return selection.get(value, "") if value else ""

    def _build_workbook(self):
        self.ensure_one()
        _ = self.env._
        domain = self._domain()
        tickets = self.env["property.ticket"].search(domain, order="received_at")
        label = self._selection_label
        workbook = new_workbook(io.BytesIO())
        workbook.write_table(
            _("Complaints"),
            [
                (_("Reference"),),
                (_("Received"), "datetime"),
                (_("Site"),),
                (_("Unit"),),
                (_("Customer"),),
                (_("Summary"),),
                (_("Category"),),
                (_("Department"),),
                (_("Root Cause"),),
                (_("Status"),),
                (_("Rounds"), "integer"),
                (_("Closed"), "datetime"),
                (_("Last Satisfaction"),),
            ],
            [
                [
                    ticket.name,
                    ticket.received_at,
                    ticket.site_id.name,
                    ticket.unit_id.code,
                    ticket.partner_id.name or ticket.contact_name,
                    ticket.summary,
                    ticket.category_id.name,
                    ticket.department_id.name,
                    label("root_cause", ticket.root_cause),
                    label("state", ticket.state),
                    ticket.round_count,
                    ticket.closed_at,
                    label("last_satisfaction", ticket.last_satisfaction),
                ]
                for ticket in tickets
            ],
            autofilter=True,
        )
        undefined = _("Undefined")
        summaries = [
            (
                _("By Root Cause"),
                "root_cause",
                lambda key: label("root_cause", key) or undefined,
            ),
            (_("By Department"), "department_id", lambda key: key.name or undefined),
            (_("By Category"), "category_id", lambda key: key.name or undefined),
            (
                _("By Month"),
                "received_at:month",
                lambda key: key.strftime("%Y-%m") if key else undefined,
            ),
        ]
        for title, groupby, key_label in summaries:
            workbook.write_table(
                title,
                [
                    (title,),
                    (_("Complaints"), "integer"),
                    (_("Closed"), "integer"),
                    (_("Rounds"), "integer"),
                ],
                self._summary_rows(domain, groupby, key_label),
            )
        return workbook.content()

    def _summary_rows(self, domain, groupby, label):
        """Complaints, closed complaints and rounds per ``label`` of the
        ``groupby`` key, most complaints first."""
        groups = self.env["property.ticket"]._read_group(
            domain, [groupby, "state"], ["__count", "round_count:sum"]
        )
        totals = {}
        for key, state, count, rounds in groups:
            total = totals.setdefault(label(key), [0, 0, 0])
            total[0] += count
            total[1] += count if state == "closed" else 0
            total[2] += rounds
        return [
            [name, *figures]
            for name, figures in sorted(totals.items(), key=lambda item: -item[1][0])
        ]

    def action_export(self):
        self.ensure_one()
        return download_action(
            self,
            self.env._(
                "complaints_%(start)s_%(end)s.xlsx",
                start=self.date_from,
                end=self.date_to,
            ),
            self._build_workbook(),
        )
