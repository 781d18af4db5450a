from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PropertyBillingCase


@tagged("-at_install", "post_install")
class TestLateFees(PropertyBillingCase):
    """Late fees (滞纳金) billed by the monthly run: 0.5‰ a day of what is
    still owed after the due date and 5 grace days, capped at 10%.

    The March bills (due 2026-03-16): shop 826.80, office 409.58 and home
    281.96, taxes included."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item_late = cls.env.ref("property_billing.fee_item_late_fee")
        cls.standard_late = cls._standard(
            cls.item_late,
            0.0,
            daily_rate_permille=0.5,
            grace_days=5,
            cap_percent=10.0,
        )
        with freeze_time("2026-03-01"):
            cls.march = cls._bill(date(2026, 3, 1))
        cls.bill_shop = cls._bill_of(cls.march, cls.occ_shop)
        cls.bill_office = cls._bill_of(cls.march, cls.occ_office)
        cls.bill_home = cls._bill_of(cls.march, cls.occ_home)

    @classmethod
    def _bill(cls, period, post=True):
        run = cls._run(period)
        run.action_preview()
        if post:
            run.action_generate()
            run.action_post()
        return run

    @classmethod
    def _bill_of(cls, run, occupancy):
        return run.move_ids.filtered(
            lambda m: occupancy in m.invoice_line_ids.property_occupancy_id
        )

    def _late_lines(self, run):
        """{unit code: (amount, state)} of the run's late-fee charges."""
        return {
            line.unit_code: (line.amount, line.state)
            for line in run.line_ids.filtered(lambda ln: ln.item_id == self.item_late)
        }

    def _pay(self, invoice, amount, on):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": on})._create_payments()

    def test_march_bills(self):
        self.assertEqual(
            (
                self.bill_shop.amount_total,
                self.bill_office.amount_total,
                self.bill_home.amount_total,
            ),
            (826.8, 409.58, 281.96),
        )
        self.assertEqual(self.bill_shop.invoice_date_due, date(2026, 3, 16))

    def test_grace_days(self):
        """Nothing within the 5 grace days; the first late day is 0.5‰."""
        with freeze_time("2026-03-21"):
            run = self._run(date(2026, 4, 1))
            run.invoice_date = date(2026, 3, 21)
            run.action_preview()
            self.assertEqual(self._late_lines(run), {})
        with freeze_time("2026-03-22"):
            run = self._run(date(2026, 4, 1))
            run.invoice_date = date(2026, 3, 22)
            run.action_preview()
            self.assertEqual(
                self._late_lines(run),
                {
                    "T-101": (0.41, "to_bill"),
                    "T-201": (0.20, "to_bill"),
                    "T-301": (0.14, "to_bill"),
                },
            )

    def test_never_charges_days_to_come(self):
        """A run dated later than today charges late fees up to today only."""
        with freeze_time("2026-03-22"):
            run = self._run(date(2026, 4, 1))
            self.assertEqual(run.invoice_date, date(2026, 4, 1))
            run.action_preview()
            self.assertEqual(self._late_lines(run)["T-101"], (0.41, "to_bill"))

    def test_amounts_and_partial_payment(self):
        with freeze_time("2026-03-25"):
            self._pay(self.bill_office, 200.0, date(2026, 3, 25))
            self._pay(self.bill_home, 281.96, date(2026, 3, 25))
        self.assertEqual(self.bill_office.amount_residual, 209.58)
        self.assertEqual(self.bill_home.payment_state, "paid")
        with freeze_time("2026-04-01"):
            run = self._bill(date(2026, 4, 1), post=False)
        # 16 days after the due date, 5 of grace: 11 days at 0.5‰
        self.assertEqual(
            self._late_lines(run),
            {"T-101": (4.55, "to_bill"), "T-201": (1.15, "to_bill")},
            "the paid part bears no late fee, a paid bill none at all",
        )
        fee = run.late_fee_ids.filtered(lambda f: f.occupancy_id == self.occ_office)
        self.assertRecordValues(
            fee,
            [
                {
                    "invoice_id": self.bill_office.id,
                    "due_date": date(2026, 3, 16),
                    "as_of_date": date(2026, 4, 1),
                    "days_late": 11,
                    "residual": 209.58,
                    "accrued": 1.15,
                    "previously_billed": 0.0,
                    "amount": 1.15,
                    "standard_id": self.standard_late.id,
                    "partner_id": self.tenant_a.id,
                }
            ],
        )
        line = fee.run_line_id
        self.assertIn(self.bill_office.name, line.name)
        self.assertIn("11", line.name)
        self.assertEqual(line.period_start, date(2026, 4, 1))
        self.assertEqual(line.source_ref, self.bill_office.name)

    def test_label_in_payer_language(self):
        """The late fee of a Chinese-speaking tenant is labelled in Chinese,
        an English-speaking tenant's in English."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.item_late.with_context(lang="zh_CN").name = "测试滞纳金"
        self.tenant_b.lang = "zh_CN"
        self.tenant_a.lang = "en_US"
        with freeze_time("2026-04-01"):
            run = self._bill(date(2026, 4, 1), post=False)
        labels = {
            line.unit_code: line.name
            for line in run.line_ids.filtered(lambda ln: ln.item_id == self.item_late)
        }
        self.assertEqual(
            labels["T-301"].split()[:2], ["测试滞纳金", "T-301"], labels["T-301"]
        )
        self.assertTrue(
            labels["T-201"].startswith(f"{self.item_late.name} T-201 to 2026-04-01"),
            labels["T-201"],
        )

    def test_billed_once_then_only_the_rest(self):
        with freeze_time("2026-04-01"):
            april = self._bill(date(2026, 4, 1))
        self.assertEqual(
            self._late_lines(april),
            {
                "T-101": (4.55, "billed"),
                "T-201": (2.25, "billed"),
                "T-301": (1.55, "billed"),
            },
        )
        april_shop = self._bill_of(april, self.occ_shop)
        late_line = april_shop.invoice_line_ids.filtered(
            lambda ln: ln.property_fee_item_id == self.item_late
        )
        self.assertEqual(late_line.price_subtotal, 4.55)
        self.assertEqual(april_shop.amount_total, 831.35, "no VAT on late fees")
        self.assertEqual(
            april.late_fee_ids.filtered(
                lambda f: f.occupancy_id == self.occ_shop
            ).move_line_id,
            late_line,
        )
        # the same month again: nothing more
        with freeze_time("2026-04-02"):
            again = self._run(date(2026, 4, 1))
            again.action_preview()
            self.assertEqual(self._late_lines(again), {}, "all billed up to April 1")
            # dated a day later, one more day accrues, but the month's
            # late-fee line is billed already
            again.action_reset_draft()
            again.invoice_date = date(2026, 4, 2)
            again.action_preview()
        self.assertEqual(
            self._late_lines(again),
            {
                "T-101": (0.41, "duplicate"),
                "T-201": (0.21, "duplicate"),  # 2.46 - 2.25
                "T-301": (0.14, "duplicate"),
            },
        )
        # May: the March bills' late fees less what April billed, plus the
        # April bills' own (the April late fee itself bears none)
        with freeze_time("2026-05-01"):
            may = self._bill(date(2026, 5, 1), post=False)
        self.assertEqual(
            self._late_lines(may),
            {
                "T-101": (16.53, "to_bill"),  # 16.95 - 4.55 + 4.13
                "T-201": (8.20, "to_bill"),  # 8.40 - 2.25 + 2.05
                "T-301": (5.64, "to_bill"),  # 5.78 - 1.55 + 1.41
            },
        )
        shop_fees = may.late_fee_ids.filtered(lambda f: f.occupancy_id == self.occ_shop)
        self.assertEqual(
            sorted(
                shop_fees.mapped(
                    lambda f: (f.days_late, f.accrued, f.previously_billed, f.amount)
                )
            ),
            [(10, 4.13, 0.0, 4.13), (41, 16.95, 4.55, 12.40)],
        )

    def test_bill_of_two_archives(self):
        """A bill covering two tenant archives: what is still owed is split
        in proportion to each archive's lines, the late fee line aside."""
        unit = self.env["property.unit"].create(
            {
                "code": "T-401",
                "site_id": self.site.id,
                "building_id": self.building.id,
                "area": 40.0,
                "usage": "shop",
            }
        )
        occupancy = self._occupancy(unit, self.tenant_c, kind="anchor")
        self._plan(occupancy, [self.item_fee], date_start=date(2026, 4, 1))
        with freeze_time("2026-04-01"):
            april = self._bill(date(2026, 4, 1))
        bill = april.move_ids.filtered(lambda m: m.partner_id == self.tenant_c)
        # 826.80 + 275.60 (40 m² × 6.5 + 6%) + the shop's late fee 4.55
        self.assertEqual(bill.amount_total, 1106.95)
        with freeze_time("2026-04-20"):
            self._pay(bill, 500.0, date(2026, 4, 20))
        with freeze_time("2026-05-01"):
            may = self._bill(date(2026, 5, 1), post=False)
        fees = may.late_fee_ids.filtered(lambda f: f.invoice_id == bill)
        # 606.95 owed: 453.34 for the shop, 151.11 for T-401, 2.50 late fee
        self.assertEqual(
            sorted(
                fees.mapped(
                    lambda f: (f.occupancy_id.unit_id.code, f.residual, f.amount)
                )
            ),
            [("T-101", 453.34, 2.27), ("T-401", 151.11, 0.76)],
        )
        self.assertEqual(
            self._late_lines(may)["T-101"], (14.67, "to_bill")
        )  # 12.40 + 2.27
        self.assertEqual(self._late_lines(may)["T-401"], (0.76, "to_bill"))

    def test_cap(self):
        """A stricter standard for anchor tenants: 5‰ a day capped at 3%."""
        anchor = self._standard(
            self.item_late,
            0.0,
            tenant_kind="anchor",
            daily_rate_permille=5.0,
            grace_days=5,
            cap_percent=3.0,
        )
        with freeze_time("2026-04-01"):
            run = self._bill(date(2026, 4, 1), post=False)
        # 11 days × 5‰ = 5.5% of 826.80, capped at 3%
        self.assertEqual(self._late_lines(run)["T-101"], (24.80, "to_bill"))
        self.assertEqual(
            run.late_fee_ids.filtered(
                lambda f: f.occupancy_id == self.occ_shop
            ).standard_id,
            anchor,
        )
        self.assertEqual(self._late_lines(run)["T-201"], (2.25, "to_bill"))

    def test_no_standard_no_late_fee(self):
        self.standard_late.date_to = date(2026, 3, 31)
        with freeze_time("2026-04-01"):
            run = self._bill(date(2026, 4, 1), post=False)
        self.assertEqual(self._late_lines(run), {})
        self.assertFalse(run.error_ids)

    def test_waiver(self):
        """An approved waiver of the late-fee item takes the late fee off;
        what it forgave is not billed again the next month."""
        waiver = self.env["property.fee.waiver"].create(
            {
                "occupancy_id": self.occ_shop.id,
                "item_id": self.item_late.id,
                "date_from": date(2026, 4, 1),
                "date_to": date(2026, 4, 30),
                "percent": 100.0,
                "reason": "Test: bank transfer delayed by the bank",
            }
        )
        waiver.with_user(self.collector).action_submit()
        waiver.with_user(self.manager).action_approve()
        with freeze_time("2026-04-01"):
            april = self._bill(date(2026, 4, 1))
        self.assertEqual(self._late_lines(april)["T-101"], (0.0, "billed"))
        self.assertEqual(self._late_lines(april)["T-201"], (2.25, "billed"))
        fee = april.late_fee_ids.filtered(lambda f: f.occupancy_id == self.occ_shop)
        self.assertTrue(fee.waived)
        self.assertEqual((fee.amount, fee.waived_percent), (4.55, 100.0))
        with freeze_time("2026-05-01"):
            may = self._bill(date(2026, 5, 1), post=False)
        # the April shop bill owes 826.80 (its late fee was waived)
        self.assertEqual(self._late_lines(may)["T-101"], (16.53, "to_bill"))

    def test_waive_button(self):
        with freeze_time("2026-04-01"):
            april = self._bill(date(2026, 4, 1))
        fee = april.late_fee_ids.filtered(lambda f: f.occupancy_id == self.occ_shop)
        with self.assertRaises(UserError):
            fee.with_user(self.collector).action_waive()
        # from the overdue bill: a draft waiver for the next month not billed
        with freeze_time("2026-04-05"):
            action = self.bill_shop.with_user(
                self.collector
            ).action_property_waive_late_fees()
        waiver = self.env["property.fee.waiver"].browse(action["res_id"])
        self.assertRecordValues(
            waiver,
            [
                {
                    "occupancy_id": self.occ_shop.id,
                    "item_id": self.item_late.id,
                    "date_from": date(2026, 5, 1),
                    "date_to": date(2026, 5, 31),
                    "percent": 100.0,
                    "state": "draft",
                }
            ],
        )
        # from a previewed charge: a waiver of the run's month
        with freeze_time("2026-05-01"):
            may = self._bill(date(2026, 5, 1), post=False)
            fee = may.late_fee_ids.filtered(lambda f: f.occupancy_id == self.occ_office)
            action = fee.with_user(self.collector).action_waive()
        waiver = self.env["property.fee.waiver"].browse(action["res_id"])
        self.assertEqual(
            (waiver.occupancy_id, waiver.date_from, waiver.date_to, waiver.state),
            (self.occ_office, date(2026, 5, 1), date(2026, 5, 31), "draft"),
        )
        waiver.with_user(self.collector).action_submit()
        waiver.with_user(self.manager).action_approve()
        with freeze_time("2026-05-01"):
            may.with_user(self.collector).action_preview()
        self.assertEqual(self._late_lines(may)["T-201"], (0.0, "to_bill"))

    def test_credited_late_fee_is_billed_again(self):
        """A late-fee line cancelled with its bill is no longer 'billed'."""
        with freeze_time("2026-04-01"):
            april = self._bill(date(2026, 4, 1))
        april_shop = self._bill_of(april, self.occ_shop)
        april_shop.button_draft()
        april_shop.button_cancel()
        with freeze_time("2026-05-01"):
            may = self._bill(date(2026, 5, 1), post=False)
        self.assertEqual(self._late_lines(may)["T-101"], (16.95, "to_bill"))

    def test_scheduled_run_bills_late_fees(self):
        """Late fees follow the site's billing schedule."""
        self.site.write(
            {
                "billing_auto_run": True,
                "billing_run_day": 1,
                "billing_auto_post": True,
                "billing_manager_id": self.manager.id,
            }
        )
        with freeze_time("2026-04-01"):
            self.env["property.billing.run"]._cron_scheduled_runs(
                date_ref=date(2026, 4, 1)
            )
        run = self.env["property.billing.run"].search(
            [("site_id", "=", self.site.id), ("period_start", "=", date(2026, 4, 1))]
        )
        self.assertEqual(run.state, "posted")
        self.assertEqual(self._late_lines(run)["T-101"], (4.55, "billed"))

    def test_access(self):
        with freeze_time("2026-04-01"):
            run = self._bill(date(2026, 4, 1), post=False)
        self.assertEqual(
            self.env["property.late.fee"]
            .with_user(self.collector)
            .search_count([("run_id", "=", run.id)]),
            3,
        )
        self.assertEqual(run.with_user(self.collector).late_fee_count, 3)
