"""The national plan in parts: one part per province, solved one after another, each around
the days the parts before it booked for experts who work in several provinces. The parts'
figures add up to the whole plan's."""

import time
from dataclasses import dataclass, replace

from models.experts.scheduling import Plan, Session

_WORST = ("infeasible", "unknown", "feasible", "optimal")


@dataclass(frozen=True)
class Part:
    """The sessions of one province."""

    name: str
    sessions: tuple[Session, ...]


def split_by_province(sessions: list[Session]) -> list[Part]:
    """Sessions grouped by the province holding them, the largest part first (it has the most
    to gain from experts who work anywhere)."""
    groups: dict[str, list[Session]] = {}
    for s in sessions:
        province = min(s.within) if s.within else s.region
        groups.setdefault(province, []).append(s)
    parts = [Part(name, tuple(group)) for name, group in groups.items()]
    return sorted(parts, key=lambda p: (-len(p.sessions), p.name))


def combine(plans: list[Plan]) -> Plan:
    """The parts' plans as one: assignments together, lateness, objective and bound summed,
    the busiest expert of any part, the weakest status and the first reason."""
    if not plans:
        return Plan("optimal", (), 0, 0, 0, 0)
    status = min((p.status for p in plans), key=_WORST.index)
    return Plan(
        status,
        tuple(a for p in plans for a in p.assignments),
        sum(p.objective for p in plans),
        sum(p.bound for p in plans),
        sum(p.late_days for p in plans),
        max(p.busiest for p in plans),
        next((p.reason for p in plans if p.reason), ""),
        "+".join(sorted({p.solver for p in plans})),
        any(p.conditional for p in plans),
    )


def plan_part_in_chunks(
    sessions: list[Session],
    experts: list,
    cal,
    until,
    seconds: float,
    booked: dict,
    chunk: int = 80,
) -> Plan:
    """A part's sessions in chunks of at most `chunk`, by target day, each around the days the
    chunks before it booked: the solver while the part's `seconds` last (a small model proves
    its optimum in about a second), first-fit for the rest; the chunks' plans combined."""
    from models.experts.first_fit import first_fit
    from models.experts.replan import following, with_bookings
    from models.experts.scheduling import lateness, plan_sessions, working_days

    ordered = sorted(sessions, key=lambda s: (s.target, s.earliest, s.key))
    deadline = time.monotonic() + seconds
    placed: dict = {}
    plans = []
    for first in range(0, len(ordered), chunk):
        part = [following(s, placed, cal, s.earliest) for s in ordered[first : first + chunk]]
        left = deadline - time.monotonic()
        if left >= MIN_SOLVER_SECONDS:
            plan = plan_sessions(part, experts, cal, until, seconds=left, booked=booked)
        else:
            plan = first_fit(part, experts, cal, until, booked)
        plans.append(plan)
        if not plan.assignments:
            break
        placed |= {a.session: a for a in plan.assignments}
        booked = with_bookings(booked, plan, cal)
    whole = combine(plans)
    days = working_days(cal, min((s.earliest for s in sessions), default=until), until)
    # A chunk measures a session that follows an earlier chunk's from where that one ends;
    # the part is measured from every session's own target.
    late = lateness(sessions, whole.assignments, days)
    return replace(whole, late_days=late, conditional=len(plans) > 1)


MIN_SOLVER_SECONDS = 0.5
