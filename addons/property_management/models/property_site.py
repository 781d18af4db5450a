from odoo import api, fields, models


class PropertySite(models.Model):
    _inherit = "property.site"

    def _archive_completeness_domain(self, as_of=None):
        """The tenant archives behind the archive completeness of these
        sites: without a date, the active occupancies (as the site's own
        figure); on a date, the occupancies in force that day (moved in by
        then, not moved out yet), so that a past period counts the tenants
        it had."""
        domain = [("site_id", "in", self.ids)]
        if not as_of:
            return domain + [("state", "=", "active")]
        day = fields.Date.to_string(as_of)
        return domain + [
            ("state", "in", ("active", "ended")),
            ("move_in_date", "<=", day),
            "|",
            ("move_out_date", "=", False),
            ("move_out_date", ">", day),
        ]

    @api.model
    def _archive_completeness_kpi_then(self, site_ids, day):
        """Archive completeness of the sites on a past ``day``: what the
        archive held then, from each site's last snapshot on or before that
        day (taken every night and at each archive check); a site without
        one has nothing to measure (no value), never today's archive."""
        snapshots = self.env["property.archive.snapshot"]._as_of(site_ids, day)
        domain = [("id", "in", snapshots.ids)]
        return {
            "numerator": sum(snapshots.mapped("present_item_count")),
            "denominator": sum(snapshots.mapped("required_item_count")),
            "model": "property.archive.snapshot",
            "domain": domain,
            "numerator_domain": domain + [("present_item_count", ">", 0)],
            "numerator_field": "present_item_count",
            "denominator_field": "required_item_count",
        }

    @api.model
    def _archive_completeness_kpi(self, site_ids, as_of=None):
        """Archive completeness (档案建立与完好率) of the sites as a KPI
        figure: the required archive items present over the required items
        of the archives of :meth:`_archive_completeness_domain`, in one
        grouped query.  The numerator and denominator are sums of
        ``present_item_count`` and ``required_item_count`` over the records
        of the domain (``numerator_domain``: those with an item present).
        A day before today is read from the snapshots
        (:meth:`_archive_completeness_kpi_then`)."""
        if as_of and as_of < fields.Date.context_today(self):
            return self._archive_completeness_kpi_then(site_ids, as_of)
        sites = self.browse(site_ids)
        domain = sites._archive_completeness_domain(as_of)
        [(required, present)] = self.env["property.occupancy"]._read_group(
            domain, [], ["required_item_count:sum", "present_item_count:sum"]
        )
        return {
            "numerator": present or 0,
            "denominator": required or 0,
            "model": "property.occupancy",
            "domain": domain,
            "numerator_domain": domain + [("present_item_count", ">", 0)],
            "numerator_field": "present_item_count",
            "denominator_field": "required_item_count",
        }
