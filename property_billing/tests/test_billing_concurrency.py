import threading
from datetime import date

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged


@tagged("-at_install", "post_install")
class TestConcurrentRuns(TransactionCase):
    """Two runs of the same site and month generated at the same time, on
    separate database connections: the unique key lets only one of them
    invoice each charge.  The world is committed (other connections must see
    it) and removed afterwards."""

    def _world(self, env):
        product = env["product.product"].create(
            {
                "name": "Test concurrent fee",
                "type": "service",
                "taxes_id": [Command.clear()],
            }
        )
        item = env["property.fee.item"].create(
            {
                "name": "Test Concurrent Fee",
                "code": "T-CONC",
                "kind": "area",
                "product_id": product.id,
            }
        )
        site = env["property.site"].create(
            {"name": "Test Concurrent Plaza", "code": "TCC"}
        )
        standard = env["property.fee.standard"].create(
            {
                "item_id": item.id,
                "site_id": site.id,
                "rate": 5.0,
                "date_from": date(2025, 1, 1),
            }
        )
        standard.action_submit()
        standard.action_approve()
        units = env["property.unit"].create(
            [
                {
                    "code": f"T-C{i:02d}",
                    "site_id": site.id,
                    "area": 10.0 * (i + 1),
                    "usage": "shop",
                }
                for i in range(6)
            ]
        )
        partners = env["res.partner"].create(
            [{"name": f"Test Concurrent Tenant {i}"} for i in range(6)]
        )
        occupancies = env["property.occupancy"].create(
            [
                {
                    "unit_id": unit.id,
                    "tenant_id": partner.id,
                    "move_in_date": date(2025, 1, 1),
                }
                for unit, partner in zip(units, partners, strict=True)
            ]
        )
        occupancies.action_activate()
        plans = env["property.billing.plan"].create(
            [
                {
                    "occupancy_id": o.id,
                    "line_ids": [Command.create({"item_id": item.id})],
                }
                for o in occupancies
            ]
        )
        plans.action_start()
        runs = env["property.billing.run"].create(
            [{"site_id": site.id, "period_start": date(2026, 3, 1)} for _ in range(2)]
        )
        runs.action_preview()
        return {
            "product": product.id,
            "item": item.id,
            "site": site.id,
            "standard": standard.id,
            "units": units.ids,
            "partners": partners.ids,
            "occupancies": occupancies.ids,
            "plans": plans.ids,
            "runs": runs.ids,
        }

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["account.move"].search(
                [("property_billing_run_id", "in", ids["runs"])]
            ).with_context(force_delete=True).unlink()
            for table, key in (
                ("property_billing_key", "occupancy_id"),
                ("property_billing_run_line", "run_id"),
                ("property_billing_run_error", "run_id"),
            ):
                column_ids = (
                    ids["occupancies"] if key == "occupancy_id" else ids["runs"]
                )
                cr.execute(f"DELETE FROM {table} WHERE {key} = ANY(%s)", [column_ids])  # noqa: S608
            for table, name in (
                ("property_billing_run", "runs"),
                ("property_billing_plan", "plans"),
                ("property_occupancy", "occupancies"),
                ("property_unit", "units"),
                ("property_fee_standard", "standard"),
                ("property_site", "site"),
                ("property_fee_item", "item"),
            ):
                value = ids[name] if isinstance(ids[name], list) else [ids[name]]
                cr.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [value])  # noqa: S608
            env["res.partner"].browse(ids["partners"]).unlink()
            env["product.product"].browse(ids["product"]).unlink()

    def test_two_runs_at_once_bill_once(self):
        with self.registry.cursor() as cr:
            ids = self._world(api.Environment(cr, SUPERUSER_ID, {}))
        self.addCleanup(self._cleanup, ids)

        first_generated = threading.Event()
        release_first = threading.Event()
        errors = []

        def generate(run_id, hold):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["property.billing.run"].browse(run_id).action_generate()
                    if hold:
                        # keep the transaction (and its keys) open while the
                        # other run tries to insert the same keys
                        first_generated.set()
                        release_first.wait(30)
            except Exception as error:  # noqa: BLE001  reported below
                errors.append(error)
                first_generated.set()

        first = threading.Thread(target=generate, args=(ids["runs"][0], True))
        second = threading.Thread(target=generate, args=(ids["runs"][1], False))
        first.start()
        self.assertTrue(first_generated.wait(60))
        second.start()
        second.join(2)  # blocked on the first run's uncommitted keys
        self.assertTrue(second.is_alive(), "the second run waits for the first")
        release_first.set()
        first.join(60)
        second.join(60)
        self.assertFalse(errors, errors)

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            run_a, run_b = env["property.billing.run"].browse(ids["runs"])
            self.assertEqual(len(run_a.move_ids), 6)
            self.assertFalse(run_b.move_ids, "nothing billed twice")
            self.assertEqual(set(run_b.line_ids.mapped("state")), {"duplicate"})
            self.assertEqual(
                env["property.billing.key"].search_count(
                    [("occupancy_id", "in", ids["occupancies"])]
                ),
                6,
            )
            lines = env["account.move.line"].search(
                [("property_occupancy_id", "in", ids["occupancies"])]
            )
            self.assertEqual(len(lines), 6)
