import io
from datetime import date
from unittest.mock import patch

import openpyxl
import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.property_tenant.tests.spreadsheet_checks import (
    FORMULA_TEXT,
    assert_text_not_formula,
)

from ..models.property_charge_source_shared_cost import (
    PropertyChargeSourceSharedCost,
)
from .common_shared_cost import SharedCostCase


def _xlsx_rows(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True))


@tagged("-at_install", "post_install")
class TestSharedCostApportionment(SharedCostCase):
    def test_area_shares_sum_exactly(self):
        cost = self._shared_cost(1000.0)
        cost.action_apportion()
        # 1,000.00 × 120 / 295.5 = 406.0913…, × 80.5 / 295.5 = 272.4196…,
        # × 95 / 295.5 = 321.4890…: the two cents left go to the largest
        # remainders (.96 and .90)
        self.assertEqual(
            self._shares(cost), {"T-101": 406.09, "T-201": 272.42, "T-301": 321.49}
        )
        self.assertAlmostEqual(sum(cost.line_ids.mapped("amount")), 1000.0, places=2)
        self.assertEqual(cost.weight_total, 295.5)
        self.assertEqual(
            cost.line_ids.mapped("unit_id.code"), ["T-101", "T-201", "T-301"]
        )
        self.assertEqual(
            cost.line_ids.mapped("occupancy_id"),
            self.occ_shop | self.occ_office | self.occ_home,
        )
        self.assertAlmostEqual(
            cost.line_ids.filtered(lambda ln: ln.unit_id == self.unit_shop).share,
            100 * 120 / 295.5,
            places=4,
        )

    def test_equal_units_are_deterministic_by_unit_code(self):
        site = self.env["property.site"].create(
            {"name": "Test Equal Court", "code": "TEQ"}
        )
        # created out of code order: the extra cent still goes to the first code
        for code in ("T-E3", "T-E1", "T-E2"):
            self.env["property.unit"].create(
                {"code": code, "site_id": site.id, "area": 50.0, "usage": "home"}
            )
        cost = self._shared_cost(100.0, site=site)
        cost.action_apportion()
        self.assertEqual(
            self._shares(cost), {"T-E1": 33.34, "T-E2": 33.33, "T-E3": 33.33}
        )
        cost.action_apportion()
        self.assertEqual(
            [(line.unit_id.code, line.amount) for line in cost.line_ids],
            [("T-E1", 33.34), ("T-E2", 33.33), ("T-E3", 33.33)],
            "apportioning again gives the same table",
        )
        # every unit is vacant: the whole cost is borne by the owner
        self.assertEqual(cost.amount_vacant, 100.0)
        self.assertEqual(cost.amount_tenants, 0.0)

    def test_vacant_unit_takes_its_share_borne_by_the_owner(self):
        vacant = self.env["property.unit"].create(
            {
                "code": "T-401",
                "site_id": self.site.id,
                "building_id": self.building.id,
                "area": 60.0,
                "usage": "home",
            }
        )
        cost = self._confirmed(1000.0)
        self.assertEqual(
            self._shares(cost),
            {"T-101": 337.55, "T-201": 226.44, "T-301": 267.23, "T-401": 168.78},
        )
        line = cost.line_ids.filtered(lambda ln: ln.unit_id == vacant)
        self.assertTrue(line.vacant)
        self.assertFalse(line.occupancy_id)
        self.assertAlmostEqual(cost.amount_vacant, 168.78, places=2)
        self.assertAlmostEqual(cost.amount_tenants, 831.22, places=2)
        run = self._billed_run(date(2026, 4, 1))
        shared = run.line_ids.filtered(lambda ln: ln.item_id == self.item_shared)
        self.assertEqual(len(shared), 3, "the vacant unit's share is not billed")
        self.assertAlmostEqual(sum(shared.mapped("amount")), 831.22, places=2)
        self.assertFalse(line.billed)
        table = _xlsx_rows(cost._xlsx_content(for_tenants=True))
        vacant_row = next(row for row in table if row[0] == "T-401")
        self.assertEqual(vacant_row[4], 168.78)
        self.assertEqual(vacant_row[5], "Vacant (borne by the owner)")

    def test_building_scope(self):
        other_building = self.env["property.building"].create(
            {"name": "Test Tower B", "code": "TB", "site_id": self.site.id}
        )
        self.env["property.unit"].create(
            {
                "code": "T-B01",
                "site_id": self.site.id,
                "building_id": other_building.id,
                "area": 500.0,
                "usage": "office",
            }
        )
        cost = self._shared_cost(295.5, building_id=self.building.id)
        cost.action_apportion()
        self.assertEqual(
            self._shares(cost), {"T-101": 120.0, "T-201": 80.5, "T-301": 95.0}
        )

    def test_tenant_of_the_period_is_the_longest_occupancy(self):
        # the office tenant moves out on 10 March; a new tenant is in from
        # the 11th (21 days): the new tenant pays the March share
        self.occ_office.write({"move_out_date": date(2026, 3, 10), "state": "ended"})
        newcomer = self.env["res.partner"].create({"name": "Test Newcomer"})
        new_occupancy = self._occupancy(
            self.unit_office, newcomer, move_in=date(2026, 3, 11)
        )
        cost = self._shared_cost(1000.0)
        cost.action_apportion()
        line = cost.line_ids.filtered(lambda ln: ln.unit_id == self.unit_office)
        self.assertEqual(line.occupancy_id, new_occupancy)
        # a tenant who left before the month is not the tenant of the month
        self.occ_home.write({"move_out_date": date(2026, 2, 28), "state": "ended"})
        cost.action_apportion()
        line = cost.line_ids.filtered(lambda ln: ln.unit_id == self.unit_home)
        self.assertTrue(line.vacant)

    def test_consumption_basis(self):
        Meter = self.env["property.meter"]
        Reading = self.env["property.meter.reading"]

        def meter(unit, serial, march_value):
            record = Meter.create(
                {
                    "serial": serial,
                    "unit_id": unit.id,
                    "meter_type": "electricity",
                    "install_date": date(2026, 1, 1),
                }
            )
            Reading.create(
                {"meter_id": record.id, "date": date(2026, 2, 28), "value": 100.0}
            )
            if march_value is not None:
                Reading.create(
                    {
                        "meter_id": record.id,
                        "date": date(2026, 3, 31),
                        "value": march_value,
                    }
                )
            return record

        meter(self.unit_shop, "T-E-101", 400.0)  # 300 kWh in March
        meter(self.unit_office, "T-E-201", 250.0)  # 150 kWh
        # T-301 has no electricity meter: it consumes none
        cost = self._shared_cost(1000.0, basis="consumption", meter_type="electricity")
        cost.action_apportion()
        self.assertEqual(
            self._shares(cost), {"T-101": 666.67, "T-201": 333.33, "T-301": 0.0}
        )
        self.assertEqual(cost.weight_total, 450.0)
        # a meter without reading in the period: the weights are unknown
        unread = self.env["property.unit"].create(
            {"code": "T-501", "site_id": self.site.id, "area": 10.0, "usage": "office"}
        )
        meter(unread, "T-E-501", None)
        with self.assertRaisesRegex(UserError, "T-501"):
            cost.action_apportion()
        self.assertEqual(len(cost.line_ids), 3, "the previous table is kept")

    def test_consumption_needs_a_meter_type(self):
        with self.assertRaises(ValidationError):
            self._shared_cost(basis="consumption")

    def test_zero_weights_refused(self):
        cost = self._shared_cost(basis="consumption", meter_type="gas")
        with self.assertRaisesRegex(UserError, "No unit"):
            cost.action_apportion()

    def test_item_must_be_shared(self):
        with self.assertRaises(ValidationError):
            self._shared_cost(item_id=self.item_fee.id)

    @mute_logger("odoo.sql_db")
    def test_period_and_amount_checked(self):
        with self.assertRaises(psycopg2.IntegrityError), self.cr.savepoint():
            self._shared_cost(period=date(2026, 3, 2))
        with self.assertRaises(psycopg2.IntegrityError), self.cr.savepoint():
            self._shared_cost(amount=0.0)
        cost = self._shared_cost()
        self.assertEqual(cost.period_end, date(2026, 3, 31))
        cost.period_start = date(2026, 2, 1)
        self.assertEqual(cost.period_end, date(2026, 2, 28))
        cost.period_end = date(2026, 4, 30)  # a cost of three months
        self.assertEqual(cost.period_end, date(2026, 4, 30))
        self.assertTrue(cost.name.startswith("SC/"))


@tagged("-at_install", "post_install")
class TestSharedCostWorkflow(SharedCostCase):
    def test_confirm_needs_a_billing_manager(self):
        cost = self._shared_cost()
        with self.assertRaisesRegex(UserError, "billing manager"):
            cost.with_user(self.collector).action_confirm()
        self.assertEqual(cost.state, "draft")
        with freeze_time("2026-04-02 09:00:00"):
            cost.with_user(self.manager).action_confirm()
        self.assertEqual(cost.state, "confirmed")
        self.assertEqual(cost.confirmed_by_id, self.manager)
        self.assertEqual(str(cost.confirmed_date), "2026-04-02 09:00:00")
        with self.assertRaisesRegex(UserError, "billing manager"):
            cost.with_user(self.collector).action_publish()
        cost.with_user(self.manager).action_publish()
        self.assertEqual(cost.state, "published")

    def test_collector_prepares_agent_cannot(self):
        cost = (
            self.env["property.shared.cost"]
            .with_user(self.collector)
            .create(
                {
                    "title": "Lift maintenance",
                    "site_id": self.site.id,
                    "item_id": self.item_lift.id,
                    "period_start": date(2026, 3, 1),
                    "amount_total": 600.0,
                }
            )
        )
        cost.action_apportion()
        self.assertEqual(len(cost.line_ids), 3)
        with self.assertRaises(AccessError):
            self.env["property.shared.cost"].with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            cost.with_user(self.portal_a).read(["amount_total"])

    def test_confirmed_is_locked(self):
        cost = self._confirmed()
        with self.assertRaisesRegex(UserError, "locked"):
            cost.amount_total = 2000.0
        with self.assertRaisesRegex(UserError, "locked"):
            cost.line_ids[0].amount = 1.0
        with self.assertRaises(UserError):
            cost.action_apportion()
        with self.assertRaises(UserError):
            cost.unlink()
        cost.source = "Master meter M-1: 12,345 kWh"  # the source stays editable

    def test_one_confirmed_per_site_building_item_month(self):
        self._confirmed()
        second = self._shared_cost(500.0)
        with self.assertRaisesRegex(UserError, "already shares"):
            second.with_user(self.manager).action_confirm()
        # another item, or another month, is fine
        self._confirmed(item_id=self.item_lift.id)
        self._confirmed(period=date(2026, 4, 1))
        # a building-scoped one overlaps the site-wide one
        scoped = self._shared_cost(100.0, building_id=self.building.id)
        with self.assertRaisesRegex(UserError, "already shares"):
            scoped.with_user(self.manager).action_confirm()
        # the constraint holds whatever the path
        with self.assertRaises(ValidationError):
            second.write({"state": "confirmed"})

    def test_building_costs_exclude_a_site_wide_one(self):
        self._confirmed(building_id=self.building.id)
        site_wide = self._shared_cost(100.0)
        with self.assertRaisesRegex(UserError, "already shares"):
            site_wide.with_user(self.manager).action_confirm()

    def test_cancel(self):
        cost = self._confirmed()
        cost.with_user(self.manager).action_cancel()
        self.assertEqual(cost.state, "cancel")
        # a cancelled one no longer blocks a corrected one
        corrected = self._confirmed(1100.0)
        self.assertEqual(corrected.state, "confirmed")
        cost.with_user(self.manager).action_reset_draft()
        self.assertEqual(cost.state, "draft")

    def test_xlsx_export_user_text(self):
        """A description and a tenant named like formulas are text."""
        cost = self._confirmed()
        cost.title = FORMULA_TEXT
        assert_text_not_formula(self, cost._xlsx_content(for_tenants=True))
        cost.line_ids.partner_id[:1].name = "@SUM(A1:A9)"
        assert_text_not_formula(self, cost._xlsx_content(), "@SUM(A1:A9)")

    def test_backend_xlsx_export(self):
        cost = self._confirmed()
        action = cost.with_user(self.collector).action_export_xlsx()
        self.assertIn("download=true", action["url"])
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", cost._name), ("res_id", "=", cost.id)]
        )
        self.assertTrue(attachment.name.endswith(".xlsx"))
        rows = _xlsx_rows(attachment.raw)
        header = rows.index(
            (
                "Unit",
                "Building",
                "Tenant",
                "Floor Area (m²)",
                "Share",
                "Amount",
                "Status",
            )
        )
        shares = {row[0]: row for row in rows[header + 1 : header + 4]}
        self.assertEqual(shares["T-201"][2], "Zhang Wei", "staff see the tenants")
        self.assertEqual(shares["T-201"][5], 272.42)
        self.assertEqual(rows[header + 4][0], "Total")
        self.assertEqual(rows[header + 4][5], 1000.0)
        self.assertEqual(rows[header + 4][3], 295.5)
        total = next(row for row in rows if row[0] == "Total Amount")
        self.assertEqual(total[1], 1000.0)


@tagged("-at_install", "post_install")
class TestSharedCostBilling(SharedCostCase):
    def _shared_lines(self, run):
        return run.line_ids.filtered(lambda ln: ln.item_id == self.item_shared)

    def test_billed_on_the_next_run_and_never_twice(self):
        cost = self._confirmed()
        run = self._billed_run(date(2026, 4, 1))
        lines = self._shared_lines(run)
        self.assertEqual(
            {(ln.unit_code, ln.amount) for ln in lines},
            {("T-101", 406.09), ("T-201", 272.42), ("T-301", 321.49)},
        )
        office = lines.filtered(lambda ln: ln.unit_code == "T-201")
        self.assertEqual(
            office.period_start, date(2026, 3, 1), "the key is the cost's month"
        )
        self.assertEqual(office.billed_start, date(2026, 3, 1))
        self.assertEqual(office.billed_end, date(2026, 3, 31))
        self.assertEqual(office.quantity, 1.0)
        self.assertFalse(office.standard_id)
        self.assertEqual(office.source_ref, cost.name)
        self.assertIn("2026-03-01~2026-03-31", office.name)
        self.assertIn("公摊", office.name)
        self.assertIn("80.5 of 295.5", office.name)
        self.assertEqual(office.state, "billed")
        # the invoice line and the share point at each other
        share = cost.line_ids.filtered(lambda ln: ln.unit_id == self.unit_office)
        self.assertTrue(share.billed)
        self.assertEqual(share.move_line_id, office.move_line_id)
        self.assertEqual(share.move_id.partner_id, self.tenant_a)
        self.assertEqual(share.move_id.state, "posted")
        invoice_line = office.move_line_id
        self.assertEqual(invoice_line.property_fee_item_id, self.item_shared)
        self.assertEqual(invoice_line.property_period_start, date(2026, 3, 1))
        self.assertEqual(invoice_line.price_subtotal, 272.42)
        self.assertAlmostEqual(cost.amount_billed, 1000.0, places=2)
        self.assertEqual(
            self.env["property.shared.cost.line"].search_count(
                [("shared_cost_id", "=", cost.id), ("billed", "=", True)]
            ),
            3,
        )
        # a second run of the same month, and the next month's run, bill
        # the shares no more
        again = self._run(date(2026, 4, 1))
        again.action_preview()
        self.assertFalse(self._shared_lines(again))
        later = self._billed_run(date(2026, 5, 1))
        self.assertFalse(self._shared_lines(later))
        with self.assertRaisesRegex(UserError, "already billed"):
            cost.with_user(self.manager).action_cancel()

    def test_label_in_payer_language(self):
        """A Chinese-speaking tenant's share is labelled in Chinese (item and
        how the share was computed), an English-speaking tenant's in
        English."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.item_shared.with_context(lang="zh_CN").name = "测试公摊费"
        self.tenant_b.lang = "zh_CN"
        self.tenant_a.lang = "en_US"
        self._confirmed()
        run = self._run(date(2026, 4, 1))
        run.action_preview()
        labels = {ln.unit_code: ln.name for ln in self._shared_lines(run)}
        self.assertTrue(
            labels["T-301"].startswith("测试公摊费 T-301 2026-03-01~2026-03-31 ("),
            labels["T-301"],
        )
        self.assertIn("按建筑面积公摊", labels["T-301"])
        self.assertTrue(
            labels["T-201"].startswith("Test Shared Cost T-201 2026-03-01~2026-03-31"),
            labels["T-201"],
        )
        self.assertIn("公摊 by floor area: 80.5 of 295.5", labels["T-201"])

    def test_same_month_run_bills_and_earlier_run_does_not(self):
        self._confirmed()
        february = self._run(date(2026, 2, 1))
        february.action_preview()
        self.assertFalse(
            self._shared_lines(february), "a cost is never billed before its month"
        )
        march = self._run(date(2026, 3, 1))
        march.action_preview()
        self.assertEqual(len(self._shared_lines(march)), 3)

    def test_draft_and_cancelled_costs_are_not_billed(self):
        self._shared_cost().action_apportion()
        cancelled = self._confirmed(item_id=self.item_lift.id)
        cancelled.with_user(self.manager).action_cancel()
        run = self._run(date(2026, 4, 1))
        run.action_preview()
        self.assertFalse(run.line_ids.filtered(lambda ln: ln.item_id.kind == "shared"))

    def test_published_cost_of_another_site_is_not_billed(self):
        self._confirmed(site=self.other_site, publish=True)
        run = self._run(date(2026, 4, 1))
        run.action_preview()
        self.assertFalse(self._shared_lines(run))

    def test_cancelled_invoice_bills_the_share_again(self):
        cost = self._confirmed()
        run = self._run(date(2026, 4, 1))
        run.action_preview()
        run.action_generate()
        invoice = run.move_ids.filtered(lambda m: m.partner_id == self.tenant_b)
        invoice.button_cancel()
        share = cost.line_ids.filtered(lambda ln: ln.unit_id == self.unit_home)
        share.invalidate_recordset()
        self.assertFalse(share.billed, "the cancelled invoice gave the share back")
        again = self._billed_run(date(2026, 5, 1))
        lines = self._shared_lines(again)
        self.assertEqual(
            [(ln.unit_code, ln.amount) for ln in lines], [("T-301", 321.49)]
        )
        self.assertTrue(share.billed)

    def test_share_without_running_plan_is_reported(self):
        cost = self._confirmed()
        self.plan_home.action_close()
        run = self._run(date(2026, 4, 1))
        run.action_preview()
        self.assertEqual(
            self._shared_lines(run).mapped("unit_code"), ["T-101", "T-201"]
        )
        error = run.error_ids.filtered(lambda e: e.occupancy_id == self.occ_home)
        self.assertEqual(len(error), 1)
        self.assertIn("T-301", error.message)
        self.assertIn(cost.name, error.message)
        self.assertIn("no running billing plan", error.message)
        run.action_generate()
        run.action_post()
        # once the plan runs again, the next run bills the share
        self.plan_home.action_start()
        later = self._run(date(2026, 5, 1))
        later.action_preview()
        self.assertEqual(self._shared_lines(later).mapped("unit_code"), ["T-301"])
        self.assertFalse(later.error_ids)

    def test_unbilled_shares_are_loaded_once_per_run(self):
        self._confirmed()
        self._confirmed(item_id=self.item_lift.id, amount=300.0)
        calls = []
        original = PropertyChargeSourceSharedCost._charge_context

        def counting(source, run, ctx):
            calls.append(run.id)
            return original(source, run, ctx)

        run = self._run(date(2026, 4, 1))
        with patch.object(
            PropertyChargeSourceSharedCost,
            "_charge_context",
            autospec=True,
            side_effect=counting,
        ):
            run.action_preview()
        self.assertEqual(calls, [run.id])
        self.assertEqual(
            len(run.line_ids.filtered(lambda ln: ln.item_id.kind == "shared")), 6
        )


@tagged("post_install", "-at_install")
class TestSharedCostPortal(HttpCase, SharedCostCase):
    """Tenants see the published tables of their own site, and nothing of
    another site or not yet published, on every route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.published = cls._confirmed(publish=True)
        cls.draft = cls._shared_cost(
            title="Draft lift maintenance", item_id=cls.item_lift.id
        )
        cls.draft.action_apportion()
        cls.confirmed = cls._confirmed(
            title="Confirmed water pump",
            item_id=cls.item_lift.id,
            period=date(2026, 4, 1),
        )
        cls.other = cls._confirmed(
            title="Other court cleaning", site=cls.other_site, publish=True
        )

    def _routes(self, cost):
        return [f"/my/shared-costs/{cost.id}", f"/my/shared-costs/{cost.id}/xlsx"]

    def test_tenant_sees_the_published_table_of_the_site(self):
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        response = self.url_open("/my/shared-costs")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.published.name, response.text)
        self.assertNotIn(self.draft.name, response.text)
        self.assertNotIn(self.confirmed.name, response.text)
        self.assertNotIn(self.other.name, response.text)
        detail = self.url_open(f"/my/shared-costs/{self.published.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn("272.42", detail.text)
        self.assertIn("Your Unit", detail.text)
        self.assertNotIn("Liu Fang", detail.text, "other tenants' names are not shown")
        xlsx = self.url_open(f"/my/shared-costs/{self.published.id}/xlsx")
        self.assertEqual(xlsx.status_code, 200)
        self.assertIn("spreadsheetml", xlsx.headers["Content-Type"])
        rows = _xlsx_rows(xlsx.content)
        header = rows.index(
            ("Unit", "Building", "Floor Area (m²)", "Share", "Amount", "Status")
        )
        self.assertEqual(
            {row[0]: row[4] for row in rows[header + 1 : header + 4]},
            {"T-101": 406.09, "T-201": 272.42, "T-301": 321.49},
        )
        self.assertEqual(rows[header + 4][4], 1000.0)
        flat = " ".join(str(cell) for row in rows for cell in row if cell)
        self.assertNotIn("Zhang Wei", flat)
        self.assertNotIn("Liu Fang", flat)

    def test_home_counter(self):
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["property_shared_cost_count"]}
        )
        self.assertEqual(counters["property_shared_cost_count"], 1)
        self.authenticate("pb_tenant_other", "pb_tenant_other")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["property_shared_cost_count"]}
        )
        self.assertEqual(counters["property_shared_cost_count"], 1)

    def test_other_site_tenant_gets_404_on_every_route(self):
        self.authenticate("pb_tenant_other", "pb_tenant_other")
        listing = self.url_open("/my/shared-costs")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(self.other.name, listing.text)
        self.assertNotIn(self.published.name, listing.text)
        self.assertNotIn(
            self.published.name, self.url_open("/my/shared-costs/page/2").text
        )
        for cost in (self.published, self.draft, self.confirmed):
            for route in self._routes(cost):
                response = self.url_open(route)
                self.assertEqual(response.status_code, 404, route)
                self.assertNotIn("272.42", response.text)
        for route in self._routes(self.other):
            self.assertEqual(self.url_open(route).status_code, 200, route)

    def test_unpublished_and_missing_tables_are_404(self):
        self.authenticate("pb_tenant_a", "pb_tenant_a")
        for cost in (self.draft, self.confirmed, self.other):
            for route in self._routes(cost):
                self.assertEqual(self.url_open(route).status_code, 404, route)
        for route in self._routes(self.env["property.shared.cost"].browse(999999)):
            self.assertEqual(self.url_open(route).status_code, 404, route)
        # no access token opens a table either
        response = self.url_open(f"/my/shared-costs/{self.other.id}?access_token=x")
        self.assertEqual(response.status_code, 404)

    def test_former_tenant_no_longer_sees_the_site(self):
        self.occ_home.write({"state": "ended", "move_out_date": date(2026, 3, 31)})
        self.authenticate("pb_tenant_b", "pb_tenant_b")
        for route in self._routes(self.published):
            self.assertEqual(self.url_open(route).status_code, 404, route)

    def test_anonymous_is_sent_to_login(self):
        for route in ["/my/shared-costs", *self._routes(self.published)]:
            response = self.url_open(route, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303), route)
            self.assertIn("/web/login", response.headers["Location"])
