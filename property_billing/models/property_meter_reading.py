from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare

from ..metering import (
    HIGH,
    LOWER,
    NEGATIVE,
    ROLLOVER_NO_REGISTER,
    ROLLOVER_NOT_LOWER,
    ZERO,
    anomaly,
    quantity,
    reading_consumption,
    reading_problem,
)

READING_ORIGINS = [
    ("manual", "Manual Entry"),
    ("batch", "Batch Entry"),
    ("import", "Import"),
    ("replacement", "Meter Replacement"),
]

ANOMALY_KINDS = [
    (HIGH, "Unusually High"),
    (ZERO, "Zero on Occupied Unit"),
]

# Fields whose change moves a reading in its meter's chain of readings.
CHAIN_FIELDS = {"meter_id", "date", "value", "is_rollover"}

DEFAULT_ANOMALY_FACTOR = 3.0
DEFAULT_ANOMALY_HISTORY = 3


class ReadingError(ValidationError):
    """A refused reading, with the field it is about (the import reports
    it as the column of the row)."""

    def __init__(self, message, field_name=None):
        super().__init__(message)
        self.field_name = field_name


class PropertyMeterReading(models.Model):
    """A reading (抄表) of a meter's register on a date.  Its consumption is
    the advance since the meter's previous reading, times the multiplier
    (see property_billing/metering.py)."""

    _name = "property.meter.reading"
    _description = "Meter Reading"
    _inherit = ["mail.thread"]
    _order = "date desc, meter_id, id desc"
    _check_company_auto = True

    meter_id = fields.Many2one(
        "property.meter",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    unit_id = fields.Many2one(related="meter_id.unit_id", store=True, index=True)
    site_id = fields.Many2one(related="meter_id.site_id", store=True, index=True)
    building_id = fields.Many2one(
        related="meter_id.building_id", store=True, index=True
    )
    company_id = fields.Many2one(related="meter_id.company_id", store=True, index=True)
    meter_type = fields.Selection(related="meter_id.meter_type", store=True, index=True)
    multiplier = fields.Float(related="meter_id.multiplier")
    date = fields.Date(
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
    )
    value = fields.Float(
        string="Reading",
        required=True,
        digits=(16, 3),
        tracking=True,
        help="Value shown by the register.",
    )
    reader_id = fields.Many2one(
        "res.users",
        string="Read By",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    photo = fields.Image(max_width=1920, max_height=1920)
    is_rollover = fields.Boolean(
        string="Rollover",
        tracking=True,
        help="The register passed its maximum and started again at zero since "
        "the previous reading (翻表).",
    )
    origin = fields.Selection(
        READING_ORIGINS, default="manual", required=True, readonly=True
    )
    note = fields.Char()
    previous_reading_id = fields.Many2one(
        "property.meter.reading",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    previous_value = fields.Float(
        readonly=True,
        digits=(16, 3),
        help="Previous reading of the meter, or its initial reading.",
    )
    consumption = fields.Float(
        compute="_compute_consumption",
        store=True,
        digits=(16, 3),
        aggregator="sum",
        help="Advance of the register since the previous reading, times the "
        "meter's multiplier.",
    )
    is_anomaly = fields.Boolean(string="Anomaly", readonly=True, index=True)
    anomaly_kind = fields.Selection(ANOMALY_KINDS, readonly=True)
    anomaly_average = fields.Float(
        string="Trailing Average",
        readonly=True,
        digits=(16, 3),
        help="Average consumption of the unit's previous readings when this "
        "one was checked.",
    )
    anomaly_reason = fields.Char(compute="_compute_anomaly_reason")

    _sql_constraints = [
        (
            "meter_date_uniq",
            "unique(meter_id, date)",
            "A meter has one reading per day: correct the existing reading "
            "instead of adding another.",
        ),
        (
            "value_positive",
            "CHECK(value >= 0)",
            "A meter reading cannot be negative.",
        ),
    ]

    @api.depends("meter_id.serial", "date", "value")
    def _compute_display_name(self):
        for reading in self:
            reading.display_name = (
                f"{reading.meter_id.serial or ''} {reading.date or ''}".strip()
            )

    @api.depends(
        "value",
        "previous_value",
        "is_rollover",
        "meter_id.multiplier",
        "meter_id.rollover_value",
    )
    def _compute_consumption(self):
        for reading in self:
            meter = reading.meter_id
            try:
                reading.consumption = float(
                    reading_consumption(
                        reading.previous_value,
                        reading.value,
                        meter.multiplier or 1.0,
                        reading.is_rollover,
                        meter.rollover_value,
                    )
                )
            except ValueError:
                # refused by _check_chain before anything is saved
                reading.consumption = 0.0

    @api.depends(
        "anomaly_kind", "anomaly_average", "consumption", "meter_id.serial", "date"
    )
    def _compute_anomaly_reason(self):
        for reading in self:
            if reading.anomaly_kind == HIGH:
                average = reading.anomaly_average
                reading.anomaly_reason = self.env._(
                    "Meter %(serial)s, %(date)s: consumption %(consumption)s is "
                    "%(ratio)s times the average of the previous readings "
                    "(%(average)s).",
                    serial=reading.meter_id.serial,
                    date=reading.date,
                    consumption=reading.consumption,
                    ratio=round(reading.consumption / average, 1) if average else "-",
                    average=average,
                )
            elif reading.anomaly_kind == ZERO:
                reading.anomaly_reason = self.env._(
                    "Meter %(serial)s, %(date)s: no consumption although the "
                    "unit is occupied.",
                    serial=reading.meter_id.serial,
                    date=reading.date,
                )
            else:
                reading.anomaly_reason = False

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains("date", "meter_id")
    def _check_dates(self):
        for reading in self:
            meter = reading.meter_id
            if reading.date < meter.install_date:
                raise ReadingError(
                    self.env._(
                        "The reading of meter %(serial)s is dated %(date)s, before "
                        "the meter was installed (%(install)s).",
                        serial=meter.serial,
                        date=reading.date,
                        install=meter.install_date,
                    ),
                    "date",
                )
            if meter.replaced_on and reading.date > meter.replaced_on:
                raise ReadingError(
                    self.env._(
                        "Meter %(serial)s was replaced on %(replaced)s: a reading of "
                        "%(date)s belongs to the new meter %(new)s.",
                        serial=meter.serial,
                        replaced=meter.replaced_on,
                        date=reading.date,
                        new=meter.replaced_by_id.serial or "-",
                    ),
                    "date",
                )

    def _check_chain(self):
        """Each reading against its previous one (see metering.py)."""
        for reading in self:
            meter = reading.meter_id
            problem = reading_problem(
                reading.previous_value,
                reading.value,
                reading.is_rollover,
                meter.rollover_value,
            )
            if not problem:
                continue
            values = {
                "serial": meter.serial,
                "date": reading.date,
                "value": reading.value,
                "previous": reading.previous_value,
                "previous_date": reading.previous_reading_id.date
                or self.env._("installation"),
                "maximum": meter.rollover_value,
            }
            if problem == NEGATIVE:
                message = self.env._(
                    "The reading of meter %(serial)s on %(date)s cannot be negative.",
                    **values,
                )
            elif problem == LOWER:
                message = self.env._(
                    "The reading of meter %(serial)s on %(date)s (%(value)s) is "
                    "lower than the previous one (%(previous)s, %(previous_date)s). "
                    "Check the figure; if the register passed its maximum and "
                    "started again at zero, tick Rollover; if the meter was "
                    "changed, use Replace Meter on the meter.",
                    **values,
                )
            elif problem == ROLLOVER_NOT_LOWER:
                message = self.env._(
                    "The reading of meter %(serial)s on %(date)s (%(value)s) is "
                    "marked as a rollover but is not lower than the previous one "
                    "(%(previous)s): untick Rollover.",
                    **values,
                )
            elif problem == ROLLOVER_NO_REGISTER:
                message = self.env._(
                    "Meter %(serial)s has no register maximum: set it on the "
                    "meter (e.g. 99999 for five digits) before recording a "
                    "rollover.",
                    **values,
                )
            else:
                message = self.env._(
                    "The reading of meter %(serial)s on %(date)s (%(value)s) is "
                    "above the register maximum of the meter (%(maximum)s).",
                    **values,
                )
            field_name = (
                "is_rollover"
                if problem in (ROLLOVER_NOT_LOWER, ROLLOVER_NO_REGISTER)
                else "value"
            )
            raise ReadingError(message, field_name)

    # ------------------------------------------------------------------
    # The chain of readings of a meter
    # ------------------------------------------------------------------
    def _check_free_dates(self, pairs):
        """One reading per meter and day: ``pairs`` of ``(meter id, date)``
        about to be saved (by these readings, if they exist already)."""
        seen = set()
        Meter = self.env["property.meter"]
        for meter_id, day in pairs:
            if (meter_id, day) in seen:
                raise ReadingError(
                    self.env._(
                        "Meter %(serial)s is read twice on %(date)s: keep one "
                        "reading per day.",
                        serial=Meter.browse(meter_id).serial,
                        date=day,
                    ),
                    "date",
                )
            seen.add((meter_id, day))
        if not seen:
            return
        others = self.search(
            [
                ("meter_id", "in", list({meter_id for meter_id, _day in seen})),
                ("date", "in", list({day for _meter_id, day in seen})),
                ("id", "not in", self.ids),
            ]
        )
        for other in others:
            if (other.meter_id.id, other.date) in seen:
                raise ReadingError(
                    self.env._(
                        "Meter %(serial)s already has a reading on %(date)s "
                        "(%(value)s): correct that reading instead of adding "
                        "another.",
                        serial=other.meter_id.serial,
                        date=other.date,
                        value=other.value,
                    ),
                    "date",
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.browse()._check_free_dates(
            [
                (vals["meter_id"], fields.Date.to_date(vals["date"]))
                for vals in vals_list
                if vals.get("meter_id") and vals.get("date")
            ]
        )
        readings = super().create(vals_list)
        readings._resync(readings._chain_points())
        return readings

    def write(self, vals):
        if not CHAIN_FIELDS & set(vals):
            return super().write(vals)
        if "meter_id" in vals or "date" in vals:
            self._check_free_dates(
                [
                    (
                        vals.get("meter_id") or reading.meter_id.id,
                        fields.Date.to_date(vals.get("date")) or reading.date,
                    )
                    for reading in self
                ]
            )
        points = self._chain_points()
        result = super().write(vals)
        for meter, since in self._chain_points().items():
            points[meter] = min(since, points.get(meter, since))
        self._resync(points)
        return result

    def unlink(self):
        points = self._chain_points()
        result = super().unlink()
        self.browse()._resync(points)
        return result

    def _chain_points(self):
        """``{meter: earliest date}`` of these readings: from there on their
        meters' chains change."""
        points = {}
        for reading in self:
            meter = reading.meter_id
            points[meter] = min(reading.date, points.get(meter, reading.date))
        return points

    def _resync(self, points):
        """Link every reading of each meter of ``points`` from its date on to
        its previous reading (hence its consumption), check them against it,
        then flag the anomalies of their units.  A few queries per distinct
        date, whatever the number of meters."""
        changed = self.browse()
        meters_by_since = defaultdict(list)
        for meter, since in points.items():
            meters_by_since[since].append(meter.id)
        Meter = self.env["property.meter"]
        for since, meter_ids in meters_by_since.items():
            meters = Meter.browse(meter_ids).exists()
            before = meters._last_readings(before=since)
            chains = defaultdict(list)
            for reading in self.search(
                [("meter_id", "in", meters.ids), ("date", ">=", since)],
                order="date, id",
            ):
                chains[reading.meter_id].append(reading)
            for meter, chain in chains.items():
                previous = before.get(meter.id, self.browse())
                value = previous.value if previous else meter.initial_reading
                for reading in chain:
                    if reading.previous_reading_id != previous or float_compare(
                        reading.previous_value, value, precision_digits=3
                    ):
                        reading.write(
                            {
                                "previous_reading_id": previous.id,
                                "previous_value": value,
                            }
                        )
                    previous, value = reading, reading.value
                    changed |= reading
        changed._check_chain()
        changed._update_anomalies()

    def _update_anomalies(self):
        """Flag the readings of the units of these readings, from the
        earliest of them on (a reading's flag depends on the ones before)."""
        since_by_key = {}
        for reading in self:
            key = (reading.unit_id.id, reading.meter_type)
            since_by_key[key] = min(reading.date, since_by_key.get(key, reading.date))
        keys_by_since = defaultdict(set)
        for key, since in since_by_key.items():
            keys_by_since[since].add(key)
        for since, keys in keys_by_since.items():
            self._update_anomalies_since(since, keys)

    def _update_anomalies_since(self, since, keys):
        """Flag the readings from ``since`` on of ``keys``, pairs of ``(unit
        id, meter type)``."""
        units = self.env["property.unit"].browse({unit_id for unit_id, _t in keys})
        meter_types = list({meter_type for _u, meter_type in keys})
        settings = {
            unit.id: (
                unit.site_id.meter_anomaly_factor or DEFAULT_ANOMALY_FACTOR,
                unit.site_id.meter_anomaly_history or DEFAULT_ANOMALY_HISTORY,
            )
            for unit in units
        }
        longest = max(count for _factor, count in settings.values())
        self.flush_model(["unit_id", "meter_type", "date", "consumption"])
        # the last readings before ``since`` of each unit and meter type
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM (
                    SELECT id, date, ROW_NUMBER() OVER (
                        PARTITION BY unit_id, meter_type ORDER BY date DESC, id DESC
                    ) AS position
                    FROM property_meter_reading
                    WHERE unit_id = ANY(%s) AND meter_type = ANY(%s) AND date < %s
                ) AS ranked
                WHERE position <= %s
                ORDER BY date, id
                """,
                units.ids,
                meter_types,
                since,
                longest,
            )
        )
        history = defaultdict(list)
        for reading in self.browse([row[0] for row in self.env.cr.fetchall()]):
            history[reading.unit_id.id, reading.meter_type].append(
                quantity(reading.consumption)
            )
        readings = self.search(
            [
                ("unit_id", "in", units.ids),
                ("meter_type", "in", meter_types),
                ("date", ">=", since),
            ],
            order="date, id",
        )
        occupancies = defaultdict(list)
        for occupancy in (
            self.env["property.occupancy"]
            .sudo()
            .search_fetch(
                [
                    ("unit_id", "in", units.ids),
                    ("state", "in", ("active", "ended")),
                    ("move_in_date", "<=", max(readings.mapped("date"), default=since)),
                ],
                ["unit_id", "move_in_date", "move_out_date"],
            )
        ):
            occupancies[occupancy.unit_id.id].append(occupancy)
        for reading in readings:
            key = (reading.unit_id.id, reading.meter_type)
            if key not in keys:
                continue
            factor, count = settings[reading.unit_id.id]
            occupied = any(
                o.move_in_date <= reading.date
                and (not o.move_out_date or o.move_out_date >= reading.date)
                for o in occupancies[reading.unit_id.id]
            )
            kind, average = anomaly(
                reading.consumption, history[key], factor, count, occupied
            )
            vals = {
                "is_anomaly": bool(kind),
                "anomaly_kind": kind or False,
                "anomaly_average": float(average or 0),
            }
            if any(reading[name] != vals[name] for name in vals):
                reading.write(vals)
            history[key].append(quantity(reading.consumption))

    # ------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------
    def action_open_meter(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "property.meter",
            "res_id": self.meter_id.id,
            "view_mode": "form",
        }
