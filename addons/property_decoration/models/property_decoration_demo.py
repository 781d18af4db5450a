import logging
from datetime import timedelta

from odoo import Command, api, fields, models

_logger = logging.getLogger(__name__)

DEMO_DEPOSIT = 5000.0  # 装修押金 of a shop at Wanjia Plaza (CNY)


class PropertyDecorationDemo(models.AbstractModel):
    """Demo of the decorations at Wanjia Plaza, built through the real
    flows: one shop in works (an inspection, a violation on a transfer
    slip with a deduction proposed), one accepted and waiting for its
    refund, one closed with its deposit refunded less a deduction."""

    _name = "property.decoration.demo"
    _description = "Property Decoration Demo Data"

    @api.model
    def _load_demo(self):
        company = self.env.ref("base.main_company")
        site = self.env.ref("property_tenant.property_site_wanjia_demo")
        self = self.with_company(company).with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            property_decoration_html_documents=True,
        )
        ref = self.env.ref
        company.write(
            {
                "decoration_fee_basis": "fixed",
                "decoration_fee_item_id": ref(
                    "property_billing.fee_item_decoration"
                ).id,
                "decoration_deposit_item_id": ref(
                    "property_billing.fee_item_decoration_deposit"
                ).id,
            }
        )
        self._demo_deposit_standard(site)
        today = fields.Date.context_today(self)
        works = self._demo_decoration(
            "property_tenant.property_occupancy_4_demo",
            today - timedelta(days=20),
            today + timedelta(days=40),
            "店面重新装修：更换地砖、吊顶，新做灯箱招牌（不改动外立面）",
        )
        self._demo_works(works)
        waiting = self._demo_decoration(
            "property_tenant.property_occupancy_5_demo",
            today - timedelta(days=75),
            today - timedelta(days=20),
            "卫生间改造及防水、墙面翻新",
        )
        self._demo_accept(waiting)
        closed = self._demo_decoration(
            "property_tenant.property_occupancy_6_demo",
            today - timedelta(days=200),
            today - timedelta(days=140),
            "餐饮店面装修：厨房排烟、隔油池、地面防滑处理",
        )
        violation = self._demo_violation(
            closed, "unauthorised", "擅自在公共走道堆放建筑垃圾", 500.0
        )
        violation.action_approve_deduction()
        self._demo_accept(closed)
        # as if the waiting period were over
        closed.refund_date = today
        closed.action_refund()

    @api.model
    def _demo_deposit_standard(self, site):
        Standard = self.env["property.fee.standard"]
        item = self.env.ref("property_billing.fee_item_decoration_deposit")
        if Standard.search_count(
            [("item_id", "=", item.id), ("site_id", "=", site.id)]
        ):
            return
        standard = Standard.create(
            {
                "item_id": item.id,
                "site_id": site.id,
                "rate": DEMO_DEPOSIT,
                "date_from": fields.Date.context_today(self) - timedelta(days=400),
                "basis": "装修管理规定（演示）",
            }
        )
        standard.action_submit()
        standard.action_approve()

    @api.model
    def _demo_decoration(self, occupancy_ref, start, end, scope):
        """A decoration applied, reviewed, approved and paid: permitted."""
        decoration = self.env["property.decoration"].create(
            {
                "occupancy_id": self.env.ref(occupancy_ref).id,
                "contractor_name": "杭州匠心装饰工程有限公司",
                "contractor_licence": "D233010234",
                "contractor_person": "王建国",
                "contractor_phone": "138 5712 3456",
                "scope": scope,
                "date_start": start,
                "date_end": end,
                "hour_from": 8.0,
                "hour_to": 18.0,
                "undertaking_accepted": True,
                "undertaking_date": start - timedelta(days=10),
                "worker_ids": [
                    Command.create(
                        {"name": name, "id_last_digits": digits, "pass_number": number}
                    )
                    for name, digits, number in (
                        ("李明", "3521", "ZX-001"),
                        ("张伟", "108X", "ZX-002"),
                        ("陈刚", "7743", "ZX-003"),
                    )
                ],
            }
        )
        decoration.action_submit()
        decoration.action_start_review()
        decoration.check_ids.write({"result": "pass"})
        decoration.check_ids[-1:].write(
            {"result": "condition", "remarks": "招牌尺寸须与商场统一"}
        )
        decoration.action_approve()
        self._demo_pay(decoration._charges().move_id)
        decoration.action_start_works()
        return decoration

    @api.model
    def _demo_pay(self, invoices):
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(invoices.company_id),
                ("type", "=", "bank"),
            ],
            limit=1,
        )
        for invoice in invoices.filtered(lambda m: m.payment_state == "not_paid"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"journal_id": journal.id})._create_payments()

    @api.model
    def _demo_violation(self, decoration, kind, name, amount):
        violation = self.env["property.decoration.violation"].create(
            {
                "decoration_id": decoration.id,
                "kind": kind,
                "name": name,
                "description": "巡查发现，已拍照留存，要求当天清理。",
                "department_id": self.env.ref(
                    "property_helpdesk.department_engineering"
                ).id,
                "deduction_amount": amount,
            }
        )
        violation.action_send_slip()
        violation.action_propose_deduction()
        return violation

    @api.model
    def _demo_works(self, decoration):
        inspection = self.env["property.decoration.inspection"].create(
            {
                "decoration_id": decoration.id,
                "inspector_id": self.env.ref(
                    "property_helpdesk.res_users_eng_head_demo"
                ).id,
                "result": "issues",
                "findings": "晚上 21:30 仍在使用电钻，邻铺投诉噪音。",
            }
        )
        inspection.check_ids.write({"result": "pass"})
        self._demo_violation(decoration, "hours", "非施工时间电钻作业", 300.0)

    @api.model
    def _demo_accept(self, decoration):
        decoration.action_request_acceptance()
        decoration.acceptance_remarks = "地面、吊顶、防水及消防设施验收合格。"
        decoration.action_accept()
