"""The dry run of a go-live workbook: every row checked against the file
and the database, and what applying it would do.

:class:`GoliveCheck` reads nothing but the tables and a few searches made
once per sheet (never one per row), writes nothing, and leaves for the
apply step one :class:`Row` per line of the file: its converted values, its
action (create, update, unchanged, error), the reason in the user's
language and the existing record it would update."""

from odoo.addons.property_tenant.utils import periods_overlap

from .checker_documents import DocumentChecks
from .checker_finance import FinanceChecks
from .sheets import (
    METER_TYPE_WORDS,
    RELATION_WORDS,
    SHEETS,
    SHEETS_BY_KEY,
    TENANT_KIND_WORDS,
    USAGE_WORDS,
    col_title,
    sheet_title,
)
from .workbook import CONVERTERS, CellError


class Row:
    __slots__ = ("sheet", "number", "values", "action", "reason", "record", "changes")

    def __init__(self, sheet, number, values):
        self.sheet = sheet
        self.number = number
        self.values = values
        self.action = None
        self.reason = ""
        self.record = None
        self.changes = {}

    def archive_key(self):
        v = self.values
        return (v["site_code"], v["unit_code"], v["tenant_name"], v["move_in_date"])


class GoliveCheck(DocumentChecks, FinanceChecks):
    def __init__(self, env, company, tables, today):
        self.env = env
        self._ = env._
        self.company = company
        self.tables = tables
        self.today = today
        self.rows = {sheet.key: [] for sheet in SHEETS}
        self.sites = {}
        self.buildings = {}
        self.units = {}
        self.archives = {}
        self.items = {}

    # ------------------------------------------------------------------
    def run(self):
        for sheet in SHEETS:
            header, raw_rows = self.tables.get(sheet.key, ({}, []))
            rows = [self._convert(sheet, header, n, raw) for n, raw in raw_rows]
            self.rows[sheet.key] = rows
        codes = {
            row.values.get("site_code")
            for rows in self.rows.values()
            for row in rows
            if row.values.get("site_code")
        }
        self._load_sites(codes)
        for sheet in SHEETS:
            rows = self.rows[sheet.key]
            valid = [row for row in rows if row.action != "error"]
            getattr(self, f"_check_{sheet.key}")(valid)
            self._keep_broken(sheet.key, rows)
            for row in rows:
                row.action = row.action or "create"
        return self

    def _keep_broken(self, key, rows):
        """Rows in error stay known by their key, so the rows that refer to
        them say which row to correct rather than "not found"."""
        if key == "units":
            for row in rows:
                unit_key = (row.values.get("site_code"), row.values.get("unit_code"))
                if row.action == "error" and unit_key not in self.units:
                    self.units[unit_key] = {"row": row}
        elif key == "archives":
            for row in rows:
                if row.action == "error" and all(
                    row.values.get(k)
                    for k in ("site_code", "unit_code", "tenant_name", "move_in_date")
                ):
                    self.archives.setdefault(row.archive_key(), {"row": row})

    def _broken(self, row, col_key, found):
        """Whether ``found`` (a row of the file) has an error: then ``row``
        gets one naming it."""
        if isinstance(found, dict) and found["row"].action == "error":
            self._error(
                row,
                col_key,
                self._(
                    "it refers to row %(row)s of sheet %(sheet)s, which has an error.",
                    row=found["row"].number,
                    sheet=sheet_title(SHEETS_BY_KEY[found["row"].sheet]),
                ),
            )
            return True
        return False

    def _error(self, row, col_key, message):
        if row.action == "error":
            return
        sheet = SHEETS_BY_KEY[row.sheet]
        col = next((c for c in sheet.cols if c.key == col_key), None)
        row.action = "error"
        row.reason = self._(
            "Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s",
            sheet=sheet_title(sheet),
            row=row.number,
            column=col_title(col) if col else "-",
            message=message,
        )

    def _convert(self, sheet, header, number, raw):
        row = Row(sheet.key, number, {})
        shapes = {
            "date": self._("a date like 2026-01-31"),
            "period": self._("a month like 2026-01"),
            "number": self._("a number"),
            "integer": self._("a whole number"),
        }
        for col in sheet.cols:
            if col.key not in header and col.required:
                self._error(
                    row, col.key, self._("the column is missing from the sheet.")
                )
                continue
            try:
                value = CONVERTERS[col.kind](raw.get(col.key))
            except CellError as error:
                self._error(
                    row,
                    col.key,
                    self._(
                        "%(value)s is not %(shape)s.",
                        value=raw.get(col.key),
                        shape=shapes[error.args[0]],
                    ),
                )
                continue
            if col.required and value in (None, ""):
                self._error(row, col.key, self._("this cell is required."))
            row.values[col.key] = value
        return row

    def _word(self, row, col_key, words, default=None):
        value = row.values.get(col_key)
        if not value:
            return default
        found = words.get(str(value).strip().lower())
        if not found:
            self._error(
                row,
                col_key,
                self._(
                    "%(value)s is not one of: %(choices)s.",
                    value=value,
                    choices=", ".join(words),
                ),
            )
        return found

    def _not_future(self, row, col_key, day):
        if day and day > self.today:
            self._error(row, col_key, self._("%(date)s is in the future.", date=day))

    def _positive(self, row, col_key):
        if (row.values.get(col_key) or 0) <= 0:
            self._error(row, col_key, self._("the amount must be greater than zero."))

    def _duplicate(self, seen, key, row, col_key):
        if key in seen:
            self._error(
                row,
                col_key,
                self._(
                    "the same line is already on row %(row)s of this sheet.",
                    row=seen[key],
                ),
            )
            return True
        seen[key] = row.number
        return False

    @staticmethod
    def _compare(row, record, values):
        """Set the row's action from the differences with ``record``."""
        row.record = record
        row.changes = {
            field: value for field, value in values.items() if record[field] != value
        }
        row.action = "update" if row.changes else "unchanged"

    # ------------------------------------------------------------------
    # Sites, buildings, units
    # ------------------------------------------------------------------
    def _load_sites(self, codes):
        Site = self.env["property.site"].with_context(active_test=False)
        new = Site.search(
            [("company_id", "=", self.company.id), ("code", "in", list(codes))]
        )
        self.sites.update({site.code: site for site in new})
        self._db_periods = {}
        if new:
            Building = self.env["property.building"].with_context(active_test=False)
            for building in Building.search([("site_id", "in", new.ids)]):
                self.buildings[(building.site_id.code, building.code)] = building
            Unit = self.env["property.unit"].with_context(active_test=False)
            units = Unit.search_fetch(
                [("site_id", "in", new.ids)],
                ["code", "site_id", "building_id", "area", "usage", "floor"],
            )
            for unit in units:
                self.units[(unit.site_id.code, unit.code)] = unit
            self._load_archives(units)

    def _check_units(self, rows):
        seen = {}
        for row in rows:
            v = row.values
            usage = self._word(row, "usage", USAGE_WORDS)
            if (v.get("area") or 0) <= 0:
                self._error(
                    row, "area", self._("the floor area must be greater than zero.")
                )
            site = self.sites.get(v["site_code"])
            if not site:
                if not v.get("site_name"):
                    self._error(
                        row,
                        "site_name",
                        self._(
                            "the site %(code)s is new: give its name.",
                            code=v["site_code"],
                        ),
                    )
                else:
                    self.sites[v["site_code"]] = v["site_name"]
            bkey = (v["site_code"], v["building_code"])
            self.buildings.setdefault(
                bkey, v.get("building_name") or v["building_code"]
            )
            key = (v["site_code"], v["unit_code"])
            if self._duplicate(seen, key, row, "unit_code") or row.action == "error":
                continue
            v["usage"] = usage
            unit = self.units.get(key)
            if unit is not None and not isinstance(unit, dict):
                building = self.buildings[bkey]
                values = {
                    "area": v["area"],
                    "usage": usage,
                    "floor": v.get("floor") or 0,
                }
                self._compare(row, unit, values)
                if isinstance(building, str) or unit.building_id != building:
                    row.changes["building"] = bkey
                    row.action = "update"
            else:
                self.units[key] = {"row": row}

    # ------------------------------------------------------------------
    # Archives and members
    # ------------------------------------------------------------------
    def _load_archives(self, units):
        Occupancy = self.env["property.occupancy"].with_context(active_test=False)
        occupancies = Occupancy.search_fetch(
            [("unit_id", "in", units.ids), ("state", "!=", "cancel")],
            [
                "unit_id",
                "tenant_id",
                "move_in_date",
                "move_out_date",
                "handover_date",
                "state",
                "tenant_kind",
            ],
        )
        for occ in occupancies:
            key = (
                occ.unit_id.site_id.code,
                occ.unit_id.code,
                occ.tenant_id.name,
                occ.move_in_date,
            )
            self.archives[key] = occ
            if occ.state in ("active", "ended"):
                self._db_periods.setdefault(key[:2], []).append((key, occ._period()))

    def _unit_of(self, row):
        key = (row.values["site_code"], row.values["unit_code"])
        if self._broken(row, "unit_code", self.units.get(key)):
            return None
        if key not in self.units:
            self._error(
                row,
                "unit_code",
                self._(
                    "unit %(unit)s of site %(site)s is neither in the Units sheet "
                    "nor in the database.",
                    unit=key[1],
                    site=key[0],
                ),
            )
            return None
        return self.units[key]

    def _check_archives(self, rows):
        seen = {}
        periods = {}
        for row in rows:
            v = row.values
            self._unit_of(row)
            kind = self._word(row, "tenant_kind", TENANT_KIND_WORDS, "resident")
            self._not_future(row, "move_in_date", v["move_in_date"])
            if v.get("move_out_date") and v["move_out_date"] < v["move_in_date"]:
                self._error(
                    row,
                    "move_out_date",
                    self._("the move-out date is before the move-in date."),
                )
            key = row.archive_key()
            if self._duplicate(seen, key, row, "tenant_name") or row.action == "error":
                continue
            v["tenant_kind"] = kind
            periods.setdefault(key[:2], []).append(
                (row, (v["move_in_date"], v.get("move_out_date")))
            )
            occ = self.archives.get(key)
            if occ is not None and not isinstance(occ, dict):
                self._compare(
                    row,
                    occ,
                    {
                        "move_out_date": v.get("move_out_date") or False,
                        "tenant_kind": kind,
                    },
                )
            else:
                self.archives[key] = {"row": row}
        self._check_overlaps(periods)

    def _check_overlaps(self, periods):
        db_periods = self._db_periods
        for unit_key, file_periods in periods.items():
            file_keys = {row.archive_key() for row, _period in file_periods}
            others = [
                (None, key, period)
                for key, period in db_periods.get(unit_key, [])
                if key not in file_keys
            ]
            others += [(row, row.archive_key(), period) for row, period in file_periods]
            for index, (row, key, period) in enumerate(others):
                if row is None:
                    continue
                for other_row, other_key, other_period in (
                    others[:index] + others[index + 1 :]
                ):
                    if other_row is not None and other_row.number > row.number:
                        continue
                    if periods_overlap(*period, *other_period):
                        self._error(
                            row,
                            "move_in_date",
                            self._(
                                "unit %(unit)s is already occupied by %(tenant)s "
                                "from %(start)s: "
                                "two archives of a unit cannot overlap.",
                                unit=key[1],
                                tenant=other_key[2],
                                start=other_period[0],
                            ),
                        )
                        break

    def _archive_of(self, row):
        key = row.archive_key()
        archive = self.archives.get(key)
        if self._broken(row, "tenant_name", archive):
            return None
        if archive is None:
            self._error(
                row,
                "tenant_name",
                self._(
                    "the archive of %(tenant)s in unit %(unit)s from %(date)s is "
                    "neither in the "
                    "Archives sheet nor in the database.",
                    tenant=key[2],
                    unit=key[1],
                    date=key[3],
                ),
            )
            return None
        return archive

    def _check_members(self, rows):
        occ_ids = [a.id for a in self.archives.values() if not isinstance(a, dict)]
        members = {}
        if occ_ids:
            for member in (
                self.env["property.occupancy.member"]
                .with_context(active_test=False)
                .search([("occupancy_id", "in", occ_ids)])
            ):
                members[(member.occupancy_id.id, member.name)] = member
        seen = {}
        for row in rows:
            archive = self._archive_of(row)
            relation = self._word(row, "relation", RELATION_WORDS, "other")
            key = (*row.archive_key(), row.values["member_name"])
            if self._duplicate(seen, key, row, "member_name") or row.action == "error":
                continue
            row.values["relation"] = relation
            member = not isinstance(archive, dict) and members.get(
                (archive.id, row.values["member_name"])
            )
            if member:
                self._compare(
                    row,
                    member,
                    {"relation": relation, "phone": row.values.get("phone") or False},
                )

    # ------------------------------------------------------------------
    # Meters
    # ------------------------------------------------------------------
    def _check_meters(self, rows):
        Meter = self.env["property.meter"].with_context(active_test=False)
        serials = [row.values["serial"] for row in rows]
        meters = {
            m.serial: m
            for m in Meter.search(
                [("company_id", "=", self.company.id), ("serial", "in", serials)]
            )
        }
        readings = {}
        for reading in self.env["property.meter.reading"].search_fetch(
            [("meter_id", "in", [m.id for m in meters.values()])],
            ["meter_id", "date", "value"],
        ):
            readings.setdefault(reading.meter_id.id, []).append(reading)
        seen = {}
        for row in rows:
            v = row.values
            unit = self._unit_of(row)
            v["meter_type"] = self._word(row, "meter_type", METER_TYPE_WORDS)
            self._not_future(row, "reading_date", v["reading_date"])
            if (v.get("reading_value") or 0) < 0:
                self._error(
                    row, "reading_value", self._("a meter reading cannot be negative.")
                )
            if (
                self._duplicate(seen, v["serial"], row, "serial")
                or row.action == "error"
            ):
                continue
            meter = meters.get(v["serial"])
            if not meter:
                continue
            if isinstance(unit, dict) or meter.unit_id != unit:
                self._error(
                    row,
                    "serial",
                    self._(
                        "meter %(serial)s is on unit %(unit)s in the database.",
                        serial=v["serial"],
                        unit=meter.unit_id.code,
                    ),
                )
                continue
            self._check_reading(row, meter, readings.get(meter.id, []))

    def _check_reading(self, row, meter, readings):
        v = row.values
        row.record = meter
        row.action = "unchanged"
        for reading in readings:
            if reading.date == v["reading_date"]:
                if reading.value != v["reading_value"]:
                    self._error(
                        row,
                        "reading_value",
                        self._(
                            "meter %(serial)s already has the reading %(value)s on "
                            "%(date)s.",
                            serial=v["serial"],
                            value=reading.value,
                            date=reading.date,
                        ),
                    )
                return
            before = reading.date < v["reading_date"]
            if (before and reading.value > v["reading_value"]) or (
                not before and reading.value < v["reading_value"]
            ):
                self._error(
                    row,
                    "reading_value",
                    self._(
                        "the readings of meter %(serial)s would decrease: %(value)s "
                        "on %(date)s.",
                        serial=v["serial"],
                        value=reading.value,
                        date=reading.date,
                    ),
                )
                return
        row.action = "update"
        row.changes = {"reading": True}

    # ------------------------------------------------------------------
    def errors(self):
        return [
            row for rows in self.rows.values() for row in rows if row.action == "error"
        ]

    def totals(self):
        """{sheet key: {action: count, "amount": sum}} of the rows."""
        totals = {}
        for key, rows in self.rows.items():
            sheet_totals = dict.fromkeys(("create", "update", "unchanged", "error"), 0)
            amount = 0.0
            for row in rows:
                sheet_totals[row.action] += 1
                amount += row.values.get("amount") or row.values.get("area") or 0.0
            sheet_totals["amount"] = round(amount, 2)
            totals[key] = sheet_totals
        return totals
