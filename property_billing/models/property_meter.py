from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..metering import HIGH, quantity
from .property_fee_item import METER_TYPES

METER_STATES = [
    ("in_service", "In Service"),
    ("replaced", "Replaced"),
]

# What billing has read from a meter: changing it once readings exist would
# silently change consumptions already billed.  A meter is replaced instead.
LOCKED_FIELDS = ("unit_id", "meter_type", "multiplier", "initial_reading")

CACHE_KEY = "property_meter_consumption_cache"


class ConsumptionCache:
    """Consumptions computed during one billing preview, by ``(meter type,
    date from, date to)`` and unit, and the sites already loaded whole.
    Compared by identity, so that every preview has its own."""

    def __init__(self):
        self.results = defaultdict(dict)
        self.sites = set()


class PropertyMeter(models.Model):
    """A meter (水表、电表、燃气表) of a unit: its register is read
    periodically and the consumption between readings is billed."""

    _name = "property.meter"
    _description = "Meter"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "site_id, building_id, unit_id, meter_type, install_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["serial", "unit_id.code"]

    serial = fields.Char(
        string="Serial Number",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        help="Number printed on the meter (表号); it identifies the meter in "
        "imported readings.",
    )
    active = fields.Boolean(default=True, tracking=True)
    unit_id = fields.Many2one(
        "property.unit",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    site_id = fields.Many2one(
        related="unit_id.site_id", store=True, index=True, precompute=True
    )
    building_id = fields.Many2one(
        related="unit_id.building_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="unit_id.company_id", store=True, index=True, precompute=True
    )
    meter_type = fields.Selection(
        METER_TYPES, required=True, default="water", index=True, tracking=True
    )
    multiplier = fields.Float(
        default=1.0,
        digits=(16, 4),
        tracking=True,
        help="Multiplier (倍率) of the register, e.g. the ratio of the current "
        "transformer of an electricity meter: consumption = register advance "
        "× multiplier.",
    )
    initial_reading = fields.Float(
        digits=(16, 3),
        tracking=True,
        help="Register value when the meter was installed: the first reading "
        "counts from it.",
    )
    install_date = fields.Date(
        string="Installed On",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    rollover_value = fields.Float(
        string="Register Maximum",
        digits=(16, 3),
        tracking=True,
        help="Largest value the register shows before it starts again at zero, "
        "e.g. 99999 for five digits. Needed to record a rollover (翻表).",
    )
    state = fields.Selection(
        METER_STATES,
        default="in_service",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        copy=False,
    )
    replaced_on = fields.Date(
        readonly=True,
        copy=False,
        tracking=True,
        help="Date of the meter's final reading, when it was replaced.",
    )
    replaces_id = fields.Many2one(
        "property.meter",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    replaced_by_id = fields.Many2one(
        "property.meter",
        readonly=True,
        copy=False,
        check_company=True,
    )
    reading_ids = fields.One2many(
        "property.meter.reading", "meter_id", string="Readings"
    )
    reading_count = fields.Integer(compute="_compute_reading_stats")
    last_reading_date = fields.Date(compute="_compute_reading_stats")
    last_reading_value = fields.Float(compute="_compute_reading_stats", digits=(16, 3))
    note = fields.Text()

    _sql_constraints = [
        (
            "serial_company_uniq",
            "unique(company_id, serial)",
            "Another meter of this company has this serial number. Each meter "
            "has its own serial number.",
        ),
        (
            "multiplier_positive",
            "CHECK(multiplier > 0)",
            "The multiplier of a meter must be greater than zero (1 when the "
            "register shows the consumption itself).",
        ),
        (
            "initial_reading_positive",
            "CHECK(initial_reading >= 0)",
            "The initial reading of a meter cannot be negative.",
        ),
        (
            "rollover_value_positive",
            "CHECK(rollover_value IS NULL OR rollover_value >= 0)",
            "The register maximum of a meter cannot be negative.",
        ),
    ]

    @api.depends("serial", "meter_type", "unit_id.code")
    def _compute_display_name(self):
        types = dict(self._fields["meter_type"]._description_selection(self.env))
        for meter in self:
            detail = ", ".join(
                part
                for part in (types.get(meter.meter_type), meter.unit_id.code)
                if part
            )
            meter.display_name = (
                f"{meter.serial} ({detail})" if detail else meter.serial or ""
            )

    def _compute_reading_stats(self):
        counts = dict(
            self.env["property.meter.reading"]._read_group(
                [("meter_id", "in", self.ids)], ["meter_id"], ["__count"]
            )
        )
        last = self._last_readings()
        for meter in self:
            reading = last.get(meter.id)
            meter.reading_count = counts.get(meter, 0)
            meter.last_reading_date = reading.date if reading else False
            meter.last_reading_value = reading.value if reading else 0.0

    def _last_readings(self, before=None):
        """``{meter id: its last reading}`` (dated before ``before`` when
        given), in one query."""
        meter_ids = [meter_id for meter_id in self.ids if meter_id]
        if not meter_ids:
            return {}
        Reading = self.env["property.meter.reading"]
        Reading.flush_model(["meter_id", "date"])
        domain = [("meter_id", "in", meter_ids)]
        if before:
            domain.append(("date", "<", before))
        query = Reading._search(domain)
        table = query.table
        query.order = SQL(
            "%s, %s DESC, %s DESC",
            SQL.identifier(table, "meter_id"),
            SQL.identifier(table, "date"),
            SQL.identifier(table, "id"),
        )
        self.env.cr.execute(
            query.select(
                SQL(
                    "DISTINCT ON (%s) %s",
                    SQL.identifier(table, "meter_id"),
                    SQL.identifier(table, "id"),
                )
            )
        )
        readings = Reading.browse([row[0] for row in self.env.cr.fetchall()])
        return {reading.meter_id.id: reading for reading in readings}

    @api.constrains("initial_reading", "rollover_value")
    def _check_initial_reading(self):
        for meter in self:
            if meter.rollover_value and meter.initial_reading > meter.rollover_value:
                raise ValidationError(
                    self.env._(
                        "The initial reading of meter %(serial)s (%(value)s) is "
                        "above its register maximum (%(maximum)s).",
                        serial=meter.serial,
                        value=meter.initial_reading,
                        maximum=meter.rollover_value,
                    )
                )

    @api.constrains("install_date", "replaced_on")
    def _check_dates(self):
        for meter in self:
            if meter.replaced_on and meter.replaced_on < meter.install_date:
                raise ValidationError(
                    self.env._(
                        "Meter %(serial)s cannot be replaced on %(date)s, before "
                        "it was installed (%(install)s).",
                        serial=meter.serial,
                        date=meter.replaced_on,
                        install=meter.install_date,
                    )
                )
        self.reading_ids._check_dates()

    def write(self, vals):
        locked = [name for name in LOCKED_FIELDS if name in vals]
        if locked:
            for meter in self.filtered("reading_ids"):
                changed = [
                    name
                    for name in locked
                    if meter._fields[name].convert_to_write(meter[name], meter)
                    != vals[name]
                ]
                if changed:
                    raise UserError(
                        self.env._(
                            "Meter %(serial)s already has readings: its unit, "
                            "type, multiplier and initial reading can no longer "
                            "change. Replace the meter instead (button Replace "
                            "Meter), so that past consumptions stay as billed.",
                            serial=meter.serial,
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_read(self):
        if self.filtered("reading_ids"):
            raise UserError(
                self.env._(
                    "A meter with readings cannot be deleted: archive it, or "
                    "replace it with the Replace Meter button."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_replace(self):
        self.ensure_one()
        if self.state != "in_service":
            raise UserError(
                self.env._(
                    "Meter %(serial)s is no longer in service.", serial=self.serial
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Replace Meter"),
            "res_model": "property.meter.replace",
            "view_mode": "form",
            "target": "new",
            "context": {"default_meter_id": self.id},
        }

    def action_view_readings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_meter_reading_action"
        )
        action["domain"] = [("meter_id", "=", self.id)]
        action["context"] = {"default_meter_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Billing API (called by property.billing.run)
    # ------------------------------------------------------------------
    @api.model
    def _billing_consumption(self, unit, meter_type, date_from, date_to):
        """Consumption of ``unit``'s meters of ``meter_type`` billed for
        ``[date_from, date_to]``: a dict with ``quantity`` (× multipliers,
        summed over the unit's meters, across replacements), ``warnings``
        (translated texts for the pre-bill review), ``reading_ids`` (the
        readings billed) and ``missing`` (True when an in-service meter has
        no reading in the period: the charge is skipped and the next period
        counts from the last billed reading).

        Inside a billing run's preview (the meter charge source,
        ``property.charge.source.meter``, gives it a :class:`ConsumptionCache`)
        the first call loads the whole site at once and the others are
        answered from that load; outside, each call queries for its unit."""
        unit.ensure_one()
        cache = self.env.context.get(CACHE_KEY)
        if not isinstance(cache, ConsumptionCache):
            return self._billing_consumption_prefetch(
                unit, meter_type, date_from, date_to
            )[unit.id]
        results = cache.results[meter_type, date_from, date_to]
        if unit.id not in results:
            site_key = (unit.site_id.id, meter_type, date_to)
            units = unit
            if site_key not in cache.sites:
                cache.sites.add(site_key)
                units |= (
                    self.with_context(active_test=False)
                    .search(
                        [
                            ("site_id", "=", unit.site_id.id),
                            ("meter_type", "=", meter_type),
                        ]
                    )
                    .unit_id
                )
            results.update(
                self._billing_consumption_prefetch(
                    units, meter_type, date_from, date_to
                )
            )
        return results[unit.id]

    @api.model
    def _billing_consumption_prefetch(self, units, meter_type, date_from, date_to):
        """``{unit id: the dict of _billing_consumption}`` for every unit of
        ``units``, in a handful of queries whatever their number."""
        Reading = self.env["property.meter.reading"]
        types = dict(self._fields["meter_type"]._description_selection(self.env))
        type_label = types.get(meter_type, meter_type)
        meters = self.with_context(active_test=False).search_fetch(
            [
                ("unit_id", "in", units.ids),
                ("meter_type", "=", meter_type),
                ("install_date", "<=", date_to),
            ],
            [
                "serial",
                "unit_id",
                "active",
                "state",
                "install_date",
                "replaced_on",
                "replaced_by_id",
            ],
            order="install_date, id",
        )
        since = self._unbilled_since(units, meter_type, date_from)
        domain = [("meter_id", "in", meters.ids), ("date", "<=", date_to)]
        readings = Reading.search_fetch(
            domain + [("date", ">=", min([date_from, *since.values()]))],
            [
                "meter_id",
                "date",
                "value",
                "consumption",
                "anomaly_kind",
                "anomaly_average",
                "unit_id",
            ],
            order="date, id",
        )
        occupied = self._units_occupied(units, date_from, date_to)
        meters_by_unit = defaultdict(list)
        for meter in meters:
            meters_by_unit[meter.unit_id.id].append(meter)
        readings_by_meter = defaultdict(list)
        for reading in readings:
            readings_by_meter[reading.meter_id.id].append(reading)

        results = {}
        for unit in units:
            start = since.get(unit.id, date_from)
            warnings, missing = [], False
            billed = []
            in_service = [
                meter
                for meter in meters_by_unit[unit.id]
                if meter.active
                and (
                    meter.state == "in_service"
                    or (meter.replaced_on and meter.replaced_on >= date_from)
                )
            ]
            for meter in meters_by_unit[unit.id]:
                mine = [r for r in readings_by_meter[meter.id] if r.date >= start]
                billed += mine
                if (
                    meter in in_service
                    and meter.install_date < date_from
                    and not any(r.date >= date_from for r in mine)
                ):
                    missing = True
                    warnings.append(
                        self.env._(
                            "No reading of %(type)s meter %(serial)s of unit "
                            "%(unit)s from %(date_from)s to %(date_to)s: %(type)s "
                            "is not billed this period; the next bill counts "
                            "from the last billed reading.",
                            type=type_label,
                            serial=meter.serial,
                            unit=unit.code,
                            date_from=date_from,
                            date_to=date_to,
                        )
                    )
                if meter.replaced_on and start <= meter.replaced_on <= date_to:
                    warnings.append(
                        self.env._(
                            "Meter %(old)s was replaced by %(new)s on %(date)s: "
                            "the consumption of both is billed.",
                            old=meter.serial,
                            new=meter.replaced_by_id.serial or "-",
                            date=meter.replaced_on,
                        )
                    )
            if not in_service:
                missing = True
                warnings.append(
                    self.env._(
                        "Unit %(unit)s has no %(type)s meter in service from "
                        "%(date_from)s to %(date_to)s: nothing can be billed.",
                        unit=unit.code,
                        type=type_label,
                        date_from=date_from,
                        date_to=date_to,
                    )
                )
            total = quantity(sum(quantity(r.consumption) for r in billed))
            if start < date_from and billed:
                warnings.append(
                    self.env._(
                        "Includes the %(type)s consumption since %(date)s, "
                        "not billed before.",
                        type=type_label,
                        date=start,
                    )
                )
            warnings.extend(
                reading.anomaly_reason
                for reading in billed
                if reading.anomaly_kind == HIGH
            )
            if not missing and total == 0 and unit.id in occupied:
                warnings.append(
                    self.env._(
                        "No %(type)s consumption on occupied unit %(unit)s from "
                        "%(date_from)s to %(date_to)s: check the meter.",
                        type=type_label,
                        unit=unit.code,
                        date_from=date_from,
                        date_to=date_to,
                    )
                )
            results[unit.id] = {
                "quantity": float(total),
                "warnings": warnings,
                "reading_ids": Reading.browse(
                    [r.id for r in sorted(billed, key=lambda r: (r.date, r.id))]
                ),
                "missing": missing,
            }
        return results

    @api.model
    def _unbilled_since(self, units, meter_type, date_from):
        """``{unit id: first unbilled day}`` for the units whose metered
        charges of ``meter_type`` were last billed, to the tenant billed on
        ``date_from``, up to a day before ``date_from - 1``: a skipped period
        (reading missing) is billed with the next one."""
        groups = self.env["property.billing.key"]._read_group(
            [
                ("occupancy_id.unit_id", "in", units.ids),
                ("item_id.kind", "=", "metered"),
                ("item_id.meter_type", "=", meter_type),
                ("period_end", "<", date_from),
            ],
            ["occupancy_id"],
            ["period_end:max"],
        )
        last_billed = {}
        for occupancy, last_end in groups:
            # only within the same tenancy: a former tenant's gap is never
            # billed to the next one
            if not last_end or (
                occupancy.move_out_date and occupancy.move_out_date < date_from
            ):
                continue
            unit_id = occupancy.unit_id.id
            last_billed[unit_id] = max(last_end, last_billed.get(unit_id, last_end))
        since = {}
        for unit_id, last_end in last_billed.items():
            start = last_end + timedelta(days=1)
            if start < date_from:
                since[unit_id] = start
        return since

    @api.model
    def _units_occupied(self, units, date_from, date_to):
        """Ids of ``units`` occupied at some time in ``[date_from, date_to]``."""
        occupancies = self.env["property.occupancy"].search_fetch(
            [
                ("unit_id", "in", units.ids),
                ("state", "in", ("active", "ended")),
                ("move_in_date", "<=", date_to),
                "|",
                ("move_out_date", "=", False),
                ("move_out_date", ">=", date_from),
            ],
            ["unit_id"],
        )
        return set(occupancies.unit_id.ids)
