from odoo import api, fields, models

from ..utils import completeness_percent, next_check_date


class PropertySite(models.Model):
    _name = "property.site"
    _description = "Property Site"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short code of the site, used in unit references and reports.",
    )
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one(
        "res.country.state",
        string="Province",
        domain="[('country_id', '=?', country_id)]",
    )
    country_id = fields.Many2one("res.country")
    total_area = fields.Float(
        string="Total Floor Area (m²)",
        digits="Product Unit of Measure",
        tracking=True,
        help="Declared gross floor area of the complex.",
    )
    manager_id = fields.Many2one(
        "res.users",
        string="Project Manager",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    agent_id = fields.Many2one(
        "res.users",
        string="Archive Agent",
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
        help="Service agent who keeps the archive of this site: receives "
        "document expiry reminders and periodic archive checks.",
    )
    building_ids = fields.One2many("property.building", "site_id", string="Buildings")
    unit_ids = fields.One2many("property.unit", "site_id", string="Units")
    spot_ids = fields.One2many("property.spot", "site_id", string="Public Spots")
    building_count = fields.Integer(compute="_compute_counts")
    unit_count = fields.Integer(compute="_compute_counts")
    spot_count = fields.Integer(compute="_compute_counts", string="Spots")
    occupancy_count = fields.Integer(compute="_compute_counts")
    units_area = fields.Float(
        string="Units Floor Area (m²)",
        compute="_compute_counts",
        digits="Product Unit of Measure",
    )
    check_interval = fields.Integer(
        string="Archive Check Interval (months)",
        default=3,
        tracking=True,
        help="Every how many months the archive of this site is checked "
        "(定期检查). 0 disables periodic checks.",
    )
    next_check_date = fields.Date(
        tracking=True,
        help="Date on which the next archive check is planned.",
    )
    check_ids = fields.One2many("property.archive.check", "site_id", string="Checks")
    archive_completeness = fields.Float(
        string="Archive Completeness (%)",
        compute="_compute_archive_completeness",
        digits=(16, 2),
    )
    incomplete_archive_count = fields.Integer(
        compute="_compute_archive_completeness",
        string="Incomplete Archives",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "Another site of this company already uses this code. "
            "Choose a different site code.",
        ),
        (
            "check_interval_positive",
            "CHECK(check_interval >= 0)",
            "The archive check interval cannot be negative.",
        ),
    ]

    @api.depends("building_ids", "unit_ids.area")
    def _compute_counts(self):
        building_data = {
            site.id: count
            for site, count in self.env["property.building"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count"]
            )
        }
        unit_data = {
            site.id: (count, area)
            for site, count, area in self.env["property.unit"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count", "area:sum"]
            )
        }
        spot_data = {
            site.id: count
            for site, count in self.env["property.spot"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count"]
            )
        }
        occupancy_data = {
            site.id: count
            for site, count in self.env["property.occupancy"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count"]
            )
        }
        for site in self:
            site.building_count = building_data.get(site.id, 0)
            site.unit_count, site.units_area = unit_data.get(site.id, (0, 0.0))
            site.occupancy_count = occupancy_data.get(site.id, 0)
            site.spot_count = spot_data.get(site.id, 0)

    def _compute_archive_completeness(self):
        figures = self._archive_completeness_figures()
        for site in self:
            required, satisfied, incomplete = figures.get(site.id, (0, 0, 0))
            site.archive_completeness = completeness_percent(satisfied, required)
            site.incomplete_archive_count = incomplete

    def _archive_completeness_figures(self):
        """Per site: (required items, present items, incomplete archives).

        Only active occupancies count: the archive of a tenant who has left
        is history, not a gap to fill. One grouped query for all sites.
        """
        groups = self.env["property.occupancy"]._read_group(
            [("site_id", "in", self.ids), ("state", "=", "active")],
            ["site_id", "is_archive_complete"],
            ["required_item_count:sum", "present_item_count:sum", "__count"],
        )
        figures = {}
        for site, complete, required, present, count in groups:
            total = figures.setdefault(site.id, [0, 0, 0])
            total[0] += required
            total[1] += present
            if not complete:
                total[2] += count
        return {key: tuple(value) for key, value in figures.items()}

    @api.depends("name", "code")
    def _compute_display_name(self):
        for site in self:
            site.display_name = (
                f"[{site.code}] {site.name}" if site.code else (site.name or "")
            )

    @api.model
    def _default_for_user(self):
        """The site a user works at: the one they manage or serve at the
        desk, else the first site they can see (boards and reports open on
        it)."""
        user = self.env.user
        return self.search(
            ["|", ("manager_id", "=", user.id), ("agent_id", "=", user.id)], limit=1
        ) or self.search([], limit=1)

    @api.onchange("check_interval")
    def _onchange_check_interval(self):
        if self.check_interval and not self.next_check_date:
            self.next_check_date = next_check_date(
                fields.Date.context_today(self), self.check_interval
            )

    def _action_related(self, model, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(model)
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"default_site_id": self.id}
        action["display_name"] = name
        return action

    def action_view_buildings(self):
        return self._action_related(
            "property_tenant.property_building_action", self.env._("Buildings")
        )

    def action_view_units(self):
        return self._action_related(
            "property_tenant.property_unit_action", self.env._("Units")
        )

    def action_view_spots(self):
        return self._action_related(
            "property_tenant.property_spot_action", self.env._("Public Spots")
        )

    def _get_scan_places(self):
        """What gets a QR label on the site: its units, then its public
        spots, in their usual order."""
        self.ensure_one()
        return list(self.unit_ids) + list(self.spot_ids)

    def action_view_occupancies(self):
        return self._action_related(
            "property_tenant.property_occupancy_action", self.env._("Tenant Archive")
        )

    def action_view_incomplete_archives(self):
        action = self._action_related(
            "property_tenant.property_occupancy_action",
            self.env._("Incomplete Archives"),
        )
        action["domain"] = [
            ("site_id", "=", self.id),
            ("state", "=", "active"),
            ("is_archive_complete", "=", False),
        ]
        return action

    def action_view_checks(self):
        return self._action_related(
            "property_tenant.property_archive_check_action",
            self.env._("Archive Checks"),
        )

    @api.model
    def _cron_plan_archive_checks(self, date_ref=None):
        """Create the archive checks that are due (定期检查).

        A site whose next check date has come gets a planned check with an
        activity for its archive agent, and its next date moves on by the
        interval. Already planned checks are not planned again.
        """
        today = date_ref or fields.Date.context_today(self)
        sites = self.search(
            [
                ("check_interval", ">", 0),
                ("next_check_date", "!=", False),
                ("next_check_date", "<=", today),
            ]
        )
        Check = self.env["property.archive.check"]
        for site in sites:
            Check.with_company(site.company_id).create(
                {
                    "site_id": site.id,
                    "planned_date": site.next_check_date,
                    "user_id": (site.agent_id or site.manager_id).id,
                }
            )
            next_date = site.next_check_date
            while next_date <= today:
                next_date = next_check_date(next_date, site.check_interval)
            site.next_check_date = next_date
        return sites
