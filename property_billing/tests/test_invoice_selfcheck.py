from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged

from . import test_invoice_presync
from .common_selfcheck import SelfCheckCase


@tagged("-at_install", "post_install")
class TestInvoiceSelfCheck(SelfCheckCase):
    """The prepared path proves itself at run time: in every batch the first
    invoice of each shape is also built by Odoo's own path and compared, and
    a hook the prepared path calls is followed.

    A real module overriding a hook the prepared path restates (the
    receivable account) is tests/addons/property_billing_test_override,
    whose tests show the batch then takes Odoo's own path, noted on the
    run.  Here the "module" changing the income account (a hook the
    prepared path calls) is the registry class of ``account.move.line``
    patched for the test (``patch.object``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_income = cls.env["account.account"].create(
            {
                "name": "Test property fee income",
                "code": "TPB6001",
                "account_type": "income",
            }
        )
        plan = cls.env["account.analytic.plan"].create({"name": "Test sites"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "Test site TBP", "plan_id": plan.id}
        )

    # -- helpers ---------------------------------------------------------
    @contextmanager
    def _override_account(self, display_type, account):
        """As a module overriding ``_compute_account_id`` would: the lines
        of ``display_type`` of customer invoices get ``account``."""
        Line = type(self.env["account.move.line"])
        original = Line._compute_account_id

        def _compute_account_id(lines):
            original(lines)
            for line in lines:
                if line.display_type == display_type and (
                    line.move_id.move_type == "out_invoice"
                ):
                    line.account_id = account

        with patch.object(Line, "_compute_account_id", _compute_account_id):
            yield

    # -- tests -----------------------------------------------------------
    def test_each_shape_checked_once_and_nothing_left(self):
        """Two shapes (two tax sets) among four invoices: two checks, whose
        invoices are rolled back; the four invoices are prepared."""
        Move = self.env["account.move"].with_company(self.company)
        vals = test_invoice_presync.TestInvoicePresync._vals
        fee = [(self.product_fee, 10.0, 2.8, 0.0)]
        water = [(self.product_water, 3.0, 3.45, 0.0)]
        batch = [
            vals(self, partner, lines)
            for partner, lines in (
                (self.tenant_a, fee),
                (self.tenant_b, fee),
                (self.tenant_c, water),
                (self.tenant_a, water),
            )
        ]
        before = Move.search_count([])
        with self._spy() as seen:
            moves = Move._property_create_invoices(batch)
        self.assertEqual(seen["checks"], 2)
        # each check created one invoice each way, then rolled them back
        self.assertEqual(seen, {"prepared": 4 + 2, "odoo": 2, "checks": 2})
        self.assertEqual(Move.search_count([]), before + 4)
        self.assertEqual(len(moves), 4)
        self._assert_equal_odoos(moves)

    def test_run_prepared_without_note(self):
        with self._spy() as seen:
            run = self._generate()
        self.assertEqual(seen["checks"], 1)  # one shape: the fee at 6 %
        self.assertEqual(seen["odoo"], 1)  # the check's own, rolled back
        self.assertFalse(self._run_messages(run))
        self._assert_equal_odoos(run.move_ids)

    def test_overridden_income_account_followed(self):
        """A module changes the income account of invoice lines (a hook the
        prepared path calls): the prepared invoices follow it, the check
        finds no difference and the batch stays prepared."""
        with (
            self._override_account("product", self.other_income),
            self._spy() as seen,
        ):
            run = self._generate()
            self.assertEqual(seen["prepared"], 1 + 3)
            self._assert_equal_odoos(run.move_ids)
        self.assertEqual(run.move_ids.invoice_line_ids.account_id, self.other_income)
        self.assertFalse(self._run_messages(run))

    def test_setting_off_takes_odoos_path(self):
        """The company turns the prepared path off: no invoice is prepared,
        none is checked, all equal Odoo's."""
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.property_billing_prepared_path)
        settings.property_billing_prepared_path = False
        settings.execute()
        self.assertFalse(self.company.property_billing_prepared_path)
        with self._spy() as seen:
            run = self._generate()
        self.assertEqual(seen, {"prepared": 0, "odoo": 3, "checks": 0})
        self._assert_equal_odoos(run.move_ids)
        self.assertFalse(self._run_messages(run))
