"""Placing experts' sessions on working days with the CP-SAT solver (OR-Tools).

Hard: working days of the programme's calendar only; a session's days are consecutive working
days within one week; no expert in two sessions on one day or on a day off; at most
`days_per_week` session days a week; the skill and the region match; an expert excluded from a
session (conflict of interest: who guided a unit does not verify it) never takes it; a session
that follows another starts after it ends. Soft: start each session as close to its target
day as possible (working days late, summed), then balance the experts' load (the busiest
expert's days). The result says what the solver proved: the objective, its bound and the gap.
"""

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from models.experts.experts import Expert
from models.kernel.calendar import WorkingCalendar


@dataclass(frozen=True)
class Session:
    """Something experts deliver over `days` consecutive working days: a training class for
    several units, a guidance visit or a verification at one unit."""

    key: str
    skill: str
    region: str  # the parent-unit code its units share
    units: tuple[str, ...]
    days: int
    earliest: date
    target: date
    experts: int = 1
    avoid: frozenset[str] = frozenset()  # experts who may not take it
    after: str | None = None  # a session that must end before this one starts
    not_with: str | None = None  # a session whose experts may not take this one
    within: frozenset[str] = frozenset()  # wider regions holding `region` (its province…)
    phase: str = ""  # the phase it serves (training, self_assessment)

    @property
    def places(self) -> frozenset[str]:
        """Every region code an expert's regions may name to take this session."""
        return self.within | {self.region}


@dataclass(frozen=True)
class Assignment:
    """A session placed: who delivers it, its first and last day."""

    session: str
    experts: tuple[str, ...]
    start: date
    end: date
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The sessions placed, and what the solver proved about it."""

    status: str  # optimal, feasible, infeasible or unknown (no plan found in time)
    assignments: tuple[Assignment, ...]
    objective: int
    bound: int
    late_days: int
    busiest: int  # session days of the busiest expert
    reason: str = ""
    solver: str = "cp-sat"  # or "first-fit" when the solver found nothing better in time
    conditional: bool = False  # the bound holds given the days earlier chunks booked

    @property
    def gap(self) -> float:
        """How far the objective may be from the best possible, as a share of it."""
        return 0.0 if not self.objective else (self.objective - self.bound) / self.objective


def plan_sessions(
    sessions: list[Session],
    experts: list[Expert],
    cal: WorkingCalendar,
    until: date,
    seconds: float = 10.0,
    workers: int = 2,
    booked: dict[str, frozenset[date]] | None = None,
) -> Plan:
    """Place every session by `until` (see the module's rules), around the days `booked` holds
    for each expert already (sessions kept, or placed by another part); a Plan, infeasible
    with its reason when a session cannot be placed at all. The first-fit plan is the
    solver's hint, and the answer when the solver finds nothing better in time."""
    from ortools.sat.python import cp_model

    from models.experts.first_fit import first_fit

    if not sessions:
        return Plan("optimal", (), 0, 0, 0, 0)
    booked = booked or {}
    first = min(s.earliest for s in sessions)
    days = working_days(cal, first, until)
    if reason := _impossible(sessions, experts, days):
        return Plan("infeasible", (), 0, 0, 0, 0, reason)
    greedy = first_fit(sessions, experts, cal, until, booked)
    index = {d: i for i, d in enumerate(days)}
    week_of = [d.isocalendar()[:2] for d in days]
    weeks = sorted(set(week_of))
    week_number = [weeks.index(w) for w in week_of]
    week_opens = [week_number.index(n) for n in range(len(weeks))]
    week_closes = [len(week_number) - week_number[::-1].index(n) for n in range(len(weeks))]
    horizon = len(days)
    # No session of an optimal plan is later than the greedy plan's total lateness.
    slack = greedy.late_days if greedy.assignments else horizon

    model = cp_model.CpModel()
    start, end, week, late, reach = {}, {}, {}, [], {}
    for s in sessions:
        lo = first_index(days, s.earliest)
        target = first_index(days, s.target)
        hi = max(lo, min(horizon - s.days, max(target, lo) + slack))
        start[s.key] = model.new_int_var(lo, hi, f"start[{s.key}]")
        end[s.key] = model.new_int_var(lo + s.days, hi + s.days, f"end[{s.key}]")
        model.add(end[s.key] == start[s.key] + s.days)
        reach[s.key] = (week_number[lo], week_number[hi])
        week[s.key] = model.new_int_var(*reach[s.key], f"week[{s.key}]")
        # Within one week: from the week's first working day to its last (an element on the
        # week, a few dozen values, rather than on the day, a few hundred).
        opens = model.new_int_var(0, horizon - 1, f"opens[{s.key}]")
        closes = model.new_int_var(0, horizon, f"closes[{s.key}]")
        model.add_element(week[s.key], week_opens, opens)
        model.add_element(week[s.key], week_closes, closes)
        model.add(start[s.key] >= opens)
        model.add(end[s.key] <= closes)
        lateness = model.new_int_var(0, horizon, f"late[{s.key}]")
        model.add(lateness >= start[s.key] - target)
        late.append(lateness)
    for s in sessions:
        if s.after in end:
            model.add(start[s.key] >= end[s.after])

    by_expert = {e.code: e for e in experts}
    take: dict[tuple[str, str], object] = {}
    intervals = defaultdict(list)
    for s in sessions:
        chosen = []
        for e in eligible(s, experts):
            x = model.new_bool_var(f"take[{s.key},{e.code}]")
            take[s.key, e.code] = x
            chosen.append(x)
            intervals[e.code].append(
                model.new_optional_interval_var(
                    start[s.key], s.days, end[s.key], x, f"on[{s.key},{e.code}]"
                )
            )
        model.add(sum(chosen) == s.experts)
    for s in (s for s in sessions if s.not_with in end):
        for code in by_expert:
            if (s.key, code) in take and (s.not_with, code) in take:
                model.add(take[s.key, code] + take[s.not_with, code] <= 1)
    for code, expert in by_expert.items():
        taken = booked.get(code, frozenset())
        for day in sorted(expert.unavailable | taken):
            if day in index:
                intervals[code].append(model.new_fixed_size_interval_var(index[day], 1, "off"))
        model.add_no_overlap(intervals[code])
        used = Counter(d.isocalendar()[:2] for d in taken)
        free = Counter(w for d, w in zip(days, week_of, strict=True) if d not in taken)
        _weekly_limit(model, expert, sessions, take, week, weeks, free, used)

    loads = []
    for code in by_expert:
        load = sum(s.days * take[s.key, code] for s in sessions if (s.key, code) in take)
        if isinstance(load, int):
            continue
        v = model.new_int_var(0, horizon, f"load[{code}]")
        model.add(v == load)
        loads.append(v)
    busiest = model.new_int_var(0, horizon, "busiest")
    if loads:
        model.add_max_equality(busiest, loads)
    weight = horizon + 1  # a working day late always outweighs any balance of load
    model.minimize(weight * sum(late) + busiest)
    if greedy.assignments:
        _hint(model, greedy, start, take, index)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.symmetry_level = 0  # its detection alone costs seconds on a province
    solver.parameters.cp_model_probing_level = 0  # probing alone took a chunk's whole time
    if greedy.assignments:
        _complete_hint(model, solver, cp_model)
    solver.parameters.max_time_in_seconds = seconds
    outcome = solver.solve(model)
    status = {
        cp_model.OPTIMAL: "optimal",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
    }.get(outcome, "unknown")
    if status not in ("optimal", "feasible"):
        if greedy.assignments:  # the solver ran out of time before matching the greedy plan
            return greedy
        reason = "the limits leave no way to place every session by " + until.isoformat()
        return Plan(status, (), 0, 0, 0, 0, reason if status == "infeasible" else "")
    placed = []
    for s in sessions:
        who = tuple(c for (k, c), x in take.items() if k == s.key and solver.value(x))
        first_day = solver.value(start[s.key])
        placed.append(
            Assignment(s.key, who, days[first_day], days[first_day + s.days - 1], s.units)
        )
    objective = round(solver.objective_value)
    return Plan(
        status,
        tuple(placed),
        objective,
        round(solver.best_objective_bound),
        sum(solver.value(v) for v in late),
        solver.value(busiest),
    )


def _complete_hint(model, solver, cp_model) -> None:
    """Turn the first-fit hint into a complete one (every variable, found with the hinted ones
    fixed), so the search starts from a whole plan instead of rebuilding it."""
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = 30
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = list(solver.response_proto.solution)
        model.clear_hints()
        for i, value in enumerate(values):
            model.add_hint(model.get_int_var_from_proto_index(i), value)
    solver.parameters.fix_variables_to_their_hinted_value = False


def _hint(model, greedy: Plan, start: dict, take: dict, index: dict) -> None:
    """Start the search from the first-fit plan."""
    for a in greedy.assignments:
        model.add_hint(start[a.session], index[a.start])
        for (key, code), x in take.items():
            if key == a.session:
                model.add_hint(x, code in a.experts)


def working_days(cal: WorkingCalendar, first: date, until: date) -> list[date]:
    """The programme's working days from `first` to `until`, both included."""
    days, day = [], cal.next_working_day(first) if not cal.is_working_day(first) else first
    while day <= until:
        days.append(day)
        day = cal.shift(day, 1)
    return days


def first_index(days: list[date], day: date) -> int:
    """The index of the first working day on or after `day` (past the end when none)."""
    return bisect_left(days, day)


def lateness(sessions: list[Session], assignments, days: list[date]) -> int:
    """Working days the assigned sessions start after their targets, in all (`days`: the
    plan's working days)."""
    by_key = {s.key: s for s in sessions}
    return sum(
        max(0, first_index(days, a.start) - first_index(days, by_key[a.session].target))
        for a in assignments
        if a.session in by_key
    )


def eligible(session: Session, experts: list[Expert]) -> list[Expert]:
    """The experts with the skill who work where the session is and are not excluded from it."""
    return [
        e
        for e in experts
        if session.skill in e.skills
        and e.works_in_any(session.places)
        and e.code not in session.avoid
    ]


def _impossible(sessions: list[Session], experts: list[Expert], days: list[date]) -> str:
    """Why some session cannot be placed whatever the others do, or ''."""
    for s in sessions:
        if len(eligible(s, experts)) < s.experts:
            return (
                f"{s.key}: needs {s.experts} expert(s) with the skill {s.skill} in {s.region}; "
                f"{len(eligible(s, experts))} can take it"
            )
        if first_index(days, s.earliest) + s.days > len(days):
            return f"{s.key}: {s.days} working days from {s.earliest} do not fit before the end"
    return ""


def _weekly_limit(model, expert: Expert, sessions, take, week, weeks, free, used: Counter) -> None:
    """At most `days_per_week` session days in any week (`used` of them already booked), where
    the week's `free` working days could hold more: a cumulative over week numbers, each
    session taken by the expert occupying its week with its days."""
    limit = expert.days_per_week
    if all(limit - used[w] >= free[w] for w in weeks):
        return
    intervals, demands = [], []
    for s in (s for s in sessions if (s.key, expert.code) in take):
        intervals.append(
            model.new_optional_interval_var(
                week[s.key], 1, week[s.key] + 1, take[s.key, expert.code], "w"
            )
        )
        demands.append(s.days)
    for w_index, w in enumerate(weeks):
        if used[w]:
            intervals.append(model.new_fixed_size_interval_var(w_index, 1, "booked"))
            demands.append(min(limit, used[w]))
    if demands:
        model.add_cumulative(intervals, demands, limit)
