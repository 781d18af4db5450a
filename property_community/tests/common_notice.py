from datetime import date, datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class PropertyNoticeCase(TransactionCase):
    """Notice world: two sites; the first with buildings A and B and tenants
    of each kind, some with a portal login, one without e-mail address, one
    who has moved out; the second site with its own tenant."""

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

        cls.officer = user(
            "pc_officer", "property_community.group_property_community_officer"
        )
        cls.agent = user("pc_agent", "property_tenant.group_property_agent")
        # portal tenants: A1 resident of building A, A2 anchor tenant of
        # building A, B resident of building B, S2 resident of the other site
        cls.portal_a1 = user("pc_tenant_a1", "base.group_portal", name="Zhao Min")
        cls.portal_a2 = user("pc_tenant_a2", "base.group_portal", name="Qian Store")
        cls.portal_b = user("pc_tenant_b", "base.group_portal", name="Sun Li")
        cls.portal_s2 = user("pc_tenant_s2", "base.group_portal", name="Zhou Hao")
        cls.tenant_a1 = cls.portal_a1.partner_id
        cls.tenant_a2 = cls.portal_a2.partner_id
        cls.tenant_b = cls.portal_b.partner_id
        cls.tenant_s2 = cls.portal_s2.partner_id
        for partner, email in (
            (cls.tenant_a1, "zhao.min@example.com"),
            (cls.tenant_a2, "qian.store@example.com"),
            (cls.tenant_b, "sun.li@example.com"),
            (cls.tenant_s2, "zhou.hao@example.com"),
        ):
            partner.email = email
        Partner = cls.env["res.partner"]
        cls.tenant_noemail = Partner.create({"name": "Wu Fei (no e-mail)"})
        cls.tenant_gone = Partner.create(
            {"name": "Zheng Moved Out", "email": "gone@example.com"}
        )

        cls.site = cls.env["property.site"].create(
            {"name": "Test Notice Plaza", "code": "TNP"}
        )
        cls.site2 = cls.env["property.site"].create(
            {"name": "Test Other Garden", "code": "TNO"}
        )
        cls.building_a, cls.building_b = cls.env["property.building"].create(
            [
                {"name": "Test Tower A", "code": "TA", "site_id": cls.site.id},
                {"name": "Test Tower B", "code": "TB", "site_id": cls.site.id},
            ]
        )
        cls.building_s2 = cls.env["property.building"].create(
            {"name": "Test Other Tower", "code": "TO", "site_id": cls.site2.id}
        )
        Unit = cls.env["property.unit"]

        def unit(code, building):
            return Unit.create(
                {
                    "code": code,
                    "site_id": building.site_id.id,
                    "building_id": building.id,
                    "area": 80,
                }
            )

        cls.unit_a1 = unit("TA-101", cls.building_a)
        cls.unit_a2 = unit("TA-102", cls.building_a)
        cls.unit_a3 = unit("TA-103", cls.building_a)
        cls.unit_b1 = unit("TB-101", cls.building_b)
        cls.unit_b2 = unit("TB-102", cls.building_b)
        cls.unit_s2 = unit("TO-101", cls.building_s2)
        Occupancy = cls.env["property.occupancy"]

        def occupy(unit, tenant, kind):
            occupancy = Occupancy.create(
                {
                    "unit_id": unit.id,
                    "tenant_id": tenant.id,
                    "tenant_kind": kind,
                    "move_in_date": date(2026, 1, 1),
                }
            )
            occupancy.action_activate()
            return occupancy

        occupy(cls.unit_a1, cls.tenant_a1, "resident")
        occupy(cls.unit_a2, cls.tenant_a2, "anchor")
        occupy(cls.unit_a3, cls.tenant_noemail, "resident")
        occupy(cls.unit_b1, cls.tenant_b, "resident")
        occupy(cls.unit_s2, cls.tenant_s2, "resident")
        gone = occupy(cls.unit_b2, cls.tenant_gone, "small")
        gone.write({"move_out_date": date(2026, 2, 1)})
        gone.action_end()

    @classmethod
    def _notice(cls, name="Test notice", user=None, **vals):
        values = {
            "name": name,
            "category": "reminder",
            "site_id": cls.site.id,
            "body": f"<p>{name}: body</p>",
        }
        values.update(vals)
        return cls.env["property.notice"].with_user(user or cls.officer).create(values)

    @classmethod
    def _published(cls, name="Test notice", publish_from=None, **vals):
        """A published notice, without going through the mail queue."""
        values = {
            "state": "published",
            "publish_from": publish_from or datetime(2026, 3, 1, 8, 0),
        }
        values.update(vals)
        return cls._notice(name, **values)

    @staticmethod
    def _addressees(mails):
        return sorted(mails.mapped("email_to"))

    @staticmethod
    def _formatted(partners):
        return sorted(partners.mapped("email_formatted"))

    def _queued(self, notice):
        return self.env["mail.mail"].search(
            [("model", "=", "property.notice"), ("res_id", "=", notice.id)]
        )
