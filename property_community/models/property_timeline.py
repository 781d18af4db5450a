from odoo import api, models


class PropertyTimeline(models.AbstractModel):
    """The community's part of a tenant's story: events attended, notices
    read."""

    _inherit = "property.timeline"

    @api.model
    def _timeline_rows(self, scope):
        rows = super()._timeline_rows(scope)
        _ = self.env._
        Registration = self.env["event.registration"]
        registrations = (
            Registration.search(
                [
                    ("property_occupancy_id", "in", scope["occupancies"].ids),
                    ("state", "=", "done"),
                ]
            )
            if Registration.has_access("read")
            else Registration
        )
        for registration in registrations:
            rows.append(
                self._timeline_row(
                    registration.event_id.date_begin,
                    _("Community Event"),
                    registration.event_id.name,
                    registration.event_id,
                    detail=registration.name,
                    portal=True,
                )
            )
        Read = self.env["property.notice.read"]
        reads = (
            Read.search(
                [("partner_id.commercial_partner_id", "in", scope["partners"].ids)]
            )
            if Read.has_access("read")
            else Read
        )
        for read in reads:
            rows.append(
                self._timeline_row(
                    read.read_date,
                    _("Notice Read"),
                    read.notice_id.name,
                    read.notice_id,
                    portal=True,
                )
            )
        return rows
