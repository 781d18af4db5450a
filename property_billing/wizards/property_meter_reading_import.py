import base64
import csv
import io
from datetime import date, datetime, time

import psycopg2

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.property_tenant.spreadsheet import (
    csv_safe_rows,
    csv_unquote,
    new_workbook,
)
from odoo.addons.property_tenant.utils import normalize_header

from ..metering import parse_date, parse_flag, parse_number, quantity
from ..table_file import TableFileError, Uncomputed, error_message, open_table

# Column of the file -> the titles it may have (compared by normalize_header).
COLUMN_TITLES = {
    "serial": (
        "serial",
        "serial number",
        "meter",
        "meter serial",
        "meter no",
        "meter number",
        "表号",
        "表编号",
        "仪表编号",
    ),
    "site": ("site", "site code", "项目", "项目编码", "小区"),
    "unit": ("unit", "unit code", "room", "房号", "房间号", "单元编号"),
    "meter_type": ("type", "meter type", "表类型", "类型", "表计类型"),
    "date": ("date", "reading date", "抄表日期", "日期"),
    "value": ("value", "reading", "reading value", "读数", "本次读数", "抄表读数"),
    "reader": ("reader", "reader login", "read by", "login", "抄表员", "抄表人"),
    "rollover": ("rollover", "is rollover", "翻表"),
}
TITLE_COLUMNS = {
    normalize_header(title): column
    for column, titles in COLUMN_TITLES.items()
    for title in titles
}
TYPE_WORDS = {
    "water": ("water", "水", "水表", "自来水"),
    "electricity": ("electricity", "electric", "power", "电", "电表", "电力"),
    "gas": ("gas", "气", "燃气", "燃气表", "煤气"),
}


def _parse_reading(cell):
    value = parse_number(cell)
    if value < 0:
        raise ValueError(cell)
    return value


# Column of the file -> how its cell is read (ValueError: not readable).
CELL_PARSERS = {"date": parse_date, "value": _parse_reading, "rollover": parse_flag}
# Field of a refused reading -> column of the file it came from.
FIELD_COLUMNS = {"value": "value", "date": "date", "is_rollover": "rollover"}


class PropertyMeterReadingImport(models.TransientModel):
    """Import of meter readings from an xlsx or csv file: each row is a
    reading, recorded on its own; rows in error are rejected and listed
    with their row and column, the others are kept."""

    _name = "property.meter.reading.import"
    _description = "Import Meter Readings"

    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("done", "Done")], default="upload", required=True
    )
    line_ids = fields.One2many(
        "property.meter.reading.import.line", "wizard_id", string="Rows Reported"
    )
    created_count = fields.Integer(string="Imported", readonly=True)
    duplicate_count = fields.Integer(string="Already Imported", readonly=True)
    error_count = fields.Integer(string="Rows Rejected", readonly=True)
    reading_ids = fields.Many2many("property.meter.reading", readonly=True)
    report_file = fields.Binary(readonly=True, attachment=False)
    report_filename = fields.Char(readonly=True)

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------
    def _open_table(self):
        """The :class:`~..table_file.Table` of the file; its ``mapping`` is
        ``({column: index}, {column: title})``."""
        self.ensure_one()
        content = base64.b64decode(self.file or b"")
        return open_table(content, self.filename, _header_columns)

    def _file_error_message(self, error):
        """A file that is not a table, or without the columns needed, is
        refused as a whole with this message."""
        if error.code != "no_header":
            return error_message(self.env, error)
        return self.env._(
            "A row at the top of the file must name its columns: meter "
            "serial number (or unit code and meter type), date and "
            "reading; optionally site, reader login and rollover. "
            "Found: %(found)s.",
            found=error.detail or "-",
        )

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------
    def action_import(self):
        self.ensure_one()
        try:
            with self._open_table() as table:
                indexes, titles = table.mapping
                report = _Report(titles)
                candidates, cells_by_row = self._parse_rows(table.rows, indexes, report)
                header, file_format = table.header, table.format
        except TableFileError as error:
            raise UserError(self._file_error_message(error)) from error
        if not candidates and not report.entries:
            raise UserError(
                self.env._(
                    "The file has a header row but no reading below it: check "
                    "that it is the right file and import it again."
                )
            )
        self._mark_duplicates(candidates, report)
        done = report.rows | report.duplicates
        todo = [c for c in candidates if c[0] not in done]
        todo.sort(key=lambda c: (c[2]["date"], c[0]))
        created = self._create_readings(todo, report)
        self.line_ids.unlink()
        self.write(
            {
                "state": "done",
                "line_ids": [
                    fields.Command.create(vals) for vals in report.line_vals()
                ],
                "created_count": len(created),
                "duplicate_count": len(report.duplicates),
                "error_count": len(report.rows),
                "reading_ids": [fields.Command.set(created.ids)],
            }
        )
        if report.entries:
            cells_by_row.update((number, cells) for number, cells, _v in candidates)
            self._write_report(header, cells_by_row, report, file_format)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import Meter Readings"),
        }

    def _parse_rows(self, rows, indexes, report):
        """``(candidates, cells of the rejected rows)`` of the data rows,
        read one at a time: candidates are ``(number, cells, vals)``."""
        cache = {"readers": {}, "meters": {}}
        candidates, rejected = [], {}
        for number, cells in rows:
            if not any(_text(c) for c in cells):
                continue
            vals = self._parse_row(number, cells, indexes, report, cache)
            if vals:
                candidates.append((number, tuple(cells), vals))
            else:
                rejected[number] = tuple(cells)
        return candidates, rejected

    def _create_readings(self, todo, report):
        """The readings of the rows ``todo``: all at once when none is
        refused (the usual case), else row by row, each on its own."""
        Reading = self.env["property.meter.reading"].with_context(
            mail_create_nolog=True
        )
        try:
            with self.env.cr.savepoint():
                return Reading.create([vals for _n, _c, vals in todo])
        except (ValidationError, psycopg2.IntegrityError):
            created = Reading
        for number, _cells, vals in todo:
            try:
                with self.env.cr.savepoint():
                    created |= Reading.create(vals)
            except ValidationError as error:
                field_name = getattr(error, "field_name", None)
                report.add(
                    number,
                    FIELD_COLUMNS.get(field_name, "value"),
                    str(error.args[0]),
                )
            except psycopg2.IntegrityError:
                report.add(
                    number,
                    "date",
                    self.env._("The meter already has a reading on this date."),
                )
        return created

    def _parse_row(self, number, cells, indexes, report, cache):
        """The values of the reading of a row, or ``None`` when the row is
        rejected (its errors are added to ``report``)."""

        def cell(column):
            index = indexes.get(column)
            if index is None or index >= len(cells):
                return None
            return cells[index]

        errors = []
        reading_date = self._cell_value(cell, "date", errors)
        value = self._cell_value(cell, "value", errors)
        is_rollover = self._cell_value(cell, "rollover", errors) or False
        reader = self._reader(_text(cell("reader")), cache["readers"], errors)
        meter, meter_column, meter_error = self._meter(
            cell, reading_date, cache["meters"]
        )
        if meter_error:
            errors.append((meter_column, meter_error))
        for column, message in errors:
            report.add(number, column, message)
        if errors:
            return None
        return {
            "meter_id": meter.id,
            "date": reading_date,
            "value": float(value),
            "is_rollover": is_rollover,
            "reader_id": reader.id,
            "origin": "import",
        }

    def _cell_value(self, cell, column, errors):
        """The value of ``column`` (date, value or rollover) of a row, or
        ``None`` with its error added to ``errors``."""
        raw = cell(column)
        if isinstance(raw, Uncomputed):
            errors.append(
                (
                    column,
                    self.env._(
                        "%(cell)s is a formula saved without its value: open the "
                        "file in Excel, save it and import it again.",
                        cell=raw,
                    ),
                )
            )
            return None
        try:
            return CELL_PARSERS[column](raw)
        except ValueError:
            errors.append((column, self._cell_error(column, raw)))
            return None

    def _cell_error(self, column, raw):
        shown = _text(raw) or self.env._("(empty)")
        if column == "date":
            return self.env._(
                "%(cell)s is not a date: write it year first, as YYYY-MM-DD.",
                cell=shown,
            )
        if column == "value":
            return self.env._(
                "%(cell)s is not a reading: write the register value as "
                "a number of zero or more.",
                cell=shown,
            )
        return self.env._(
            "%(cell)s is not yes or no: write 1 for a rollover, 0 or "
            "nothing otherwise.",
            cell=_text(raw),
        )

    def _reader(self, login, cache, errors):
        """The user of the reader login of a row (the importing user
        without one)."""
        if not login:
            return self.env.user
        if login not in cache:
            cache[login] = self.env["res.users"].search(
                [("login", "=", login)], limit=1
            )
        if not cache[login]:
            errors.append(
                ("reader", self.env._("No user has the login %(login)s.", login=login))
            )
        return cache[login]

    def _meter(self, cell, reading_date, cache):
        """``(meter, column, error)`` of a row."""
        Meter = self.env["property.meter"]
        serial = _text(cell("serial"))
        if serial:
            if serial not in cache:
                cache[serial] = Meter.search([("serial", "=", serial)])
            meters = cache[serial]
            if not meters:
                return (
                    Meter,
                    "serial",
                    self.env._(
                        "No meter has the serial number %(serial)s.", serial=serial
                    ),
                )
            if len(meters) > 1:
                return (
                    Meter,
                    "serial",
                    self.env._(
                        "Several companies have a meter %(serial)s: import the file "
                        "in one company at a time.",
                        serial=serial,
                    ),
                )
            return meters, "serial", None
        code = _text(cell("unit"))
        if not code:
            return (
                Meter,
                "serial" if cell("serial") is not None else "unit",
                self.env._(
                    "Give the meter serial number, or the unit code and meter type."
                ),
            )
        meter_type = _meter_type(self.env, cell("meter_type"))
        if not meter_type:
            return (
                Meter,
                "meter_type",
                self.env._(
                    "%(cell)s is not a meter type: write water, electricity or gas.",
                    cell=_text(cell("meter_type")) or self.env._("(empty)"),
                ),
            )
        unit_domain = [("code", "=", code)]
        site = _text(cell("site"))
        if site:
            unit_domain.append(("site_id.code", "=", site))
        units = self.env["property.unit"].search(unit_domain)
        if not units:
            return (
                Meter,
                "unit",
                self.env._("No unit has the code %(code)s.", code=code),
            )
        if len(units) > 1:
            return (
                Meter,
                "unit",
                self.env._(
                    "Units of several sites have the code %(code)s: add a site "
                    "column with the site code, or use the meter serial numbers.",
                    code=code,
                ),
            )
        meters = Meter.search(
            [("unit_id", "=", units.id), ("meter_type", "=", meter_type)]
        )
        if reading_date:
            meters = meters.filtered(
                lambda m: (
                    m.install_date <= reading_date
                    and (not m.replaced_on or m.replaced_on >= reading_date)
                )
            )
        if len(meters) != 1:
            return (
                Meter,
                "unit",
                self.env._(
                    "Unit %(code)s has %(count)s meters of this type on that date: "
                    "use the meter serial number.",
                    code=code,
                    count=len(meters),
                ),
            )
        return meters, "unit", None

    def _mark_duplicates(self, candidates, report):
        """Rows already imported (same meter, date and reading as a
        recorded reading or an earlier row) are reported as such; the same
        meter and date with another reading is an error."""
        Reading = self.env["property.meter.reading"]
        meter_ids = {vals["meter_id"] for _n, _c, vals in candidates}
        dates = {vals["date"] for _n, _c, vals in candidates}
        existing = (
            {
                (r.meter_id.id, r.date): r
                for r in Reading.search(
                    [("meter_id", "in", list(meter_ids)), ("date", "in", list(dates))]
                )
            }
            if candidates
            else {}
        )
        seen = {}
        for number, _cells, vals in candidates:
            key = (vals["meter_id"], vals["date"])
            value = quantity(vals["value"])
            reading = existing.get(key)
            if reading:
                if quantity(reading.value) == value:
                    report.duplicate(
                        number,
                        self.env._(
                            "Already imported: meter %(serial)s has this reading "
                            "(%(value)s) on %(date)s.",
                            serial=reading.meter_id.serial,
                            value=reading.value,
                            date=reading.date,
                        ),
                    )
                else:
                    report.add(
                        number,
                        "value",
                        self.env._(
                            "Meter %(serial)s already has another reading on "
                            "%(date)s (%(value)s): correct that reading in Odoo if "
                            "the file is right.",
                            serial=reading.meter_id.serial,
                            value=reading.value,
                            date=reading.date,
                        ),
                    )
                continue
            if key in seen:
                first_number, first_value = seen[key]
                if first_value == value:
                    report.duplicate(
                        number,
                        self.env._("Same reading as row %(row)s.", row=first_number),
                    )
                else:
                    report.add(
                        number,
                        "value",
                        self.env._(
                            "Row %(row)s has another reading of the same meter "
                            "on the same date.",
                            row=first_number,
                        ),
                    )
                continue
            seen[key] = (number, value)

    # ------------------------------------------------------------------
    # Report
    # ------------------------------------------------------------------
    def _write_report(self, header, cells_by_row, report, file_format):
        """The rejected and already imported rows, as they were in the file
        followed by the row number, status and message; in the file's
        format, so that it can be corrected and imported again."""
        statuses = dict(
            self.env["property.meter.reading.import.line"]
            ._fields["status"]
            ._description_selection(self.env)
        )
        extra = [
            self.env._("Row"),
            self.env._("Status"),
            self.env._("Column"),
            self.env._("Message"),
        ]
        width = len(header)
        lines = [[_text(c) for c in header] + extra]
        for number, entries in report.by_row():
            cells = list(cells_by_row.get(number, []))[:width]
            cells = [_plain(c) for c in cells] + [""] * (width - len(cells))
            lines.append(
                cells
                + [
                    number,
                    statuses[entries[0][1]],
                    ", ".join(report.title(e[0]) for e in entries if e[0]),
                    "\n".join(e[2] for e in entries),
                ]
            )
        base = (self.filename or "readings").rsplit(".", 1)[0]
        if file_format == "xlsx":
            workbook = new_workbook(io.BytesIO())
            columns = [(title, "auto") for title in lines[0]]
            workbook.write_table(self.env._("Report"), columns, lines[1:])
            data, filename = workbook.content(), f"{base}-report.xlsx"
        else:
            output = io.StringIO()
            csv.writer(output).writerows(csv_safe_rows(lines))
            data, filename = output.getvalue().encode("utf-8-sig"), f"{base}-report.csv"
        self.write({"report_file": base64.b64encode(data), "report_filename": filename})

    def action_view_readings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "property_billing.property_meter_reading_action"
        )
        action["domain"] = [("id", "in", self.reading_ids.ids)]
        action["context"] = {}
        return action


class _Report:
    """What happened to the rows of an import."""

    def __init__(self, titles):
        self.titles = titles
        self.entries = []  # (row, column, status, message)
        self.rows = set()  # rejected rows
        self.duplicates = set()

    def add(self, row, column, message):
        self.entries.append((row, column, "error", message))
        self.rows.add(row)

    def duplicate(self, row, message):
        self.entries.append((row, "", "duplicate", message))
        self.duplicates.add(row)

    def title(self, column):
        return self.titles.get(column) or column

    def line_vals(self):
        return [
            {
                "row": row,
                "column": self.title(column) if column else False,
                "status": status,
                "message": message,
            }
            for row, column, status, message in sorted(self.entries, key=lambda e: e[0])
        ]

    def by_row(self):
        grouped = {}
        for row, column, status, message in self.entries:
            grouped.setdefault(row, []).append((column, status, message))
        return sorted(grouped.items())


def _text(cell):
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return csv_unquote(str(cell).strip())


def _plain(cell):
    if isinstance(cell, datetime):
        if cell.time() == time.min:
            return cell.date().isoformat()
        return cell.isoformat(" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return "" if cell is None else cell


def _header_columns(cells):
    """``({column: index}, {column: title})`` of a header row, or ``None``
    when ``cells`` do not name the columns needed."""
    indexes, titles = {}, {}
    for index, cell in enumerate(cells):
        column = TITLE_COLUMNS.get(normalize_header(cell))
        if column and column not in indexes:
            indexes[column] = index
            titles[column] = _text(cell)
    has_meter = "serial" in indexes or {"unit", "meter_type"} <= set(indexes)
    if not has_meter or not {"date", "value"} <= set(indexes):
        return None
    return indexes, titles


def _meter_type(env, cell):
    text = normalize_header(cell)
    if not text:
        return None
    labels = dict(
        env["property.meter"]._fields["meter_type"]._description_selection(env)
    )
    for meter_type, words in TYPE_WORDS.items():
        if text in {normalize_header(w) for w in (*words, labels.get(meter_type))}:
            return meter_type
    return None
