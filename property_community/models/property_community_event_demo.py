import logging
from datetime import date, datetime, time, timedelta

from odoo import Command, api, fields, models

_logger = logging.getLogger(__name__)

# (day offset from today, theme, audience, budget, seats, purpose)
DEMO_EVENTS = [
    (
        -12,
        "邻里敬老茶话会",
        "elderly",
        3000.0,
        40,
        "为老年住户准备茶点并提供免费健康检查；志愿者上门看望行动不便的老人。",
    ),
    (
        9,
        "少儿绘画活动",
        "children",
        1500.0,
        30,
        "孩子们画出心中的梦想广场，作品在商场中庭展出一个月。",
    ),
    (
        24,
        "社区趣味运动会",
        "all",
        4000.0,
        120,
        "在广场举行接力赛、拔河和亲子游戏。",
    ),
    (
        40,
        "住户才艺展演",
        "all",
        5000.0,
        200,
        "住户表演唱歌、舞蹈和书法，现场还有幸运抽奖。",
    ),
]

# The past event's detailed budget and what was really spent.
DEMO_BUDGET = [
    ("茶水、水果和点心", 1200.0),
    ("敬老礼品", 1000.0),
    ("社区卫生服务站健康检查", 800.0),
]
DEMO_COSTS = [
    ("茶水、水果和点心", 1150.0),
    ("敬老礼品（保温杯40个）", 980.0),
]


class PropertyCommunityEventDemo(models.AbstractModel):
    """Builds the community-culture demo of Wanjia Plaza by running the real
    flows: this year's plan with four events (one held, with registrations,
    attendance, ratings and actual costs) and next year's draft plan
    proposed from the festival calendar."""

    _name = "property.community.event.demo"
    _description = "Community Events Demo Data"

    @api.model
    def _load_demo(self):
        site = self.env.ref("property_tenant.property_site_wanjia_demo", False)
        officer = self.env.ref(
            "property_community.res_users_culture_officer_demo", False
        )
        if not site or not officer:
            return False
        today = fields.Date.context_today(self)
        year = today.year
        Plan = self.env["property.culture.plan"].with_user(officer)
        plan = Plan.create(
            {
                "site_id": site.id,
                "year": year,
                "user_id": officer.id,
                "target_count": len(DEMO_EVENTS),
            }
        )
        organisers = officer | self.env.ref("property_tenant.res_users_agent_demo")
        first, last = date(year, 1, 1), date(year, 12, 31)
        plan.line_ids = [
            Command.create(
                {
                    "festival": "other",
                    "name": theme,
                    "audience": audience,
                    "budget": budget,
                    "expected_attendance": seats,
                    "purpose": purpose,
                    "planned_date": min(
                        max(today + timedelta(days=offset), first), last
                    ),
                    "organizer_ids": [Command.set(organisers.ids)],
                    "organizing_departments": "客服中心、安保部、保洁部",
                }
            )
            for offset, theme, audience, budget, seats, purpose in DEMO_EVENTS
        ]
        plan.action_approve()
        events = self.env["event.event"]
        for line in plan.line_ids.sorted("planned_date"):
            line.action_create_event()
            events |= line.event_ids
        # No automatic mails on the demo's events: Odoo's default ones (the
        # confirmation after each registration, the reminders) attach a PDF
        # ticket per registration, which the hourly event mail scheduler
        # would render for every demo registration of a fresh demo server,
        # past the workers' time limit (issue 15).  A user tries them by
        # adding a line on an event's Communication tab.
        events.event_mail_ids = [Command.clear()]
        by_theme = {event.name: event for event in events}
        self._demo_birth_years(site, year)
        past = by_theme[DEMO_EVENTS[0][1]]
        self._demo_past_event(past, site, officer, today)
        for offset, theme, *_rest in DEMO_EVENTS[1:]:
            event = by_theme[theme]
            self._demo_move(event, today + timedelta(days=offset))
        painting = by_theme[DEMO_EVENTS[1][1]]
        sports = by_theme[DEMO_EVENTS[2][1]]
        (painting | sports).write(
            {"stage_id": self.env.ref("event.event_stage_announced").id}
        )
        self._demo_register(painting, site, children_only=True)
        self._demo_register(sports, site)
        # next year: a draft plan proposed from the festival calendar
        next_plan = Plan.create(
            {"site_id": site.id, "year": year + 1, "user_id": officer.id}
        )
        next_plan.action_propose_from_calendar()
        return True

    def _demo_move(self, event, day):
        begin = datetime.combine(day, time(1, 0))  # 9:00 in China
        event.write({"date_begin": begin, "date_end": begin + timedelta(hours=3)})

    def _demo_birth_years(self, site, year):
        """Children and parents of the residents get a birth year, so that
        attendance shows by age group."""
        members = self.env["property.occupancy.member"].search(
            [("occupancy_id.site_id", "=", site.id), ("birth_year", "=", 0)]
        )
        for member in members.filtered(lambda m: m.relation == "child"):
            member.birth_year = year - 8
        for member in members.filtered(lambda m: m.relation == "parent"):
            member.birth_year = year - 68

    def _demo_households(self, site):
        return self.env["property.occupancy"].search(
            [
                ("site_id", "=", site.id),
                ("state", "=", "active"),
                ("tenant_kind", "=", "resident"),
            ],
            order="id",
        )

    def _demo_register(self, event, site, children_only=False, limit=4):
        # install mode: the confirmation mails (with their PDF badges) are
        # left to the event mail scheduler instead of being sent at install
        Registration = self.env["event.registration"].with_context(install_mode=True)
        registrations = Registration
        for occupancy in self._demo_households(site)[:limit]:
            members = occupancy.member_ids
            if children_only:
                members = members.filtered(lambda m: m.relation == "child")
                if not members:
                    continue
            registrations |= Registration._property_register_household(
                event, occupancy, members.ids, occupancy.tenant_id
            )
        return registrations

    def _demo_past_event(self, event, site, officer, today):
        """The tea party took place 12 days ago: registrations taken while it
        was upcoming, check-in at the door, ratings, and its bills."""
        self._demo_move(event, today + timedelta(days=1))
        event.property_budget_line_ids = [Command.clear()] + [
            Command.create({"name": name, "planned_amount": amount})
            for name, amount in DEMO_BUDGET
        ]
        registrations = self._demo_register(event, site, limit=6)
        for registration in registrations[: max(len(registrations) - 3, 0)]:
            event.with_user(officer)._property_check_in(registration.barcode)
        self._demo_move(event, today + timedelta(days=-12))
        event.action_set_done()
        comments = [
            ("5", "很愉快的下午，谢谢你们的健康检查。"),
            ("4", "茶很好喝；开始时有点挤。"),
            ("5", False),
        ]
        attended = registrations.filtered(lambda r: r.state == "done")
        for registration, (rating, comment) in zip(attended, comments, strict=False):
            registration._property_rate(rating, comment)
        self._demo_costs(event, today + timedelta(days=-10))

    def _demo_costs(self, event, bill_date):
        """The event's actual cost: a posted vendor bill whose lines carry
        the event's cost account. Without a chart of accounts yet (the
        chart is installed after all modules on a fresh database), the same
        costs are recorded as analytic items of the account."""
        account = event._property_ensure_analytic_account()
        supplier = self.env.ref("property_community.res_partner_event_supplier_demo")
        company = event.company_id
        journal = self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "purchase")], limit=1
        )
        if journal and journal.default_account_id:
            bill = (
                self.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "in_invoice",
                        "partner_id": supplier.id,
                        "journal_id": journal.id,
                        "invoice_date": bill_date,
                        "ref": event.name,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": name,
                                    "quantity": 1,
                                    "price_unit": amount,
                                    "account_id": journal.default_account_id.id,
                                    "tax_ids": [Command.clear()],
                                    "analytic_distribution": {str(account.id): 100},
                                }
                            )
                            for name, amount in DEMO_COSTS
                        ],
                    }
                )
            )
            bill.action_post()
            return bill
        _logger.info(
            "No purchase journal yet: the demo costs of %s are recorded as "
            "analytic items.",
            event.name,
        )
        column = event._property_analytic_plan()._column_name()
        self.env["account.analytic.line"].create(
            [
                {
                    "name": name,
                    "amount": -amount,
                    "date": bill_date,
                    "partner_id": supplier.id,
                    "company_id": company.id,
                    column: account.id,
                }
                for name, amount in DEMO_COSTS
            ]
        )
        return False
