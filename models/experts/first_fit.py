"""A greedy first-fit plan: each session in order of its target day takes the first days on
which enough eligible experts are free (those tied to a region before those who work anywhere,
whom other regions may need; then the least busy). It keeps every hard rule of the solver's
plan; it is the baseline the solver is measured against, and its hint."""

from collections import Counter, defaultdict
from datetime import date

from models.experts.experts import Expert
from models.experts.scheduling import (
    Assignment,
    Plan,
    Session,
    eligible,
    first_index,
    lateness,
    working_days,
)
from models.kernel.calendar import WorkingCalendar


def first_fit(
    sessions: list[Session],
    experts: list[Expert],
    cal: WorkingCalendar,
    until: date,
    booked: dict[str, frozenset[date]] | None = None,
) -> Plan:
    """Place sessions greedily by target day; infeasible, with the first session that found no
    days, when one cannot be placed by `until`."""
    days = working_days(cal, min((s.earliest for s in sessions), default=until), until)
    week_of = [d.isocalendar()[:2] for d in days]
    busy: dict[str, set[date]] = defaultdict(set)
    for code, taken in (booked or {}).items():
        busy[code] |= set(taken)
    per_week: dict[tuple[str, tuple[int, int]], int] = Counter()
    for code, taken in busy.items():
        for day in taken:
            per_week[code, day.isocalendar()[:2]] += 1
    position = {d: i for i, d in enumerate(days)}
    load: Counter = Counter()
    by_key = {s.key: s for s in sessions}
    placed: dict[str, Assignment] = {}
    for s in _in_order(sessions, by_key):
        found = _place(s, experts, days, week_of, busy, per_week, load, placed)
        if found is None:
            return Plan(
                "infeasible", (), 0, 0, 0, 0, f"{s.key}: no free days by {until}", "first-fit"
            )
        placed[s.key] = found
        for code in found.experts:
            for day in days[position[found.start] : position[found.end] + 1]:
                busy[code].add(day)
                per_week[code, day.isocalendar()[:2]] += 1
            load[code] += s.days
    late = lateness(sessions, placed.values(), days)
    busiest = max(load.values(), default=0)
    weight = len(days) + 1
    return Plan(
        "feasible",
        tuple(placed[s.key] for s in sessions),
        weight * late + busiest,
        0,
        late,
        busiest,
        solver="first-fit",
    )


def _in_order(sessions: list[Session], by_key: dict[str, Session]) -> list[Session]:
    """By target day, a session after the one it follows."""
    ordered, done = [], set()

    def visit(s: Session) -> None:
        if s.key in done:
            return
        done.add(s.key)
        if s.after in by_key:
            visit(by_key[s.after])
        ordered.append(s)

    for s in sorted(sessions, key=lambda s: (s.target, s.earliest, s.key)):
        visit(s)
    return ordered


def _place(s, experts, days, week_of, busy, per_week, load, placed) -> Assignment | None:
    avoid = set(s.avoid)
    first = s.earliest
    if s.not_with in placed:
        avoid |= set(placed[s.not_with].experts)
    if s.after in placed:
        first = max(first, _next(days, placed[s.after].end))
    able = [e for e in eligible(s, experts) if e.code not in avoid]
    start = first_index(days, first)
    while start + s.days <= len(days):
        block = days[start : start + s.days]
        week = week_of[start]
        if week_of[start + s.days - 1] == week:
            free = [
                e
                for e in able
                if not any(d in busy[e.code] or d in e.unavailable for d in block)
                and per_week[e.code, week] + s.days <= e.days_per_week
            ]
            if len(free) >= s.experts:
                free.sort(key=lambda e: (not e.regions, load[e.code], e.code))
                who = tuple(e.code for e in free[: s.experts])
                return Assignment(s.key, who, block[0], block[-1], s.units)
        start += 1
    return None


def _next(days: list[date], day: date) -> date:
    i = first_index(days, day) + 1
    return days[i] if i < len(days) else day
