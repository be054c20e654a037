"""The national plan in parts: one part per province, solved one after another, each around
the days the parts before it booked for experts who work in several provinces. The parts'
figures add up to the whole plan's."""

from dataclasses import dataclass

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
    )
