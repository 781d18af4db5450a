from datetime import date, datetime

from odoo.tests import TransactionCase, tagged

from odoo.addons.property_tenant.utils import (
    completeness_percent,
    expiry_state,
    kpi_percent,
    month_label,
    next_check_date,
    normalize_header,
    parse_date,
    periods_overlap,
)


@tagged("post_install", "-at_install")
class TestArchiveRules(TransactionCase):
    def test_periods_overlap(self):
        jan, feb, mar, apr = (date(2026, m, 1) for m in (1, 2, 3, 4))
        self.assertTrue(periods_overlap(jan, mar, feb, apr))
        self.assertTrue(periods_overlap(jan, None, apr, None), "open-ended overlaps")
        self.assertFalse(periods_overlap(jan, feb, mar, apr))
        # the same day at both ends counts as an overlap
        self.assertTrue(periods_overlap(jan, feb, feb, mar))
        self.assertFalse(periods_overlap(jan, date(2026, 1, 31), feb, None))
        self.assertTrue(periods_overlap(None, None, mar, apr))

    def test_completeness_percent(self):
        self.assertEqual(completeness_percent(0, 0), 100.0)
        self.assertEqual(completeness_percent(2, 3), 66.67)
        self.assertEqual(completeness_percent(3, 3), 100.0)
        self.assertEqual(completeness_percent(5, 3), 100.0)
        self.assertEqual(completeness_percent(0, 7), 0.0)

    def test_next_check_date(self):
        self.assertEqual(next_check_date(date(2026, 1, 31), 1), date(2026, 2, 28))
        self.assertEqual(next_check_date(date(2026, 11, 15), 3), date(2027, 2, 15))
        self.assertFalse(next_check_date(date(2026, 1, 1), 0))
        self.assertFalse(next_check_date(False, 3))

    def test_expiry_state(self):
        today = date(2026, 6, 1)
        self.assertEqual(expiry_state(False, today, 30), "none")
        self.assertEqual(expiry_state(date(2026, 5, 31), today, 30), "expired")
        self.assertEqual(expiry_state(today, today, 30), "expiring")
        self.assertEqual(expiry_state(date(2026, 7, 1), today, 30), "expiring")
        self.assertEqual(expiry_state(date(2026, 7, 2), today, 30), "valid")
        self.assertEqual(expiry_state(date(2026, 6, 2), today, 0), "valid")

    def test_kpi_percent(self):
        """The one rule of every service target: a percent to two decimals,
        no value when there is nothing to measure."""
        self.assertEqual(kpi_percent(2, 3), 66.67)
        self.assertEqual(kpi_percent(0, 5), 0.0)
        self.assertEqual(kpi_percent(5, 5), 100.0)
        self.assertIsNone(kpi_percent(0, 0))

    def test_month_label(self):
        self.assertEqual(month_label(date(2026, 3, 31)), "2026-03")
        self.assertEqual(month_label(date(2026, 11, 1)), "2026-11")
        self.assertEqual(month_label(None), "")

    def test_parse_date_of_imported_cells(self):
        march_5 = date(2026, 3, 5)
        for cell in (
            "2026-03-05",
            "2026/3/5 14:22:31",
            "2026.03.05",
            "2026年3月5日",
            "20260305",
            20260305,
            "２０２６－０３－０５",
            "`2026-03-05",
            datetime(2026, 3, 5, 9, 30),
            march_5,
            46086,  # an Excel serial day
            46086.0,
        ):
            with self.subTest(cell=cell):
                self.assertEqual(parse_date(cell), march_5)
        for bad in ("2026-13-05", "05/03/2026", "", None, "----", "yesterday", True):
            with self.subTest(bad=bad):
                self.assertIsNone(parse_date(bad))

    def test_normalize_header(self):
        for title, same in (
            ("金额（元）", "金额"),
            ("金额(元)", "金额"),
            ("收入金额（+元）", "收入金额"),
            ("\ufeff交易日期", "交易日期"),
            ("Meter_No", "meter no"),
            ("抄表日期*", "抄表日期"),
            ("读数(kWh)", "读数"),
            ("表号：", "表号"),
            ("Reading Date", "reading-date"),
        ):
            with self.subTest(title=title):
                self.assertEqual(normalize_header(title), normalize_header(same))
        self.assertEqual(normalize_header("Reading Date"), "readingdate")
        self.assertEqual(normalize_header(None), "")
