import base64
import io
from datetime import datetime, time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.property_tenant.spreadsheet import new_workbook


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
        Ticket = self.env["property.ticket"]
        domain = self._domain()
        output = io.BytesIO()
        workbook = new_workbook(output)
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
        when = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

        sheet = workbook.add_worksheet(self.env._("Complaints"))
        headers = [
            self.env._("Reference"),
            self.env._("Received"),
            self.env._("Site"),
            self.env._("Unit"),
            self.env._("Customer"),
            self.env._("Summary"),
            self.env._("Category"),
            self.env._("Department"),
            self.env._("Root Cause"),
            self.env._("Status"),
            self.env._("Rounds"),
            self.env._("Closed"),
            self.env._("Last Satisfaction"),
        ]
        sheet.write_row(0, 0, headers, bold)
        for row, ticket in enumerate(Ticket.search(domain, order="received_at"), 1):
            sheet.write_row(
                row,
                0,
                [
                    ticket.name,
                    "",
                    ticket.site_id.name or "",
                    ticket.unit_id.code or "",
                    ticket.partner_id.name or ticket.contact_name or "",
                    ticket.summary or "",
                    ticket.category_id.name or "",
                    ticket.department_id.name or "",
                    self._selection_label("root_cause", ticket.root_cause),
                    self._selection_label("state", ticket.state),
                    ticket.round_count,
                    "",
                    self._selection_label(
                        "last_satisfaction", ticket.last_satisfaction
                    ),
                ],
            )
            sheet.write_datetime(row, 1, ticket.received_at, when)
            if ticket.closed_at:
                sheet.write_datetime(row, 11, ticket.closed_at, when)
        sheet.autofilter(0, 0, 0, len(headers) - 1)
        sheet.freeze_panes(1, 0)

        def summary(title, groupby, label):
            page = workbook.add_worksheet(title)
            page.write_row(
                0,
                0,
                [
                    title,
                    self.env._("Complaints"),
                    self.env._("Closed"),
                    self.env._("Rounds"),
                ],
                bold,
            )
            groups = Ticket._read_group(
                domain, [groupby, "state"], ["__count", "round_count:sum"]
            )
            totals = {}
            for key, state, count, rounds in groups:
                total = totals.setdefault(label(key), [0, 0, 0])
                total[0] += count
                total[1] += count if state == "closed" else 0
                total[2] += rounds
            for row, (name, (count, closed, rounds)) in enumerate(
                sorted(totals.items(), key=lambda item: -item[1][0]), 1
            ):
                page.write_row(row, 0, [name, count, closed, rounds])

        undefined = self.env._("Undefined")
        summary(
            self.env._("By Root Cause"),
            "root_cause",
            lambda key: self._selection_label("root_cause", key) or undefined,
        )
        summary(
            self.env._("By Department"),
            "department_id",
            lambda key: key.name or undefined,
        )
        summary(
            self.env._("By Category"), "category_id", lambda key: key.name or undefined
        )
        summary(
            self.env._("By Month"),
            "received_at:month",
            lambda key: key.strftime("%Y-%m") if key else undefined,
        )
        workbook.close()
        return output.getvalue()

    def action_export(self):
        self.ensure_one()
        self.write(
            {
                "file": base64.b64encode(self._build_workbook()),
                "filename": self.env._(
                    "complaints_%(start)s_%(end)s.xlsx",
                    start=self.date_from,
                    end=self.date_to,
                ),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file"
            f"&filename_field=filename&download=true",
        }
