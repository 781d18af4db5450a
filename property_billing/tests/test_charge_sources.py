from datetime import date
from unittest.mock import patch

from odoo.tests import tagged

from .common import PropertyBillingCase

OWN_SOURCES = [
    "property.charge.source.plan",
    "property.charge.source.meter",
    "property.charge.source.shared.cost",
    "property.charge.source.late.fee",
]


@tagged("-at_install", "post_install")
class TestChargeSources(PropertyBillingCase):
    """The run knows its charges only through ``property.charge.source``."""

    def _parking_source(self, price):
        """A charge source the run has never heard of: a model inheriting
        ``property.charge.source`` (built here without a module of its own)
        that bills a parking fee to the home tenant's archive, lists one
        error and remembers what it was asked."""
        Source = type(self.env["property.charge.source"])
        case = self

        class ParkingSource(Source):
            _name = "test.charge.source.parking"
            _charge_sequence = 60
            calls = []

            def _charge_context(self, run, ctx):
                self.calls.append(("context", run.id))
                return {case.occ_home.id: price}

            def _charges(self, run, plan, ctx):
                price = ctx[self._name].pop(plan.occupancy_id.id, None)
                if price is None:
                    return []
                return [
                    {
                        "plan": plan,
                        "item": case.item_fixed,
                        "standard": case.standard_park,
                        "period_start": run.period_start,
                        "billed_start": run.period_start,
                        "billed_end": run.period_end,
                        "quantity": 1.0,
                        "price_unit": price,
                        "name": f"Parking {plan.occupancy_id.unit_id.code}",
                        "warning": False,
                        "source_ref": "P-1",
                    }
                ]

            def _charge_line_vals(self, run, charge, vals):
                if charge.get("source_ref") == "P-1":
                    vals["warning"] = "checked by the parking office"

            def _charge_preview_errors(self, run, ctx):
                return [
                    {
                        "run_id": run.id,
                        "occupancy_id": case.occ_office.id,
                        "message": "Parking card of T-201 not returned",
                    }
                ]

            def _charge_invoiced(self, run, moves):
                self.calls.append(("invoiced", moves.ids))

        return ParkingSource(self.env, (), ())

    def test_installed_sources_in_order(self):
        """Plan fees, meters, shared costs, late fees: in this order, which
        is the order of the lines of a bill; other modules' sources (paid
        services, one-off charges) come after them."""
        names = [s._name for s in self.env["property.charge.source"]._charge_sources()]
        self.assertEqual([name for name in names if name in OWN_SOURCES], OWN_SOURCES)
        self.assertNotIn("property.charge.source", names)

    def test_every_line_comes_from_a_source(self):
        """Each run line is a charge that one of the sources returned."""
        run = self._run()
        produced = {}
        Source = type(self.env["property.charge.source.plan"])
        original = Source._charges

        def recording(source, run, plan, ctx):
            charges = original(source, run, plan, ctx)
            for charge in charges:
                produced[plan.occupancy_id.unit_id.code, charge["name"]] = source._name
            return charges

        with patch.object(Source, "_charges", autospec=True, side_effect=recording):
            run.action_preview()
        self.assertEqual(len(run.line_ids), 3)
        for line in run.line_ids:
            self.assertEqual(
                produced.get((line.unit_code, line.name)),
                "property.charge.source.plan",
            )

    def test_new_source_billed_without_touching_the_run(self):
        """A new source is asked for its context once per run, its charges
        become lines and invoice lines after the other sources', its line
        values and errors are kept, and it hears of the invoices."""
        parking = self._parking_source(120.0)
        Hook = type(self.env["property.charge.source"])
        original = Hook._charge_sources

        def with_parking(model):
            return [*original(model), parking]

        run = self._run(date(2026, 3, 1))
        with patch.object(Hook, "_charge_sources", with_parking):
            run.action_preview()
            parking_line = run.line_ids.filtered(lambda ln: ln.source_ref == "P-1")
            self.assertEqual(parking_line.occupancy_id, self.occ_home)
            self.assertEqual(parking_line.name, "Parking T-301")
            self.assertEqual(parking_line.amount, 120.0)
            self.assertEqual(parking_line.warning, "checked by the parking office")
            self.assertEqual(parking_line.state, "to_bill")
            self.assertEqual(
                run.error_ids.mapped("message"), ["Parking card of T-201 not returned"]
            )
            run.action_generate()
        self.assertEqual(parking.calls[0], ("context", run.id))
        self.assertEqual(parking.calls[-1], ("invoiced", sorted(run.move_ids.ids)))
        home = run.move_ids.filtered(lambda m: m.partner_id == self.tenant_b)
        self.assertEqual(
            home.invoice_line_ids.mapped("name")[-1],
            "Parking T-301",
            "the new source's line comes after the plan fees",
        )
        self.assertEqual(home.amount_untaxed, 266.0 + 120.0)
        self.assertEqual(parking_line.state, "billed")
