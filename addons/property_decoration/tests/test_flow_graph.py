"""The decoration flow, derived from the code, always reaches an end.

The test presses, from "draft", every header button each role sees on the
decoration form (property_tenant/tests/flow_graph.py), plus the payment of
the fees (portal or counter), with the data a user fills in first, and
proves that every state reached can reach "closed", "rejected" or
"cancel" — and "closed" without the cancel.
"""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.property_tenant.tests.flow_graph import FlowGraphMixin, never_ending

from .common import DecorationCase

ENDS = ("closed", "rejected", "cancel")


@tagged("post_install", "-at_install")
class TestFlowGraph(FlowGraphMixin, DecorationCase):
    flow_terminal = ENDS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # the refund is possible on the day of the acceptance
        cls.company.decoration_waiting_days = 0

    def _flow_prepare(self, decoration, button):
        vals = {
            "action_return_for_changes": {"review_remarks": "Move the sink"},
            "action_reject": {"reject_reason": "Façade change"},
            "action_rectify": {"acceptance_remarks": "Grout missing"},
            "action_cancel": {"cancel_reason": "Postponed"},
        }.get(button, {})
        if button == "action_approve":
            decoration.check_ids.write({"result": "pass"})
        if button == "action_submit":
            vals["undertaking_accepted"] = True
        if vals:
            decoration.write(vals)

    def _flow_extra_moves(self, decoration):
        if decoration.state != "fees_due":
            return []
        return [("Pay the fees", lambda: self._pay(self._invoices(decoration)))]

    def _flow_situation(self, decoration):
        return (decoration.state, decoration.acceptance_rounds > 0)

    def test_every_state_reaches_an_end(self):
        decoration = self._decoration()
        users = [self.agent, self.engineer, self.supervisor, self.manager]
        with freeze_time("2026-03-20"):
            edges = self.flow_graph(decoration, users)
        states = {e[0] for e in edges} | {e[2] for e in edges}
        self.assertEqual(
            states,
            {
                "draft",
                "submitted",
                "review",
                "fees_due",
                "permitted",
                "works",
                "acceptance",
                "waiting",
                "closed",
                "rejected",
                "cancel",
            },
        )
        self.assertFalse(never_ending(edges, set(ENDS), "draft") - set(ENDS))
        # closed is reached without anyone's cancel or rejection
        self.assertFalse(
            never_ending(edges, {"closed"}, "draft", ("Cancel", "Reject")) - set(ENDS)
        )
        self.assertIn(("acceptance", "To Rectify", "works"), edges)
        self.assertIn(("review", "Ask for Changes", "draft"), edges)
        self.assertIn(("fees_due", "Pay the fees", "permitted"), edges)
