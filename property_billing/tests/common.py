from datetime import date

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class PropertyBillingCase(TransactionCase):
    """Billing world: a site with a building and three units (shop, office,
    home), their tenants, approved fee standards, running monthly billing
    plans, and every billing role at its lowest rights.  Nothing here
    depends on the demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.company = cls.env.company

        def user(login, groups, **kwargs):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                **kwargs,
            )

        cls.collector = user(
            "pb_collector", "property_billing.group_property_fee_collector"
        )
        cls.manager = user(
            "pb_manager", "property_billing.group_property_billing_manager"
        )
        cls.agent = user("pb_agent", "property_tenant.group_property_agent")
        cls.portal_a = user("pb_tenant_a", "base.group_portal", name="Zhang Wei")
        cls.portal_b = user("pb_tenant_b", "base.group_portal", name="Liu Fang")
        cls.tenant_a = cls.portal_a.partner_id
        cls.tenant_b = cls.portal_b.partner_id
        cls.tenant_c = cls.env["res.partner"].create(
            {"name": "Test Anchor Store Ltd", "is_company": True}
        )

        cls.tax = cls.env["account.tax"].create(
            {
                "name": "Test VAT 6%",
                "amount": 6.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        Product = cls.env["product.product"]
        cls.product_fee = Product.create(
            {
                "name": "Test management fee",
                "type": "service",
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        cls.product_water = Product.create(
            {"name": "Test water", "type": "service", "taxes_id": [Command.clear()]}
        )
        Item = cls.env["property.fee.item"]
        cls.item_fee = Item.create(
            {
                "name": "Test Management Fee",
                "code": "T-PMF",
                "kind": "area",
                "product_id": cls.product_fee.id,
            }
        )
        cls.item_water = Item.create(
            {
                "name": "Test Water",
                "code": "T-WATER",
                "kind": "metered",
                "meter_type": "water",
                "uom_name": "m³",
                "product_id": cls.product_water.id,
            }
        )
        cls.item_fixed = Item.create(
            {
                "name": "Test Parking",
                "code": "T-PARK",
                "kind": "fixed",
                "product_id": cls.product_fee.id,
            }
        )

        cls.site = cls.env["property.site"].create(
            {"name": "Test Billing Plaza", "code": "TBP", "billing_due_days": 15}
        )
        cls.building = cls.env["property.building"].create(
            {"name": "Test Tower A", "code": "TA", "site_id": cls.site.id}
        )
        cls.unit_shop, cls.unit_office, cls.unit_home = cls.env["property.unit"].create(
            [
                {
                    "code": "T-101",
                    "site_id": cls.site.id,
                    "building_id": cls.building.id,
                    "area": 120.0,
                    "usage": "shop",
                },
                {
                    "code": "T-201",
                    "site_id": cls.site.id,
                    "building_id": cls.building.id,
                    "area": 80.5,
                    "usage": "office",
                },
                {
                    "code": "T-301",
                    "site_id": cls.site.id,
                    "building_id": cls.building.id,
                    "area": 95.0,
                    "usage": "home",
                },
            ]
        )
        cls.standard_shop = cls._standard(cls.item_fee, 6.5, usage="shop")
        cls.standard_office = cls._standard(cls.item_fee, 4.8, usage="office")
        cls.standard_home = cls._standard(cls.item_fee, 2.8, usage="home")
        cls.standard_park = cls._standard(cls.item_fixed, 300.0)

        cls.occ_shop = cls._occupancy(cls.unit_shop, cls.tenant_c, kind="anchor")
        cls.occ_office = cls._occupancy(cls.unit_office, cls.tenant_a, kind="small")
        cls.occ_home = cls._occupancy(cls.unit_home, cls.tenant_b, kind="resident")
        cls.plan_shop = cls._plan(cls.occ_shop, [cls.item_fee])
        cls.plan_office = cls._plan(cls.occ_office, [cls.item_fee])
        cls.plan_home = cls._plan(cls.occ_home, [cls.item_fee])

    @classmethod
    def _standard(
        cls, item, rate, site=None, date_from=date(2025, 1, 1), approve=True, **vals
    ):
        standard = cls.env["property.fee.standard"].create(
            {
                "item_id": item.id,
                "site_id": (site or cls.site).id,
                "rate": rate,
                "date_from": date_from,
                **vals,
            }
        )
        if approve:
            standard.action_submit()
            standard.action_approve()
        return standard

    @classmethod
    def _occupancy(
        cls, unit, tenant, move_in=date(2025, 6, 1), kind="resident", **vals
    ):
        occupancy = cls.env["property.occupancy"].create(
            {
                "unit_id": unit.id,
                "tenant_id": tenant.id,
                "tenant_kind": kind,
                "move_in_date": move_in,
                **vals,
            }
        )
        occupancy.action_activate()
        return occupancy

    @classmethod
    def _plan(cls, occupancy, items, start=True, **vals):
        plan = cls.env["property.billing.plan"].create(
            {
                "occupancy_id": occupancy.id,
                "line_ids": [Command.create({"item_id": item.id}) for item in items],
                **vals,
            }
        )
        if start:
            plan.action_start()
        return plan

    @classmethod
    def _run(cls, period=date(2026, 3, 1), site=None, user=None):
        return (
            cls.env["property.billing.run"]
            .with_user(user or cls.manager)
            .create({"site_id": (site or cls.site).id, "period_start": period})
        )
