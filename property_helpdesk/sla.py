"""Pure rules of the service-level agreement (SLA), tested without a database.

The models compute deadlines on a working calendar (``resource.calendar``)
and call these functions for everything that does not need the ORM: which
policy applies, whether a target was missed, the badge shown in lists and
the result that the SLA report counts.
"""

from datetime import timedelta

# Status of an item against its targets, for the list badge (not stored: it
# depends on the time of reading).
SLA_STATUSES = [
    ("none", "No Target"),
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]

# Outcome counted by the SLA report (stored): pending while the item is open
# and no target was missed yet.
SLA_RESULTS = [
    ("pending", "Pending"),
    ("met", "Met"),
    ("breached", "Breached"),
]

# An open target is "at risk" when less than this share of the time between
# registration and deadline is left.
AT_RISK_RATIO = 0.25


def best_policy(candidates, site_id, priority):
    """The id of the policy that applies to an item, or ``False``.

    ``candidates`` are ``(id, site_id, priority, sequence)`` tuples of the
    active policies of the item's company and kind; ``site_id`` and
    ``priority`` falsy on a policy mean "any". A policy applies when its site
    and priority are empty or equal to the item's. The more specific wins:
    a site-specific policy over a generic one, then an exact priority over
    "any priority", then the lowest sequence, then the oldest.
    """
    ranked = sorted(
        (
            (0 if policy_site else 1, 0 if policy_priority else 1, sequence, pid)
            for pid, policy_site, policy_priority, sequence in candidates
            if policy_site in (False, None, site_id)
            and policy_priority in (False, None, "", priority)
        ),
    )
    return ranked[0][3] if ranked else False


def wall_clock_deadline(start, hours):
    """Deadline when no working calendar is known: round-the-clock hours."""
    if not start or not hours:
        return False
    return start + timedelta(hours=hours)


def is_breached(deadline, done_at=None, now=None):
    """Whether a target was missed.

    Done: missed when done after the deadline. Not done: missed once ``now``
    is past the deadline. No deadline: never missed.
    """
    if not deadline:
        return False
    if done_at:
        return done_at > deadline
    return bool(now) and now > deadline


def is_at_risk(start, deadline, now, ratio=AT_RISK_RATIO):
    """An open target whose remaining time is below ``ratio`` of its span."""
    if not (start and deadline and now) or now >= deadline:
        return False
    span = (deadline - start).total_seconds()
    if span <= 0:
        return False
    return (deadline - now).total_seconds() <= span * ratio


def sla_status(start, targets, now, finished=False, ratio=AT_RISK_RATIO):
    """The badge of an item: none, on_track, at_risk, breached or met.

    ``targets`` are ``(deadline, done_at, breached)`` triples, one per target
    (response, resolution); ``breached`` is the stored flag. ``finished``
    means the item is closed or cancelled: its open targets are over.
    """
    targets = [target for target in targets if target[0]]
    if not targets:
        return "none"
    if any(
        breached or is_breached(deadline, done_at, None if finished else now)
        for deadline, done_at, breached in targets
    ):
        return "breached"
    pending = [target for target in targets if not target[1]]
    if finished or not pending:
        return "met"
    if any(is_at_risk(start, deadline, now, ratio) for deadline, _d, _b in pending):
        return "at_risk"
    return "on_track"


def sla_result(has_target, breached, closed, cancelled):
    """What the SLA report counts: ``False`` (not counted), pending, met or
    breached. A missed target is final; a closed item without a miss met its
    targets; a cancelled one without a miss is not counted."""
    if not has_target:
        return False
    if breached:
        return "breached"
    if closed:
        return "met"
    if cancelled:
        return False
    return "pending"
