"""A flow's graph derived from the code, for the tests of every flow.

A record with a state field and buttons walks a flow.  Its graph is not
written down in the tests: :class:`FlowGraphMixin` presses, in every
situation it reaches from the start, every header button of the record's form
that a role sees (the view drops the buttons of groups the user lacks; the
``invisible`` expression is evaluated on the record as the web client does),
plus the moves a test adds (buttons of related records), with the data a
user fills in before pressing, and records the state each press leads to.  A
press the code refuses is no edge.  :func:`never_ending` then tells which
states reached cannot reach an end.
"""

import ast
from contextlib import contextmanager

from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval


def never_ending(edges, ends, start, excluded_labels=()):
    """The states of a graph (edges ``(state, label, state)``) reached from
    ``start`` that cannot reach one of ``ends``, not counting the edges
    whose label is in ``excluded_labels`` (a supervisor's cancel, which is
    always there and would prove nothing)."""
    states = {start} | {e[0] for e in edges} | {e[2] for e in edges}
    ending, changed = set(ends), True
    while changed:
        changed = False
        for source, label, target in edges:
            if (
                label not in excluded_labels
                and target in ending
                and source not in ending
            ):
                ending.add(source)
                changed = True
    return states - ending


def header_buttons(env, model, user):
    """(name, label, invisible expression) of the form's header buttons of
    type object that ``user`` sees."""
    arch = (
        env[model].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
    )
    header = etree.fromstring(arch).find(".//header")
    return [
        (node.get("name"), node.get("string"), node.get("invisible") or "False")
        for node in header.iter("button")
        if node.get("type") == "object"
    ]


def visible(record, expression):
    """The ``invisible`` expression of a button, evaluated on the record."""
    names = {
        node.id
        for node in ast.walk(ast.parse(expression, mode="eval"))
        if isinstance(node, ast.Name) and node.id not in ("True", "False")
    }
    values = {}
    for name in names:
        value = record[name]
        values[name] = value.id if hasattr(value, "_name") else value
    return not safe_eval(expression, values)


class FlowGraphMixin:
    """For a TransactionCase: ``flow_graph(record, users)`` explores the
    flow of ``record``.  Override :meth:`_flow_prepare` (the data filled in
    before a button), :meth:`_flow_extra_moves` (presses on related records)
    and :meth:`_flow_situation` (what decides the possible presses, beyond
    the state)."""

    flow_terminal = ()
    flow_max_depth = 30

    def _flow_prepare(self, record, button):
        """Fill in what a user fills in before pressing ``button``."""

    def _flow_extra_moves(self, record):
        """(label, callable) of presses on related records."""
        return []

    def _flow_situation(self, record):
        return (record.state,)

    def _flow_moves(self, record, buttons):
        moves = []
        for user, user_buttons in buttons.items():
            for name, label, invisible in user_buttons:
                if not visible(record, invisible):
                    continue

                def press(name=name, user=user):
                    self._flow_prepare(record, name)
                    getattr(record.with_user(user), name)()

                moves.append((label, press))
        return moves + self._flow_extra_moves(record)

    @contextmanager
    def _flow_trial(self):
        """A press whose effects are rolled back afterwards."""
        with self.env.cr.savepoint() as savepoint:
            yield
            savepoint.rollback()

    def _flow_explore(self, record, buttons, edges, seen, depth):
        situation = self._flow_situation(record)
        if situation in seen or record.state in self.flow_terminal:
            return
        self.assertLess(
            depth, self.flow_max_depth, f"no end in sight after {depth} presses"
        )
        seen.add(situation)
        state = record.state
        for label, press in self._flow_moves(record, buttons):
            with self._flow_trial():
                try:
                    with mute_logger("odoo.models"):
                        press()
                except (UserError, ValidationError):
                    continue  # refused: not an edge
                self.env.invalidate_all()
                edges.add((state, label, record.state))
                self._flow_explore(record, buttons, edges, seen, depth + 1)

    def flow_graph(self, record, users):
        """The edges (state, button, state) of the flow of ``record`` from
        its present state, pressed by ``users`` (each with the buttons they
        see)."""
        buttons = {user: header_buttons(self.env, record._name, user) for user in users}
        edges, seen = set(), set()
        self._flow_explore(record, buttons, edges, seen, 0)
        return edges
