import base64
from datetime import date

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class PropertyTenantCase(TransactionCase):
    """The world of the archive tests: two companies, one site each, users
    of every role at the lowest rights that do their job, two portal
    tenants. Nothing here comes from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tz="Asia/Shanghai"))
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Other Property Co."})

        def user(login, groups, company=cls.company, **kwargs):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                **kwargs,
            )

        cls.agent = user("pt_agent", "property_tenant.group_property_agent")
        cls.supervisor = user(
            "pt_supervisor", "property_tenant.group_property_supervisor"
        )
        cls.manager = user("pt_manager", "property_tenant.group_property_manager")
        cls.agent_b = user(
            "pt_agent_b", "property_tenant.group_property_agent", company=cls.company_b
        )
        cls.portal_a = user("pt_tenant_a", "base.group_portal", name="Li Na")
        cls.portal_b = user("pt_tenant_b", "base.group_portal", name="Wang Lei")
        cls.tenant_a = cls.portal_a.partner_id
        cls.tenant_b = cls.portal_b.partner_id
        cls.merchant = cls.env["res.partner"].create(
            {"name": "Lucky Tea House", "is_company": True}
        )

        cls.site = cls.env["property.site"].create(
            {
                "name": "Wanjia Plaza",
                "code": "TWJ",
                "company_id": cls.company.id,
                "total_area": 40000,
                "agent_id": cls.agent.id,
                "manager_id": cls.manager.id,
            }
        )
        cls.building = cls.env["property.building"].create(
            {"name": "Residence C", "code": "C", "site_id": cls.site.id}
        )
        cls.unit_1, cls.unit_2, cls.unit_3 = cls.env["property.unit"].create(
            [
                {
                    "code": code,
                    "site_id": cls.site.id,
                    "building_id": cls.building.id,
                    "floor": floor,
                    "usage": usage,
                    "area": area,
                }
                for code, floor, usage, area in (
                    ("C-0301", 3, "home", 96.5),
                    ("C-0302", 3, "home", 110.0),
                    ("A-0101", 1, "shop", 80.0),
                )
            ]
        )
        cls.site_b = cls.env["property.site"].create(
            {"name": "Harbour Court", "code": "THC", "company_id": cls.company_b.id}
        )
        cls.unit_b = (
            cls.env["property.unit"]
            .with_company(cls.company_b)
            .create({"code": "H-0101", "site_id": cls.site_b.id, "area": 70.0})
        )
        cls.doc_type_contract = cls.env.ref("property_tenant.document_type_contract")
        cls.doc_type_id = cls.env.ref("property_tenant.document_type_id_card")
        cls.doc_type_license = cls.env.ref(
            "property_tenant.document_type_business_license"
        )

    @classmethod
    def _occupancy(cls, unit, tenant, move_in, move_out=None, kind="resident", **vals):
        values = {
            "unit_id": unit.id,
            "tenant_id": tenant.id,
            "tenant_kind": kind,
            "handover_date": vals.pop("handover_date", move_in),
            "move_in_date": move_in,
            "move_out_date": move_out,
        }
        values.update(vals)
        return cls.env["property.occupancy"].create(values)

    @classmethod
    def _active_occupancy(cls, unit, tenant, move_in=date(2026, 1, 1), **vals):
        occupancy = cls._occupancy(unit, tenant, move_in, **vals)
        occupancy.action_activate()
        return occupancy

    @classmethod
    def _attachment(cls, name="scan.pdf"):
        return cls.env["ir.attachment"].create(
            {"name": name, "datas": base64.b64encode(b"%PDF-1.4 archive scan")}
        )

    @classmethod
    def _document(cls, occupancy, doc_type, with_file=True, **vals):
        values = {
            "name": vals.pop("name", doc_type.name),
            "document_type_id": doc_type.id,
            "occupancy_id": occupancy.id,
        }
        if with_file:
            values["attachment_ids"] = [Command.set(cls._attachment().ids)]
        values.update(vals)
        return cls.env["property.document"].create(values)
