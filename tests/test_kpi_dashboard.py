"""The service-target dashboard (服务目标, R-KPI) of the suite module on a
constructed site: the five KPIs to the exact percentage, the records behind
each figure, the trend, the xlsx report, who may see it, and the morning
meeting and scorecards joined across the apps."""

import base64
import io
from datetime import date, datetime

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user

from odoo.addons.property_management.kpi import (
    kpi_percent,
    period_bounds,
    period_label,
    target_met,
    trend_periods,
)
from odoo.addons.property_tenant.tests.spreadsheet_checks import (
    FORMULA_TEXT,
    assert_text_not_formula,
)

# a 1x1 PNG: the customer's signature on a work order
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5b00000000"
        "49454e44ae426082"
    )
)
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


class TestKpiPure(TransactionCase):
    test_module = "property_suite"
    test_tags = {"standard", "post_install"}

    def test_percent_and_target(self):
        self.assertEqual(kpi_percent(3, 4), 75.0)
        self.assertEqual(kpi_percent(2, 3), 66.67)
        self.assertEqual(kpi_percent(1250.0, 2000.0), 62.5)
        self.assertIsNone(kpi_percent(0, 0), "nothing to measure")
        self.assertTrue(target_met(98.0, 98.0))
        self.assertFalse(target_met(97.99, 98.0))
        self.assertTrue(target_met(None, 100.0))

    def test_periods(self):
        day = date(2026, 5, 17)
        self.assertEqual(
            period_bounds("month", day), (date(2026, 5, 1), date(2026, 5, 31))
        )
        self.assertEqual(
            period_bounds("quarter", day), (date(2026, 4, 1), date(2026, 6, 30))
        )
        self.assertEqual(
            period_bounds("year", day), (date(2026, 1, 1), date(2026, 12, 31))
        )
        self.assertEqual(period_label("month", date(2026, 3, 1)), "2026-03")
        self.assertEqual(period_label("quarter", date(2026, 4, 1)), "2026 Q2")
        self.assertEqual(period_label("year", date(2026, 1, 1)), "2026")
        self.assertEqual(
            trend_periods("month", date(2026, 2, 10), 3),
            [
                (date(2025, 12, 1), date(2025, 12, 31)),
                (date(2026, 1, 1), date(2026, 1, 31)),
                (date(2026, 2, 1), date(2026, 2, 28)),
            ],
        )
        self.assertEqual(
            trend_periods("quarter", day, 2),
            [
                (date(2026, 1, 1), date(2026, 3, 31)),
                (date(2026, 4, 1), date(2026, 6, 30)),
            ],
        )
        self.assertEqual(trend_periods("year", day, 0), [])


class KpiWorldCase(TransactionCase):
    """Site TKP in March 2026, built through the apps' own flows:

    - complaints received in March: C1..C3 closed with a call-back, C4 open;
      C5 cancelled and C6 (April) not counted: handled 3 of 4 = 75.00 %;
    - major repairs done in March: L1 (called back, unhappy), L2 (called
      back, satisfied), L3 (not called back): 2 of 3 = 66.67 %;
    - satisfaction: call-backs of March 5, 4, 5 (complaints), 2 and 5
      (lifts) = 4 of 5 satisfied, survey answers 3 of 5 satisfied: 7 of 10
      = 70.00 %;
    - archives: two required items (contract, phone) for the five residents
      in force: 4 phones + 3 contracts = 7 of 10 = 70.00 %; E moved out on
      February 15 (counted in January only), D is a draft; the nightly
      snapshots of January 31, February 28 and March 31 hold what the
      archive was then (a past period reads them);
    - bills of March: 1,000.00 (paid March 10), 500.00 (250.00 paid March
      20), 500.00 (paid April 5): 1,250.00 of 2,000.00 = 62.50 %; an April
      bill of 1,000.00 unpaid.
    """

    test_module = "property_suite"
    test_tags = {"standard", "post_install"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.company = cls.env.company
        with freeze_time("2026-03-20 10:00:00"):
            cls._build_world()

    @classmethod
    def _user(cls, login, groups, **kwargs):
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            **kwargs,
        )

    @classmethod
    def _build_world(cls):
        cls.supervisor = cls._user(
            "pm_supervisor", "property_tenant.group_property_supervisor"
        )
        cls.agent = cls._user("pm_agent", "property_tenant.group_property_agent")
        cls.technician = cls._user(
            "pm_technician", "property_helpdesk.group_property_technician"
        )
        cls.collector = cls._user(
            "pm_collector", "property_billing.group_property_fee_collector"
        )
        cls.engineering = cls.env["property.department"].create(
            {
                "name": "Test KPI Engineering",
                "kind": "engineering",
                "member_ids": [Command.set(cls.technician.ids)],
                "default_user_id": cls.technician.id,
            }
        )
        cls.category_lift = cls.env["property.ticket.category"].create(
            {
                "name": "Test KPI lift",
                "department_id": cls.engineering.id,
                "is_major_repair": True,
            }
        )
        cls.site = cls.env["property.site"].create(
            {"name": "Test KPI Plaza", "code": "TKP"}
        )
        cls.other_site = cls.env["property.site"].create(
            {"name": "Test KPI Garden", "code": "TKG"}
        )
        cls._build_archive()
        cls._build_desk()
        cls._build_survey()
        cls._build_bills()

    # ------------------------------------------------------------------
    @classmethod
    def _build_archive(cls):
        Requirement = cls.env["property.archive.requirement"]
        Requirement.search([]).active = False
        Requirement.create(
            [
                {
                    "requirement_type": "document",
                    "document_type_id": cls.env.ref(
                        "property_tenant.document_type_contract"
                    ).id,
                    "company_id": cls.company.id,
                },
                {
                    "requirement_type": "field",
                    "field_name": "tenant_phone",
                    "company_id": cls.company.id,
                },
            ]
        )
        cls.units = cls.env["property.unit"].create(
            [
                {
                    "code": f"TKP-{i}",
                    "site_id": cls.site.id,
                    "area": 80,
                    "usage": "home",
                }
                for i in range(1, 8)
            ]
        )
        cls.residents = cls.env["res.partner"].create(
            [
                {
                    "name": f"Test KPI Resident {i}",
                    "email": f"kpi.resident{i}@example.com",
                    "phone": f"+86 135 0000 000{i}" if i <= 4 else False,
                }
                for i in range(1, 6)
            ]
        )
        Occupancy = cls.env["property.occupancy"]
        cls.occupancies = Occupancy.create(
            [
                {
                    "unit_id": unit.id,
                    "tenant_id": partner.id,
                    "tenant_kind": "resident",
                    "move_in_date": date(2026, 1, 1),
                }
                for unit, partner in zip(cls.units[:5], cls.residents, strict=True)
            ]
        )
        cls.occupancies.action_activate()
        contract = cls.env.ref("property_tenant.document_type_contract")
        for occupancy in cls.occupancies[:3]:
            attachment = cls.env["ir.attachment"].create(
                {"name": "contract.pdf", "datas": base64.b64encode(b"%PDF-1.4 kpi")}
            )
            cls.env["property.document"].create(
                {
                    "name": "Contract",
                    "document_type_id": contract.id,
                    "occupancy_id": occupancy.id,
                    "attachment_ids": [Command.set(attachment.ids)],
                }
            )
        gone = cls.env["res.partner"].create({"name": "Test KPI Gone"})
        cls.ended = Occupancy.create(
            {
                "unit_id": cls.units[5].id,
                "tenant_id": gone.id,
                "tenant_kind": "resident",
                "move_in_date": date(2025, 1, 1),
                "move_out_date": date(2026, 2, 15),
            }
        )
        cls.ended.action_activate()
        # what the archive held at each month's end: the nightly snapshots
        Snapshot = cls.env["property.archive.snapshot"]
        with freeze_time("2026-01-31 15:50:00"):
            Snapshot._cron_take()
        cls.ended.action_end()
        for night in ("2026-02-28 15:50:00", "2026-03-31 15:50:00"):
            with freeze_time(night):
                Snapshot._cron_take()
        cls.draft = Occupancy.create(
            {
                "unit_id": cls.units[6].id,
                "tenant_id": gone.id,
                "move_in_date": date(2026, 3, 1),
            }
        )

    # ------------------------------------------------------------------
    @classmethod
    def _ticket(cls, kind="service", **vals):
        values = {
            "kind": kind,
            "channel": "phone",
            "site_id": cls.site.id,
            "unit_id": cls.units[0].id,
            "summary": f"Test KPI {kind}",
            "received_at": datetime(2026, 3, 2, 9, 0),
            **vals,
        }
        return cls.env["property.ticket"].with_user(cls.agent).create(values)

    @classmethod
    def _call_back(cls, ticket, satisfaction):
        callback = ticket.callback_ids.filtered(lambda c: c.state == "todo")
        callback = callback.with_user(cls.agent)
        callback.write({"satisfaction": satisfaction})
        callback.action_done()
        return callback

    @classmethod
    def _closed_complaint(cls, satisfaction, day):
        ticket = cls._ticket("complaint", received_at=datetime(2026, 3, day, 10, 0))
        ticket.write({"judgement_reason": "Not ours", "reply": "Explained"})
        ticket.action_judge_invalid()
        ticket.action_plan_callback()
        cls._call_back(ticket, satisfaction)
        return ticket

    @classmethod
    def _done_lift(cls, unit):
        ticket = cls._ticket(category_id=cls.category_lift.id, unit_id=unit.id)
        ticket.action_dispatch()
        work_order = ticket.work_order_ids.with_user(cls.technician)
        work_order.action_start()
        work_order.write(
            {
                "work_done": "<p>Lift repaired</p>",
                "time_spent": 3.0,
                "signature": SIGNATURE,
                "signed_by": "Resident",
            }
        )
        work_order.action_done()
        return ticket

    @classmethod
    def _build_desk(cls):
        cls.complaints_closed = (
            cls._closed_complaint("5", 3)
            | cls._closed_complaint("4", 4)
            | cls._closed_complaint("5", 5)
        )
        cls.complaint_open = cls._ticket(
            "complaint", received_at=datetime(2026, 3, 8, 9, 0)
        )
        cancelled = cls._ticket("complaint", received_at=datetime(2026, 3, 9, 9, 0))
        cancelled.with_user(cls.supervisor).write({"cancel_reason": "Duplicate"})
        cancelled.with_user(cls.supervisor).action_cancel()
        cls.complaint_april = cls._ticket(
            "complaint", received_at=datetime(2026, 4, 2, 9, 0)
        )
        cls.lift_unhappy = cls._done_lift(cls.units[0])
        cls._call_back(cls.lift_unhappy, "2")
        cls.lift_happy = cls._done_lift(cls.units[1])
        cls._call_back(cls.lift_happy, "5")
        cls.lift_not_called = cls._done_lift(cls.units[2])

    # ------------------------------------------------------------------
    @classmethod
    def _build_survey(cls):
        question = cls.env.ref("property_community.survey_resident_satisfaction_q1")
        survey = cls.env["property.satisfaction.survey"].create(
            {
                "name": "Test KPI survey",
                "site_id": cls.site.id,
                "date_from": date(2026, 3, 1),
                "date_to": date(2026, 3, 31),
            }
        )
        survey.action_send()
        levels = ["satisfied", "very_satisfied", "neutral", "satisfied", "unsatisfied"]
        for partner, level in zip(cls.residents, levels, strict=True):
            answer = survey.sudo().user_input_ids.filtered(
                lambda i, p=partner: i.partner_id == p
            )
            answer._save_lines(
                question,
                cls.env.ref(
                    f"property_community.survey_resident_satisfaction_q1_{level}"
                ).id,
            )
            answer._mark_done()
        cls.survey = survey

    # ------------------------------------------------------------------
    @classmethod
    def _bill(cls, occupancy, amount, period):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": occupancy.tenant_id.id,
                "invoice_date": period,
                "property_site_id": cls.site.id,
                "property_period_start": period,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Test KPI property fee",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                            "property_occupancy_id": occupancy.id,
                            "property_period_start": period,
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, bill, amount, day, cashier=None):
        payments = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=bill.ids)
            .create({"amount": amount, "payment_date": day})
            ._create_payments()
        )
        if cashier:
            payments.property_cashier_id = cashier
        return payments

    @classmethod
    def _build_bills(cls):
        first, second, third = cls.occupancies[:3]
        cls.bills = (
            cls._bill(first, 1000.0, date(2026, 3, 1))
            | cls._bill(second, 500.0, date(2026, 3, 1))
            | cls._bill(third, 500.0, date(2026, 3, 1))
        )
        cls._pay(cls.bills[0], 1000.0, date(2026, 3, 10), cls.collector)
        cls._pay(cls.bills[1], 250.0, date(2026, 3, 20), cls.collector)
        with freeze_time("2026-04-06 10:00:00"):
            cls.bill_april = cls._bill(first, 1000.0, date(2026, 4, 1))
            cls._pay(cls.bills[2], 500.0, date(2026, 4, 5))


@freeze_time("2026-04-15 09:00:00")
class TestKpis(KpiWorldCase):
    def _kpis(self, date_from=MARCH[0], date_to=MARCH[1], site=None, user=None):
        Kpi = self.env["property.management.kpi"].with_user(user or self.supervisor)
        return {
            kpi["code"]: kpi
            for kpi in Kpi.compute((site or self.site).ids, date_from, date_to)
        }

    def test_five_kpis_to_the_percent(self):
        Kpi = self.env["property.management.kpi"].with_user(self.supervisor)
        kpis = Kpi.compute(self.site.ids, *MARCH)
        self.assertEqual(
            [kpi["code"] for kpi in kpis],
            [
                "complaint_handling",
                "major_repair_callback",
                "satisfaction",
                "archive_completeness",
                "collection_rate",
            ],
        )
        self.assertEqual(
            [
                (kpi["value"], kpi["numerator"], kpi["denominator"], kpi["target"])
                for kpi in kpis
            ],
            [
                (75.0, 3, 4, 100.0),
                (66.67, 2, 3, 100.0),
                (70.0, 7, 10, 90.0),
                (70.0, 7, 10, 100.0),
                (62.5, 1250.0, 2000.0, 98.0),
            ],
        )
        self.assertEqual([kpi["met"] for kpi in kpis], [False] * 5)
        self.assertEqual(
            [kpi["name"] for kpi in kpis],
            [
                "Complaint Handling Rate",
                "Major-Repair Call-back Rate",
                "Resident Satisfaction",
                "Archive Completeness",
                "Property-Fee Collection Rate",
            ],
        )
        satisfaction = kpis[2]
        self.assertEqual(
            [(s["numerator"], s["denominator"]) for s in satisfaction["sources"]],
            [(4, 5), (3, 5)],
            "call-backs and survey answers added together",
        )

    def test_drill_down_returns_exactly_the_records_counted(self):
        kpis = self._kpis()
        env = self.env(user=self.supervisor)

        def records(source, counted=False):
            domain = source["numerator_domain"] if counted else source["domain"]
            return env[source["model"]].with_context(**source["context"]).search(domain)

        complaints = kpis["complaint_handling"]
        self.assertEqual(
            records(complaints), self.complaints_closed | self.complaint_open
        )
        self.assertEqual(records(complaints, True), self.complaints_closed)
        major = kpis["major_repair_callback"]
        lifts = self.lift_unhappy | self.lift_happy | self.lift_not_called
        self.assertEqual(
            records(major), lifts.work_order_ids.filtered(lambda w: w.state == "done")
        )
        self.assertEqual(
            records(major, True).ticket_id, self.lift_unhappy | self.lift_happy
        )
        callbacks, answers = kpis["satisfaction"]["sources"]
        self.assertEqual(len(records(callbacks)), 5)
        self.assertEqual(len(records(callbacks, True)), 4)
        self.assertEqual(records(answers).user_input_id.partner_id, self.residents)
        self.assertEqual(len(records(answers, True)), 3)
        archive = kpis["archive_completeness"]
        # a past period: the snapshot the archive left at the end of March
        self.assertEqual(records(archive).site_id, self.site)
        self.assertEqual(records(archive).date, MARCH[1])
        self.assertEqual(sum(records(archive).mapped("required_item_count")), 10)
        self.assertEqual(sum(records(archive, True).mapped("present_item_count")), 7)
        collection = kpis["collection_rate"]
        rows = records(collection)
        self.assertEqual(rows.move_id, self.bills)
        self.assertEqual(sum(rows.mapped("billed")), 2000.0)
        self.assertEqual(sum(records(collection, True).mapped("paid")), 1250.0)
        # the first source is the KPI's own model and domain
        self.assertEqual(complaints["model"], "property.ticket")
        self.assertEqual(kpis["satisfaction"]["model"], "property.callback")

    def test_closing_the_open_complaint_meets_the_target(self):
        self.complaint_open.write({"judgement_reason": "Not ours", "reply": "Ok"})
        self.complaint_open.action_judge_invalid()
        self.complaint_open.action_plan_callback()
        self._call_back(self.complaint_open, "5")
        complaint = self._kpis()["complaint_handling"]
        self.assertEqual((complaint["value"], complaint["met"]), (100.0, True))
        # the call-back is of April: March's satisfaction does not move
        self.assertEqual(self._kpis()["satisfaction"]["value"], 70.0)

    def test_period_and_site(self):
        quarter = self._kpis(date(2026, 1, 1), date(2026, 3, 31))
        self.assertEqual(
            [kpi["value"] for kpi in quarter.values()], [75.0, 66.67, 70.0, 70.0, 62.5]
        )
        year = self._kpis(date(2026, 1, 1), date(2026, 12, 31))
        # April's open complaint; April's bill and the payment of April 5
        self.assertEqual(
            (
                year["complaint_handling"]["numerator"],
                year["complaint_handling"]["denominator"],
            ),
            (3, 5),
        )
        self.assertEqual(year["complaint_handling"]["value"], 60.0)
        self.assertEqual(
            (
                year["collection_rate"]["numerator"],
                year["collection_rate"]["denominator"],
            ),
            (1750.0, 3000.0),
        )
        self.assertEqual(year["collection_rate"]["value"], 58.33)
        # January: the tenant who left in February was still there
        january = self._kpis(date(2026, 1, 1), date(2026, 1, 31))
        archive = january["archive_completeness"]
        self.assertEqual((archive["numerator"], archive["denominator"]), (7, 12))
        self.assertEqual(archive["value"], 58.33)
        self.assertIsNone(january["complaint_handling"]["value"])
        self.assertTrue(january["complaint_handling"]["met"], "nothing to measure")
        empty = self._kpis(site=self.other_site)
        self.assertEqual([kpi["value"] for kpi in empty.values()], [None] * 5)
        with self.assertRaises(UserError):
            self.env["property.management.kpi"].compute(
                self.site.ids, MARCH[1], MARCH[0]
            )

    def test_past_archive_is_what_it_held_then(self):
        """A past period's archive completeness is read from what the
        archive held then (its last snapshot), not from today's archive;
        the current period is today's archive."""
        contract = self.env.ref("property_tenant.document_type_contract")
        attachment = self.env["ir.attachment"].create(
            {"name": "contract.pdf", "datas": base64.b64encode(b"%PDF-1.4 late")}
        )
        self.env["property.document"].create(
            {
                "name": "Contract filed in April",
                "document_type_id": contract.id,
                "occupancy_id": self.occupancies[3].id,
                "attachment_ids": [Command.set(attachment.ids)],
            }
        )
        march = self._kpis()["archive_completeness"]
        self.assertEqual((march["numerator"], march["denominator"]), (7, 10))
        april = self._kpis(date(2026, 4, 1), date(2026, 4, 30))
        archive = april["archive_completeness"]
        self.assertEqual((archive["value"], archive["numerator"]), (80.0, 8))
        self.assertEqual(archive["model"], "property.occupancy", "today's archive")
        # a site with no snapshot of the time has nothing to show for it
        Site = self.env["property.site"]
        self.assertIsNone(
            self._kpis(site=self.other_site)["archive_completeness"]["value"]
        )
        earlier = Site._archive_completeness_kpi(self.site.ids, date(2025, 12, 31))
        self.assertEqual((earlier["numerator"], earlier["denominator"]), (0, 0))
        # closing an archive check records the day's snapshot
        check = (
            self.env["property.archive.check"]
            .with_user(self.supervisor)
            .create({"site_id": self.site.id, "result": "ok"})
        )
        check.action_done()
        snapshot = self.env["property.archive.snapshot"].search(
            [("site_id", "=", self.site.id), ("date", "=", date(2026, 4, 15))]
        )
        self.assertEqual(
            (snapshot.required_item_count, snapshot.present_item_count), (10, 8)
        )
        self.assertEqual(snapshot.completeness, check.completeness_at_check)
        # taken again the same day: refreshed, never twice
        self.env["property.archive.snapshot"]._cron_take()
        self.assertEqual(
            self.env["property.archive.snapshot"].search_count(
                [("site_id", "=", self.site.id), ("date", "=", date(2026, 4, 15))]
            ),
            1,
        )
        # the snapshots are not written by hand
        with self.assertRaises(AccessError):
            snapshot.with_user(self.supervisor).write({"present_item_count": 10})

    def test_trend_as_computed_per_period(self):
        # the trend's collection rates come from one query for all its
        # periods: each period's KPIs are those computed for it alone
        Kpi = self.env["property.management.kpi"].with_user(self.supervisor)
        for period, count in (("month", 4), ("quarter", 3), ("year", 2)):
            trend = Kpi._trend_figures(self.site.ids, period, count, date(2026, 4, 15))
            self.assertEqual(len(trend), count)
            for label, start, end, kpis in trend:
                self.assertEqual(kpis, Kpi.compute(self.site.ids, start, end), label)
        months = Kpi._trend_figures(self.site.ids, "month", 2, date(2026, 4, 15))
        self.assertEqual(
            [kpis[4]["value"] for _label, _start, _end, kpis in months],
            [62.5, 0.0],
        )

    def test_trend(self):
        Kpi = self.env["property.management.kpi"].with_user(self.supervisor)
        trend = Kpi.trend(self.site.ids, "month", 3, date(2026, 3, 15))
        self.assertEqual(
            trend["archive_completeness"],
            [("2026-01", 58.33), ("2026-02", 70.0), ("2026-03", 70.0)],
        )
        self.assertEqual(
            trend["collection_rate"],
            [("2026-01", None), ("2026-02", None), ("2026-03", 62.5)],
        )
        self.assertEqual(
            trend["satisfaction"],
            [("2026-01", None), ("2026-02", None), ("2026-03", 70.0)],
        )
        quarters = Kpi.trend(self.site.ids, "quarter", 2)
        self.assertEqual(
            quarters["complaint_handling"], [("2026 Q1", 75.0), ("2026 Q2", 0.0)]
        )
        with self.assertRaises(UserError):
            Kpi.trend(self.site.ids, "week")


@freeze_time("2026-04-15 09:00:00")
class TestDashboard(KpiWorldCase):
    def _board(self, user=None, **vals):
        return (
            self.env["property.management.dashboard"]
            .with_user(user or self.supervisor)
            .create(
                {
                    "site_id": self.site.id,
                    "period": "month",
                    "date": date(2026, 3, 15),
                    "trend_count": 3,
                    **vals,
                }
            )
        )

    def test_same_figure_on_every_screen(self):
        """One definition per KPI: the dashboard, the service desk's report
        of service targets, the collection report and the KPI workbook give
        the same figure for the same site and period."""
        board = self._board()
        lines = {line.code: line for line in board.line_ids}
        desk = (
            self.env["property.helpdesk.kpi.report"]
            .with_user(self.supervisor)
            .create({"site_id": self.site.id, "period": "month", "date": MARCH[0]})
        )
        for code in ("complaint_handling", "major_repair_callback"):
            with self.subTest(code=code):
                self.assertTrue(desk[f"{code}_measured"])
                self.assertEqual(desk[f"{code}_rate"], lines[code].value)
        # the desk reports the call-back part of the residents' satisfaction
        callbacks = lines["satisfaction"].source_ids.sorted("id")[0]
        self.assertEqual(
            desk.satisfaction_rate,
            round(100.0 * callbacks.numerator / callbacks.denominator, 2),
        )
        self.assertEqual(desk.satisfaction_rate, 80.0)
        collection = (
            self.env["property.collection.report.wizard"]
            .with_user(self.collector)
            .create(
                {
                    "site_ids": [Command.set(self.site.ids)],
                    "date_from": MARCH[0],
                    "date_to": MARCH[1],
                    "as_of": MARCH[1],
                }
            )
        )
        self.assertTrue(collection.rate_measured)
        self.assertEqual(collection.rate, lines["collection_rate"].value)
        self.assertEqual(collection.rate, 62.5)
        board.action_export_xlsx()
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(board.file))).active
        exported = {
            sheet.cell(row, 1).value: sheet.cell(row, 2).value
            for row in (5, 6, 7, 8, 9)
        }
        self.assertEqual(exported, {line.name: line.value for line in board.line_ids})
        # nothing to measure: no value on every screen, never 100 %
        empty = self._board(site_id=self.other_site.id)
        self.assertEqual(set(empty.line_ids.mapped("has_value")), {False})
        desk.site_id = self.other_site
        self.assertFalse(desk.satisfaction_measured)
        collection.site_ids = self.other_site
        self.assertFalse(collection.rate_measured)

    def test_shops_and_offices_beside_residents(self):
        """Residents' satisfaction counts residents' answers only; shops'
        and offices' are shown beside it, not mixed in."""
        shop_unit = self.env["property.unit"].create(
            {"code": "TKP-S1", "site_id": self.site.id, "area": 60, "usage": "shop"}
        )
        shop = self.env["res.partner"].create(
            {"name": "Test KPI Noodle Shop", "email": "kpi.shop@example.com"}
        )
        occupancy = self.env["property.occupancy"].create(
            {
                "unit_id": shop_unit.id,
                "tenant_id": shop.id,
                "tenant_kind": "small",
                "move_in_date": date(2026, 1, 1),
            }
        )
        occupancy.action_activate()
        with freeze_time("2026-03-25 10:00:00"):
            callback = (
                self.env["property.callback"]
                .with_user(self.agent)
                .create(
                    {
                        "partner_id": shop.id,
                        "site_id": self.site.id,
                        "deadline": datetime(2026, 3, 26),
                    }
                )
            )
            self.assertEqual(callback.tenant_kind, "small")
            callback.write({"satisfaction": "5"})
            callback.action_done()
            self.survey.action_send()
            answer = self.survey.sudo().user_input_ids.filtered(
                lambda i: i.partner_id == shop
            )
            self.assertEqual(answer.property_tenant_kind, "small")
            answer._save_lines(
                self.env.ref("property_community.survey_resident_satisfaction_q1"),
                self.env.ref(
                    "property_community.survey_resident_satisfaction_q1_unsatisfied"
                ).id,
            )
            answer._mark_done()
        satisfaction = {
            kpi["code"]: kpi
            for kpi in self.env["property.management.kpi"]
            .with_user(self.supervisor)
            .compute(self.site.ids, *MARCH)
        }["satisfaction"]
        self.assertEqual(
            (
                satisfaction["value"],
                satisfaction["numerator"],
                satisfaction["denominator"],
            ),
            (70.0, 7, 10),
            "the shop's answers are not mixed into the residents'",
        )
        beside = satisfaction["beside"]
        self.assertEqual(
            (beside["value"], beside["numerator"], beside["denominator"]),
            (50.0, 1, 2),
        )
        line = self._board().line_ids.filtered(lambda ln: ln.code == "satisfaction")
        self.assertEqual(line.beside, "Shops and Offices: 50.00 % (1 of 2)")
        desk = self.env["property.helpdesk.kpi"].compute_kpis(self.site.ids, *MARCH)
        self.assertEqual(
            (
                desk["satisfaction_commercial"]["numerator"],
                desk["satisfaction_commercial"]["denominator"],
            ),
            (1, 1),
        )
        self.assertEqual(desk["satisfaction"]["denominator"], 5)

    def test_dashboard_figures_and_drill_down(self):
        board = self._board()
        self.assertEqual((board.date_from, board.date_to), MARCH)
        self.assertEqual(board.period_name, "2026-03")
        self.assertEqual(
            board.line_ids.mapped("value_display"),
            ["75.00 %", "66.67 %", "70.00 %", "70.00 %", "62.50 %"],
        )
        self.assertEqual(board.line_ids.mapped("status"), ["not_met"] * 5)
        self.assertEqual(board.line_ids[0].detail, "3 of 4")
        self.assertEqual((board.met_count, board.measured_count), (0, 5))

        action = board.line_ids[0].action_open_counted()
        self.assertEqual(action["res_model"], "property.ticket")
        self.assertEqual(
            self.env["property.ticket"].search(action["domain"]), self.complaints_closed
        )
        action = board.line_ids[4].action_open_records()
        rows = (
            self.env[action["res_model"]]
            .with_user(self.supervisor)
            .with_context(**action["context"])
            .search(action["domain"])
        )
        self.assertEqual(sum(rows.mapped("billed")), 2000.0)
        # satisfaction: call-backs and survey answers, each with its records
        action = board.line_ids[2].action_open_records()
        self.assertEqual(action["res_model"], "property.management.dashboard.source")
        sources = board.line_ids[2].source_ids
        self.assertEqual(sources.mapped("name"), ["Call-backs", "Survey Answers"])
        answers = sources[1].action_open_counted()
        self.assertEqual(
            self.env[answers["res_model"]].search_count(answers["domain"]), 3
        )
        # the lines' buttons in the form run through one server action that
        # finds the line by its dashboard and KPI (a new board's lines have
        # no id when pressed: the form saves the board first)
        server_action = self.env.ref(
            "property_management.property_management_dashboard_line_action_open"
        ).with_user(self.supervisor)

        def press(button, code, board_id=board.id):
            return server_action.with_context(
                property_board_id=board_id,
                property_board_code=code,
                property_board_button=button,
            ).run()

        action = press("action_open_counted", "complaint_handling")
        self.assertEqual(
            self.env["property.ticket"].search(action["domain"]), self.complaints_closed
        )
        action = press("action_open_records", "satisfaction")
        self.assertEqual(action["domain"], [("line_id", "=", board.line_ids[2].id)])
        other = self._board()
        action = press("action_view_trend", "collection_rate", board_id=other.id)
        self.assertIn(("code", "=", "collection_rate"), action["domain"])
        self.assertIn(("dashboard_id", "=", other.id), action["domain"])
        with self.assertRaisesRegex(UserError, "does not belong to the board"):
            press("unlink", "satisfaction")
        with self.assertRaisesRegex(UserError, "no longer on the board"):
            press("action_open_records", "satisfaction", board_id=0)

        # the trend is computed when asked for: three months of five KPIs;
        # then a new period recomputes it
        self.assertFalse(board.trend_done)
        self.assertFalse(board.trend_ids)
        board.action_compute_trend()
        self.assertEqual(len(board.trend_ids), 15)
        archive = board.trend_ids.filtered(lambda t: t.code == "archive_completeness")
        self.assertEqual(archive.mapped("value"), [58.33, 70.0, 70.0])
        self.assertEqual(
            board.trend_ids.filtered(lambda t: t.period_label == "2026-01").mapped(
                "has_value"
            ),
            [False, False, False, True, False],
        )
        chart = board.action_view_trend_chart()
        self.assertEqual(
            self.env[chart["res_model"]]
            .with_user(self.supervisor)
            .search_count(chart["domain"]),
            7,
            "measured points only",
        )
        board.write({"period": "year"})
        self.assertEqual(board.period_name, "2026")
        self.assertEqual(board.line_ids[0].value, 60.0)
        self.assertEqual(
            sorted(set(board.trend_ids.mapped("period_label"))),
            ["2024", "2025", "2026"],
        )
        board.trend_count = 2
        self.assertEqual(len(board.trend_ids), 10)
        with self.assertRaises(ValidationError):
            board.trend_count = 0

    def test_xlsx_report(self):
        board = self._board()
        action = board.action_export_xlsx()
        self.assertTrue(board.trend_done, "the report holds the trend")
        self.assertIn(f"id={board.id}", action["url"])
        self.assertEqual(board.filename, "service_targets_TKP_2026-03.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(board.file)))
        self.assertEqual(book.sheetnames, ["Service Targets", "Trend"])
        sheet = book["Service Targets"]
        self.assertEqual(sheet["B2"].value, "[TKP] Test KPI Plaza")
        self.assertEqual(
            [cell.value for cell in sheet[4]],
            [
                "KPI",
                "Value (%)",
                "Target (%)",
                "Status",
                "Numerator",
                "Denominator",
                "Beside",
            ],
        )
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
        self.assertEqual(
            rows,
            [
                ["Complaint Handling Rate", 75, 100, "Not Met", 3, 4, None],
                ["Major-Repair Call-back Rate", 66.67, 100, "Not Met", 2, 3, None],
                [
                    "Resident Satisfaction",
                    70,
                    90,
                    "Not Met",
                    7,
                    10,
                    "Shops and Offices: no answer",
                ],
                ["Archive Completeness", 70, 100, "Not Met", 7, 10, None],
                [
                    "Property-Fee Collection Rate",
                    62.5,
                    98,
                    "Not Met",
                    1250,
                    2000,
                    None,
                ],
            ],
        )
        trend = [[cell.value for cell in row] for row in book["Trend"].iter_rows()]
        self.assertEqual(trend[0][0], "Period")
        self.assertEqual(trend[1], ["2026-01", None, None, None, 58.33, None])
        self.assertEqual(trend[3], ["2026-03", 75, 66.67, 70, 70, 62.5])

    def test_xlsx_report_user_text(self):
        """A site named like a formula is written as text."""
        self.site.name = FORMULA_TEXT
        board = self._board()
        board.action_export_xlsx()
        assert_text_not_formula(
            self, base64.b64decode(board.file), f"[TKP] {FORMULA_TEXT}"
        )

    def test_access(self):
        board = self._board()
        self.assertTrue(board.line_ids)
        # the menu opens a new board of the first site, computed with the
        # form (one request, nothing written)
        Board = self.env["property.management.dashboard"].with_user(self.supervisor)
        self.assertEqual(
            self.env.ref(
                "property_management.property_management_dashboard_menu"
            ).action,
            self.env.ref("property_management.property_management_dashboard_action"),
        )
        before = Board.search_count([])
        form = Form(Board)
        self.assertEqual(form.date_from, date(2026, 4, 1))
        self.assertEqual(len(form.line_ids), 5)
        self.assertEqual(Board.search_count([]), before, "nothing written")
        with self.assertRaises(AccessError):
            self._board(user=self.agent)
        with self.assertRaises(AccessError):
            board.with_user(self.agent).read(["site_id"])
        menu = self.env.ref("property_management.property_management_dashboard_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.supervisor)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.agent)._visible_menu_ids())
        root = self.env.ref("property_management.property_management_menu_root")
        self.assertIn(root.id, Menu.with_user(self.agent)._visible_menu_ids())


class TestTeamBoards(KpiWorldCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-20 10:00:00"):
            slip = cls.env["property.transfer.slip"].create(
                {
                    "summary": "Test KPI lobby lights",
                    "site_id": cls.site.id,
                    "department_id": cls.engineering.id,
                    "issued_by_id": cls.agent.id,
                    "issue_description": "<p>Two lights out</p>",
                    "due_date": date(2026, 3, 20),
                }
            )
            slip.with_user(cls.agent).action_send()
            dunning = cls.env["property.dunning"].create(
                {
                    "invoice_id": cls.bills[1].id,
                    "level_id": cls.env.ref("property_billing.dunning_level_call").id,
                    "date": date(2026, 3, 20),
                    "user_id": cls.collector.id,
                    "days_overdue": 5,
                    "amount_overdue": 250.0,
                }
            )
            dunning.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=cls.collector.id,
                date_deadline=date(2026, 3, 20),
            )

    @freeze_time("2026-03-21 08:00:00")
    def test_morning_meeting_joins_slips_and_collection(self):
        meeting = (
            self.env["property.morning.meeting"]
            .with_user(self.agent)
            .create({"date": date(2026, 3, 21), "site_id": self.site.id})
        )
        collector = meeting.line_ids.filtered(
            lambda line: line.user_id == self.collector
        )
        self.assertEqual(
            (
                collector.payment_count,
                collector.payment_amount,
                collector.dunning_done_count,
                collector.collection_task_count,
                collector.collection_task_overdue_count,
            ),
            (1, 250.0, 1, 1, 1),
        )
        agent = meeting.line_ids.filtered(lambda line: line.user_id == self.agent)
        self.assertEqual((agent.slip_open_count, agent.slip_overdue_count), (1, 1))
        # the desk's own figures are still there: the five call-backs and
        # the items closed after them (three complaints, the happy lift)
        self.assertEqual((agent.callback_done_count, agent.closed_count), (5, 4))
        action = agent.action_open_slips()
        self.assertEqual(
            self.env["property.transfer.slip"].search_count(action["domain"]), 1
        )
        action = collector.action_open_collection_tasks()
        self.assertEqual(self.env["property.dunning"].search_count(action["domain"]), 1)
        other = (
            self.env["property.morning.meeting"]
            .with_user(self.agent)
            .create({"date": date(2026, 3, 21), "site_id": self.other_site.id})
        )
        self.assertFalse(other.line_ids)

    def test_scorecards_join_slips_and_collection(self):
        card = (
            self.env["property.staff.scorecard"]
            .with_user(self.supervisor)
            .create(
                {
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 3, 31),
                    "site_id": self.site.id,
                }
            )
        )
        collector = card.line_ids.filtered(lambda line: line.user_id == self.collector)
        self.assertEqual(
            (
                collector.payment_count,
                collector.payment_amount,
                collector.dunning_count,
            ),
            (2, 1250.0, 1),
        )
        agent = card.line_ids.filtered(lambda line: line.user_id == self.agent)
        self.assertEqual(agent.slip_count, 1)
        self.assertEqual(agent.handled_count, 4, "three complaints and a lift")
        by_department = (
            self.env["property.staff.scorecard"]
            .with_user(self.supervisor)
            .create(
                {
                    "date_from": date(2026, 3, 1),
                    "date_to": date(2026, 3, 31),
                    "site_id": self.site.id,
                    "group_by": "department",
                }
            )
        )
        engineering = by_department.line_ids.filtered(
            lambda line: line.department_id == self.engineering
        )
        self.assertEqual(engineering.slip_count, 1)
        self.assertFalse(by_department.line_ids.filtered("payment_count"))


class TestOnboarding(TransactionCase):
    test_module = "property_suite"
    test_tags = {"standard", "post_install"}

    def test_steps_in_order(self):
        company = self.env["res.company"].create({"name": "Test Onboarding Co"})
        manager = new_test_user(
            self.env,
            login="pm_onboarding_manager",
            groups="property_tenant.group_property_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        Onboarding = self.env["property.management.onboarding"].with_user(manager)
        board = Onboarding.create({})
        self.assertEqual(board.company_id, company)
        # issue 12 added the sixth step, e-mail intake (an alias domain)
        steps = ["company", "site", "department", "fee_standard", "sla_policy", "email"]
        company.alias_domain_id = False
        self.assertEqual([board[f"{step}_done"] for step in steps], [False] * 6)
        self.assertEqual((board.done_count, board.step_count), (0, 6))
        self.assertFalse(board.desk_email)

        company.write({"street": "1 Wanjia Road", "city": "Shenzhen", "phone": "0755"})
        site = self.env["property.site"].create(
            {"name": "Test Onboarding Site", "code": "TON", "company_id": company.id}
        )
        board.invalidate_recordset()
        self.assertTrue(board.company_done)
        self.assertFalse(board.site_done, "a site without units is not set up")
        self.env["property.unit"].create(
            {"code": "TON-1", "site_id": site.id, "area": 50}
        )
        self.env["property.department"].create(
            {
                "name": "Test Onboarding Eng",
                "company_id": company.id,
                "resource_calendar_id": company.resource_calendar_id.id,
            }
        )
        board.invalidate_recordset()
        self.assertEqual((board.site_count, board.unit_count), (1, 1))
        self.assertFalse(board.department_done, "departments need their head")
        self.assertEqual(board.done_count, 2)
        self.assertAlmostEqual(board.progress, 33.33, places=2)
        company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "onboarding.example"}
        )
        board.invalidate_recordset()
        self.assertTrue(board.email_done)
        self.assertEqual(board.desk_email, "desk@onboarding.example")
        self.assertEqual(board.action_open_email()["res_model"], "res.config.settings")

        self.assertEqual(board.action_open_company()["res_id"], company.id)
        self.assertEqual(board.action_open_sites()["res_model"], "property.site")
        self.assertEqual(
            board.action_open_departments()["res_model"], "property.department"
        )
        self.assertEqual(
            board.action_open_fee_standards()["res_model"], "property.fee.standard"
        )
        self.assertEqual(
            board.action_open_sla_policies()["res_model"], "property.sla.policy"
        )
        agent = new_test_user(
            self.env,
            login="pm_onboarding_agent",
            groups="property_tenant.group_property_agent",
        )
        with self.assertRaises(AccessError):
            self.env["property.management.onboarding"].with_user(agent).create({})
