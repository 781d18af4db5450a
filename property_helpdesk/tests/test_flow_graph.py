"""Every desk item's flow, derived from the code, ends in a close.

The graph of each kind is not written down here: the test presses, in every
situation it reaches from "new", every button a role sees on the item's form
(property_tenant/tests/flow_graph.py), on its work orders (complete, return
to the desk), on its solutions (approve) and on its call-backs (satisfied or
not), with the data a user fills in before pressing, and records the state
each press leads to.  It then proves that every state reached can reach
"closed" without the supervisor's cancel (which is always there as the last
resort, and checked separately).

PROPERTY_FLOW_GRAPHS=<folder> writes each kind's derived graph there.
"""

import os
from datetime import datetime
from pathlib import Path

from odoo.tests import tagged

from odoo.addons.property_tenant.tests.flow_graph import FlowGraphMixin, never_ending

from ..models.property_ticket import TICKET_KINDS
from .common import PropertyHelpdeskCase

END = "closed"
# Closed and cancelled items are ends: their own buttons (reopen) are not
# explored further.
TERMINAL = ("closed", "cancel")


def never_closing(edges):
    """The open states from which no path reaches "closed" without the
    supervisor's cancel."""
    return never_ending(edges, {END}, "new", ("Cancel",)) - set(TERMINAL)


@tagged("post_install", "-at_install")
class TestFlowGraph(FlowGraphMixin, PropertyHelpdeskCase):
    flow_terminal = TERMINAL

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the chatter is not what is explored: spare its tracking
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))

    # ------------------------------------------------------------------
    # what a user fills in before pressing a button
    # ------------------------------------------------------------------
    def _flow_prepare(self, ticket, button):
        vals = {
            "action_dispatch": {
                "department_id": self.engineering.id,
                "category_id": self.category_plumbing.id,
            },
            "action_refer": {"referral_id": self.directory_gas.id},
            "action_accept_complaint": {
                "department_id": self.engineering.id,
                "promised_date": datetime(2026, 3, 6, 9, 0),
            },
            "action_rejudge_valid": {
                "department_id": self.engineering.id,
                "promised_date": datetime(2026, 3, 6, 9, 0),
            },
            "action_judge_invalid": {
                "judgement_reason": "Outside the contract",
                "reply": "Explained the contract",
            },
            "action_postpone": {
                "reply": "Next year's budget",
                "review_date": "2027-01-15",
                "department_id": self.engineering.id,
            },
            "action_reply_again": {"second_reply": "Explained again"},
            "action_answer": {"reply": "The answer"},
            "action_promise_answer": {"promised_date": datetime(2026, 3, 4, 9, 0)},
            "action_pass_on_praise": {"praised_user_id": self.plumber.id},
            "action_cancel": {"cancel_reason": "Registered twice"},
        }.get(button, {})
        if vals:
            ticket.sudo().write(vals)
        if button == "action_submit_solutions":
            self.env["property.complaint.solution"].create(
                {"ticket_id": ticket.id, "name": "Fix it"}
            )

    # ------------------------------------------------------------------
    # presses on the item's work orders, solutions and call-backs
    # ------------------------------------------------------------------
    def _flow_extra_moves(self, ticket):
        moves = []
        for work_order in ticket.work_order_ids.filtered(
            lambda w: w.state in ("assigned", "in_progress")
        ):
            moves.append(("Work Order: Done", lambda w=work_order: self._complete(w)))
            moves.append(
                ("Work Order: Cannot Be Done", lambda w=work_order: self._return(w))
            )
        if ticket.state == "solution":
            for solution in ticket.solution_ids.filtered(
                lambda s: s.state == "proposed"
            ):
                moves.append(
                    (
                        "Approve Solution",
                        lambda s=solution: s.with_user(
                            self.supervisor
                        ).action_approve(),
                    )
                )
        for callback in ticket.callback_ids.filtered(lambda c: c.state == "todo"):
            for level, label in (("5", "Satisfied"), ("2", "Not Satisfied")):
                moves.append(
                    (
                        f"Call-back: {label}",
                        lambda c=callback, level=level: self._record(c, level),
                    )
                )
        return moves

    def _return(self, work_order):
        work_order = work_order.with_user(work_order.user_id)
        work_order.return_reason = "Cannot be done by us"
        work_order.action_return_to_desk()

    def _record(self, callback, level):
        callback = callback.with_user(self.agent)
        callback.write({"satisfaction": level, "comment": "-"})
        callback.action_done()

    def _flow_situation(self, ticket):
        """What decides which presses are possible: more than the state."""
        return (
            ticket.state,
            ticket.last_callback_unsatisfied,
            bool(ticket.callback_ids.filtered(lambda c: c.state == "todo")),
            frozenset(ticket.work_order_ids.mapped("state")),
            frozenset(ticket.solution_ids.mapped("state")),
        )

    def flow_graph_of(self, kind):
        """The edges (state, button, state) of a kind's flow from "new"."""
        ticket = self._ticket(kind, summary=f"Flow of {kind}")
        return self.flow_graph(ticket, (self.agent, self.supervisor))

    # ------------------------------------------------------------------
    # the proof
    # ------------------------------------------------------------------
    def test_every_state_reaches_closed(self):
        expected_paths = {
            # a few edges each kind must have (the branches issue 12 opened)
            "service": {
                ("in_progress", "Refer Elsewhere", "referred"),
                ("referred", "Call-back: Not Satisfied", "new"),
                ("done", "Call-back: Not Satisfied", "in_progress"),
            },
            "complaint": {
                ("replied", "Valid After All: Accept", "investigating"),
                ("replied", "Confirm Invalid: Answer Again", "replied"),
            },
            "suggestion": {
                ("replied", "Valid After All: Dispatch", "in_progress"),
                ("replied", "Call-back: Satisfied", "closed"),
            },
            "inquiry": {
                ("new", "Promise an Answer", "pending"),
                ("pending", "Answer", "closed"),
            },
            "praise": {("new", "Pass On Praise", "closed")},
        }
        dump = os.environ.get("PROPERTY_FLOW_GRAPHS")
        for kind, _label in TICKET_KINDS:
            with self.subTest(kind=kind):
                edges = self.flow_graph_of(kind)
                if dump:  # the derived graphs, for people (a file per kind)
                    Path(dump).mkdir(parents=True, exist_ok=True)
                    Path(dump, f"{kind}.txt").write_text(
                        "".join(f"{a} --[{b}]--> {c}\n" for a, b, c in sorted(edges))
                    )
                self.assertLessEqual(expected_paths[kind], edges)
                states = {"new"} | {e[0] for e in edges} | {e[2] for e in edges}
                # a call-back is asked only when there is an answer or work
                # to check; none is left behind when the item moves on
                asked = {e[0] for e in edges if e[1].startswith("Call-back:")}
                self.assertLessEqual(asked, {"done", "replied", "referred"}, edges)
                # every open state can be cancelled by a supervisor
                for state in states - set(TERMINAL):
                    self.assertIn((state, "Cancel", "cancel"), edges, state)
                # and reaches "closed" without the cancel
                stranded = never_closing(edges)
                self.assertFalse(
                    stranded,
                    f"{kind}: states that never reach closed: {sorted(stranded)}\n"
                    + "\n".join(map(str, sorted(edges))),
                )

    def test_the_proof_fails_on_a_stranded_state(self):
        """The closure check catches a dead end, and a state that only a
        cancel gets out of (the check itself can fail)."""
        edges = {
            ("new", "Go", "limbo"),
            ("new", "Close", "closed"),
            ("new", "Park", "parked"),
            ("parked", "Cancel", "cancel"),
        }
        self.assertEqual(never_closing(edges), {"limbo", "parked"})
        self.assertEqual(never_closing({("new", "Close", "closed")}), set())
