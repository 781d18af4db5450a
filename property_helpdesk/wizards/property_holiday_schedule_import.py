import base64
import csv
import io

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.property_tenant.utils import parse_date

# Words of the "kind" column -> kind of day (English and Chinese).
KIND_WORDS = {
    "holiday": "holiday",
    "休": "holiday",
    "假": "holiday",
    "放假": "holiday",
    "workday": "workday",
    "班": "workday",
    "上班": "workday",
    "调休上班": "workday",
}
HEADER_WORDS = {"date", "日期"}


class PropertyHolidayScheduleImport(models.TransientModel):
    """Import of the days of an official holiday schedule, pasted or from a
    csv file, one day a line: ``YYYY-MM-DD,holiday|workday,festival``. All
    lines or none: a bad line is refused with its number and nothing is
    written."""

    _name = "property.holiday.schedule.import"
    _description = "Import Official Holidays"

    schedule_id = fields.Many2one(
        "property.holiday.schedule", required=True, ondelete="cascade"
    )
    text = fields.Text(
        string="Days",
        help="One day a line: date (YYYY-MM-DD), holiday or workday, festival.",
    )
    file = fields.Binary(string="CSV File", attachment=False)
    filename = fields.Char()

    def _read_lines(self):
        """``[(line number, [cells])]`` of the file, else of the pasted text."""
        self.ensure_one()
        text = self.text or ""
        if self.file:
            content = base64.b64decode(self.file)
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = content.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise UserError(
                    self.env._(
                        "The file is neither UTF-8 nor GBK text: save it as UTF-8 csv."
                    )
                )
        rows = [
            (number, [cell.strip() for cell in cells])
            for number, cells in enumerate(csv.reader(io.StringIO(text)), 1)
            if any(cell.strip() for cell in cells)
        ]
        if rows and rows[0][1][0].lower() in HEADER_WORDS:
            rows = rows[1:]
        if not rows:
            raise UserError(self.env._("There is no day to import."))
        return rows

    def _parse(self, number, cells, seen):
        """The values of a schedule day, or the reason the line is refused."""
        if len(cells) < 3 or not cells[2]:
            return self.env._(
                "Line %(number)s: write the date, holiday or workday, and the "
                "festival, separated by commas.",
                number=number,
            )
        day = parse_date(cells[0])
        if not day:
            return self.env._(
                "Line %(number)s: “%(date)s” is not a date; write it as 2026-02-14.",
                number=number,
                date=cells[0],
            )
        kind = KIND_WORDS.get(cells[1].lower())
        if not kind:
            return self.env._(
                "Line %(number)s: “%(kind)s” is neither holiday nor workday.",
                number=number,
                kind=cells[1],
            )
        if day in seen:
            return self.env._(
                "Line %(number)s: %(date)s is already in the schedule.",
                number=number,
                date=day,
            )
        seen.add(day)
        return {"date": day, "kind": kind, "name": cells[2]}

    def action_import(self):
        self.ensure_one()
        seen = set(self.schedule_id.line_ids.mapped("date"))
        parsed = [
            self._parse(number, cells, seen) for number, cells in self._read_lines()
        ]
        errors = [result for result in parsed if isinstance(result, str)]
        if errors:
            raise UserError(
                self.env._("Nothing was imported.") + "\n" + "\n".join(errors)
            )
        self.schedule_id.write(
            {"line_ids": [fields.Command.create(vals) for vals in parsed]}
        )
        return {"type": "ir.actions.act_window_close"}
