import logging
from datetime import timedelta

from odoo import Command, api, fields, models

from ..billing import add_months, month_start

_logger = logging.getLogger(__name__)

# Wanjia Plaza's approved rates (CNY): management fee per m² per month by
# unit usage, and the metered items.
DEMO_AREA_RATES = {"shop": 6.5, "office": 4.8, "home": 2.8, "other": 2.8}
DEMO_WATER_TIERS = [(0, 3.5), (20, 4.5), (30, 7.0)]  # 阶梯水价, homes
DEMO_WATER_RATE = 5.2  # shops and offices
DEMO_ELECTRICITY_RATE = 1.05


class PropertyBillingDemo(models.AbstractModel):
    """Demo of the fee app, built through the real flows: Wanjia Plaza on
    the Chinese chart of accounts, its approved standards, billing plans,
    meters with three months of readings, three posted monthly runs, some
    bills paid, some overdue."""

    _name = "property.billing.demo"
    _description = "Property Billing Demo Data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("base.main_company")
        site = self.env.ref("property_tenant.property_site_wanjia_demo")
        self._demo_chart(company)
        self = self.with_company(company).with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        self._demo_products(company)
        manager = self.env.ref("property_billing.res_users_billing_manager_demo")
        site.write(
            {
                "billing_due_days": 15,
                "billing_manager_id": manager.id,
                "billing_journal_id": self.env["account.journal"]
                .search(
                    [
                        *self.env["account.journal"]._check_company_domain(company),
                        ("type", "=", "sale"),
                    ],
                    limit=1,
                )
                .id,
            }
        )
        today = fields.Date.context_today(self)
        first_month = add_months(month_start(today), -3)
        self._demo_standards(site, first_month, manager)
        plans = self._demo_plans(site, first_month)
        self._demo_meters(site, plans, first_month)
        self._demo_runs(site, first_month, manager)

    @api.model
    def _demo_chart(self, company):
        """The demo company keeps its books on the Chinese chart (小企业会计准则)."""
        if not (company.chart_template or "").startswith("cn"):
            # l10n_cn is installed (a dependency): load its chart directly,
            # the registry being still loading at demo time
            self.env["account.chart.template"]._load("cn", company, install_demo=False)

    @api.model
    def _demo_products(self, company):
        Tax = self.env["account.tax"]

        def sale_tax(amount):
            return Tax.search(
                [
                    *Tax._check_company_domain(company),
                    ("type_tax_use", "=", "sale"),
                    ("amount_type", "=", "percent"),
                    ("amount", "=", amount),
                    ("price_include", "=", False),
                ],
                limit=1,
            )

        # property services 6 %, water 9 %, electricity 13 % (general VAT payer)
        for xmlid, rate in (
            ("product_property_management_fee", 6.0),
            ("product_shared_cost", 6.0),
            ("product_decoration_fee", 6.0),
            ("product_water_fee", 9.0),
            ("product_electricity_fee", 13.0),
        ):
            tax = sale_tax(rate)
            if tax:
                self.env.ref(f"property_billing.{xmlid}").taxes_id = [
                    Command.set(tax.ids)
                ]
        liability = self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(company),
                ("account_type", "=", "liability_current"),
                ("code", "=like", "2241%"),
            ],
            limit=1,
        ) or self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(company),
                ("account_type", "=", "liability_current"),
            ],
            limit=1,
        )
        self.env.ref(
            "property_billing.product_decoration_deposit"
        ).property_account_income_id = liability

    @api.model
    def _demo_standards(self, site, first_month, manager):
        Standard = self.env["property.fee.standard"]
        ref = self.env.ref
        valid_from = add_months(first_month, -12)
        vals_list = [
            {
                "item_id": ref("property_billing.fee_item_management").id,
                "site_id": site.id,
                "usage": usage,
                "rate": rate,
                "date_from": valid_from,
                "basis": "物价局备案（演示）",
            }
            for usage, rate in DEMO_AREA_RATES.items()
        ]
        vals_list += [
            {
                "item_id": ref("property_billing.fee_item_water").id,
                "site_id": site.id,
                "rate": DEMO_WATER_RATE,
                "date_from": valid_from,
            },
            {
                "item_id": ref("property_billing.fee_item_water").id,
                "site_id": site.id,
                "usage": "home",
                "date_from": valid_from,
                "tier_ids": [
                    Command.create({"from_quantity": start, "rate": rate})
                    for start, rate in DEMO_WATER_TIERS
                ],
            },
            {
                "item_id": ref("property_billing.fee_item_electricity").id,
                "site_id": site.id,
                "rate": DEMO_ELECTRICITY_RATE,
                "date_from": valid_from,
            },
            {
                "item_id": ref("property_billing.fee_item_late_fee").id,
                "site_id": site.id,
                "daily_rate_permille": 0.5,
                "grace_days": 10,
                "cap_percent": 10.0,
                "date_from": valid_from,
            },
            {
                "item_id": ref("property_billing.fee_item_decoration").id,
                "site_id": site.id,
                "rate": 2000.0,
                "date_from": valid_from,
            },
        ]
        standards = Standard.create(vals_list)
        standards.action_submit()
        standards.with_user(manager).action_approve()
        # a rate change waiting for the billing manager's approval
        pending = Standard.create(
            {
                "item_id": ref("property_billing.fee_item_management").id,
                "site_id": site.id,
                "usage": "home",
                "rate": 3.0,
                "date_from": add_months(first_month, 4),
                "version": 2,
                "previous_id": standards.filtered(
                    lambda s: s.usage == "home" and s.item_id.kind == "area"
                ).id,
                "basis": "业委会决议（演示）",
            }
        )
        pending.action_submit()

    @api.model
    def _demo_plans(self, site, first_month):
        ref = self.env.ref
        occupancies = self.env["property.occupancy"].search(
            [("site_id", "=", site.id), ("state", "=", "active")]
        )
        fee = ref("property_billing.fee_item_management")
        water = ref("property_billing.fee_item_water")
        electricity = ref("property_billing.fee_item_electricity")

        def items(occupancy):
            if occupancy.unit_id.usage == "shop":
                return fee | water | electricity
            return fee | water

        plans = self.env["property.billing.plan"].create(
            [
                {
                    "occupancy_id": occupancy.id,
                    "date_start": max(occupancy.move_in_date, first_month),
                    "cycle": "quarterly"
                    if occupancy.tenant_kind == "anchor"
                    else "monthly",
                    "line_ids": [
                        Command.create({"item_id": item.id})
                        for item in items(occupancy)
                    ],
                }
                for occupancy in occupancies
            ]
        )
        plans.action_start()
        return plans

    @api.model
    def _demo_meters(self, site, plans, first_month):
        """A water meter on every billed unit and an electricity meter on
        every shop, read at the end of the month before the first billed
        month and of the three billed months.  One shop's last water reading
        is missing and one home's consumption jumps (an anomaly)."""
        Meter = self.env["property.meter"]
        Reading = self.env["property.meter.reading"]
        reader = self.env.ref("property_billing.res_users_collector_demo")
        read_on = [
            add_months(first_month, offset) - timedelta(days=1) for offset in range(4)
        ]
        meters = []
        for plan in plans.sorted(lambda p: p.unit_id.code):
            unit = plan.unit_id
            seed = sum(map(ord, unit.code))
            meters.append((unit, "water", 1.0, seed))
            if unit.usage == "shop":
                meters.append(
                    (
                        unit,
                        "electricity",
                        10.0 if plan.occupancy_id.tenant_kind == "anchor" else 1.0,
                        seed,
                    )
                )
        records = Meter.create(
            [
                {
                    "unit_id": unit.id,
                    "meter_type": kind,
                    "serial": f"{kind[0].upper()}-{site.code}-{unit.code}",
                    "multiplier": multiplier,
                    "initial_reading": float(seed % 500),
                    "install_date": read_on[0] - timedelta(days=30),
                }
                for unit, kind, multiplier, seed in meters
            ]
        )
        missing_done = jump_done = False
        reading_vals = []
        for meter, (unit, kind, _multiplier, seed) in zip(records, meters, strict=True):
            value = meter.initial_reading
            for month, day in enumerate(read_on):
                if kind == "water":
                    usage = (
                        6 + (seed + 7 * month) % 30
                        if unit.usage == "home"
                        else 15 + (seed + 11 * month) % 45
                    )
                else:
                    usage = 300 + (seed * 13 + 97 * month) % 900
                if (
                    month == 3
                    and kind == "water"
                    and unit.usage == "home"
                    and not jump_done
                ):
                    usage *= 6
                    jump_done = True
                value += usage
                if (
                    month == 3
                    and kind == "water"
                    and unit.usage == "shop"
                    and not missing_done
                ):
                    missing_done = True
                    continue
                reading_vals.append(
                    {
                        "meter_id": meter.id,
                        "date": day,
                        "value": value,
                        "reader_id": reader.id,
                    }
                )
        Reading.create(reading_vals)

    @api.model
    def _demo_runs(self, site, first_month, manager):
        Run = self.env["property.billing.run"].with_user(manager)
        runs = Run.browse()
        for offset in range(3):
            run = Run.create(
                {"site_id": site.id, "period_start": add_months(first_month, offset)}
            )
            run.action_preview()
            run.action_generate()
            run.action_post()
            # tenants pay before the next month is billed (or not at all)
            self._demo_payments(run, share=(1.0, 0.8, 0.3)[offset])
            runs |= run
        return runs

    @api.model
    def _demo_payments(self, run, share):
        """``share`` of the run's bills paid within the grace period; the
        rest stays open and becomes overdue."""
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(run.company_id),
                ("type", "=", "bank"),
            ],
            limit=1,
        )
        invoices = run.move_ids.filtered(lambda m: m.state == "posted").sorted("id")
        for invoice in invoices[: int(len(invoices) * share)]:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {
                    "journal_id": journal.id,
                    "payment_date": invoice.invoice_date
                    + timedelta(days=3 + invoice.id % 10),
                }
            )._create_payments()
