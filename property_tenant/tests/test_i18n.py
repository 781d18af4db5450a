from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PropertyTenantCase


@tagged("post_install", "-at_install")
class TestChineseMessages(PropertyTenantCase):
    """Bad input is refused in the user's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["property_tenant"], ["zh_CN"])
        cls.agent.lang = "zh_CN"

    def test_errors_in_chinese(self):
        # a request of a Chinese-speaking user carries its language in context
        env = self.env(user=self.agent, context={"lang": self.agent.lang})
        Unit = env["property.unit"]
        with self.assertRaises(ValidationError) as error:
            Unit.create({"code": "C-0901", "site_id": self.site.id, "area": 0})
        self.assertIn("面积必须大于零", str(error.exception))

        occupancy = self._active_occupancy(self.unit_1, self.tenant_a)
        overlapping = self._occupancy(self.unit_1, self.tenant_b, date(2026, 3, 1))
        with self.assertRaises(ValidationError) as error:
            overlapping.with_env(env).action_activate()
        self.assertIn("C-0301", str(error.exception))
        self.assertIn(occupancy.name, str(error.exception))
        self.assertIn("不能重叠", str(error.exception))

    def test_labels_in_chinese(self):
        env = self.env(context={"lang": "zh_CN"})
        kinds = dict(
            env["property.occupancy"]._fields["tenant_kind"]._description_selection(env)
        )
        self.assertEqual(kinds["anchor"], "主力商户")
        self.assertEqual(
            env["property.occupancy"].fields_get(["handover_date"])["handover_date"][
                "string"
            ],
            "入伙日期",
        )
        self.assertEqual(
            env.ref("property_tenant.group_property_supervisor").name, "客服主管"
        )
