from odoo import api, fields, models

from ..utils import completeness_percent


class PropertyArchiveSnapshot(models.Model):
    """What a site's tenant archive held on a day (档案完好率 then): the
    required and present items of its active archives.  Taken every night
    and by every archive check closed; a past period's archive completeness
    is read from the last snapshot of the period, not from today's archive
    (R-ARC-5, R-KPI)."""

    _name = "property.archive.snapshot"
    _description = "Archive Completeness Snapshot"
    _order = "date desc, site_id"
    _rec_name = "date"

    site_id = fields.Many2one(
        "property.site", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="site_id.company_id", store=True, index=True, precompute=True
    )
    date = fields.Date(required=True, index=True, readonly=True)
    required_item_count = fields.Integer(
        string="Required Items", readonly=True, aggregator="sum"
    )
    present_item_count = fields.Integer(
        string="Present Items", readonly=True, aggregator="sum"
    )
    incomplete_count = fields.Integer(
        string="Incomplete Archives", readonly=True, aggregator="sum"
    )
    completeness = fields.Float(
        string="Completeness (%)",
        compute="_compute_completeness",
        digits=(16, 2),
        aggregator=None,
    )

    _sql_constraints = [
        (
            "site_date_unique",
            "unique(site_id, date)",
            "A site has one archive snapshot a day.",
        )
    ]

    @api.depends("required_item_count", "present_item_count")
    def _compute_completeness(self):
        for snapshot in self:
            snapshot.completeness = completeness_percent(
                snapshot.present_item_count, snapshot.required_item_count
            )

    @api.model
    def _take(self, sites, day=None):
        """Record (or refresh) the sites' snapshot of ``day`` (default
        today) from their archives as they stand now; returns them."""
        day = day or fields.Date.context_today(self)
        figures = sites._archive_completeness_figures()
        existing = {
            snapshot.site_id.id: snapshot
            for snapshot in self.search(
                [("site_id", "in", sites.ids), ("date", "=", day)]
            )
        }
        snapshots = self.browse()
        to_create = []
        for site in sites:
            required, present, incomplete = figures.get(site.id, (0, 0, 0))
            values = {
                "required_item_count": required,
                "present_item_count": present,
                "incomplete_count": incomplete,
            }
            if site.id in existing:
                existing[site.id].write(values)
                snapshots |= existing[site.id]
            else:
                to_create.append({"site_id": site.id, "date": day, **values})
        return snapshots | self.create(to_create)

    @api.model
    def _cron_take(self):
        """Nightly: every site's snapshot of the day."""
        self._take(self.env["property.site"].sudo().search([]))

    @api.model
    def _as_of(self, site_ids, day):
        """The last snapshot of each site on or before ``day``."""
        if not site_ids:
            return self.browse()
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (site_id) id
              FROM property_archive_snapshot
             WHERE site_id IN %s AND date <= %s
          ORDER BY site_id, date DESC
            """,
            (tuple(site_ids), day),
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])
