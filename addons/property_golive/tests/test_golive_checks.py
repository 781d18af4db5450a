from freezegun import freeze_time

from odoo.tests import tagged

from .common import GoliveCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15")
class TestGoliveChecks(GoliveCase):
    def test_dry_run_ok_writes_nothing(self):
        record = self._import()
        before = self._counts()
        record.action_dry_run()
        self.assertEqual(self._counts(), before)
        self.assertEqual(record.state, "checked")
        self.assertTrue(record.check_ok, record.summary)
        self.assertEqual(record.error_count, 0)
        self.assertEqual(record.arrears_total, 1050.0)
        self.assertEqual(record.deposits_total, 3500.0)
        self.assertEqual(record.create_count, 15)
        self.assertTrue(record.report_file)
