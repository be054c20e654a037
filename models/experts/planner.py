"""An expert plan from the database: the sessions the plan calls for, what stands from the last
plan, the parts (provinces) left to solve and each one's share of the solver's time; then the
parts' results stored as one plan."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from models.experts.bound import lateness_bound
from models.experts.experts import Expert
from models.experts.parts import Part, combine, split_by_province
from models.experts.replan import Replan, split_kept
from models.experts.scheduling import Plan
from models.experts.scheduling import Session as PlannedSession
from models.experts.sessions import build_sessions
from models.experts.store import (
    previous_assignments,
    programme_experts,
    save_plan,
    unit_windows,
)
from models.kernel.calendar import WorkingCalendar
from models.kernel.problems import InputError, Problem
from models.kernel.tables import Programme
from models.programme.settings import programme_settings
from models.programme.store import programme_calendar

HORIZON_DAYS = 130  # working days after the last self-assessment's due date a session may take
MIN_PART_SECONDS = 1.0


@dataclass(frozen=True)
class PlanWork:
    """Everything the parts of an expert plan are solved from."""

    programme: str
    as_of: date
    calendar: WorkingCalendar
    until: date
    experts: tuple[Expert, ...]
    sessions: tuple[PlannedSession, ...]
    replan: Replan
    parts: tuple[Part, ...]
    seconds: dict[str, float]  # each part's share of the solver's time
    late_bound: int = 0  # working days late no plan of the sessions to place can go under


def programme_sessions(
    session: Session, programme: Programme, as_of: date
) -> tuple[list[PlannedSession], WorkingCalendar, date]:
    """The sessions the plan of every unit calls for, the calendar, and the last day one may
    be held (HORIZON_DAYS working days after the last self-assessment is due)."""
    cal = programme_calendar(session, programme.id)
    windows = unit_windows(session, programme, as_of)
    if not windows:
        raise InputError(
            [Problem(programme.code, None, None, "no planned units; run `rollout plan`")]
        )
    until = cal.shift(max(w.self_assessment[1] for w in windows), HORIZON_DAYS)
    notice = programme_settings(programme).documents.training.notice_days
    return build_sessions(windows, programme.sessions, cal, notice), cal, until


def plan_work(
    session: Session, programme: Programme, as_of: date, seconds: float, fresh: bool = False
) -> PlanWork:
    """The sessions of every planned unit, which of the last plan's stand, and the parts."""
    sessions, cal, until = programme_sessions(session, programme, as_of)
    experts = programme_experts(session, programme, until)
    if not experts:
        raise InputError(
            [
                Problem(
                    programme.code,
                    None,
                    None,
                    "no experts; load them with `rollout experts load FILE`",
                )
            ]
        )
    replan = split_kept(
        sessions, previous_assignments(session, programme), experts, as_of, cal, fresh
    )
    parts = split_by_province(list(replan.to_place))
    total = sum(len(p.sessions) for p in parts) or 1
    shares = {p.name: max(MIN_PART_SECONDS, seconds * len(p.sessions) / total) for p in parts}
    floor = lateness_bound(list(replan.to_place), experts, cal, until, replan.booked)
    return PlanWork(
        programme.code,
        as_of,
        cal,
        until,
        tuple(experts),
        tuple(sessions),
        replan,
        tuple(parts),
        shares,
        floor,
    )


def plan_summary(work: PlanWork, plans: list[Plan]) -> dict:
    """What the solver proved over all parts, for the audit trail and the command line."""
    whole = combine(plans)
    proved = whole.status == "optimal" and len(plans) == 1 and not whole.conditional
    floor = whole.late_days if proved else min(work.late_bound, whole.late_days)
    days = {s.key: s.days for s in work.sessions}
    load: Counter = Counter()
    for a in (*work.replan.kept, *whole.assignments):
        for code in a.experts:
            load[code] += days[a.session]
    return {
        "status": whole.status,
        "solver": whole.solver or "none",
        "objective": whole.objective,
        "bound": whole.bound,
        "gap": round(whole.gap, 4),
        "late_days": whole.late_days,
        "late_bound": floor,
        "late_gap": round(1 - floor / whole.late_days, 4) if whole.late_days else 0.0,
        "busiest_days": max(load.values(), default=0),
        "bound_scope": "chunks" if whole.conditional else "whole",
        "parts": len(plans),
        "placed": len(whole.assignments),
        "kept": len(work.replan.kept),
        "reason": whole.reason,
    }


def store_plan(
    session: Session,
    programme: Programme,
    work: PlanWork,
    plans: list[Plan],
    actor: str,
    now: datetime,
) -> dict:
    """Store the kept and the newly placed sessions as the programme's plan; the summary with
    counts of new, moved, unchanged and dropped sessions. A plan that left a session unplaced
    is not stored (the last plan stays), and says why."""
    summary = plan_summary(work, plans)
    if summary["status"] not in ("optimal", "feasible"):
        return summary | {"stored": False}
    assignments = list(work.replan.kept) + [a for p in plans for a in p.assignments]
    counts = save_plan(
        session, programme, list(work.sessions), assignments, work.as_of, summary, actor, now
    )
    return summary | counts | {"stored": True}
