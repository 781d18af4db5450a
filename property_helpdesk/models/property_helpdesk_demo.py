import base64
from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models

# A 1x1 PNG standing for a customer's signature in the demo.
DEMO_SIGNATURE = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5b00000000"
        "49454e44ae426082"
    )
)

# (day offset, kind, unit code, summary, category xmlid, outcome)
DEMO_ITEMS = [
    (-29, "service", "C-202", "厨房水龙头漏水", "category_plumbing", "closed"),
    (
        -28,
        "complaint",
        "A-104",
        "一楼卫生间中午不干净",
        "category_cleaning",
        "closed",
    ),
    (
        -27,
        "praise",
        "C-404",
        "感谢夜班保安帮我找到钥匙",
        None,
        "praise",
    ),
    (
        -26,
        "service",
        "D-602",
        "燃气表附近有燃气味",
        "category_outside",
        "referred",
    ),
    (
        -25,
        "suggestion",
        "B-701",
        "建议在写字楼入口增设自行车停放架",
        None,
        "pending",
    ),
    (
        -24,
        "service",
        "B-902",
        "空调不制冷",
        "category_electrical",
        "closed",
    ),
    (
        -22,
        "complaint",
        "C-604",
        "维修后仍然漏水",
        "category_plumbing",
        "second_round",
    ),
    (
        -21,
        "service",
        "A-401",
        "影院入口扶梯停运",
        "category_lift",
        "closed",
    ),
    (-20, "suggestion", "C-804", "建议把大堂刷成粉色", None, "invalid"),
    (-18, "service", "D-204", "楼道灯坏了", "category_electrical", "closed"),
    (
        -17,
        "complaint",
        "A-206",
        "停车场管理员态度恶劣",
        "category_security",
        "invalid_complaint",
    ),
    (
        -15,
        "service",
        "C-1004",
        "顶层屋面渗水",
        "category_structure",
        "done",
    ),
    (-14, "praise", "B-1103", "保洁团队打扫得很仔细", None, "praise"),
    (
        -12,
        "complaint",
        "D-1002",
        "晚上8点后仍有装修噪音",
        "category_security",
        "solution",
    ),
    (
        -11,
        "service",
        "C-1202",
        "阳台地漏堵塞",
        "category_plumbing",
        "in_progress",
    ),
    (
        -9,
        "suggestion",
        "A-303",
        "建议延长停车场开放时间",
        None,
        "dispatched",
    ),
    (
        -8,
        "service",
        "D-1404",
        "垃圾房门锁损坏",
        "category_security",
        "closed",
    ),
    (
        -6,
        "complaint",
        "C-1402",
        "电梯停在两层之间",
        "category_lift",
        "investigating",
    ),
    (
        -5,
        "service",
        "B-1301",
        "饮水机漏水",
        "category_plumbing",
        "returned",
    ),
    (-3, "service", "C-1604", "卫生间排风扇噪音大", "category_electrical", "assigned"),
    (
        -4,
        "service",
        "A-108",
        "店招线路需持证电工施工",
        "category_electrical",
        "returned_referred",
    ),
    (-4, "inquiry", "B-701", "下周什么时候停水？", None, "answered"),
    (
        -2,
        "inquiry",
        "C-202",
        "阳台可以加装遮阳篷吗？",
        None,
        "promised",
    ),
    (
        -2,
        "complaint",
        "A-208",
        "中庭音乐太吵",
        "category_security",
        "new",
    ),
    (
        -1,
        "service",
        "D-1602",
        "早上水压低",
        "category_plumbing",
        "new",
    ),
    (-1, "suggestion", "C-1002", "建议安装快递柜", None, "new"),
    (
        0,
        "service",
        "A-107",
        "店铺卷帘门卡在半开位置",
        "category_electrical",
        "new",
    ),
]


class PropertyHelpdeskDemo(models.AbstractModel):
    """Builds the service desk demo: a realistic month at Wanjia Plaza (万家广场),
    every kind of item in every state, by running the real flows."""

    _name = "property.helpdesk.demo"
    _description = "Service Desk Demo Data"

    @api.model
    def _load_demo(self):
        site = self.env.ref("property_tenant.property_site_wanjia_demo", False)
        if not site:
            return False
        agent = self.env.ref("property_tenant.res_users_agent_demo")
        supervisor = self.env.ref("property_tenant.res_users_supervisor_demo")
        today = fields.Date.context_today(self)
        Ticket = self.env["property.ticket"].with_context(mail_notrack=True)
        units = {unit.code: unit for unit in site.unit_ids}
        for offset, kind, code, summary, category, outcome in DEMO_ITEMS:
            received = datetime.combine(today + timedelta(days=offset), time(1, 30))
            unit = units.get(code) or site.unit_ids[:1]
            ticket = Ticket.with_user(agent).create(
                {
                    "kind": kind,
                    "channel": ("phone", "visit", "portal", "email")[abs(offset) % 4],
                    "site_id": site.id,
                    "unit_id": unit.id,
                    "summary": summary,
                    "description": f"<p>{summary}。</p>",
                    "key_points": summary,
                    "received_at": received,
                    "category_id": category
                    and self.env.ref(f"property_helpdesk.{category}").id,
                    "priority": "2" if kind == "complaint" else "1",
                }
            )
            if not ticket.partner_id:
                ticket.contact_name = "来访客户"
            self._demo_play(ticket, outcome, received, supervisor)
            if outcome != "new":
                # the desk answered within the hour, not at install time
                ticket.write({"responded_at": received + timedelta(minutes=40)})
        self._demo_slips(site, agent)
        self._demo_front_desk(site, agent, units)
        self._demo_campaign(site, agent)
        self._demo_alias_domain(site.company_id)
        return True

    def _demo_alias_domain(self, company):
        """The demo receives e-mails at desk@wanjia-demo.example: without an
        alias domain the desk's address would receive nothing."""
        if company.alias_domain_id:
            return
        company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "wanjia-demo.example"}
        )
        self.env.ref(
            "property_helpdesk.mail_alias_desk"
        ).alias_domain_id = company.alias_domain_id

    def _demo_slips(self, site, agent):
        """Transfer slips (信息传递单) at every step of the loop."""
        Slip = self.env["property.transfer.slip"].with_user(agent)
        engineering = self.env.ref("property_helpdesk.department_engineering")
        cleaning = self.env.ref("property_helpdesk.department_cleaning")
        security = self.env.ref("property_helpdesk.department_security")
        today = fields.Date.context_today(self)
        slips = Slip.create(
            [
                {
                    "summary": summary,
                    "site_id": site.id,
                    "department_id": department.id,
                    "issue_description": f"<p>{summary}。</p>",
                    "due_date": today + timedelta(days=days),
                }
                for summary, department, days in (
                    ("地下停车场灯光全天常亮", engineering, 5),
                    ("周末2号门垃圾桶满溢", cleaning, 3),
                    ("保安放任送货车停在消防通道", security, 2),
                    ("大堂拖地后地面湿滑", cleaning, -5),
                )
            ]
        )
        lights, bins, vans, floor = slips
        (lights | bins | vans | floor).action_send()
        for slip, measures in (
            (bins, "周六、周日增加一次清运"),
            (vans, "每班交底；消防通道摆放锥桶"),
            (floor, "摆放小心地滑标识，避开高峰时段拖地"),
        ):
            slip.sudo().write({"corrective_measures": measures})
            slip.sudo().action_propose_measures()
        for slip in (vans, floor):
            slip.sudo().write({"rectification_note": "已按方案完成"})
            slip.sudo().action_rectified()
        floor.inspection_remarks = "东入口未摆放标识"
        floor.action_inspect_failed()
        floor.sudo().write({"rectification_note": "两个入口均已补放标识"})
        floor.sudo().action_rectified()
        floor.action_inspect_passed()
        floor.action_file()

    def _demo_front_desk(self, site, agent, units):
        Log = self.env["property.front.log"].with_user(agent)
        now = fields.Datetime.now()
        entries = Log.create(
            [
                {
                    "item_type": item_type,
                    "site_id": site.id,
                    "unit_id": units[code].id,
                    "sender": sender,
                    "description": description,
                    "received_at": now - timedelta(hours=hours),
                }
                for item_type, code, sender, description, hours in (
                    ("parcel", "C-202", "顺丰速运", "小纸箱", 3),
                    ("document", "A-104", "税务局", "挂号信", 26),
                    ("parcel", "B-701", "京东物流", "两个纸箱", 50),
                    ("fax", "A-401", "总部", "两页", 5),
                )
                if code in units
            ]
        )
        handed = entries.filtered(lambda e: e.received_at < now - timedelta(hours=24))
        for entry in handed:
            entry.write(
                {
                    "handed_over_to": entry.partner_id.name or "住户",
                    "signature": DEMO_SIGNATURE,
                }
            )
            entry.action_hand_over()
        self.env["property.visitor.log"].with_user(agent).create(
            [
                {
                    "visitor_name": name,
                    "site_id": site.id,
                    "purpose": purpose,
                    "id_last_digits": digits,
                    "arrived_at": now - timedelta(hours=hours),
                }
                for name, purpose, digits, hours in (
                    ("黄先生", "到蓝波软件面试", "1234", 2),
                    ("钱女士", "拜访C座住户", "5678", 1),
                )
            ]
        )

    def _demo_campaign(self, site, agent):
        campaign = self.env["property.callback.campaign"].create(
            {
                "name": "中秋节回访",
                "campaign_type": "festival",
                "site_id": site.id,
                "user_id": agent.id,
                "sample_size": 6,
                "question_ids": [
                    Command.create({"name": "您对我们的服务满意吗？"}),
                    Command.create({"name": "您认为我们最需要改进哪一方面？"}),
                ],
            }
        )
        campaign.action_generate()
        for callback, level in zip(
            campaign.callback_ids[:4], ("5", "4", "5", "3"), strict=False
        ):
            callback.answer_ids[:1].answer = "满意" if level >= "4" else "不太满意"
            callback.write({"satisfaction": level, "comment": "节日回访"})
            if level < "4":
                # an unsatisfied answer becomes a follow-up item
                callback.write(
                    {
                        "comment": "晚上大堂灯光太暗",
                        "follow_up_kind": "service",
                    }
                )
            callback.action_done()

    def _demo_play(self, ticket, outcome, received, supervisor):
        directory = self.env.ref("property_helpdesk.directory_gas")
        department = ticket.category_id.department_id or self.env.ref(
            "property_helpdesk.department_service"
        )
        later = received + timedelta(hours=3)
        if outcome == "new":
            return
        if outcome == "referred":
            ticket.write(
                {"referral_id": directory.id, "reply": "已告知燃气公司服务热线"}
            )
            ticket.action_refer()
            self._demo_callback(ticket, "5", later + timedelta(days=1))
        elif outcome == "answered":
            ticket.reply = "周二9:00-12:00，通知已张贴在大堂"
            ticket.action_answer()
        elif outcome == "promised":
            ticket.promised_date = received + timedelta(days=2)
            ticket.action_promise_answer()
        elif outcome == "praise":
            ticket.praised_department_id = self.env.ref(
                "property_helpdesk.department_security"
            )
            ticket.action_pass_on_praise()
        elif outcome == "pending":
            ticket.write(
                {
                    "reply": "已列入明年预算计划",
                    "review_date": received.date() + timedelta(days=90),
                    "department_id": self.env.ref(
                        "property_helpdesk.department_engineering"
                    ).id,
                }
            )
            ticket.action_postpone()
        elif outcome == "invalid":
            ticket.write(
                {
                    "judgement_reason": "大堂颜色由业主决定",
                    "reply": "已解释，并感谢您的建议",
                }
            )
            ticket.action_judge_invalid()
            self._demo_callback(ticket, "4", later + timedelta(days=1))
        elif outcome == "invalid_complaint":
            ticket.write(
                {
                    "judgement_reason": "监控显示双方交流礼貌",
                    "reply": "已致歉并作解释",
                }
            )
            ticket.action_judge_invalid()
            ticket._plan_callback()
            self._demo_callback(ticket, "4", later + timedelta(days=1))
        elif ticket.kind == "complaint":
            self._demo_complaint(ticket, outcome, department, received, supervisor)
        else:
            self._demo_dispatch(ticket, outcome, department, later)

    def _demo_dispatch(self, ticket, outcome, department, when):
        if not ticket.department_id:
            ticket.department_id = department
        ticket.action_dispatch()
        work_order = ticket.work_order_ids[-1:]
        work_order.write({"planned_date": when, "estimated_hours": 2.0})
        if outcome == "assigned":
            return
        if outcome in ("returned", "returned_referred"):
            work_order.return_reason = (
                "店招线路属于供电公司管辖"
                if outcome == "returned_referred"
                else "饮水机属于送水公司"
            )
            work_order.action_return_to_desk()
            if outcome == "returned_referred":
                # 不能处理 → 提供相应的服务电话
                ticket.write(
                    {
                        "referral_id": self.env.ref(
                            "property_helpdesk.directory_power"
                        ).id,
                        "reply": "已告知供电公司服务电话",
                    }
                )
                ticket.action_refer()
            return
        work_order.action_start()
        if outcome in ("in_progress", "dispatched"):
            return
        self._demo_complete(work_order, when + timedelta(hours=2))
        if outcome == "closed":
            self._demo_callback(ticket, "5", when + timedelta(days=1))

    def _demo_complaint(self, ticket, outcome, department, received, supervisor):
        ticket.write(
            {
                "department_id": department.id,
                "promised_date": received + timedelta(days=2),
                "root_cause": "quality",
            }
        )
        ticket.action_accept_complaint()
        if outcome == "investigating":
            return
        solutions = self.env["property.complaint.solution"].create(
            [
                {"ticket_id": ticket.id, "name": "从源头彻底解决"},
                {"ticket_id": ticket.id, "name": "先采取临时措施，再复查"},
            ]
        )
        ticket.action_submit_solutions()
        if outcome == "solution":
            return
        solutions[0].with_user(supervisor).action_approve()
        work_order = ticket.work_order_ids[-1:]
        work_order.action_start()
        self._demo_complete(work_order, received + timedelta(days=1))
        if outcome == "second_round":
            self._demo_callback(ticket, "2", received + timedelta(days=2))
            return
        self._demo_callback(ticket, "5", received + timedelta(days=2))

    def _demo_complete(self, work_order, when):
        work_order.write(
            {
                "work_done": "<p>已修复，并与客户一起测试。</p>",
                "time_spent": 1.5,
                "signature": DEMO_SIGNATURE,
                "signed_by": work_order.partner_id.name or "客户",
                "satisfaction": "5",
            }
        )
        work_order.action_done()
        work_order.write({"done_at": when, "started_at": when - timedelta(hours=2)})

    def _demo_callback(self, ticket, satisfaction, when):
        callback = ticket.callback_ids.filtered(lambda c: c.state == "todo")[:1]
        if not callback:
            return
        callback.write({"satisfaction": satisfaction, "comment": "已回访"})
        callback.action_done()
        callback.write({"done_at": when})
        if ticket.state == "closed":
            ticket.write({"closed_at": when})
