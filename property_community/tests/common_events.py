from contextlib import contextmanager
from datetime import date, timedelta

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class PropertyEventCase(TransactionCase):
    """The world of the culture-plan and event tests: two sites of one
    company, households with members of every age, a community officer,
    a service agent and portal tenants. Nothing here comes from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tz="Asia/Shanghai", mail_notrack=True)
        )
        cls.company = cls.env.company

        def user(login, groups, **kwargs):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                tz="Asia/Shanghai",
                **kwargs,
            )

        cls.officer = user(
            "pce_officer", "property_community.group_property_community_officer"
        )
        cls.agent = user("pce_agent", "property_tenant.group_property_agent")
        cls.portal_a = user("pce_tenant_a", "base.group_portal", name="Li Na")
        cls.portal_b = user("pce_tenant_b", "base.group_portal", name="Wang Lei")
        cls.portal_c = user("pce_tenant_c", "base.group_portal", name="Zhao Min")

        Site = cls.env["property.site"]
        cls.site = Site.create({"name": "Test Plaza", "code": "TCE"})
        cls.site_2 = Site.create({"name": "Test Garden", "code": "TCF"})
        Unit = cls.env["property.unit"]
        cls.unit_a, cls.unit_b = Unit.create(
            [
                {"code": code, "site_id": cls.site.id, "area": 90, "usage": "home"}
                for code in ("T-0101", "T-0102")
            ]
        )
        cls.unit_c = Unit.create(
            {"code": "T-0201", "site_id": cls.site_2.id, "area": 85, "usage": "home"}
        )
        Occupancy = cls.env["property.occupancy"]
        cls.occupancy_a, cls.occupancy_b, cls.occupancy_c = Occupancy.create(
            [
                {
                    "unit_id": unit.id,
                    "tenant_id": user.partner_id.id,
                    "move_in_date": date(2025, 1, 1),
                    "member_ids": [Command.create(member) for member in members],
                }
                for unit, user, members in (
                    (
                        cls.unit_a,
                        cls.portal_a,
                        (
                            {
                                "name": "Li Xiaohong",
                                "relation": "child",
                                "birth_year": 2018,
                            },
                            {
                                "name": "Li Daye",
                                "relation": "parent",
                                "birth_year": 1950,
                            },
                            {"name": "Li Xiaoming", "relation": "spouse"},
                        ),
                    ),
                    (
                        cls.unit_b,
                        cls.portal_b,
                        (
                            {
                                "name": "Wang Xiaohong",
                                "relation": "child",
                                "birth_year": 2017,
                            },
                        ),
                    ),
                    (
                        cls.unit_c,
                        cls.portal_c,
                        (
                            {
                                "name": "Zhao Xiaohong",
                                "relation": "child",
                                "birth_year": 2019,
                            },
                        ),
                    ),
                )
            ]
        )
        (cls.occupancy_a | cls.occupancy_b | cls.occupancy_c).action_activate()
        cls.child_a, cls.grandpa_a, cls.spouse_a = cls.occupancy_a.member_ids
        cls.child_b = cls.occupancy_b.member_ids
        cls.child_c = cls.occupancy_c.member_ids

    @classmethod
    def _event(cls, site, begin, name="Test tea party", seats=0, **vals):
        """A community event of ``site`` starting at ``begin`` (naive UTC)
        for two hours."""
        values = {
            "name": name,
            "property_site_id": site.id,
            "property_audience": "all",
            "date_begin": begin,
            "date_end": begin + timedelta(hours=2),
            "date_tz": "Asia/Shanghai",
        }
        if seats:
            values.update({"seats_limited": True, "seats_max": seats})
        values.update(vals)
        return cls.env["event.event"].create(values)

    @classmethod
    def _register(cls, event, occupancy, members=(), tenant=True):
        partner = occupancy.tenant_id if tenant else None
        return cls.env["event.registration"]._property_register_household(
            event, occupancy, [member.id for member in members], partner
        )

    @contextmanager
    def assertRaisesText(self, exception, regex):
        """assertRaises (which rolls back what the failing call wrote) and
        the message of the error."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception.args[0]), regex)
