"""Replanning moves only what it must: a session already begun stays as held; a later one
keeps its days and experts while they still fit (same units and length, every expert still
able, free and within their week); the rest, and what must follow them, is placed again."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from models.experts.experts import Expert
from models.experts.scheduling import Assignment, Plan, Session, eligible, working_days
from models.kernel.calendar import WorkingCalendar


@dataclass(frozen=True)
class Replan:
    """The sessions to place (earliest days and exclusions adjusted to what is kept), the
    assignments kept, and the days each expert is booked by them."""

    to_place: tuple[Session, ...]
    kept: tuple[Assignment, ...]
    booked: dict[str, frozenset[date]]


def session_days(a: Assignment, cal: WorkingCalendar) -> list[date]:
    """The working days of an assignment, first to last."""
    return working_days(cal, a.start, a.end)


def following(
    s: Session, placed: dict[str, Assignment], cal: WorkingCalendar, earliest: date
) -> Session:
    """`s` placed no sooner than `earliest` and around what is already `placed`: after the
    session it follows, by someone other than whoever took the one it may not share."""
    avoid, after, not_with = set(s.avoid), s.after, s.not_with
    if after in placed:
        earliest, after = max(earliest, cal.shift(placed[after].end, 1)), None
    if not_with in placed:
        avoid, not_with = avoid | set(placed[not_with].experts), None
    return replace(
        s,
        earliest=earliest,
        target=max(s.target, earliest),
        avoid=frozenset(avoid),
        after=after,
        not_with=not_with,
    )


def split_kept(
    sessions: list[Session],
    previous: dict[str, Assignment],
    experts: list[Expert],
    as_of: date,
    cal: WorkingCalendar,
    fresh: bool = False,
) -> Replan:
    """Which previous assignments stand on `as_of` and which sessions are placed again (all
    not yet begun when `fresh`)."""
    by_code = {e.code: e for e in experts}
    kept: dict[str, Assignment] = {}
    again: set[str] = set()
    per_week: Counter = Counter()
    for s in sessions:  # built in order: a session comes after the one it follows
        prev = previous.get(s.key)
        begun = prev is not None and prev.start < as_of
        fits = (
            prev is not None
            and not fresh
            and s.after not in again
            and _still_fits(s, prev, by_code, cal, per_week, kept)
        )
        if begun or fits:
            kept[s.key] = prev
            for code in prev.experts:
                for day in session_days(prev, cal):
                    per_week[code, day.isocalendar()[:2]] += 1
        else:
            again.add(s.key)
    first = cal.next_working_day(as_of)
    to_place = [following(s, kept, cal, max(s.earliest, first)) for s in sessions if s.key in again]
    booked: dict[str, set[date]] = {}
    for a in kept.values():
        for code in a.experts:
            booked.setdefault(code, set()).update(session_days(a, cal))
    return Replan(
        tuple(to_place),
        tuple(kept[s.key] for s in sessions if s.key in kept),
        {code: frozenset(days) for code, days in booked.items()},
    )


def _still_fits(
    s: Session,
    prev: Assignment,
    by_code: dict[str, Expert],
    cal: WorkingCalendar,
    per_week: Counter,
    kept: dict[str, Assignment],
) -> bool:
    days = session_days(prev, cal)
    if prev.units != s.units or prev.start < s.earliest or len(days) != s.days:
        return False
    if len(prev.experts) != s.experts:
        return False
    able = {e.code for e in eligible(s, list(by_code.values()))}
    if s.not_with in kept:
        able -= set(kept[s.not_with].experts)
    for code in prev.experts:
        expert = by_code.get(code)
        if code not in able or expert is None or any(d in expert.unavailable for d in days):
            return False
        weeks = Counter(d.isocalendar()[:2] for d in days)
        if any(per_week[code, w] + n > expert.days_per_week for w, n in weeks.items()):
            return False
    return True


def with_bookings(
    booked: dict[str, frozenset[date]], plan: Plan, cal: WorkingCalendar
) -> dict[str, frozenset[date]]:
    """`booked` with the days of `plan`'s assignments added (for the parts planned after)."""
    out = {code: set(days) for code, days in booked.items()}
    for a in plan.assignments:
        for code in a.experts:
            out.setdefault(code, set()).update(session_days(a, cal))
    return {code: frozenset(days) for code, days in out.items()}
