from datetime import date

from odoo.tests import TransactionCase, tagged

from odoo.addons.property_community import festivals as fc
from odoo.addons.property_community.event_utils import (
    attendee_group,
    cost_variance,
    rate_percent,
)


@tagged("post_install", "-at_install")
class TestFestivalCalendar(TransactionCase):
    def test_lunar_festivals(self):
        self.assertEqual(fc.festival_date(fc.SPRING_FESTIVAL, 2027), date(2027, 2, 6))
        self.assertEqual(fc.festival_date(fc.SPRING_FESTIVAL, 2026), date(2026, 2, 17))
        self.assertEqual(fc.festival_date(fc.LANTERN_FESTIVAL, 2027), date(2027, 2, 20))
        self.assertEqual(fc.festival_date(fc.LANTERN_FESTIVAL, 2026), date(2026, 3, 3))
        self.assertEqual(fc.festival_date(fc.DRAGON_BOAT, 2026), date(2026, 6, 19))
        self.assertEqual(fc.festival_date(fc.DRAGON_BOAT, 2027), date(2027, 6, 9))
        self.assertEqual(fc.festival_date(fc.MID_AUTUMN, 2026), date(2026, 9, 25))
        self.assertEqual(fc.festival_date(fc.MID_AUTUMN, 2025), date(2025, 10, 6))
        self.assertEqual(fc.festival_date(fc.DOUBLE_NINTH, 2026), date(2026, 10, 18))
        # a lunar year with a leap month (2025 has a leap 6th month): the
        # festivals after it still fall on the regular month
        self.assertEqual(fc.festival_date(fc.DOUBLE_NINTH, 2025), date(2025, 10, 29))

    def test_solar_festivals_and_sports_meets(self):
        self.assertEqual(fc.festival_date(fc.CHILDRENS_DAY, 2026), date(2026, 6, 1))
        self.assertEqual(fc.festival_date(fc.NATIONAL_DAY, 2027), date(2027, 10, 1))
        # second Saturday of April, third Saturday of October
        self.assertEqual(fc.festival_date(fc.SPRING_SPORTS, 2026), date(2026, 4, 11))
        self.assertEqual(fc.festival_date(fc.AUTUMN_SPORTS, 2026), date(2026, 10, 17))
        self.assertEqual(fc.festival_date(fc.SPRING_SPORTS, 2027), date(2027, 4, 10))
        self.assertEqual(fc.festival_date(fc.SPRING_SPORTS, 2027).weekday(), 5)

    def test_nth_weekday(self):
        # May 2026 starts on a Friday
        self.assertEqual(fc.nth_weekday(2026, 5, 4, 1), date(2026, 5, 1))
        self.assertEqual(fc.nth_weekday(2026, 5, 0, 1), date(2026, 5, 4))
        self.assertEqual(fc.nth_weekday(2026, 5, 4, 5), date(2026, 5, 29))
        with self.assertRaises(ValueError):
            fc.nth_weekday(2026, 5, 0, 5)  # no fifth Monday
        with self.assertRaises(ValueError):
            fc.nth_weekday(2026, 5, 0, 0)

    def test_bad_input(self):
        with self.assertRaises(ValueError):
            fc.festival_date("christmas", 2026)
        with self.assertRaises(ValueError):
            fc.festival_date(fc.SPRING_FESTIVAL, 2100)
        with self.assertRaises(ValueError):
            fc.festival_date(fc.CHILDRENS_DAY, 1900)

    def test_calendar_is_in_date_order(self):
        calendar = fc.festival_calendar(2027)
        self.assertEqual(len(calendar), len(fc.FESTIVALS))
        self.assertEqual(calendar[0], (fc.SPRING_FESTIVAL, date(2027, 2, 6)))
        self.assertEqual(calendar[1], (fc.LANTERN_FESTIVAL, date(2027, 2, 20)))
        days = [day for _festival, day in calendar]
        self.assertEqual(days, sorted(days))

    def test_proposal(self):
        self.assertEqual(
            fc.propose_festivals(2027, 4),
            [
                (fc.SPRING_FESTIVAL, date(2027, 2, 6)),
                (fc.CHILDRENS_DAY, date(2027, 6, 1)),
                (fc.MID_AUTUMN, date(2027, 9, 15)),
                (fc.DOUBLE_NINTH, date(2027, 10, 8)),
            ],
        )
        # what is already planned is left out, the next ones come in
        self.assertEqual(
            fc.propose_festivals(2027, 2, exclude=[fc.SPRING_FESTIVAL, fc.MID_AUTUMN]),
            [
                (fc.CHILDRENS_DAY, date(2027, 6, 1)),
                (fc.DOUBLE_NINTH, date(2027, 10, 8)),
            ],
        )
        self.assertEqual(fc.propose_festivals(2027, 0), [])
        self.assertEqual(len(fc.propose_festivals(2027, 50)), len(fc.FESTIVALS))
        self.assertEqual(fc.propose_festivals(2027, 3, exclude=fc.FESTIVALS), [])


@tagged("post_install", "-at_install")
class TestEventFigures(TransactionCase):
    def test_attendee_group(self):
        self.assertEqual(attendee_group(2018, 2026), "child")
        self.assertEqual(attendee_group(2013, 2026), "child")  # 13
        self.assertEqual(attendee_group(2012, 2026), "adult")  # 14
        self.assertEqual(attendee_group(1967, 2026), "adult")  # 59
        self.assertEqual(attendee_group(1966, 2026), "elderly")  # 60
        self.assertFalse(attendee_group(0, 2026))
        self.assertFalse(attendee_group(2030, 2026))
        self.assertFalse(attendee_group(1990, False))

    def test_rates_and_variance(self):
        self.assertEqual(rate_percent(2, 3), 66.67)
        self.assertEqual(rate_percent(0, 0), 0.0)
        self.assertEqual(rate_percent(5, 5), 100.0)
        self.assertEqual(cost_variance(3000.0, 2130.0), -870.0)
        self.assertEqual(cost_variance(1000.10, 1200.35), 200.25)
