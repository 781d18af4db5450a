from odoo import fields, models

CHECKLIST_FIELDS = (
    "golive_unit_count",
    "golive_archive_count",
    "golive_document_count",
    "golive_meter_count",
    "golive_standard_count",
    "golive_unit_missing_count",
    "golive_incomplete_count",
    "golive_plan_missing_count",
    "golive_reading_missing_count",
    "golive_item_missing_count",
    "golive_opening_arrears",
    "golive_opening_deposits",
)


class PropertySite(models.Model):
    """The go-live checklist of a site: what is loaded, what is missing
    and the opening totals against finance's control totals."""

    _inherit = "property.site"

    golive_currency_id = fields.Many2one(related="company_id.currency_id")
    golive_control_arrears = fields.Monetary(
        string="Control Total: Arrears",
        currency_field="golive_currency_id",
        groups="property_billing.group_property_billing_manager",
        help="Arrears of the former system at the opening date, entered by finance.",
    )
    golive_control_deposits = fields.Monetary(
        string="Control Total: Deposits",
        currency_field="golive_currency_id",
        groups="property_billing.group_property_billing_manager",
    )
    golive_unit_count = fields.Integer(string="Units Loaded", compute="_compute_golive")
    golive_archive_count = fields.Integer(
        string="Live Archives", compute="_compute_golive"
    )
    golive_document_count = fields.Integer(
        string="Archive Documents", compute="_compute_golive"
    )
    golive_meter_count = fields.Integer(
        string="Meters Loaded", compute="_compute_golive"
    )
    golive_standard_count = fields.Integer(
        string="Approved Standards", compute="_compute_golive"
    )
    golive_unit_missing_count = fields.Integer(
        string="Units without Archive", compute="_compute_golive"
    )
    golive_incomplete_count = fields.Integer(
        string="Archives with Missing Items",
        compute="_compute_golive",
        help="Live archives whose required documents or fields are not all "
        "present (see the archive's completeness).",
    )
    golive_plan_missing_count = fields.Integer(
        string="Archives without Billing Plan", compute="_compute_golive"
    )
    golive_reading_missing_count = fields.Integer(
        string="Meters without Last Reading", compute="_compute_golive"
    )
    golive_item_missing_count = fields.Integer(
        string="Fee Items without Approved Standard", compute="_compute_golive"
    )
    golive_opening_arrears = fields.Monetary(
        string="Opening Arrears",
        currency_field="golive_currency_id",
        compute="_compute_golive",
    )
    golive_opening_deposits = fields.Monetary(
        string="Opening Deposits",
        currency_field="golive_currency_id",
        compute="_compute_golive",
    )
    golive_arrears_difference = fields.Monetary(
        string="Arrears Difference",
        currency_field="golive_currency_id",
        compute="_compute_golive",
    )
    golive_deposits_difference = fields.Monetary(
        string="Deposits Difference",
        currency_field="golive_currency_id",
        compute="_compute_golive",
    )

    def _golive_count(self, model, domain, field="site_id"):
        return dict(
            self.env[model]
            .sudo()
            ._read_group([(field, "in", self.ids), *domain], [field], ["__count"])
        )

    def _golive_sum(self, domain):
        """{site id: untaxed amount} of the posted opening invoices' lines
        (one query per site: a form shows one site)."""
        Line = self.env["account.move.line"].sudo()
        result = {}
        for site in self:
            [(amount,)] = Line._read_group(
                [
                    ("move_id.property_site_id", "=", site.id),
                    ("move_id.property_golive_import_id", "!=", False),
                    ("move_id.move_type", "=", "out_invoice"),
                    ("parent_state", "=", "posted"),
                    ("display_type", "=", "product"),
                    *domain,
                ],
                [],
                ["price_subtotal:sum"],
            )
            result[site.id] = amount or 0.0
        return result

    def _compute_golive(self):
        units = self._golive_count("property.unit", [])
        occupied = self._golive_count(
            "property.unit", [("current_occupancy_id", "!=", False)]
        )
        archives = self._golive_count("property.occupancy", [("state", "=", "active")])
        incomplete = self._golive_count(
            "property.occupancy",
            [("state", "=", "active"), ("is_archive_complete", "=", False)],
        )
        documents = self._golive_count(
            "property.document", [("occupancy_id.state", "=", "active")]
        )
        planned = self._golive_count(
            "property.occupancy",
            [("state", "=", "active"), ("billing_plan_ids", "!=", False)],
        )
        meters = self._golive_count("property.meter", [])
        unread = self._golive_count("property.meter", [("reading_ids", "=", False)])
        standards = self._golive_count(
            "property.fee.standard", [("state", "=", "approved")]
        )
        arrears = self._golive_sum([("property_fee_item_id.kind", "!=", "deposit")])
        deposits = self._golive_sum([("property_fee_item_id.kind", "=", "deposit")])
        Item = self.env["property.fee.item"].sudo()
        for site in self:
            site.golive_unit_count = units.get(site, 0)
            site.golive_archive_count = archives.get(site, 0)
            site.golive_document_count = documents.get(site, 0)
            site.golive_meter_count = meters.get(site, 0)
            site.golive_incomplete_count = incomplete.get(site, 0)
            site.golive_standard_count = standards.get(site, 0)
            site.golive_unit_missing_count = units.get(site, 0) - occupied.get(site, 0)
            site.golive_plan_missing_count = archives.get(site, 0) - planned.get(
                site, 0
            )
            site.golive_reading_missing_count = unread.get(site, 0)
            site.golive_item_missing_count = Item.search_count(
                [
                    *Item._check_company_domain(site.company_id),
                    ("kind", "in", ("area", "fixed", "metered")),
                    (
                        "standard_ids",
                        "not any",
                        [
                            ("site_id", "in", (site.id, False)),
                            ("state", "=", "approved"),
                        ],
                    ),
                ]
            )
            site.golive_opening_arrears = arrears.get(site.id, 0.0)
            site.golive_opening_deposits = deposits.get(site.id, 0.0)
            site.golive_arrears_difference = site.golive_opening_arrears - (
                site.sudo().golive_control_arrears
            )
            site.golive_deposits_difference = site.golive_opening_deposits - (
                site.sudo().golive_control_deposits
            )

    def action_golive_preview_billing(self):
        """The first billing run of the site, previewed (a draft run)."""
        self.ensure_one()
        run = self.env["property.billing.run"].create({"site_id": self.id})
        run.action_preview()
        return {
            "type": "ir.actions.act_window",
            "res_model": "property.billing.run",
            "res_id": run.id,
            "view_mode": "form",
        }

    def action_golive_imports(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_golive.property_golive_import_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"default_site_id": self.id}
        return action
