from odoo import api, models


class PropertyTimeline(models.AbstractModel):
    """The desk's part of a tenant's story: items, work orders, call-backs
    and front-desk items."""

    _inherit = "property.timeline"

    @api.model
    def _timeline_rows(self, scope):
        rows = super()._timeline_rows(scope)
        if not self.env["property.ticket"].has_access("read"):
            return rows
        _ = self.env._
        partners = scope["partners"]
        kinds = dict(
            self.env["property.ticket"]._fields["kind"]._description_selection(self.env)
        )
        states = dict(
            self.env["property.ticket"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        satisfaction = dict(
            self.env["property.callback"]
            ._fields["satisfaction"]
            ._description_selection(self.env)
        )
        callback_label, work_order_label = _("Call-back"), _("Work Order")
        tickets = self.env["property.ticket"].search(
            [
                "|",
                ("unit_id", "in", scope["units"].ids),
                ("partner_id.commercial_partner_id", "in", partners.ids),
            ]
        )
        for ticket in tickets:
            own = ticket.partner_id.commercial_partner_id in partners
            rows.append(
                self._timeline_row(
                    ticket.received_at,
                    kinds[ticket.kind],
                    ticket.display_name,
                    ticket,
                    detail=states[ticket.state],
                    portal=own,
                )
            )
            for work_order in ticket.work_order_ids.filtered("done_at"):
                rows.append(
                    self._timeline_row(
                        work_order.done_at,
                        work_order_label,
                        _("Done: %s", work_order.name),
                        work_order,
                        detail=work_order.department_id.name,
                        portal=own,
                    )
                )
            for callback in ticket.callback_ids.filtered("done_at"):
                rows.append(
                    self._timeline_row(
                        callback.done_at,
                        callback_label,
                        callback.name,
                        callback,
                        detail=satisfaction.get(callback.satisfaction, ""),
                    )
                )
        FrontLog = self.env["property.front.log"]
        entries = (
            FrontLog.search(
                [
                    "|",
                    ("unit_id", "in", scope["units"].ids),
                    ("partner_id.commercial_partner_id", "in", partners.ids),
                ]
            )
            if FrontLog.has_access("read")
            else FrontLog
        )
        for entry in entries:
            rows.append(
                self._timeline_row(
                    entry.received_at,
                    _("Front Desk"),
                    entry.display_name,
                    entry,
                    detail=entry.sender,
                    portal=entry.partner_id.commercial_partner_id in partners,
                )
            )
        return rows
