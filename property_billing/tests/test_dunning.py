import base64
import io
from datetime import date
from unittest.mock import patch

import openpyxl
import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

from odoo.addons.property_tenant.tests.spreadsheet_checks import (
    FORMULA_TEXT,
    assert_text_not_formula,
)

from ..models.property_arrears_report import aging_bucket
from ..models.property_dunning_level import reached_level
from .common import PropertyBillingCase


@tagged("-at_install", "post_install")
class TestDunning(PropertyBillingCase):
    """Dunning (催缴) of the March bills, due 2026-03-16: shop 826.80 (the
    anchor tenant), office 409.58, home 281.96.  Levels: reminder at D+3
    (anchors D+1), collector call at D+15 (D+7), letter at D+30 (D+15)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Level = cls.env["property.dunning.level"]
        Level.search([]).active = False
        template = cls.env.ref("property_billing.mail_template_property_dunning")
        cls.level_reminder, cls.level_call, cls.level_letter = Level.create(
            [
                {
                    "name": "Test Reminder",
                    "sequence": 1,
                    "days_overdue": 3,
                    "anchor_days_overdue": 1,
                    "notify_portal": True,
                    "send_email": True,
                    "mail_template_id": template.id,
                    "message": "Test: your bill is overdue.",
                },
                {
                    "name": "Test Call",
                    "sequence": 2,
                    "days_overdue": 15,
                    "anchor_days_overdue": 7,
                    "notify_portal": True,
                    "mail_template_id": template.id,
                    "create_activity": True,
                    "activity_type_id": cls.env.ref(
                        "property_billing.mail_activity_type_dunning_call"
                    ).id,
                    "activity_user": "collector",
                },
                {
                    "name": "Test Letter",
                    "sequence": 3,
                    "days_overdue": 30,
                    "anchor_days_overdue": 15,
                    "send_email": True,
                    "print_letter": True,
                    "payment_days": 7,
                    "create_activity": True,
                    "activity_type_id": cls.env.ref(
                        "property_billing.mail_activity_type_dunning_letter"
                    ).id,
                    "activity_user": "supervisor",
                    "message": "Test: pay within seven days.",
                },
            ]
        )
        cls.site.write(
            {"fee_collector_id": cls.collector.id, "billing_manager_id": cls.manager.id}
        )
        cls.tenant_a.email = "zhang.wei@example.com"
        cls.tenant_b.email = "liu.fang@example.com"
        cls.tenant_c.email = "anchor.store@example.com"
        with freeze_time("2026-03-01"):
            cls.march = cls._bill(date(2026, 3, 1))
        cls.bill_shop = cls._bill_of(cls.march, cls.occ_shop)
        cls.bill_office = cls._bill_of(cls.march, cls.occ_office)
        cls.bill_home = cls._bill_of(cls.march, cls.occ_home)

    @classmethod
    def _bill(cls, period):
        run = cls._run(period)
        run.action_preview()
        run.action_generate()
        run.action_post()
        return run

    @classmethod
    def _bill_of(cls, run, occupancy):
        return run.move_ids.filtered(
            lambda m: occupancy in m.invoice_line_ids.property_occupancy_id
        )

    def _dun(self, day):
        """The dunning steps done on ``day`` for the bills of the test site."""
        with freeze_time(day):
            done = self.env["property.dunning"]._cron_dunning(date_ref=day)
        return done.filtered(lambda d: d.site_id == self.site)

    def _steps(self, dunnings):
        return {(d.invoice_id, d.level_id) for d in dunnings}

    # ------------------------------------------------------------------
    # Pure rules
    # ------------------------------------------------------------------
    def test_reached_level(self):
        levels = [("reminder", 3, 1), ("call", 15, 7), ("letter", 30, 15)]
        self.assertIsNone(reached_level(levels, 2, anchor=False))
        self.assertEqual(reached_level(levels, 1, anchor=True), "reminder")
        self.assertEqual(reached_level(levels, 3, anchor=False), "reminder")
        self.assertEqual(reached_level(levels, 14, anchor=False), "reminder")
        self.assertEqual(reached_level(levels, 7, anchor=True), "call")
        self.assertEqual(reached_level(levels, 29, anchor=False), "call")
        self.assertEqual(reached_level(levels, 15, anchor=True), "letter")
        self.assertEqual(reached_level(levels, 400, anchor=False), "letter")

    def test_aging_bucket(self):
        self.assertEqual(
            [aging_bucket(d) for d in (1, 30, 31, 60, 61, 90, 91, 365)],
            ["0_30", "0_30", "31_60", "31_60", "61_90", "61_90", "90_plus", "90_plus"],
        )

    def test_level_constraints(self):
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.level_call.with_user(self.manager).write({"activity_type_id": False})
        with (
            self.assertRaises(psycopg2.IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.level_call.anchor_days_overdue = 20
            self.env.flush_all()
        with self.assertRaises(AccessError):
            self.level_call.with_user(self.collector).write({"days_overdue": 10})

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------
    def test_levels_by_day_anchor_firmer(self):
        day1 = self._dun(date(2026, 3, 17))
        self.assertEqual(
            self._steps(day1),
            {(self.bill_shop, self.level_reminder)},
            "D+1: only the anchor tenant is reminded",
        )
        self.assertEqual(self._steps(self._dun(date(2026, 3, 18))), set())
        day3 = self._dun(date(2026, 3, 19))
        self.assertEqual(
            self._steps(day3),
            {
                (self.bill_office, self.level_reminder),
                (self.bill_home, self.level_reminder),
            },
        )
        day7 = self._dun(date(2026, 3, 23))
        self.assertEqual(self._steps(day7), {(self.bill_shop, self.level_call)})
        day15 = self._dun(date(2026, 3, 31))
        self.assertEqual(
            self._steps(day15),
            {
                (self.bill_shop, self.level_letter),
                (self.bill_office, self.level_call),
                (self.bill_home, self.level_call),
            },
        )
        day30 = self._dun(date(2026, 4, 15))
        self.assertEqual(
            self._steps(day30),
            {
                (self.bill_office, self.level_letter),
                (self.bill_home, self.level_letter),
            },
        )
        # never again
        self.assertFalse(self._dun(date(2026, 4, 16)))
        self.assertFalse(self._dun(date(2026, 6, 30)))
        history = self.env["property.dunning"].search(
            [("invoice_id", "in", self.march.move_ids.ids)]
        )
        self.assertEqual(len(history), 9)
        self.assertEqual(set(history.mapped("state")), {"done"})
        shop_call = history.filtered(
            lambda d: d.invoice_id == self.bill_shop and d.level_id == self.level_call
        )
        self.assertRecordValues(
            shop_call,
            [
                {
                    "date": date(2026, 3, 23),
                    "days_overdue": 7,
                    "amount_overdue": 826.8,
                    "tenant_kind": "anchor",
                    "partner_id": self.tenant_c.id,
                    "occupancy_id": self.occ_shop.id,
                    "site_id": self.site.id,
                    "user_id": self.collector.id,
                }
            ],
        )
        # the tenant's dunning history
        self.assertEqual(self.tenant_c.property_dunning_count, 3)
        self.assertEqual(self.occ_office.dunning_count, 3)
        action = self.tenant_c.action_property_view_dunning()
        self.assertEqual(
            self.env["property.dunning"].search(action["domain"]).invoice_id,
            self.bill_shop,
        )

    def test_highest_level_only(self):
        """A bill first dunned 20 days late gets the call, not the reminder."""
        steps = self._dun(date(2026, 4, 5))
        self.assertEqual(
            self._steps(steps),
            {
                (self.bill_shop, self.level_letter),
                (self.bill_office, self.level_call),
                (self.bill_home, self.level_call),
            },
        )
        self.assertFalse(self._dun(date(2026, 4, 6)))

    def test_scheduler_runs_a_few_steps_per_call(self):
        """Run by the scheduler, the dunning does a few steps per call and
        reports the bills left: the scheduler commits and calls again, so a
        long first run is never rolled back whole by the cron time limit
        (the load benchmark found the letters of a large site rendered for
        ten minutes, killed and started over, for ever).  The bills dunned
        already are skipped by the next calls; each bill is dunned once."""
        cron = self.env.ref("property_billing.ir_cron_property_dunning")
        day = date(2026, 4, 5)
        calls = []
        with (
            patch(
                "odoo.addons.property_billing.models.property_dunning."
                "DUNNING_CRON_STEPS",
                1,
            ),
            freeze_time(day),
        ):
            for _call in range(100):
                progress = self.env["ir.cron.progress"].create(
                    {"cron_id": cron.id, "done": 0, "remaining": 0}
                )
                done = (
                    self.env["property.dunning"]
                    .with_context(ir_cron_progress_id=progress.id)
                    ._cron_dunning(date_ref=day)
                )
                calls.append((done, progress.done, progress.remaining))
                if not progress.remaining:
                    break
        self.assertGreaterEqual(len(calls), 3, "one step per call, three bills")
        for done, reported, remaining in calls[:-1]:
            self.assertEqual(len(done), 1)
            self.assertEqual(reported, 1, "the scheduler counts it as progress")
            self.assertGreater(remaining, 0, "and calls again")
        ours = self.env["property.dunning"].browse()
        for done, _reported, _remaining in calls:
            ours |= done.filtered(lambda d: d.site_id == self.site)
        self.assertEqual(
            sorted((d.invoice_id.id, d.level_id.id) for d in ours),
            sorted(
                [
                    (self.bill_shop.id, self.level_letter.id),
                    (self.bill_office.id, self.level_call.id),
                    (self.bill_home.id, self.level_call.id),
                ]
            ),
            "each bill dunned once, at its level",
        )
        # outside the scheduler (the billing manager's "Run now"): all at once
        self.assertFalse(self._dun(day))

    def test_paid_bills_are_not_dunned(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.bill_office.ids
        ).create({"payment_date": date(2026, 3, 18)})._create_payments()
        self.assertIn(self.bill_office.payment_state, ("paid", "in_payment"))
        steps = self._dun(date(2026, 3, 19))
        self.assertEqual(
            self._steps(steps),
            {
                (self.bill_shop, self.level_reminder),
                (self.bill_home, self.level_reminder),
            },
        )

    def test_reminder_portal_notice_and_email(self):
        self._dun(date(2026, 3, 17))
        step = self.env["property.dunning"].search(
            [("invoice_id", "=", self.bill_shop.id)]
        )
        self.assertTrue(step.portal_notified and step.email_sent)
        message = self.bill_shop.message_ids.filtered(
            lambda m: (
                m.message_type == "comment" and "Test: your bill is overdue." in m.body
            )
        )
        self.assertEqual(len(message), 1)
        self.assertFalse(message.subtype_id.internal, "tenants read it on the portal")
        self.assertIn(self.bill_shop.name, message.body)
        self.assertIn("826.80", message.body)
        self.assertIn(self.tenant_c, message.partner_ids)
        self.assertIn(
            self.tenant_c,
            message.notification_ids.filtered(
                lambda n: n.notification_type == "email"
            ).res_partner_id,
            "e-mailed through the mail queue",
        )
        self.assertIn("anchor.store@example.com", step.actions_done)

    def test_call_activity_for_collector(self):
        self._dun(date(2026, 3, 23))
        step = self.env["property.dunning"].search(
            [
                ("invoice_id", "=", self.bill_shop.id),
                ("level_id", "=", self.level_call.id),
            ]
        )
        activity = step.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("property_billing.mail_activity_type_dunning_call"),
        )
        self.assertEqual(activity.user_id, self.collector)
        self.assertEqual(activity.date_deadline, date(2026, 3, 23))
        self.assertIn("Test Anchor Store Ltd", activity.summary)
        # the collector sees and works on the history
        self.assertEqual(
            self.env["property.dunning"]
            .with_user(self.collector)
            .search_count([("id", "=", step.id)]),
            1,
        )

    def test_letter(self):
        with freeze_time("2026-04-01"):
            self._bill(date(2026, 4, 1))
        self._dun(date(2026, 4, 20))
        step = self.env["property.dunning"].search(
            [
                ("invoice_id", "=", self.bill_shop.id),
                ("level_id", "=", self.level_letter.id),
            ]
        )
        self.assertTrue(step.letter_attachment_id)
        self.assertEqual(step.letter_attachment_id.res_id, step.id)
        activity = step.activity_ids
        self.assertEqual(
            activity.user_id, self.manager, "the supervisor signs the letter"
        )
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "property_billing.action_report_property_dunning_letter", step.ids
            )[0]
            .decode()
        )
        self.assertIn("Payment Demand Letter", html)
        self.assertIn("Test: pay within seven days.", html)
        self.assertIn(self.bill_shop.name, html)
        april_shop = self.env["account.move"].search(
            [
                ("property_period_start", "=", date(2026, 4, 1)),
                ("partner_id", "=", self.tenant_c.id),
                ("property_site_id", "=", self.site.id),
            ]
        )
        self.assertIn(april_shop.name, html, "every overdue bill of the tenant")
        self.assertIn("1,653.60", html, "their total")
        self.assertIn(
            format_date(self.env, date(2026, 4, 27), lang_code=self.tenant_c.lang),
            html,
            "pay within 7 days of the letter",
        )
        self.assertIn(self.manager.name, html)
        self.assertNotIn(self.bill_office.name, html, "another tenant's bill")
        # the e-mail carries the letter
        message = step.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertIn(self.tenant_c, message.partner_ids)

    def test_one_failure_does_not_stop_the_batch(self):
        Dunning = self.env.registry["property.dunning"]
        original = Dunning._execute
        office = self.bill_office

        def flaky(dunning):
            if dunning.invoice_id == office:
                raise RuntimeError("Test: the mail server is down")
            return original(dunning)

        with (
            patch.object(Dunning, "_execute", flaky),
            mute_logger("odoo.addons.property_billing.models.property_dunning"),
        ):
            steps = self._dun(date(2026, 3, 19))
        self.assertEqual(
            self._steps(steps),
            {
                (self.bill_shop, self.level_reminder),
                (self.bill_home, self.level_reminder),
            },
        )
        failed = self.env["property.dunning"].search([("invoice_id", "=", office.id)])
        self.assertRecordValues(
            failed,
            [
                {
                    "state": "failed",
                    "level_id": self.level_reminder.id,
                    "portal_notified": False,
                }
            ],
        )
        self.assertIn("mail server is down", failed.error)
        self.assertFalse(
            office.message_ids.filtered(
                lambda m: "Test: your bill is overdue." in (m.body or "")
            ),
            "nothing half-done on the failed bill",
        )
        # tried again the next day, once
        retry = self._dun(date(2026, 3, 20))
        self.assertEqual(retry, failed)
        self.assertEqual(failed.state, "done")
        self.assertFalse(failed.error)
        self.assertFalse(self._dun(date(2026, 3, 21)))

    def test_database_error_is_not_the_bills_failure(self):
        """A lock or serialization failure while dunning a bill fails the
        run (the cron tries again) and is never recorded as the bill's
        failed step."""
        Dunning = self.env.registry["property.dunning"]
        office = self.bill_office

        def locked(dunning):
            if dunning.invoice_id == office:
                raise psycopg2.errors.LockNotAvailable("Test: row is locked")
            return True

        with (
            patch.object(Dunning, "_execute", locked),
            self.assertRaises(psycopg2.errors.LockNotAvailable),
        ):
            self._dun(date(2026, 3, 19))
        self.assertFalse(
            self.env["property.dunning"].search(
                [("invoice_id", "=", office.id), ("state", "=", "failed")]
            )
        )

    def test_no_collector_fails_on_the_record(self):
        self.site.write(
            {
                "fee_collector_id": False,
                "billing_manager_id": False,
                "manager_id": False,
            }
        )
        with mute_logger("odoo.addons.property_billing.models.property_dunning"):
            self._dun(date(2026, 3, 23))
        step = self.env["property.dunning"].search(
            [
                ("invoice_id", "=", self.bill_shop.id),
                ("level_id", "=", self.level_call.id),
            ]
        )
        self.assertEqual(step.state, "failed")
        self.assertIn("no fee collector", step.error)

    def test_access(self):
        self._dun(date(2026, 3, 19))
        with self.assertRaises(AccessError):
            self.env["property.dunning"].with_user(self.portal_a).search([])
        with self.assertRaises(AccessError):
            self.env["property.arrears.report"].with_user(self.agent).search([])
        with self.assertRaises(UserError):
            self.env["property.dunning"].with_user(self.collector).action_run_dunning()

    # ------------------------------------------------------------------
    # Arrears list
    # ------------------------------------------------------------------
    def _arrears_world(self):
        with freeze_time("2026-04-01"):
            self._bill(date(2026, 4, 1))
        with freeze_time("2026-05-01"):
            self._bill(date(2026, 5, 1))
        register = self.env["account.payment.register"]
        register.with_context(
            active_model="account.move", active_ids=self.bill_office.ids
        ).create({"amount": 200.0, "payment_date": date(2026, 4, 2)})._create_payments()
        april_home = self.env["account.move"].search(
            [
                ("property_period_start", "=", date(2026, 4, 1)),
                ("partner_id", "=", self.tenant_b.id),
                ("property_site_id", "=", self.site.id),
            ]
        )
        register.with_context(
            active_model="account.move", active_ids=april_home.ids
        ).create({"payment_date": date(2026, 4, 20)})._create_payments()

    def test_arrears_report(self):
        self._arrears_world()
        self._dun(date(2026, 5, 20))
        self.env.flush_all()
        with freeze_time("2026-05-20"):
            Report = self.env["property.arrears.report"].with_user(self.collector)
            domain = [("site_id", "=", self.site.id)]
            by_partner = {
                partner: (count, oldest, days, amount)
                for partner, count, oldest, days, amount in Report._read_group(
                    domain,
                    ["partner_id"],
                    [
                        "__count",
                        "date_due:min",
                        "days_overdue:max",
                        "amount_overdue:sum",
                    ],
                )
            }
            by_aging = dict(
                Report._read_group(domain, ["aging"], ["amount_overdue:sum"])
            )
            shop_march = Report.search_fetch(
                domain + [("invoice_id", "=", self.bill_shop.id)],
                list(Report._fields),
            )
        self.assertEqual(
            by_partner,
            {
                self.tenant_c: (3, date(2026, 3, 16), 65, 2480.4),
                self.tenant_a: (3, date(2026, 3, 16), 65, 1028.74),
                self.tenant_b: (2, date(2026, 3, 16), 65, 563.92),
            },
        )
        self.assertEqual(
            {key: round(value, 2) for key, value in by_aging.items()},
            {"0_30": 1518.34, "31_60": 1236.38, "61_90": 1318.34},
        )
        self.assertRecordValues(
            shop_march,
            [
                {
                    "occupancy_id": self.occ_shop.id,
                    "unit_id": self.unit_shop.id,
                    "building_id": self.building.id,
                    "collector_id": self.collector.id,
                    "tenant_kind": "anchor",
                    "amount_billed": 826.8,
                    "amount_overdue": 826.8,
                    "days_overdue": 65,
                    "aging": "61_90",
                    "last_dunning_level_id": self.level_letter.id,
                    "last_dunning_date": date(2026, 5, 20),
                }
            ],
        )

    def test_arrears_export_user_text(self):
        """A customer named like a formula is written as text."""
        self._arrears_world()
        self.tenant_c.name = FORMULA_TEXT
        self.env.flush_all()
        with freeze_time("2026-05-20"):
            wizard = (
                self.env["property.arrears.export"]
                .with_user(self.collector)
                .create({"site_id": self.site.id, "min_days_overdue": 31})
            )
            wizard.action_export()
        assert_text_not_formula(self, base64.b64decode(wizard.file))

    def test_arrears_export(self):
        self._arrears_world()
        self.env.flush_all()
        with freeze_time("2026-05-20"):
            wizard = (
                self.env["property.arrears.export"]
                .with_user(self.collector)
                .create({"site_id": self.site.id, "min_days_overdue": 31})
            )
            action = wizard.action_export()
        self.assertIn("download=true", action["url"])
        self.assertTrue(wizard.filename.endswith(".xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file)))
        self.assertEqual(book.sheetnames, ["Arrears", "By Customer", "Aging"])
        rows = list(book["Arrears"].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Customer")
        bills = rows[1:-1]
        self.assertEqual(len(bills), 5, "the March and April bills, not May's")
        self.assertEqual(rows[-1][0], "Total")
        self.assertAlmostEqual(
            rows[-1][13], 826.8 * 2 + 209.58 + 409.58 + 281.96, places=2
        )
        customers = {
            row[0]: row[4]
            for row in book["By Customer"].iter_rows(min_row=2, values_only=True)
        }
        self.assertAlmostEqual(customers["Test Anchor Store Ltd"], 1653.6, places=2)
        aging = list(book["Aging"].iter_rows(values_only=True))
        self.assertEqual(aging[1][0], "Test Billing Plaza")
        self.assertAlmostEqual(aging[1][2], 1236.38, places=2)
        self.assertAlmostEqual(aging[1][3], 1318.34, places=2)
