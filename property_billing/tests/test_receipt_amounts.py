from datetime import date
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from ..receipt import period_label, rmb_capitals


@tagged("-at_install", "post_install")
class TestRmbCapitals(BaseCase):
    """Amounts in Chinese financial capitals (大写) as the receipt prints them."""

    def test_examples(self):
        cases = [
            (1234.56, "壹仟贰佰叁拾肆元伍角陆分"),
            (100, "壹佰元整"),
            (1005.01, "壹仟零伍元零壹分"),
            (0, "零元整"),
            (0.5, "伍角"),
            (0.05, "伍分"),
            (0.56, "伍角陆分"),
            (10, "壹拾元整"),
            (10.5, "壹拾元伍角"),
            (16409.02, "壹万陆仟肆佰零玖元零贰分"),  # the PBOC example
            (1680.32, "壹仟陆佰捌拾元叁角贰分"),
            (100010, "壹拾万零壹拾元整"),
            (1005000, "壹佰万零伍仟元整"),
            (100000, "壹拾万元整"),
            (100000001, "壹亿零壹元整"),
            (200000000, "贰亿元整"),
            (1000000000.1, "壹拾亿元壹角"),
            (
                "999999999999.99",
                "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
            ),
        ]
        for amount, expected in cases:
            with self.subTest(amount=amount):
                self.assertEqual(rmb_capitals(amount), expected)

    def test_rounding_and_types(self):
        self.assertEqual(
            rmb_capitals(Decimal("12.345")), "壹拾贰元叁角伍分", "half up to the fen"
        )
        self.assertEqual(rmb_capitals(12.344), "壹拾贰元叁角肆分")
        self.assertEqual(rmb_capitals("0.004"), "零元整")
        self.assertEqual(
            rmb_capitals(2.675),
            "贰元陆角捌分",
            "the written amount, not the binary float",
        )

    def test_negative_and_too_large(self):
        self.assertEqual(rmb_capitals(-3.2), "负叁元贰角")
        with self.assertRaises(ValueError):
            rmb_capitals(1000000000000)


@tagged("-at_install", "post_install")
class TestPeriodLabel(BaseCase):
    def test_labels(self):
        cases = [
            (date(2026, 3, 1), date(2026, 3, 31), "2026-03"),
            (date(2026, 2, 1), date(2026, 2, 28), "2026-02"),
            (date(2028, 2, 1), date(2028, 2, 29), "2028-02"),
            (date(2026, 1, 1), date(2026, 3, 31), "2026-01 ~ 2026-03"),
            (date(2025, 12, 1), date(2026, 1, 31), "2025-12 ~ 2026-01"),
            (date(2026, 3, 10), date(2026, 3, 31), "2026-03-10 ~ 2026-03-31"),
            (date(2026, 3, 1), date(2026, 3, 30), "2026-03-01 ~ 2026-03-30"),
            (date(2026, 3, 5), None, "2026-03-05"),
            (date(2026, 3, 5), date(2026, 3, 5), "2026-03-05"),
            (None, date(2026, 3, 5), ""),
        ]
        for start, end, expected in cases:
            with self.subTest(start=start, end=end):
                self.assertEqual(period_label(start, end), expected)
