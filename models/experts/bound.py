"""A lower bound on the working days sessions must start late, whatever the planner: a
relaxation solved as a min-cost flow (OR-Tools).

Experts with the same skills and regions form a pool; a pool offers, each week, the days its
experts can still work then (their weekly limit, less days off and days already booked).
Every session needs `days × experts` of those expert-days from pools that have its skill and
work where it is held, in one week on or after its earliest; placing it in a week costs the
working days from its target to that week's first possible day. The relaxation may split a
session across weeks and pools and forgets which day of the week, conflicts of interest and
the order of guidance and verification, so any real plan is one of its flows: its cheapest
flow cannot cost more than the real plan's lateness. Cheap enough for the national programme
(one flow, 0.16 s), where the solver, working in chunks, proves nothing of the whole.
"""

from collections import Counter, defaultdict
from datetime import date
from math import ceil, lcm

from models.experts.experts import Expert
from models.experts.scheduling import Session, first_index, working_days
from models.kernel.calendar import WorkingCalendar


def lateness_bound(
    sessions: list[Session],
    experts: list[Expert],
    cal: WorkingCalendar,
    until: date,
    booked: dict[str, frozenset[date]] | None = None,
) -> int:
    """The fewest working days late the sessions can start in all (0 when none is late)."""
    from ortools.graph.python import min_cost_flow

    if not sessions:
        return 0
    days = working_days(cal, min(s.earliest for s in sessions), until)
    if not days:
        return 0
    week_of = [d.isocalendar()[:2] for d in days]
    weeks = sorted(set(week_of))
    week_first = {w: week_of.index(w) for w in weeks}
    pools = _pools(experts, days, week_of, booked or {})
    groups = Counter(
        (
            s.skill,
            s.places,
            first_index(days, s.earliest),
            first_index(days, s.target),
            s.days * s.experts,
        )
        for s in sessions
    )
    scale = lcm(*{need for *_, need in groups})
    reach = {i: weeks.index(w) for i, w in enumerate(week_of)}  # a day's week, as an index
    overflow = len(days)  # a session past `until` costs at least the lateness of its last day

    flow = min_cost_flow.SimpleMinCostFlow()
    node = {("sink",): 0, ("overflow",): 1}
    tails, heads, capacities, costs = [], [], [], []

    def arc(tail: tuple, head: tuple, capacity: int, cost: int) -> None:
        for key in (tail, head):
            node.setdefault(key, len(node))
        tails.append(node[tail])
        heads.append(node[head])
        capacities.append(capacity)
        costs.append(cost)

    for (skill, regions), per_week in pools.items():
        for w, capacity in per_week.items():
            if capacity:
                arc(("pool", skill, regions, w), ("sink",), capacity, 0)
    supplies: dict[tuple, int] = {}
    for (skill, places, lo, target, need), count in groups.items():
        group = ("group", skill, places, lo, target, need)
        units = supplies[group] = count * need
        per_unit = scale // need
        for pool_skill, regions in pools:
            if skill not in pool_skill or (regions and not regions & places):
                continue
            for w in weeks[reach.get(lo, len(weeks)) :]:
                late = max(0, max(week_first[w], lo) - target)
                arc(group, ("pool", pool_skill, regions, w), units, late * per_unit)
        arc(group, ("overflow",), units, max(0, overflow - target) * per_unit)
    total = sum(supplies.values())
    arc(("overflow",), ("sink",), total, 0)

    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    for key, supply in (supplies | {("sink",): -total}).items():
        flow.set_node_supply(node[key], supply)
    if flow.solve() != flow.OPTIMAL:
        return 0
    return ceil(flow.optimal_cost() / scale)


def _pools(
    experts: list[Expert], days: list[date], week_of: list, booked: dict
) -> dict[tuple[frozenset, frozenset], dict]:
    """Per pool (skills, regions), the expert-days it can still give each week."""
    working, plan_days = Counter(week_of), frozenset(days)
    pools: dict = defaultdict(Counter)
    for e in experts:
        taken = booked.get(e.code, frozenset())
        off = Counter(d.isocalendar()[:2] for d in e.unavailable | taken if d in plan_days)
        used = Counter(d.isocalendar()[:2] for d in taken)
        for w, count in working.items():
            free = count - off[w]
            pools[e.skills, e.regions][w] += max(0, min(e.days_per_week - used[w], free))
    return pools
