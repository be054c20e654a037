"""How many experts each skill needs to hold every session by a date: a lower bound from
capacity (expert-days needed against one expert's working days in the window) and the fewest
that a first-fit plan shows to suffice. Experts here are interchangeable and work anywhere;
regions and days off only raise the number."""

from dataclasses import asdict, dataclass, replace
from datetime import date
from math import ceil
from statistics import median

from models.experts.experts import Expert
from models.experts.first_fit import first_fit
from models.experts.scheduling import Session, working_days
from models.kernel.calendar import WorkingCalendar


@dataclass(frozen=True)
class Need:
    """One skill: the experts a plan needs (None: no number suffices), the lower bound proved
    from capacity, the experts the programme has, and why when no number suffices."""

    skill: str
    need: int | None
    lower_bound: int
    have: int
    sessions: int
    expert_days: int
    note: str = ""

    def as_dict(self) -> dict:
        """The row for JSON and CSV."""
        return asdict(self)


def experts_needed(
    sessions: list[Session],
    experts: list[Expert],
    skills: tuple[str, ...],
    cal: WorkingCalendar,
    by: date,
) -> list[Need]:
    """Per skill, the fewest interchangeable experts to hold its sessions by `by`."""
    return [_need(skill, sessions, experts, cal, by) for skill in skills]


def _need(skill, sessions, experts, cal, by) -> Need:
    mine = [
        replace(s, after=None, not_with=None, avoid=frozenset(), within=frozenset(), region="*")
        for s in sessions
        if s.skill == skill
    ]
    have = [e for e in experts if skill in e.skills]
    per_week = round(median(e.days_per_week for e in have)) if have else 5
    demand = sum(s.days * s.experts for s in mine)
    if not mine:
        return Need(skill, 0, 0, len(have), 0, 0)
    late = [s for s in mine if _cannot_fit(s, cal, by)]
    if late:
        return Need(
            skill,
            None,
            0,
            len(have),
            len(mine),
            demand,
            f"{len(late)} session(s) cannot be held by {by:%d/%m/%Y} whatever the number of "
            f"experts: their phase opens too late (first: {late[0].key})",
        )
    days = working_days(cal, min(s.earliest for s in mine), by)
    weeks: dict = {}
    for d in days:
        weeks[d.isocalendar()[:2]] = weeks.get(d.isocalendar()[:2], 0) + 1
    one = sum(min(per_week, n) for n in weeks.values())  # one expert's days in the window
    lower = max(ceil(demand / one), max(s.experts for s in mine))

    def enough(k: int) -> bool:
        pool = [
            Expert(f"X{i}", "", None, frozenset({skill}), days_per_week=per_week) for i in range(k)
        ]
        return bool(first_fit(mine, pool, cal, by).assignments)

    high = lower
    while not enough(high):
        if high >= len(mine) * max(s.experts for s in mine):
            return Need(skill, None, lower, len(have), len(mine), demand, "no number suffices")
        high *= 2
    low = lower
    while low < high:  # the fewest that suffice, between the bound and a number that does
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle + 1
    return Need(skill, high, lower, len(have), len(mine), demand)


def _cannot_fit(s: Session, cal: WorkingCalendar, by: date) -> bool:
    first = s.earliest if cal.is_working_day(s.earliest) else cal.next_working_day(s.earliest)
    return cal.shift(first, s.days - 1) > by
