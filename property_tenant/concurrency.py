"""Two people acting on the same record at the same moment.

Odoo runs every request in a REPEATABLE READ transaction and replays it when
it loses a serialization conflict.  A check such as "the bill is still
unpaid" only holds against a concurrent request if both transactions
conflict before either acts: :func:`serialize_on` makes them conflict on the
rows they act upon, so the second one waits for the first and is replayed on
its result, where the action's own checks refuse it with a clear message.
"""

from odoo.tools import SQL


def serialize_on(records):
    """Mark ``records`` as changed by this transaction (a no-op update of
    their rows): a concurrent transaction doing the same waits for this one,
    then fails with a serialization error once this one commits, and is
    replayed by Odoo (HTTP requests, jobs) on the committed state."""
    if records.ids:
        records.env.cr.execute(
            SQL(
                "UPDATE %s SET write_date = write_date WHERE id IN %s",
                SQL.identifier(records._table),
                tuple(records.ids),
            )
        )
