import base64
import csv
import io
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from unittest.mock import patch

import openpyxl
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, Form, tagged
from odoo.tools import mute_logger

from odoo.addons.property_tenant.tests.spreadsheet_checks import (
    FORMULA_TEXT,
    assert_text_not_formula,
)

from ..metering import (
    HIGH,
    LOWER,
    ROLLOVER_NO_REGISTER,
    ROLLOVER_NOT_LOWER,
    ZERO,
    anomaly,
    parse_date,
    parse_flag,
    parse_number,
    reading_consumption,
    reading_problem,
    trailing_average,
)
from ..models.property_meter import CACHE_KEY, ConsumptionCache
from .common import PropertyBillingCase


@tagged("-at_install", "post_install")
class TestMeteringPure(BaseCase):
    def test_consumption(self):
        cases = [
            # (previous, value, multiplier, rollover, register, expected)
            (100, 130.5, 1, False, None, "30.500"),
            (1200, 1234.5, 40, False, None, "1380.000"),  # CT ratio 40
            (50.0, 62.4, 2.5, False, None, "31.000"),
            (10, 10, 1, False, None, "0.000"),
            (99990, 5, 1, True, 99999, "15.000"),  # 9 + 1 + 5
            (9990, 12, 2, True, 9999, "44.000"),  # (9 + 1 + 12) × 2
            (0.1, 0.3, 3, False, None, "0.600"),  # no float drift
        ]
        for previous, value, multiplier, rollover, register, expected in cases:
            with self.subTest(previous=previous, value=value):
                self.assertEqual(
                    reading_consumption(
                        previous, value, multiplier, rollover, register
                    ),
                    Decimal(expected),
                )

    def test_reading_problem(self):
        self.assertIsNone(reading_problem(10, 10))
        self.assertEqual(reading_problem(10, 9.999), LOWER)
        self.assertEqual(reading_problem(10, 5, True), ROLLOVER_NO_REGISTER)
        self.assertEqual(reading_problem(10, 12, True, 99999), ROLLOVER_NOT_LOWER)
        self.assertEqual(reading_problem(10, 100000, False, 99999), "above_register")
        self.assertEqual(reading_problem(0, -1), "negative")
        self.assertIsNone(reading_problem(99990, 5, True, 99999))
        with self.assertRaises(ValueError):
            reading_consumption(10, 9)

    def test_anomaly(self):
        self.assertEqual(trailing_average([10, 12, 14], 3), Decimal("12.000"))
        self.assertEqual(trailing_average([10, 100, 20], 2), Decimal("60.000"))
        self.assertEqual(trailing_average([7], 3), Decimal("7.000"))
        self.assertIsNone(trailing_average([], 3))
        history = [10, 12, 14]
        self.assertEqual(anomaly(36, history, 3, 3, True), (None, Decimal("12.000")))
        self.assertEqual(
            anomaly(36.001, history, 3, 3, True), (HIGH, Decimal("12.000"))
        )
        self.assertEqual(anomaly(0, history, 3, 3, True)[0], ZERO)
        self.assertIsNone(anomaly(0, history, 3, 3, False)[0])
        self.assertIsNone(anomaly(500, [], 3, 3, True)[0])  # nothing to compare
        self.assertIsNone(anomaly(500, [0, 0], 3, 3, True)[0])
        self.assertEqual(anomaly(25, history, 2, 3, True)[0], HIGH)

    def test_parse_cells(self):
        self.assertEqual(parse_number("1,234.5"), Decimal("1234.500"))
        self.assertEqual(parse_number("１２３．５"), Decimal("123.500"))
        self.assertEqual(parse_number(17), Decimal("17.000"))
        for bad in ("abc", "", None, True, "1.2.3", "nan"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                parse_number(bad)
        for cell in (
            "2026-03-31",
            "2026/3/31",
            "2026.03.31",
            "20260331",
            "2026年3月31日",
            "2026-03-31 00:00:00",
        ):
            with self.subTest(cell=cell):
                self.assertEqual(parse_date(cell), date(2026, 3, 31))
        self.assertEqual(parse_date(datetime(2026, 3, 31, 0, 0)), date(2026, 3, 31))
        for bad in ("31/13/2026", "", None, "yesterday"):
            with self.subTest(bad=bad), self.assertRaises(ValueError):
                parse_date(bad)
        self.assertTrue(parse_flag("是"))
        self.assertTrue(parse_flag(1))
        self.assertTrue(parse_flag("Yes"))
        self.assertFalse(parse_flag(None))
        self.assertFalse(parse_flag("0"))
        with self.assertRaises(ValueError):
            parse_flag("maybe")


class MeterCase(PropertyBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Meter = cls.env["property.meter"]
        cls.Reading = cls.env["property.meter.reading"]
        cls.meter_shop, cls.meter_office, cls.meter_home = cls.Meter.create(
            [
                {
                    "serial": "T-W-101",
                    "unit_id": cls.unit_shop.id,
                    "meter_type": "water",
                    "initial_reading": 100.0,
                    "install_date": date(2025, 6, 1),
                    "rollover_value": 99999.0,
                },
                {
                    "serial": "T-W-201",
                    "unit_id": cls.unit_office.id,
                    "meter_type": "water",
                    "multiplier": 2.5,
                    "initial_reading": 50.0,
                    "install_date": date(2025, 6, 1),
                },
                {
                    "serial": "T-W-301",
                    "unit_id": cls.unit_home.id,
                    "meter_type": "water",
                    "install_date": date(2025, 6, 1),
                },
            ]
        )

    @contextmanager
    def assertRefused(self, exception, pattern):
        """``exception`` with a message matching ``pattern``; what the
        refused call wrote is rolled back, as the request would be."""
        with self.assertRaises(exception) as catcher:
            yield
        self.assertRegex(str(catcher.exception.args[0]), pattern)

    def _read(self, meter, day, value, user=None, **vals):
        return (
            self.env["property.meter.reading"]
            .with_user(user or self.collector)
            .create({"meter_id": meter.id, "date": day, "value": value, **vals})
        )

    def _usage(self, unit, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)):
        return self.Meter.with_user(self.manager)._billing_consumption(
            unit, "water", date_from, date_to
        )


@tagged("-at_install", "post_install")
class TestMeters(MeterCase):
    def test_consumption_times_multiplier(self):
        first = self._read(self.meter_office, date(2026, 1, 31), 62.4)
        second = self._read(self.meter_office, date(2026, 2, 28), 70.0)
        self.assertEqual(first.previous_value, 50.0)
        self.assertFalse(first.previous_reading_id)
        self.assertEqual(first.consumption, 31.0)  # (62.4 - 50) × 2.5
        self.assertEqual(second.previous_reading_id, first)
        self.assertEqual(second.consumption, 19.0)  # (70 - 62.4) × 2.5
        self.assertEqual(second.reader_id, self.collector)

    def test_lower_reading_refused(self):
        self._read(self.meter_home, date(2026, 2, 28), 200)
        with self.assertRefused(ValidationError, "lower than the previous one"):
            self._read(self.meter_home, date(2026, 3, 31), 190)
        # a rollover needs the register maximum of the meter
        with self.assertRefused(ValidationError, "no register maximum"):
            self._read(self.meter_home, date(2026, 3, 31), 190, is_rollover=True)
        self.assertEqual(self.meter_home.reading_count, 1)

    def test_rollover(self):
        self._read(self.meter_shop, date(2026, 2, 28), 99990)
        with self.assertRefused(ValidationError, "not lower than the previous"):
            self._read(self.meter_shop, date(2026, 3, 31), 99995, is_rollover=True)
        reading = self._read(self.meter_shop, date(2026, 3, 31), 5, is_rollover=True)
        self.assertEqual(reading.consumption, 15.0)
        with self.assertRefused(ValidationError, "above the register maximum"):
            self._read(self.meter_shop, date(2026, 4, 30), 100000)
        self.assertEqual(self._usage(self.unit_shop)["quantity"], 15.0)

    def test_late_reading_rechains(self):
        self._read(self.meter_home, date(2026, 1, 31), 110)
        march = self._read(self.meter_home, date(2026, 3, 31), 150)
        self.assertEqual(march.consumption, 40.0)
        february = self._read(self.meter_home, date(2026, 2, 28), 130)
        self.assertEqual((february.consumption, march.consumption), (20.0, 20.0))
        self.assertEqual(march.previous_reading_id, february)
        # a late reading above the next one breaks the chain: refused whole
        with self.assertRefused(ValidationError, "lower than the previous one"):
            self._read(self.meter_home, date(2026, 3, 15), 160)
        self.assertEqual(self.meter_home.reading_count, 3)
        # correcting a value re-chains the next reading
        february.with_user(self.collector).value = 125
        self.assertEqual(march.consumption, 25.0)
        # deleting is for managers; the next reading then counts from the one before
        with self.assertRaises(AccessError):
            february.with_user(self.collector).unlink()
        february.with_user(self.manager).unlink()
        self.assertEqual(march.previous_value, 110.0)
        self.assertEqual(march.consumption, 40.0)

    def test_dates(self):
        self._read(self.meter_home, date(2026, 2, 28), 10)
        with self.assertRefused(ValidationError, "already has a reading on"):
            self._read(self.meter_home, date(2026, 2, 28), 12)
        with self.assertRefused(ValidationError, "before the meter was installed"):
            self._read(self.meter_home, date(2025, 5, 31), 0)

    def test_replacement(self):
        self._read(self.meter_shop, date(2026, 2, 28), 110)
        wizard = Form(
            self.env["property.meter.replace"]
            .with_user(self.collector)
            .with_context(default_meter_id=self.meter_shop.id)
        )
        self.assertEqual(wizard.final_reading, 110.0)  # last reading as default
        wizard.date = date(2026, 3, 15)
        wizard.final_reading = 130
        wizard.new_serial = "T-W-101B"
        wizard.new_initial_reading = 5
        action = wizard.save().action_confirm()
        new = self.Meter.browse(action["res_id"])
        old = self.meter_shop
        self.assertEqual((old.state, old.replaced_on), ("replaced", date(2026, 3, 15)))
        self.assertEqual((old.replaced_by_id, new.replaces_id), (new, old))
        self.assertEqual(
            (new.install_date, new.multiplier, new.rollover_value),
            (date(2026, 3, 15), 1.0, 99999.0),
        )
        self.assertEqual(old.last_reading_value, 130.0)
        with self.assertRefused(ValidationError, "was replaced on"):
            self._read(old, date(2026, 3, 31), 140)
        current = self._read(new, date(2026, 3, 31), 25)
        self.assertEqual(current.consumption, 20.0)
        # old final - old last + new current - new initial = 20 + 20
        usage = self._usage(self.unit_shop)
        self.assertEqual(usage["quantity"], 40.0)
        self.assertFalse(usage["missing"])
        self.assertEqual(usage["reading_ids"].mapped("value"), [130.0, 25.0])
        self.assertTrue(any("T-W-101B" in w for w in usage["warnings"]))
        with self.assertRaises(UserError):
            old.action_replace()

    def test_locked_meter(self):
        self._read(self.meter_office, date(2026, 2, 28), 60)
        with self.assertRefused(UserError, "Replace the meter"):
            self.meter_office.with_user(self.collector).multiplier = 1.0
        self.meter_office.with_user(self.collector).write(
            {"multiplier": 2.5, "note": "seal 77"}
        )
        with self.assertRaises(UserError):
            self.meter_office.with_user(self.manager).unlink()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.Meter.create(
                {"serial": "T-W-101", "unit_id": self.unit_home.id, "meter_type": "gas"}
            )

    def test_anomaly_high(self):
        for day, value in (
            (date(2026, 1, 31), 10),
            (date(2026, 2, 28), 22),
            (date(2026, 3, 31), 36),
        ):  # 10, 12 and 14 m³
            self.assertFalse(self._read(self.meter_home, day, value).is_anomaly)
        normal = self._read(self.meter_home, date(2026, 4, 30), 72)  # 36 = 3 × 12
        self.assertFalse(normal.is_anomaly)
        high = self._read(self.meter_home, date(2026, 5, 31), 150)  # 78 > 3 × 20.667
        self.assertEqual((high.is_anomaly, high.anomaly_kind), (True, "high"))
        self.assertAlmostEqual(high.anomaly_average, 20.667, places=3)
        self.assertIn("3.8 times", high.anomaly_reason)
        usage = self._usage(self.unit_home, date(2026, 5, 1), date(2026, 5, 31))
        self.assertEqual(usage["quantity"], 78.0)
        self.assertIn(high.anomaly_reason, usage["warnings"])
        # the site's factor: 1.5 × the average of the last 2 readings
        self.site.write({"meter_anomaly_factor": 1.5, "meter_anomaly_history": 2})
        self._read(self.meter_home, date(2026, 6, 30), 150)  # zero, occupied
        june = self._read(self.meter_home, date(2026, 7, 31), 200)
        # last two: 78 and 0 -> average 39; 50 < 1.5 × 39 = 58.5
        self.assertFalse(june.is_anomaly)
        self.assertEqual(june.anomaly_average, 39.0)

    def test_anomaly_zero_on_occupied_unit(self):
        self._read(self.meter_office, date(2026, 2, 28), 60)
        zero = self._read(self.meter_office, date(2026, 3, 31), 60)
        self.assertEqual((zero.is_anomaly, zero.anomaly_kind), (True, "zero"))
        self.assertIn("occupied", zero.anomaly_reason)
        usage = self._usage(self.unit_office)
        self.assertEqual(usage["quantity"], 0.0)
        self.assertFalse(usage["missing"])
        self.assertTrue(any("occupied unit T-201" in w for w in usage["warnings"]))
        # a vacant unit may consume nothing
        vacant = self.env["property.unit"].create(
            {
                "code": "T-401",
                "site_id": self.site.id,
                "building_id": self.building.id,
                "area": 60.0,
                "usage": "home",
            }
        )
        meter = self.Meter.create(
            {
                "serial": "T-W-401",
                "unit_id": vacant.id,
                "install_date": date(2025, 6, 1),
            }
        )
        self.assertFalse(self._read(meter, date(2026, 3, 31), 0).is_anomaly)
        self.assertFalse(self._usage(vacant)["warnings"])

    def test_billing_consumption(self):
        self._read(self.meter_office, date(2026, 2, 28), 60)
        self._read(self.meter_office, date(2026, 3, 15), 64)
        self._read(self.meter_office, date(2026, 3, 31), 69.36)
        self._read(self.meter_office, date(2026, 4, 30), 80)
        self._read(self.meter_shop, date(2026, 2, 28), 120)
        usage = self._usage(self.unit_office)
        self.assertEqual(usage["quantity"], 23.4)  # (69.36 - 60) × 2.5
        self.assertFalse(usage["missing"])
        self.assertEqual(usage["warnings"], [])
        self.assertEqual(usage["reading_ids"].mapped("value"), [64.0, 69.36])
        # no reading in March: missing, said in the warning
        shop = self._usage(self.unit_shop)
        self.assertTrue(shop["missing"])
        self.assertEqual(shop["quantity"], 0.0)
        self.assertIn("No reading of Water meter T-W-101", shop["warnings"][0])
        # a unit without meter cannot be billed either
        gas = self.Meter.with_user(self.manager)._billing_consumption(
            self.unit_office, "gas", date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertTrue(gas["missing"])
        self.assertIn("no Gas meter", gas["warnings"][0])
        # a meter installed inside the period is not missing
        self.Meter.create(
            {
                "serial": "T-G-201",
                "unit_id": self.unit_office.id,
                "meter_type": "gas",
                "install_date": date(2026, 3, 10),
            }
        )
        gas = self.Meter._billing_consumption(
            self.unit_office, "gas", date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertFalse(gas["missing"])
        # the batch variant gives the same answers, for every unit asked
        units = self.unit_shop | self.unit_office | self.unit_home
        batch = self.Meter.with_user(self.manager)._billing_consumption_prefetch(
            units, "water", date(2026, 3, 1), date(2026, 3, 31)
        )
        self.assertEqual(set(batch), set(units.ids))
        for unit in units:
            self.assertEqual(batch[unit.id], self._usage(unit))

    def test_billing_consumption_cache(self):
        self._read(self.meter_office, date(2026, 3, 31), 60)
        self._read(self.meter_home, date(2026, 3, 31), 12)
        Meter = self.Meter.with_context(**{CACHE_KEY: ConsumptionCache()})
        args = ("water", date(2026, 3, 1), date(2026, 3, 31))
        self.assertEqual(
            Meter._billing_consumption(self.unit_office, *args)["quantity"], 25.0
        )
        self.assertEqual(self.unit_home.site_id, self.site)  # loaded before counting
        with self.assertQueryCount(0):
            home = Meter._billing_consumption(self.unit_home, *args)
        self.assertEqual(home["quantity"], 12.0)

    def test_access(self):
        reading = self._read(self.meter_home, date(2026, 3, 31), 12)
        with self.assertRaises(AccessError):
            self.Meter.with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            reading.with_user(self.agent).read(["value"])
        with self.assertRaises(AccessError):
            self.Meter.with_user(self.portal_a).search([])
        meter = self.Meter.with_user(self.collector).create(
            {
                "serial": "T-E-301",
                "unit_id": self.unit_home.id,
                "meter_type": "electricity",
            }
        )
        with self.assertRaises(AccessError):
            meter.unlink()
        meter.with_user(self.manager).unlink()
        self.assertEqual(self.unit_home.with_user(self.collector).meter_count, 1)
        action = self.unit_home.with_user(self.collector).action_view_meters()
        self.assertEqual(self.Meter.search(action["domain"]), self.meter_home)


@tagged("-at_install", "post_install")
class TestMeterBatchEntry(MeterCase):
    def _wizard(self, day=date(2026, 3, 31)):
        form = Form(self.env["property.meter.batch.entry"].with_user(self.collector))
        form.site_id = self.site
        form.building_id = self.building
        form.meter_type = "water"
        form.date = day
        return form

    def test_batch_entry_all_or_nothing(self):
        self._read(self.meter_office, date(2026, 2, 28), 60)
        form = self._wizard()
        self.assertEqual(len(form.line_ids), 3)
        values = {}
        for index in range(3):
            with form.line_ids.edit(index) as line:
                values[line.meter_id] = line
                if line.meter_id == self.meter_office:
                    self.assertEqual(line.previous_value, 60.0)
                    self.assertEqual(line.previous_date, date(2026, 2, 28))
                    line.value = 55  # lower: refused
                elif line.meter_id == self.meter_shop:
                    self.assertEqual(line.previous_value, 100.0)  # initial reading
                    line.value = 120
                else:
                    line.value = 7
                    self.assertEqual(line.consumption, 7.0)
        wizard = form.save()
        action = wizard.action_validate()
        self.assertEqual(action["res_id"], wizard.id)  # shown again, with the errors
        self.assertFalse(self.Reading.search([("date", "=", date(2026, 3, 31))]))
        office = wizard.line_ids.filtered(
            lambda line: line.meter_id == self.meter_office
        )
        self.assertIn("lower than the previous one", office.error)
        self.assertEqual(wizard.error_count, 1)
        self.assertFalse((wizard.line_ids - office).filtered("error"))
        # corrected: everything recorded at once
        office.value = 64
        action = wizard.action_validate()
        readings = self.Reading.search(action["domain"])
        self.assertEqual(len(readings), 3)
        self.assertEqual(set(readings.mapped("origin")), {"batch"})
        self.assertEqual(
            sorted(readings.mapped("consumption")), [7.0, 10.0, 20.0]
        )  # office (64 - 60) × 2.5
        self.assertFalse(wizard.line_ids.filtered("error"))

    def test_batch_entry_not_read_and_already_read(self):
        self._read(self.meter_home, date(2026, 3, 31), 9)
        form = self._wizard()
        for index in range(3):
            with form.line_ids.edit(index) as line:
                if line.meter_id == self.meter_home:
                    self.assertTrue(line.existing_reading_id)
                    self.assertEqual(line.value, 9.0)
                elif line.meter_id == self.meter_office:
                    line.skip = True
                else:
                    line.value = 101
        action = form.save().action_validate()
        readings = self.Reading.search(action["domain"])
        self.assertEqual(readings.meter_id, self.meter_shop)
        # nothing left to record
        form = self._wizard()
        for index in range(3):
            with form.line_ids.edit(index) as line:
                if line.meter_id == self.meter_office:
                    line.skip = True
        with self.assertRefused(UserError, "no reading to record"):
            form.save().action_validate()


@tagged("-at_install", "post_install")
class TestMeterReadingImport(MeterCase):
    def _import(self, content, filename):
        wizard = (
            self.env["property.meter.reading.import"]
            .with_user(self.collector)
            .create({"file": base64.b64encode(content), "filename": filename})
        )
        wizard.action_import()
        return wizard

    def _csv(self, rows, encoding="utf-8-sig"):
        output = io.StringIO()
        csv.writer(output).writerows(rows)
        return output.getvalue().encode(encoding)

    def test_import_csv(self):
        self._read(self.meter_home, date(2026, 2, 28), 10)
        content = self._csv(
            [
                ["表号", "抄表日期", "读数", "抄表员", "翻表"],
                ["T-W-101", "2026-03-31", "130", "pb_collector", ""],
                ["T-W-999", "2026-03-31", "10", "", ""],
                ["T-W-201", "2026/03/31", "abc", "", ""],
                ["T-W-301", "2026-04-30", "5", "", ""],  # lower than row 6
                ["", "", "", "", ""],
                ["T-W-301", "2026-03-31", "12", "", ""],
                ["T-W-201", "2026-03-31", "70", "nobody", "maybe"],
            ]
        )
        wizard = self._import(content, "march.csv")
        self.assertEqual(wizard.state, "done")
        self.assertEqual(
            (wizard.created_count, wizard.duplicate_count, wizard.error_count),
            (2, 0, 4),
        )
        report = {(line.row, line.column): line.message for line in wizard.line_ids}
        self.assertIn("No meter has the serial number T-W-999", report[3, "表号"])
        self.assertIn("abc is not a reading", report[4, "读数"])
        self.assertIn("lower than the previous one", report[5, "读数"])
        self.assertIn("No user has the login nobody", report[8, "抄表员"])
        self.assertIn("maybe is not yes or no", report[8, "翻表"])
        self.assertEqual(set(wizard.line_ids.mapped("status")), {"error"})
        readings = wizard.reading_ids
        self.assertEqual(sorted(readings.mapped("value")), [12.0, 130.0])
        self.assertEqual(set(readings.mapped("origin")), {"import"})
        # the report: the rejected rows as they were, with row and message
        self.assertEqual(wizard.report_filename, "march-report.csv")
        lines = list(
            csv.reader(
                io.StringIO(base64.b64decode(wizard.report_file).decode("utf-8-sig"))
            )
        )
        self.assertEqual(lines[0][:5], ["表号", "抄表日期", "读数", "抄表员", "翻表"])
        self.assertEqual([line[5] for line in lines[1:]], ["3", "4", "5", "8"])
        self.assertEqual(lines[1][0], "T-W-999")
        # the same file again: nothing new, the good rows said to be there already
        again = self._import(content, "march.csv")
        self.assertEqual(
            (again.created_count, again.duplicate_count, again.error_count), (0, 2, 4)
        )
        duplicates = again.line_ids.filtered(lambda line: line.status == "duplicate")
        self.assertEqual(duplicates.mapped("row"), [2, 7])
        self.assertIn("Already imported", duplicates[0].message)
        self.assertEqual(self.Reading.search_count([("origin", "=", "import")]), 2)

    def test_import_report_user_text(self):
        """Cells of the imported file that look like formulas come back as
        text in the xlsx report and quoted in the csv report; the quoted
        csv report reads as the original file when imported again."""
        workbook = openpyxl.Workbook()
        workbook.active.append(["表号", "抄表日期", "读数"])
        workbook.active.append([FORMULA_TEXT, "2026-03-31", "130"])
        workbook.active["A2"].data_type = "s"  # text in the tenant's file
        output = io.BytesIO()
        workbook.save(output)
        wizard = self._import(output.getvalue(), "formula.xlsx")
        self.assertEqual(wizard.error_count, 1)
        assert_text_not_formula(self, base64.b64decode(wizard.report_file))

        wizard = self._import(
            self._csv([["表号", "抄表日期", "读数"], ["=1+2", "2026-03-31", "130"]]),
            "formula.csv",
        )
        report = base64.b64decode(wizard.report_file)
        lines = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
        self.assertEqual(lines[1][0], "'=1+2")
        again = self._import(report, "formula-report.csv")
        self.assertIn("No meter has the serial number =1+2", again.line_ids[0].message)

    def test_import_gbk_csv_semicolons(self):
        content = self._csv(
            [
                ["表号", "日期", "读数"],
                ["T-W-301", "2026-03-31", "12"],
                ["T-W-301", "2026-03-31", "13"],
            ],
            encoding="gb18030",
        ).replace(b",", b";")
        wizard = self._import(content, "gbk.csv")
        self.assertEqual((wizard.created_count, wizard.error_count), (1, 1))
        self.assertIn("Row 2 has another reading", wizard.line_ids.message)

    def test_import_xlsx(self):
        self._read(self.meter_shop, date(2026, 2, 28), 99990)
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["Site", "Unit", "Type", "Date", "Reading", "Rollover", "Remarks"])
        sheet.append(
            ["TBP", "T-101", "water", datetime(2026, 3, 31), 5, 1, "register restarted"]
        )
        sheet.append(["TBP", "T-201", "水", "2026-03-31", 62.4, None, None])
        sheet.append(["TBP", "T-301", "steam", "2026-03-31", 3, None, None])
        sheet.append(["TBP", "T-999", "water", "2026-03-31", 3, None, None])
        sheet.append(["TBP", "T-301", "water", "31/03/2026", 3, None, None])
        sheet.append(["TBP", "T-301", "electricity", "2026-03-31", 3, None, None])
        output = io.BytesIO()
        workbook.save(output)
        content = output.getvalue()
        wizard = self._import(content, "readings.xlsx")
        self.assertEqual((wizard.created_count, wizard.error_count), (2, 4))
        shop = wizard.reading_ids.filtered(lambda r: r.meter_id == self.meter_shop)
        self.assertTrue(shop.is_rollover)
        self.assertEqual(shop.consumption, 15.0)
        office = wizard.reading_ids - shop
        self.assertEqual(office.consumption, 31.0)
        report = {(line.row, line.column): line.message for line in wizard.line_ids}
        self.assertIn("steam is not a meter type", report[4, "Type"])
        self.assertIn("No unit has the code T-999", report[5, "Unit"])
        self.assertIn("31/03/2026 is not a date", report[6, "Date"])
        self.assertIn("has 0 meters of this type", report[7, "Unit"])
        report_book = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(wizard.report_file))
        )
        rows = list(report_book.active.iter_rows(values_only=True))
        self.assertEqual(len(rows), 5)
        self.assertEqual(rows[1][1], "T-301")
        self.assertEqual(rows[1][7], 4)  # the row number, after the file's own columns
        # again: nothing new
        again = self._import(content, "readings.xlsx")
        self.assertEqual((again.created_count, again.duplicate_count), (0, 2))
        self.assertEqual(self.Reading.search_count([("origin", "=", "import")]), 2)

    def test_import_refuses_unusable_files(self):
        with self.assertRefused(UserError, "must name its columns"):
            self._import(self._csv([["foo", "bar"], ["1", "2"]]), "x.csv")
        with self.assertRefused(UserError, "not a readable xlsx"):
            self._import(b"PK\x03\x04 broken", "x.xlsx")
        with self.assertRefused(UserError, "xlsx or .csv"):
            self._import(b"\xd0\xcf\x11\xe0", "x.xls")


@tagged("-at_install", "post_install")
class TestMeteredBilling(MeterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standard_water = cls._standard(cls.item_water, 3.5)
        cls.standard_water_home = cls._standard(
            cls.item_water,
            0.0,
            usage="home",
            tier_ids=[
                Command.create({"from_quantity": 0, "rate": 3.0}),
                Command.create({"from_quantity": 20, "rate": 4.5}),
                Command.create({"from_quantity": 40, "rate": 6.0}),
            ],
        )
        for plan in cls.plan_office | cls.plan_home:
            plan.line_ids = [Command.create({"item_id": cls.item_water.id})]

    def _water_line(self, run, tenant):
        invoice = run.move_ids.filtered(lambda m: m.partner_id == tenant)
        return invoice.invoice_line_ids.filtered(
            lambda line: line.property_fee_item_id == self.item_water
        )

    def test_water_billed_from_readings(self):
        self._read(self.meter_office, date(2026, 2, 28), 150)
        self._read(self.meter_office, date(2026, 3, 31), 159.36)  # 9.36 × 2.5 = 23.4 m³
        self._read(self.meter_home, date(2026, 2, 28), 10)
        self._read(self.meter_home, date(2026, 3, 31), 55)  # 45 m³, tiered
        run = self._run(date(2026, 3, 1))
        run.action_preview()
        self.assertFalse(run.error_ids)
        office = run.line_ids.filtered(
            lambda line: (
                line.occupancy_id == self.occ_office and line.item_id == self.item_water
            )
        )
        self.assertEqual(
            (office.quantity, office.price_unit, office.amount), (23.4, 3.5, 81.9)
        )
        self.assertEqual(office.state, "to_bill")
        run.action_generate()
        line = self._water_line(run, self.tenant_a)
        self.assertEqual(line.price_subtotal, 81.90)
        self.assertEqual(line.quantity, 23.4)
        # 20 × 3.00 + 20 × 4.50 + 5 × 6.00
        home = self._water_line(run, self.tenant_b)
        self.assertEqual(home.price_subtotal, 180.00)
        self.assertEqual(
            (home.property_period_start, home.property_period_end),
            (date(2026, 3, 1), date(2026, 3, 31)),
        )

    def test_preview_loads_the_site_meters_once(self):
        """The meter charge source gives the whole preview one consumption
        cache: the site's meters are loaded once, not a unit at a time."""
        self._read(self.meter_office, date(2026, 3, 31), 159.36)
        self._read(self.meter_home, date(2026, 3, 31), 55)
        Meter = type(self.env["property.meter"])
        caches, loads = [], []
        consumption = Meter._billing_consumption
        prefetch = Meter._billing_consumption_prefetch

        def recording(meter, *args):
            caches.append(meter.env.context.get(CACHE_KEY))
            return consumption(meter, *args)

        def loading(meter, units, *args):
            loads.append(units)
            return prefetch(meter, units, *args)

        run = self._run(date(2026, 3, 1))
        with (
            patch.object(Meter, "_billing_consumption", recording),
            patch.object(Meter, "_billing_consumption_prefetch", loading),
        ):
            run.action_preview()
        self.assertEqual(len(caches), 2, "the office's and the home's water")
        self.assertIsInstance(caches[0], ConsumptionCache)
        self.assertIs(caches[0], caches[1])
        self.assertEqual(len(loads), 1)
        self.assertLessEqual(self.unit_office | self.unit_home, loads[0])

    def test_missing_reading_billed_with_next_period(self):
        self._read(self.meter_office, date(2026, 1, 31), 100)
        self._read(self.meter_office, date(2026, 2, 28), 104)  # 10 m³
        february = self._run(date(2026, 2, 1))
        february.action_preview()
        february.action_generate()
        self.assertEqual(self._water_line(february, self.tenant_a).price_subtotal, 35.0)
        # no March reading: shown, not billed
        march = self._run(date(2026, 3, 1))
        march.action_preview()
        skipped = march.line_ids.filtered(
            lambda line: (
                line.occupancy_id == self.occ_office and line.item_id == self.item_water
            )
        )
        self.assertEqual(skipped.state, "skipped")
        self.assertIn("No reading of Water meter T-W-201", skipped.warning)
        march.action_generate()
        self.assertFalse(self._water_line(march, self.tenant_a))
        # the March reading comes late; April bills everything since March 1st
        self._read(self.meter_office, date(2026, 3, 31), 110)  # 15 m³
        self._read(self.meter_office, date(2026, 4, 30), 112)  # 5 m³
        april = self._run(date(2026, 4, 1))
        april.action_preview()
        line = april.line_ids.filtered(
            lambda line: (
                line.occupancy_id == self.occ_office and line.item_id == self.item_water
            )
        )
        self.assertEqual((line.quantity, line.amount), (20.0, 70.0))
        self.assertIn("since 2026-03-01", line.warning)
        april.action_generate()
        self.assertEqual(self._water_line(april, self.tenant_a).price_subtotal, 70.0)
