from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PropertyHelpdeskCase


@tagged("post_install", "-at_install")
class TestChineseMessages(PropertyHelpdeskCase):
    """The desk works in Chinese: flows refuse bad steps in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["property_tenant", "property_helpdesk"], ["zh_CN"]
        )
        cls.agent.lang = "zh_CN"

    def test_closure_gate_in_chinese(self):
        env = self.env(user=self.agent, context={"lang": "zh_CN"})
        ticket = self._ticket(category_id=self.category_plumbing.id).with_env(env)
        ticket.action_dispatch()
        self._complete(ticket.work_order_ids)
        with self.assertRaises(UserError) as error:
            ticket.action_close()
        message = str(error.exception)
        self.assertIn(ticket.name, message)
        self.assertIn("回访", message)
        self.assertNotIn("called back", message)

    def test_labels_in_chinese(self):
        env = self.env(context={"lang": "zh_CN"})
        kinds = dict(env["property.ticket"]._fields["kind"]._description_selection(env))
        self.assertEqual(kinds["complaint"], "投诉")
        self.assertEqual(kinds["praise"], "表扬")
        self.assertNotEqual(
            env.ref("property_helpdesk.group_property_technician").name, "Technician"
        )
        self.assertNotEqual(
            env.ref("property_helpdesk.property_ticket_action").name, "Service Desk"
        )
