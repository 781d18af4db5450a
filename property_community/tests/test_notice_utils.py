from datetime import datetime

from odoo.tests import BaseCase

from ..notice_utils import chunked, in_window, window_is_valid


class TestNoticeUtils(BaseCase):
    def test_window_is_valid(self):
        start = datetime(2026, 3, 1, 8, 0)
        self.assertTrue(window_is_valid(start, None))
        self.assertTrue(window_is_valid(None, start))
        self.assertTrue(window_is_valid(start, datetime(2026, 3, 1, 8, 1)))
        self.assertFalse(window_is_valid(start, start))
        self.assertFalse(window_is_valid(start, datetime(2026, 2, 28)))

    def test_in_window(self):
        start, end = datetime(2026, 3, 1), datetime(2026, 3, 5)
        self.assertFalse(in_window(datetime(2026, 2, 28, 23, 59), start, end))
        self.assertTrue(in_window(start, start, end))
        self.assertTrue(in_window(datetime(2026, 3, 4, 23, 59), start, end))
        self.assertFalse(in_window(end, start, end))
        self.assertTrue(in_window(datetime(2030, 1, 1), start, None))
        self.assertFalse(in_window(datetime(2026, 3, 2), None, end))

    def test_chunked(self):
        self.assertEqual(chunked(range(5), 2), [[0, 1], [2, 3], [4]])
        self.assertEqual(chunked([], 3), [])
        with self.assertRaises(ValueError):
            chunked([1], 0)
