from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.property_tenant.tests.flow_graph import FlowGraphMixin, never_ending

from .common import GoliveCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-15")
class TestGoliveFlow(FlowGraphMixin, GoliveCase):
    flow_terminal = ("applied",)

    def _flow_extra_moves(self, record):
        """The opening-balance account closed between the dry run and the
        apply: the apply fails and keeps nothing."""
        if record.state != "checked" or not record.check_ok:
            return []

        def apply_after_account_closed():
            self.opening_account.deprecated = True
            record.with_user(self.manager).action_apply()

        return [("Apply (account closed)", apply_after_account_closed)]

    def _flow_situation(self, record):
        return (record.state, record.check_ok)

    def test_flow_graph(self):
        record = self._import()
        edges = self.flow_graph(record, (self.manager,))
        self.assertIn(("draft", "Dry Run", "checked"), edges)
        self.assertIn(("checked", "Apply", "applied"), edges)
        self.assertIn(("checked", "Back to Draft", "draft"), edges)
        self.assertIn(("checked", "Apply (account closed)", "failed"), edges)
        self.assertIn(("failed", "Back to Draft", "draft"), edges)
        self.assertIn(("failed", "Dry Run", "checked"), edges)
        self.assertEqual(never_ending(edges, {"applied"}, "draft"), set())

    def test_file_with_errors_cannot_be_applied(self):
        tables = self.tables()
        tables["units"][0]["area"] = -1
        record = self._import(tables)
        edges = self.flow_graph(record, (self.manager,))
        states = {e[0] for e in edges} | {e[2] for e in edges}
        self.assertNotIn("applied", states)
