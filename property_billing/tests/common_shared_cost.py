from datetime import date

from odoo import Command
from odoo.tests import new_test_user

from .common import PropertyBillingCase


class SharedCostCase(PropertyBillingCase):
    """The billing world plus a shared-cost fee item and a second site
    (TBO) with its own portal tenant, who must never see site TBP's
    published figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_shared = cls.env["product.product"].create(
            {
                "name": "Test shared cost",
                "type": "service",
                "taxes_id": [Command.clear()],
            }
        )
        cls.item_shared = cls.env["property.fee.item"].create(
            {
                "name": "Test Shared Cost",
                "code": "T-SHARED",
                "kind": "shared",
                "product_id": cls.product_shared.id,
            }
        )
        cls.item_lift = cls.env["property.fee.item"].create(
            {
                "name": "Test Lift Maintenance",
                "code": "T-LIFT",
                "kind": "shared",
                "product_id": cls.product_shared.id,
            }
        )
        cls.other_site = cls.env["property.site"].create(
            {"name": "Test Other Court", "code": "TBO"}
        )
        cls.other_unit = cls.env["property.unit"].create(
            {
                "code": "T-O01",
                "site_id": cls.other_site.id,
                "area": 70.0,
                "usage": "home",
            }
        )
        cls.portal_o = new_test_user(
            cls.env,
            login="pb_tenant_other",
            groups="base.group_portal",
            name="Wang Qiang",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.occ_other = cls._occupancy(cls.other_unit, cls.portal_o.partner_id)

    @classmethod
    def _shared_cost(cls, amount=1000.0, period=date(2026, 3, 1), site=None, **vals):
        return cls.env["property.shared.cost"].create(
            {
                "title": "Common-area electricity",
                "site_id": (site or cls.site).id,
                "item_id": cls.item_shared.id,
                "period_start": period,
                "amount_total": amount,
                **vals,
            }
        )

    @classmethod
    def _confirmed(cls, *args, publish=False, **kwargs):
        cost = cls._shared_cost(*args, **kwargs)
        cost.with_user(cls.manager).action_confirm()
        if publish:
            cost.with_user(cls.manager).action_publish()
        return cost

    @classmethod
    def _billed_run(cls, period):
        run = cls._run(period)
        run.action_preview()
        run.action_generate()
        run.action_post()
        return run

    @staticmethod
    def _shares(cost):
        """{unit code: amount} of the apportionment."""
        return {line.unit_id.code: line.amount for line in cost.line_ids}
