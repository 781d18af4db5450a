"""The demo scenario (演示场景): Wanjia Plaza with months of activity at a
realistic scale, built through the apps' own flows and deterministic for a
seed and an end date.  Used by the demo database, the screenshots of the
documentation and the benchmarks.  A tool, not module demo data: run it with
``tools/demo/demo_scenario.py`` (or ``PROPERTY_DEMO_SCENARIO`` in
``tools/run.sh``), or from an ``odoo shell`` with
``DemoScenario(env).build(...)``."""

import base64
import itertools
import logging
import random
from collections import defaultdict
from datetime import datetime, time, timedelta
from time import monotonic

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError

from odoo.addons.property_billing.billing import add_months, month_end, month_start

_logger = logging.getLogger("property_demo.scenario")

# Size of the scenario at scale 1.0, and the activity per unit.
DEFAULT_UNITS = 400
MIN_UNITS = 10
MAX_MONTHS = 36
ITEMS_PER_UNIT_YEAR = 6
OCCUPIED_SHARE = 0.92
# Units per floor and per residence building.
SHOPS_PER_FLOOR = 10
OFFICES_PER_FLOOR = 8
HOMES_PER_FLOOR = 6
HOMES_PER_BUILDING = 120

# Approved rates of the scenario's site (CNY per m² and month, per month).
AREA_RATES = {"shop": 6.5, "office": 4.8, "home": 2.8}
PARKING_RATE = 150.0
LATE_FEE = {"daily_rate_permille": 0.5, "grace_days": 10, "cap_percent": 10.0}

# Weighted tables: (value, weight).
ITEM_KINDS = [("service", 60), ("complaint", 15), ("suggestion", 15), ("praise", 10)]
SERVICE_OUTCOMES = [("dispatch", 89), ("referred", 6), ("returned", 3), ("cancel", 2)]
COMPLAINT_OUTCOMES = [("valid", 85), ("invalid", 15)]
SUGGESTION_OUTCOMES = [("adopted", 45), ("invalid", 30), ("pending", 25)]
# A call-back after the work: satisfied mostly, a second round otherwise.
FIRST_CALLBACK = [("5", 58), ("4", 35), ("3", 4), ("2", 2), ("1", 1)]
SECOND_CALLBACK = [("5", 40), ("4", 60)]
INVALID_CALLBACK = [("5", 30), ("4", 55), ("3", 10), ("2", 5)]
CAMPAIGN_CALLBACK = [("5", 45), ("4", 44), ("3", 7), ("2", 3), ("1", 1)]
SURVEY_ANSWERS = [
    ("very_satisfied", 42),
    ("satisfied", 47),
    ("neutral", 7),
    ("unsatisfied", 3),
    ("very_unsatisfied", 1),
]
SURVEY_RESPONSE_SHARE = 0.3
# How a payer pays: (profile, weight, first day, last day after the bill).
PAYER_PROFILES = [
    ("prompt", 84, 1, 14),
    ("late", 14, 16, 60),
    ("defaulter", 2, None, None),
]
CHANNELS = [("phone", 45), ("visit", 20), ("portal", 25), ("email", 5), ("patrol", 5)]

# Categories (xmlid suffix of property_helpdesk) by kind, with the summaries
# the desk typically writes.
SERVICE_CATEGORIES = [
    ("category_plumbing", 30),
    ("category_electrical", 28),
    ("category_lift", 7),
    ("category_structure", 5),
    ("category_cleaning", 15),
    ("category_security", 15),
]
COMPLAINT_CATEGORIES = [
    ("category_cleaning", 30),
    ("category_security", 30),
    ("category_service", 25),
    ("category_plumbing", 15),
]
SUMMARIES = {
    "category_plumbing": [
        "厨房水龙头漏水",
        "地漏堵塞",
        "马桶水箱长流水",
        "水压低",
        "天花板有水渍",
    ],
    "category_electrical": [
        "楼道灯坏了",
        "插座没电",
        "空调不制冷",
        "空气开关跳闸",
        "卫生间排风扇噪音大",
    ],
    "category_lift": [
        "电梯停在两层之间",
        "扶梯停运",
        "电梯门关不上",
    ],
    "category_structure": [
        "屋面渗水",
        "阳台墙面开裂",
        "下雨时窗框漏水",
    ],
    "category_cleaning": [
        "垃圾桶满溢",
        "楼梯间没有打扫",
        "中午卫生间不干净",
        "垃圾房有异味",
    ],
    "category_security": [
        "晚上8点后仍有装修噪音",
        "有车辆占用消防通道",
        "垃圾房门锁损坏",
        "停车场有可疑人员",
    ],
    "category_service": [
        "前台电话无人接听",
        "柜台工作人员态度恶劣",
        "快递被交给了别人",
    ],
    "suggestion": [
        "建议安装快递柜",
        "建议延长停车场开放时间",
        "建议增设自行车停放架",
        "建议在南侧小路种树",
        "建议增设电动汽车充电桩",
    ],
    "praise": [
        "感谢夜班保安",
        "保洁团队打扫得很仔细",
        "热水器修得很及时",
        "前台服务热情周到",
    ],
}

# Residents' names in Chinese, with the pinyin of their e-mail addresses.
SURNAMES = dict(
    zip(
        "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He "
        "Lin".split(),
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林",
        strict=True,
    )
)
GIVEN_NAMES = dict(
    zip(
        "Wei Fang Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Tao Ming Chao Xia "
        "Ping Gang Hui Hua Bo Lan Ying Hao Xin".split(),
        "伟芳娜敏静丽强磊军洋勇艳杰涛明超霞平刚慧华波兰英浩欣",
        strict=True,
    )
)
SHOP_NAMES = (
    "玉园茶馆 金记面馆 开心宝贝玩具 蓝天眼镜 春花花店 福星面包房 红灯笼火锅 "
    "丝路时装 竹林大药房 旭日电器 熊猫书店 兰花美容"
).split()
OFFICE_NAMES = (
    "蓝波软件 和谐律师事务所 东方贸易咨询 珠江物流 高峰会计师事务所 "
    "莲花设计工作室 长城保险代理 凤凰教育 扬子工程"
).split()
# Household members are named after the tenant and their relation.
RELATIONS = {"self": "本人", "spouse": "配偶", "child": "子女", "parent": "父母"}

# Scenario staff: key -> (login, name, groups, department xmlid suffix).
STAFF = {
    "agent": ("wj.agent", "周敏", ["property_tenant.group_property_agent"], None),
    "agent2": ("wj.agent2", "吴静", ["property_tenant.group_property_agent"], None),
    "supervisor": (
        "wj.supervisor",
        "郑浩",
        ["property_tenant.group_property_supervisor"],
        None,
    ),
    "billing": (
        "wj.billing",
        "孙丽",
        ["property_billing.group_property_billing_manager"],
        None,
    ),
    "collector": (
        "wj.collector",
        "何平",
        ["property_billing.group_property_fee_collector"],
        None,
    ),
    "officer": (
        "wj.community",
        "马兰",
        ["property_community.group_property_community_officer"],
        None,
    ),
    "tech_engineering_1": (
        "wj.tech.eng1",
        "郭强",
        ["property_helpdesk.group_property_technician"],
        "department_engineering",
    ),
    "tech_engineering_2": (
        "wj.tech.eng2",
        "林涛",
        ["property_helpdesk.group_property_technician"],
        "department_engineering",
    ),
    "tech_cleaning": (
        "wj.tech.clean",
        "胡霞",
        ["property_helpdesk.group_property_technician"],
        "department_cleaning",
    ),
    "tech_security": (
        "wj.tech.sec",
        "徐刚",
        ["property_helpdesk.group_property_technician"],
        "department_security",
    ),
    "tech_service": (
        "wj.tech.desk",
        "朱英",
        ["property_helpdesk.group_property_technician"],
        "department_service",
    ),
}

# A 1x1 PNG standing for a customer's signature, and a scanned document.
SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5b00000000"
        "49454e44ae426082"
    )
)
SCAN = base64.b64encode(b"%PDF-1.4\n% Wanjia Plaza demo scan\n")

# No tracking messages and no "assigned to you" e-mails for the activities
# the flows schedule (the scenario plays months of work in one go).
QUIET = {
    "mail_activity_quick_update": True,
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
    "no_reset_password": True,
}


# ----------------------------------------------------------------------
# Pure helpers (plain values)
# ----------------------------------------------------------------------
def message(text, **values):
    """The tool's messages (for the developer running it: not translated)."""
    return text % values if values else text


def pick(rng, table):
    """A value of a weighted ``[(value, weight), ...]`` table."""
    total = sum(weight for _value, weight in table)
    roll = rng.uniform(0, total)
    for value, weight in table:
        roll -= weight
        if roll < 0:
            return value
    return table[-1][0]


def scenario_sizes(scale=1.0, units=None, items=None, months=12):
    """Units and desk items of a scenario: ``DEFAULT_UNITS`` units at scale
    1.0 (at least ``MIN_UNITS``), ``ITEMS_PER_UNIT_YEAR`` items per unit
    and year unless given."""
    n_units = units if units is not None else round(DEFAULT_UNITS * scale)
    n_units = max(MIN_UNITS, n_units)
    n_items = (
        items
        if items is not None
        else round(n_units * ITEMS_PER_UNIT_YEAR * months / 12)
    )
    return n_units, n_items


def building_layout(n_units):
    """``[(code, name, usage, units per floor, unit count)]``: a shopping
    mall (15 % of the units), an office tower (20 %) and residences of at
    most ``HOMES_PER_BUILDING`` homes for the rest."""
    shops = max(1, round(n_units * 0.15))
    offices = max(1, round(n_units * 0.20))
    homes = max(1, n_units - shops - offices)
    layout = [
        ("M", "购物中心", "shop", SHOPS_PER_FLOOR, shops),
        ("T", "写字楼", "office", OFFICES_PER_FLOOR, offices),
    ]
    index = 1
    while homes > 0:
        count = min(homes, HOMES_PER_BUILDING)
        layout.append((f"R{index}", f"住宅{index}号楼", "home", HOMES_PER_FLOOR, count))
        homes -= count
        index += 1
    return layout


def unit_codes(building_code, per_floor, count):
    """Room numbers of a building: ``M-0101``, ``M-0102``, ... floor by floor."""
    return [
        f"{building_code}-{i // per_floor + 1:02d}{i % per_floor + 1:02d}"
        for i in range(count)
    ]


def payment_day(invoice_date, profile, rng):
    """When a payer of ``profile`` pays a bill dated ``invoice_date``
    (``None``: never)."""
    for name, _weight, first, last in PAYER_PROFILES:
        if name == profile:
            if first is None:
                return None
            return invoice_date + timedelta(days=rng.randint(first, last))
    raise ValueError(profile)


def month_list(date_to, months):
    """The first days of the ``months`` months ending with ``date_to``'s."""
    last = month_start(date_to)
    return [add_months(last, offset) for offset in range(-months + 1, 1)]


class DemoScenario:
    """Builds Wanjia Plaza with months of activity through the real flows:
    sites, units and the tenant archive; service-desk items of every kind
    with their work orders (major repairs included) and call-backs;
    call-back campaigns and satisfaction surveys; fee standards, billing
    plans, a posted billing run per month and the tenants' payments.

    Same seed and end date, same records: every random draw comes from
    ``random.Random`` streams seeded by the seed, every date is relative to
    the end date."""

    def __init__(self, env):
        self.env = env

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------
    def build(
        self,
        seed=2026,
        units=None,
        months=12,
        scale=1.0,
        date_to=None,
        site_code="WJ",
        items=None,
    ):
        """Build (or extend) the site ``site_code`` of the current company,
        named Wanjia Plaza when created, with ``units`` units (default
        ``DEFAULT_UNITS × scale``) and ``months`` months of activity ending
        on ``date_to`` (default: yesterday).  Returns a summary dict."""
        if not self.env.is_superuser() and not self.env.user.has_group(
            "base.group_system"
        ):
            raise AccessError(
                message("Only an administrator can build the demo scenario.")
            )
        if not 1 <= int(months) <= MAX_MONTHS:
            raise UserError(
                message(
                    "The scenario covers between 1 and %(max)s months, not %(months)s.",
                    max=MAX_MONTHS,
                    months=months,
                )
            )
        if scale <= 0 or (units is not None and units < MIN_UNITS):
            raise UserError(
                message(
                    "The scenario needs a positive scale and at least %(min)s units.",
                    min=MIN_UNITS,
                )
            )
        if items is not None and items < 0:
            raise UserError(message("The number of desk items cannot be negative."))
        today = fields.Date.context_today(self.env["res.users"])
        date_to = fields.Date.to_date(date_to) or today - timedelta(days=1)
        if date_to > today:
            raise UserError(
                message(
                    "The scenario ends on %(date)s, in the future: choose a "
                    "day up to today.",
                    date=date_to,
                )
            )
        n_units, n_items = scenario_sizes(scale, units, items, int(months))
        months = month_list(date_to, int(months))
        scenario = DemoScenario(
            self.env(
                su=True, context=dict(self.env.context, tz="Asia/Shanghai", **QUIET)
            )
        )
        return scenario._build(seed, n_units, n_items, months, date_to, site_code)

    def _build(self, seed, n_units, n_items, months, date_to, site_code):
        world = {
            "seed": seed,
            "months": months,
            "date_to": date_to,
            "first_day": months[0],
            # the moment the scenario stands at: 18:00 in Beijing
            "now": datetime.combine(date_to, time(10, 0)),
        }
        company = self.env.company
        self._check_accounting(company)
        world["staff"] = self._staff(company)
        site = self._site(company, site_code)
        world["site"] = site
        param = self.env["ir.config_parameter"]
        old_limit = param.get_param("property_billing.sync_limit")
        # the runs of the scenario are invoiced in this request, not queued
        param.set_param("property_billing.sync_limit", max(n_units * 2, 500))
        try:
            for step, args in (
                (self._units, (n_units,)),
                (self._occupancies, ()),
                (self._billing_setup, ()),
                (self._desk, (n_items,)),
                (self._campaigns, ()),
                (self._surveys, ()),
                (self._billing_runs, ()),
                (self._archive_snapshots, ()),
            ):
                start = monotonic()
                step(world, *args)
                _logger.info(
                    "Demo scenario %s: %s in %.1f s",
                    site.code,
                    step.__name__.strip("_"),
                    monotonic() - start,
                )
        finally:
            if old_limit:
                param.set_param("property_billing.sync_limit", old_limit)
            else:
                param.search([("key", "=", "property_billing.sync_limit")]).unlink()
        self.env.flush_all()
        return dict(
            self._fingerprint(site),
            site_id=site.id,
            date_from=str(months[0]),
            date_to=str(date_to),
        )

    def _rng(self, world, stream):
        """An independent random stream per part of the scenario: a change in
        one part (e.g. more items) leaves the draws of the others as they
        were."""
        return random.Random(f"{world['seed']}/{stream}")

    # ------------------------------------------------------------------
    # World
    # ------------------------------------------------------------------
    def _check_accounting(self, company):
        Journal = self.env["account.journal"]
        for journal_type in ("sale", "bank"):
            if not Journal.search_count(
                [*Journal._check_company_domain(company), ("type", "=", journal_type)]
            ):
                raise UserError(
                    message(
                        "Company %(company)s has no %(type)s journal: install its "
                        "chart of accounts (Accounting settings) before building "
                        "the demo scenario.",
                        company=company.name,
                        type=journal_type,
                    )
                )

    def _staff(self, company):
        """The scenario's staff (created once per database, by login)."""
        Users = self.env["res.users"]
        # the staff works in Chinese where the database has it
        lang = {"lang": "zh_CN"} if self._chinese_active() else {}
        staff = {}
        for key, (login, name, groups, department) in STAFF.items():
            user = Users.with_context(active_test=False).search(
                [("login", "=", login)], limit=1
            )
            if not user:
                user = Users.create(
                    {
                        "name": name,
                        "login": login,
                        "email": f"{login}@wanjia.example",
                        "notification_type": "inbox",
                        **lang,
                        "company_id": company.id,
                        "company_ids": [Command.set(company.ids)],
                        "groups_id": [
                            Command.set([self.env.ref(xmlid).id for xmlid in groups])
                        ],
                    }
                )
            if department:
                department = self.env.ref(f"property_helpdesk.{department}")
                if user not in department.member_ids:
                    department.member_ids = [Command.link(user.id)]
                if not department.default_user_id:
                    department.default_user_id = user
            staff[key] = user
        return staff

    def _site(self, company, site_code):
        site = self.env["property.site"].search(
            [("code", "=", site_code), ("company_id", "=", company.id)], limit=1
        )
        if not site:
            site = self.env["property.site"].create(
                {
                    "name": "万家广场",
                    "code": site_code,
                    "company_id": company.id,
                    "street": "人民路88号",
                    "city": "杭州市",
                    "zip": "310000",
                    "country_id": self.env.ref("base.cn").id,
                    "check_interval": 3,
                }
            )
        return site

    def _units(self, world, n_units):
        site = world["site"]
        rng = self._rng(world, "units")
        layout = building_layout(n_units)
        taken = set(site.building_ids.with_context(active_test=False).mapped("code"))
        clash = taken & {code for code, *_rest in layout}
        if clash:
            raise UserError(
                message(
                    "Site %(site)s already has the scenario's buildings "
                    "(%(codes)s): build the scenario into another site.",
                    site=site.display_name,
                    codes=", ".join(sorted(clash)),
                )
            )
        buildings = self.env["property.building"].create(
            [
                {
                    "name": name,
                    "code": code,
                    "site_id": site.id,
                    "floor_count": -(-count // per_floor),
                    "basement_count": 2 if usage != "home" else 1,
                    "sequence": 100 + index,
                }
                for index, (code, name, usage, per_floor, count) in enumerate(layout)
            ]
        )
        areas = {"shop": (35, 420), "office": (60, 320), "home": (55, 160)}
        vals_list = []
        for building, (code, _name, usage, per_floor, count) in zip(
            buildings, layout, strict=True
        ):
            low, high = areas[usage]
            for unit_code in unit_codes(code, per_floor, count):
                vals_list.append(
                    {
                        "code": unit_code,
                        "site_id": site.id,
                        "building_id": building.id,
                        "floor": int(unit_code.split("-")[1][:2]),
                        "usage": usage,
                        "area": round(rng.uniform(low, high), 1),
                    }
                )
        world["units"] = self.env["property.unit"].create(vals_list)
        site.total_area = round(site.total_area + sum(v["area"] for v in vals_list))

    # ------------------------------------------------------------------
    # Tenant archive
    # ------------------------------------------------------------------
    def _tenant_vals(self, rng, usage, index):
        surnames, given = list(SURNAMES), list(GIVEN_NAMES)
        phone = (
            f"+86 13{rng.randint(0, 9)} {rng.randint(1000, 9999)} {index % 10000:04d}"
        )
        if usage == "home":
            surname, given_name = rng.choice(surnames), rng.choice(given)
            return {
                "name": SURNAMES[surname] + GIVEN_NAMES[given_name],
                "phone": phone if rng.random() < 0.96 else False,
                "email": (
                    f"{surname.lower()}.{given_name.lower()}.{index}@resident.example"
                    if rng.random() < 0.6
                    else False
                ),
            }
        names = SHOP_NAMES if usage == "shop" else OFFICE_NAMES
        brand = rng.choice(names)
        return {
            "name": f"{brand}（{index}）",
            "is_company": True,
            "phone": phone if rng.random() < 0.97 else False,
            "email": f"contact{index}@{usage}.example" if rng.random() < 0.8 else False,
            "vat": f"91330100{index:010d}" if rng.random() < 0.9 else False,
        }

    def _chinese_active(self):
        return "zh_CN" in dict(self.env["res.lang"].get_installed())

    def _occupancies(self, world):  # noqa: C901 - over budget before it existed, to split
        """Most units occupied since before the period; some tenants move
        in during it, some leave and are followed by a new tenant."""
        rng = self._rng(world, "occupancies")
        first_day, date_to = world["first_day"], world["date_to"]
        span = (date_to - first_day).days
        plans = []  # (unit, tenant index, kind, move in, move out)
        for unit in world["units"]:
            if rng.random() >= OCCUPIED_SHARE:
                continue
            kind = {"shop": "small", "office": "small", "home": "resident"}[unit.usage]
            if unit.usage == "shop" and unit.area > 250:
                kind = "anchor"
            roll = rng.random()
            if roll < 0.08 and span > 30:
                move_in = first_day + timedelta(days=rng.randint(1, span - 1))
                plans.append((unit, kind, move_in, None))
                continue
            move_in = first_day - timedelta(days=rng.randint(30, 2900))
            if roll > 0.96 and span > 60:
                move_out = first_day + timedelta(days=rng.randint(20, span - 40))
                plans.append((unit, kind, move_in, move_out))
                if rng.random() < 0.6:
                    plans.append(
                        (
                            unit,
                            kind,
                            move_out + timedelta(days=rng.randint(7, 30)),
                            None,
                        )
                    )
                continue
            plans.append((unit, kind, move_in, None))
        # the tenants read Chinese (their bills too) where the database
        # has it, as in the demo data
        lang = {"lang": "zh_CN"} if self._chinese_active() else {}
        partners = self.env["res.partner"].create(
            [
                {**self._tenant_vals(rng, unit.usage, index), **lang}
                for index, (unit, *_rest) in enumerate(plans, start=1)
            ]
        )
        agent = world["staff"]["agent"]
        vals_list = []
        for (unit, kind, move_in, _out), partner in zip(plans, partners, strict=True):
            members = []
            if kind == "resident":
                if rng.random() < 0.9:
                    for relation in ("self", "spouse", "child", "parent")[
                        : rng.randint(1, 4)
                    ]:
                        members.append(
                            Command.create(
                                {
                                    "name": f"{partner.name}（{RELATIONS[relation]}）",
                                    "relation": relation,
                                    "birth_year": rng.randint(1945, 2020),
                                }
                            )
                        )
            elif rng.random() < 0.8:
                members.append(
                    Command.create(
                        {"name": f"{partner.name}负责人", "relation": "manager"}
                    )
                )
            emergency = rng.random() < 0.92
            vals_list.append(
                {
                    "unit_id": unit.id,
                    "tenant_id": partner.id,
                    "tenant_kind": kind,
                    "agent_id": agent.id,
                    "handover_date": move_in - timedelta(days=rng.randint(0, 20)),
                    "move_in_date": move_in,
                    "member_ids": members,
                    "emergency_contact_name": emergency
                    and f"{partner.name}的紧急联系人",
                    "emergency_contact_phone": emergency
                    and f"+86 139 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                }
            )
        Occupancy = self.env["property.occupancy"]
        occupancies = Occupancy.browse()
        # the earlier tenant of a unit first: no overlap is ever checked
        # against a later one
        for wave in (0, 1):
            indexes = [
                i
                for i, plan in enumerate(plans)
                if (i > 0 and plans[i - 1][0] == plan[0]) == bool(wave)
            ]
            if not indexes:
                continue
            created = Occupancy.create([vals_list[i] for i in indexes])
            created.action_activate()
            for i, occupancy in zip(indexes, created, strict=True):
                move_out = plans[i][3]
                if move_out:
                    occupancy.move_out_date = move_out
                    occupancy.action_end()
            occupancies |= created
        world["occupancies"] = occupancies.sorted("id")
        self._documents(world, rng)

    def _documents(self, world, rng):
        """Contracts, identity documents and business licences: most
        archives complete, a few missing a document."""
        scan = self.env["ir.attachment"].create(
            {"name": "scan.pdf", "datas": SCAN, "mimetype": "application/pdf"}
        )
        ref = self.env.ref
        contract = ref("property_tenant.document_type_contract")
        id_card = ref("property_tenant.document_type_id_card")
        license_type = ref("property_tenant.document_type_business_license")
        date_to = world["date_to"]
        vals_list = []
        for occupancy in world["occupancies"]:
            wanted = [(contract, "入住合同", 0.96)]
            if occupancy.tenant_kind == "resident":
                wanted.append((id_card, "身份证", 0.94))
            else:
                wanted.append((license_type, "营业执照", 0.95))
            for doc_type, name, share in wanted:
                if rng.random() >= share:
                    continue
                vals_list.append(
                    {
                        "name": name,
                        "document_type_id": doc_type.id,
                        "occupancy_id": occupancy.id,
                        "issue_date": occupancy.move_in_date,
                        "expiry_date": date_to + timedelta(days=rng.randint(200, 1800)),
                        "attachment_ids": [Command.set(scan.ids)],
                    }
                )
        self.env["property.document"].create(vals_list)

    def _archive_snapshots(self, world):
        """The nightly snapshots of the archive the months of the scenario
        would have left (a past month's archive completeness is read from
        them): at each month's end, the archives in force that day, whose
        documents the scenario files at move-in."""
        site = world["site"]
        Occupancy = self.env["property.occupancy"]
        vals_list = []
        for first in world["months"]:
            day = min(month_end(first), world["date_to"])
            groups = Occupancy._read_group(
                site._archive_completeness_domain(day),
                ["is_archive_complete"],
                ["required_item_count:sum", "present_item_count:sum", "__count"],
            )
            vals_list.append(
                {
                    "site_id": site.id,
                    "date": day,
                    "required_item_count": sum(g[1] for g in groups),
                    "present_item_count": sum(g[2] for g in groups),
                    "incomplete_count": sum(g[3] for g in groups if not g[0]),
                }
            )
        self.env["property.archive.snapshot"].create(vals_list)

    # ------------------------------------------------------------------
    # Service desk
    # ------------------------------------------------------------------
    def _desk(self, world, n_items):
        """``n_items`` desk items spread over the period, each played through
        its flow as far as the scenario's moment allows: the older ones are
        closed, the latest ones are still open at every step."""
        rng = self._rng(world, "desk")
        units = world["units"]
        occupied = [u for u in units if u.current_occupancy_id]
        first = datetime.combine(world["first_day"], time(0, 0))
        span = (world["now"] - first).total_seconds()
        plans = []
        for _index in range(n_items):
            plans.append(self._item_plan(rng, first, span, occupied))
        plans.sort(key=lambda p: p["received"])
        site = world["site"]
        agent, agent2 = world["staff"]["agent"], world["staff"]["agent2"]
        Ticket = self.env["property.ticket"]
        ref = self.env.ref
        for batch_start in range(0, len(plans), 200):
            batch = plans[batch_start : batch_start + 200]
            vals_list = []
            for plan in batch:
                category = plan["category"] and ref(
                    f"property_helpdesk.{plan['category']}"
                )
                vals = {
                    "kind": plan["kind"],
                    "channel": plan["channel"],
                    "site_id": site.id,
                    "unit_id": plan["unit"].id if plan["unit"] else False,
                    "summary": plan["summary"],
                    "description": f"<p>{plan['summary']}。</p>",
                    "key_points": plan["summary"],
                    "received_at": plan["received"],
                    "category_id": category.id if category else False,
                    "priority": plan["priority"],
                    "received_by_id": (agent if plan["agent"] else agent2).id,
                    "user_id": (agent if plan["agent"] else agent2).id,
                }
                if not plan["unit"]:
                    vals["contact_name"] = "来访客户"
                vals_list.append(vals)
            tickets = Ticket.create(vals_list)
            for ticket, plan in zip(tickets, batch, strict=True):
                self._play(world, ticket, plan)
            self.env.flush_all()
            self.env.invalidate_all()

    def _item_plan(self, rng, first, span, occupied):
        """Every random draw of one item, made up front (always the same
        number of draws, whatever the item becomes)."""
        kind = pick(rng, ITEM_KINDS)
        outcome = pick(
            rng,
            {
                "service": SERVICE_OUTCOMES,
                "complaint": COMPLAINT_OUTCOMES,
                "suggestion": SUGGESTION_OUTCOMES,
                "praise": [("praise", 1)],
            }[kind],
        )
        service_category = pick(rng, SERVICE_CATEGORIES)
        complaint_category = pick(rng, COMPLAINT_CATEGORIES)
        category = {
            "service": service_category,
            "complaint": complaint_category,
        }.get(kind, False)
        texts = SUMMARIES[category or kind]
        summary = texts[rng.randrange(len(texts))]
        unit = occupied[rng.randrange(len(occupied))] if occupied else None
        if rng.random() < 0.12:
            unit = None  # public areas, walk-ins
        received = first + timedelta(seconds=rng.uniform(0, span - 3600))
        # office hours in Beijing (08:00-20:00, i.e. 00:00-12:00 UTC), and
        # not after the scenario's moment
        received = min(
            received.replace(
                hour=rng.randint(0, 11), minute=rng.randint(0, 59), microsecond=0
            ),
            first + timedelta(seconds=span - 3600),
        )
        return {
            "kind": kind,
            "outcome": outcome,
            "category": category,
            "summary": summary,
            "unit": unit,
            "received": received,
            "channel": pick(rng, CHANNELS),
            "priority": "2" if kind == "complaint" or rng.random() < 0.1 else "1",
            "agent": rng.random() < 0.5,
            "tech": rng.random(),
            # delays: response (minutes), then hours to each next step
            "response": rng.randint(5, 55),
            "delays": [round(rng.uniform(0.5, 30.0), 2) for _i in range(12)],
            "major_hours": round(rng.uniform(24.0, 96.0), 2),
            "levels": [
                pick(rng, FIRST_CALLBACK),
                pick(rng, SECOND_CALLBACK),
                pick(rng, INVALID_CALLBACK),
            ],
            "praised": rng.random(),
        }

    def _tech(self, world, department, roll):
        members = sorted(
            (
                u
                for u in world["staff"].values()
                if department in u.property_department_ids
            ),
            key=lambda u: u.login,
        )
        return (
            members[int(roll * len(members))] if members else department.default_user_id
        )

    def _play(self, world, ticket, plan):
        """Play ``ticket`` through its flow up to the scenario's moment, then
        date every step as it happened."""
        now = world["now"]
        stamps = {"ticket": {}, "work_orders": [], "callbacks": []}
        clock = [plan["received"]]

        def at(hours=0.0, minutes=0):
            clock[0] = clock[0] + timedelta(hours=hours, minutes=minutes)
            return clock[0] <= now

        # hours between the steps (a default once the drawn ones run out)
        delays = itertools.chain(plan["delays"], itertools.repeat(2.0))
        kind, outcome = plan["kind"], plan["outcome"]
        if not at(minutes=plan["response"]):
            return
        stamps["ticket"]["responded_at"] = clock[0]
        supervisor = world["staff"]["supervisor"]
        if kind == "praise":
            department = self.env.ref(
                "property_helpdesk.department_cleaning"
                if plan["praised"] < 0.5
                else "property_helpdesk.department_security"
            )
            ticket.praised_department_id = department
            ticket.action_pass_on_praise()
            stamps["ticket"]["closed_at"] = clock[0]
        elif kind == "service" and outcome == "referred":
            ticket.write(
                {
                    "referral_id": self.env.ref("property_helpdesk.directory_gas").id,
                    "reply": "已告知相关单位服务热线",
                }
            )
            ticket.action_refer()
            stamps["ticket"]["reply_date"] = clock[0].date()
            # referred customers are called back before the item closes
            if at(hours=next(delays)):
                self._callback(ticket, "5", clock[0], stamps)
        elif kind == "service" and outcome == "cancel":
            ticket.write({"cancel_reason": "客户重复登记"})
            ticket.with_user(supervisor).sudo().action_cancel()
        elif kind in ("complaint", "suggestion") and outcome == "invalid":
            ticket.write(
                {
                    "judgement_reason": "不属于物业公司职责范围",
                    "reply": "已解释，感谢您的反映",
                }
            )
            ticket.action_judge_invalid()
            stamps["ticket"]["reply_date"] = clock[0].date()
            # every complaint and suggestion is called back, invalid ones too
            if at(hours=next(delays)):
                self._callback(ticket, plan["levels"][2], clock[0], stamps)
        elif kind == "suggestion" and outcome == "pending":
            ticket.write(
                {
                    "reply": "已列入明年预算计划",
                    "review_date": clock[0].date() + timedelta(days=90),
                    "department_id": self.env.ref(
                        "property_helpdesk.department_engineering"
                    ).id,
                }
            )
            ticket.action_postpone()
            stamps["ticket"]["reply_date"] = clock[0].date()
        else:
            self._play_work(world, ticket, plan, clock, at, delays, stamps)
        self._stamp(ticket, stamps)

    def _play_work(self, world, ticket, plan, clock, at, delays, stamps):
        """Items with work: dispatch (after the solution review for a
        complaint), on site, done and signed, call-back, and a second round
        when the customer is not satisfied."""
        supervisor = world["staff"]["supervisor"]
        department = ticket.category_id.department_id or self.env.ref(
            "property_helpdesk.department_engineering"
            if ticket.kind == "suggestion"
            else "property_helpdesk.department_service"
        )
        if ticket.kind == "complaint":
            ticket.write(
                {
                    "department_id": department.id,
                    "promised_date": clock[0] + timedelta(hours=48),
                    "root_cause": "quality",
                }
            )
            ticket.action_accept_complaint()
            if not at(hours=next(delays)):
                return
            solutions = self.env["property.complaint.solution"].create(
                [
                    {"ticket_id": ticket.id, "name": "从源头彻底解决"},
                    {"ticket_id": ticket.id, "name": "先采取临时措施，再复查"},
                ]
            )
            ticket.action_submit_solutions()
            if not at(hours=next(delays)):
                return
            solutions[0].with_user(supervisor).sudo().action_approve()
            stamps["solution"] = (solutions[0], clock[0])
        else:
            next(delays)
            next(delays)
            ticket.department_id = department
            ticket.action_dispatch()
        rounds = 2 if plan["outcome"] == "returned" else 1
        level = plan["levels"][0]
        while True:
            work_order = ticket.work_order_ids.sorted("id")[-1:]
            tech = self._tech(world, work_order.department_id, plan["tech"])
            major = work_order.category_id.is_major_repair
            work_order.write(
                {
                    "user_id": tech.id,
                    "planned_date": clock[0] + timedelta(hours=2),
                    "estimated_hours": 8.0 if major else 1.5,
                }
            )
            stamp = {"work_order": work_order, "assigned": clock[0]}
            stamps["work_orders"].append(stamp)
            if not at(hours=next(delays) / 4):
                return
            if rounds == 2:
                # the technician finds it is not ours: back to the desk,
                # which sends it to the right department
                work_order.return_reason = "属于其他部门的工作"
                work_order.action_return_to_desk()
                rounds = 1
                ticket.department_id = self.env.ref(
                    "property_helpdesk.department_engineering"
                )
                if not at(hours=1):
                    return
                ticket.action_dispatch()
                continue
            work_order.action_start()
            stamp["started_at"] = clock[0]
            if not at(hours=plan["major_hours"] if major else next(delays) / 6 + 0.5):
                return
            work_order.write(
                {
                    "work_done": "<p>已修复，并与客户一起测试。</p>",
                    "time_spent": round(
                        (clock[0] - stamp["started_at"]).total_seconds() / 3600, 2
                    ),
                    "signature": SIGNATURE,
                    "signed_by": ticket.partner_id.name or "客户",
                    "satisfaction": "5" if level >= "4" else "3",
                }
            )
            work_order.action_done()
            stamp["done_at"] = clock[0]
            if not at(hours=next(delays) + 2):
                return
            if not self._callback(ticket, level, clock[0], stamps):
                return
            if ticket.state != "in_progress":
                return
            # not satisfied: the second round was dispatched
            level = plan["levels"][1]

    def _callback(self, ticket, level, when, stamps):
        callback = ticket.callback_ids.filtered(lambda c: c.state == "todo")[:1]
        if not callback:
            return False
        callback.write(
            {
                "satisfaction": level,
                "comment": "满意" if level >= "4" else "问题没有解决好",
            }
        )
        callback.action_done()
        stamps["callbacks"].append((callback, when))
        if ticket.state == "closed":
            stamps["ticket"]["closed_at"] = when
        return True

    def _stamp(self, ticket, stamps):
        """Date the steps as they happened (the flows stamp the real now)."""
        for stamp in stamps["work_orders"]:
            vals = {}
            if stamp.get("started_at"):
                vals["started_at"] = stamp["started_at"]
            if stamp.get("done_at"):
                vals.update(done_at=stamp["done_at"], signed_at=stamp["done_at"])
            if vals:
                stamp["work_order"].write(vals)
        for callback, when in stamps["callbacks"]:
            deadline = (callback.work_order_id.done_at or when) + timedelta(hours=48)
            callback.write({"done_at": when, "deadline": deadline})
        for callback in ticket.callback_ids.filtered(lambda c: c.state == "todo"):
            done = callback.work_order_id.done_at or ticket.received_at
            callback.deadline = done + timedelta(hours=48)
        if stamps.get("solution"):
            solution, when = stamps["solution"]
            solution.approved_at = when
        vals = dict(stamps["ticket"])
        if ticket.state == "closed" and "closed_at" not in vals:
            vals["closed_at"] = vals.get("responded_at") or ticket.received_at
        if vals:
            ticket.write(vals)

    # ------------------------------------------------------------------
    # Call-back campaigns and satisfaction surveys
    # ------------------------------------------------------------------
    def _campaigns(self, world):
        """A festival call-back campaign a quarter into the period and one
        three quarters into it."""
        rng = self._rng(world, "campaigns")
        months = world["months"]
        site = world["site"]
        caller = world["staff"]["agent2"]
        active = self.env["property.occupancy"].search_count(
            [("site_id", "=", site.id), ("state", "=", "active")]
        )
        for index in sorted({len(months) // 4, 3 * len(months) // 4}):
            day = months[index] + timedelta(days=14)
            if day > world["date_to"]:
                continue
            campaign = self.env["property.callback.campaign"].create(
                {
                    "name": f"节日回访 {day:%Y-%m}",
                    "campaign_type": "festival",
                    "site_id": site.id,
                    "date": day,
                    "user_id": caller.id,
                    "sample_size": max(5, active // 10),
                    "question_ids": [
                        Command.create({"name": "您对我们的服务满意吗？"}),
                        Command.create({"name": "您认为我们最需要改进哪一方面？"}),
                    ],
                }
            )
            campaign.action_generate()
            for callback in campaign.callback_ids.sorted("id"):
                level = pick(rng, CAMPAIGN_CALLBACK)
                when = datetime.combine(day, time(2, 0)) + timedelta(
                    hours=rng.randint(0, 72)
                )
                if when > world["now"]:
                    continue
                callback.answer_ids[:1].answer = "满意" if level >= "4" else "不太满意"
                callback.write({"satisfaction": level, "comment": "节日回访"})
                if level < "4":
                    # an unsatisfied answer leads to a follow-up item
                    callback.follow_up_kind = "service"
                callback.action_done()
                callback.write({"done_at": when, "deadline": when})
                callback.follow_up_ticket_ids.write({"received_at": when})
            if all(c.state == "done" for c in campaign.callback_ids):
                campaign.action_done()

    def _surveys(self, world):
        """A resident satisfaction survey per quarter of the period; about a
        third of the tenants answer, most of them satisfied."""
        rng = self._rng(world, "surveys")
        site = world["site"]
        ref = self.env.ref
        questionnaire = ref("property_community.survey_resident_satisfaction")
        question = ref("property_community.survey_resident_satisfaction_q1")
        answers = {
            key: ref(f"property_community.survey_resident_satisfaction_q1_{key}")
            for key, _weight in SURVEY_ANSWERS
        }
        months = world["months"]
        for start_index in range(0, len(months), 3):
            date_from = months[start_index]
            date_to = month_end(months[min(start_index + 2, len(months) - 1)])
            survey = self.env["property.satisfaction.survey"].create(
                {
                    "name": f"{site.name}满意度调查 {date_from:%Y-%m}",
                    "survey_id": questionnaire.id,
                    "site_id": site.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "state": "open",
                }
            )
            partners = survey._audience_partners().sorted("id")
            deadline = datetime.combine(date_to + timedelta(days=1), time(0, 0))
            # answers come in between the opening and the deadline (or now)
            opens = datetime.combine(date_from, time(1, 0))
            closes = min(deadline, world["now"])
            vals_list = []
            for partner in partners:
                vals = {
                    "survey_id": questionnaire.id,
                    "partner_id": partner.id,
                    "email": partner.email,
                    "nickname": partner.name,
                    "deadline": deadline,
                    "satisfaction_survey_id": survey.id,
                }
                answered = rng.random() < SURVEY_RESPONSE_SHARE
                level = pick(rng, SURVEY_ANSWERS)
                moment = opens + (closes - opens) * rng.random()
                if answered and opens < closes:
                    vals.update(
                        state="done",
                        start_datetime=moment - timedelta(minutes=3),
                        end_datetime=moment,
                        user_input_line_ids=[
                            Command.create(
                                {
                                    "question_id": question.id,
                                    "answer_type": "suggestion",
                                    "suggested_answer_id": answers[level].id,
                                }
                            )
                        ],
                    )
                vals_list.append(vals)
            self.env["survey.user_input"].create(vals_list)
            if date_to < world["date_to"]:
                survey.action_close()

    # ------------------------------------------------------------------
    # Billing
    # ------------------------------------------------------------------
    def _billing_setup(self, world):
        """Approved standards (unless the site has its own already), a
        parking fee item, and one running billing plan per tenant archive."""
        site = world["site"]
        company = site.company_id
        staff = world["staff"]
        manager = staff["billing"]
        ref = self.env.ref
        management = ref("property_billing.fee_item_management")
        late = ref("property_billing.fee_item_late_fee")
        parking = self._parking_item(company, management)
        # an existing site keeps its own people
        site_vals = {
            "billing_manager_id": site.billing_manager_id.id or manager.id,
            "fee_collector_id": site.fee_collector_id.id or staff["collector"].id,
            "agent_id": site.agent_id.id or staff["agent"].id,
        }
        if not site.billing_journal_id:
            Journal = self.env["account.journal"]
            site_vals["billing_journal_id"] = Journal.search(
                [*Journal._check_company_domain(company), ("type", "=", "sale")],
                limit=1,
            ).id
        site.write(site_vals)
        Standard = self.env["property.fee.standard"]
        existing = Standard._standards_by_item(site)
        valid_from = add_months(world["first_day"], -12)
        vals_list = []
        if management.id not in existing:
            vals_list += [
                {
                    "item_id": management.id,
                    "site_id": site.id,
                    "usage": usage,
                    "rate": rate,
                    "date_from": valid_from,
                    "basis": "物价局备案 (demo)",
                }
                for usage, rate in AREA_RATES.items()
            ]
        if parking.id not in existing:
            vals_list.append(
                {
                    "item_id": parking.id,
                    "site_id": site.id,
                    "rate": PARKING_RATE,
                    "date_from": valid_from,
                }
            )
        if late.id not in existing:
            vals_list.append(
                {
                    "item_id": late.id,
                    "site_id": site.id,
                    "date_from": valid_from,
                    **LATE_FEE,
                }
            )
        standards = Standard.create(vals_list)
        standards.action_submit()
        standards.with_user(manager).sudo().action_approve()

        rng = self._rng(world, "plans")
        first_day = world["first_day"]
        vals_list = []
        for occupancy in world["occupancies"]:
            items = [management]
            if occupancy.tenant_kind != "small" and rng.random() < 0.35:
                items.append(parking)
            start = max(occupancy.move_in_date, first_day)
            if occupancy.move_out_date and occupancy.move_out_date < start:
                continue
            vals_list.append(
                {
                    "occupancy_id": occupancy.id,
                    "date_start": start,
                    "cycle": "quarterly"
                    if occupancy.tenant_kind == "anchor"
                    else "monthly",
                    "line_ids": [
                        Command.create({"item_id": item.id}) for item in items
                    ],
                }
            )
        plans = self.env["property.billing.plan"].create(vals_list)
        plans.action_start()
        world["plans"] = plans

    def _parking_item(self, company, management):
        Item = self.env["property.fee.item"]
        item = Item.search(
            [("code", "=", "PARK"), ("company_id", "=", company.id)], limit=1
        )
        if item:
            return item
        product = self.env["product.product"].create(
            {
                "name": "车位管理费",
                "type": "service",
                "default_code": "PARK",
                "categ_id": management.product_id.categ_id.id,
                "taxes_id": [Command.set(management.product_id.taxes_id.ids)],
                "company_id": False,
            }
        )
        return Item.create(
            {
                "name": "车位管理费",
                "code": "PARK",
                "kind": "fixed",
                "sequence": 5,
                "uom_name": "车位",
                "product_id": product.id,
                "company_id": company.id,
            }
        )

    def _billing_runs(self, world):
        """One billing run per month, previewed, generated and posted by the
        billing manager; the tenants pay as their habit is, in date order,
        so that a run's late fees see what was paid before its bills."""
        rng = self._rng(world, "payments")
        site = world["site"]
        staff = world["staff"]
        Run = self.env["property.billing.run"].with_user(staff["billing"]).sudo()
        Journal = self.env["account.journal"]
        bank = Journal.search(
            [*Journal._check_company_domain(site.company_id), ("type", "=", "bank")],
            limit=1,
        )
        profiles = {}
        pending = defaultdict(list)  # payment day -> invoice ids
        runs = Run.browse()
        for period_start in world["months"]:
            self._pay(pending, lambda day, start=period_start: day < start, bank, staff)
            run = Run.create({"site_id": site.id, "period_start": period_start})
            run.action_preview()
            run.action_generate_post()
            if run.error_ids:
                _logger.warning(
                    "Demo scenario: run %s has %s errors: %s",
                    run.name,
                    len(run.error_ids),
                    run.error_ids[:1].message,
                )
            for invoice in run.move_ids.filtered(lambda m: m.state == "posted").sorted(
                lambda m: (m.partner_id.name, m.id)
            ):
                payer = invoice.partner_id.id
                if payer not in profiles:
                    profiles[payer] = pick(
                        rng, [(name, weight) for name, weight, *_r in PAYER_PROFILES]
                    )
                day = payment_day(invoice.invoice_date, profiles[payer], rng)
                if day and day <= world["date_to"]:
                    pending[day].append(invoice.id)
            runs |= run
            self.env.flush_all()
            self.env.invalidate_all()
        self._pay(pending, lambda day: True, bank, staff)
        world["runs"] = runs

    def _pay(self, pending, due, bank, staff):
        """Register the payments of the ``pending`` days for which ``due``
        holds, a day at a time (one payment per bill, on its day)."""
        Register = (
            self.env["account.payment.register"].with_user(staff["collector"]).sudo()
        )
        for day in sorted(d for d in pending if due(d)):
            invoices = self.env["account.move"].browse(pending.pop(day))
            invoices = invoices.filtered(
                lambda m: m.payment_state in ("not_paid", "partial")
            )
            if not invoices:
                continue
            Register.with_context(
                active_model="account.move", active_ids=invoices.ids
            ).create(
                {"payment_date": day, "journal_id": bank.id, "group_payment": False}
            )._create_payments()

    # ------------------------------------------------------------------
    # Fingerprint
    # ------------------------------------------------------------------
    def _fingerprint(self, site):
        """Counts and amounts of the site's scenario, independent of record
        ids: two builds with the same seed and end date give the same."""

        def count(model, domain, groupby=None):
            Model = self.env[model].with_context(active_test=False)
            if not groupby:
                return Model.search_count(domain)
            return {
                str(key): total
                for key, total in sorted(
                    Model._read_group(domain, [groupby], ["__count"]),
                    key=lambda row: str(row[0]),
                )
            }

        site_domain = [("site_id", "=", site.id)]
        moves = self.env["account.move"].search(
            [("property_site_id", "=", site.id), ("state", "=", "posted")]
        )
        payments = moves.line_ids.matched_credit_ids.credit_move_id.move_id.filtered(
            lambda m: m.origin_payment_id
        )
        currency = site.company_id.currency_id
        return {
            "units": count("property.unit", site_domain),
            "occupancies": count("property.occupancy", site_domain, "state"),
            "members": count(
                "property.occupancy.member", [("occupancy_id.site_id", "=", site.id)]
            ),
            "documents": count("property.document", site_domain),
            "items": count("property.ticket", site_domain, "kind"),
            "item_states": count("property.ticket", site_domain, "state"),
            "work_orders": count("property.work.order", site_domain, "state"),
            "major_repairs": count(
                "property.work.order", [*site_domain, ("is_major_repair", "=", True)]
            ),
            "callbacks": count("property.callback", site_domain, "satisfaction"),
            "survey_answers": count(
                "survey.user_input",
                [
                    ("satisfaction_survey_id.site_id", "=", site.id),
                    ("state", "=", "done"),
                ],
            ),
            "bills": len(moves),
            "billed": currency.round(sum(moves.mapped("amount_total"))),
            "open": currency.round(sum(moves.mapped("amount_residual"))),
            "payments": len(payments),
        }
