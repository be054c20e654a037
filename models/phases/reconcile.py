"""Reconciling a phase for a batch of units: open, close, mark overdue; each change audited."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from models.assessment.catalogue import DEFAULT_CATALOGUE, Catalogue, load_catalogue
from models.audit.chain import Change, append_changes
from models.kernel.tables import Evidence, IndicatorRating, PhaseRun, Programme, Unit, Wave
from models.kernel.vocabulary import PHASES, RunState
from models.phases.completion import Fact, completion_date, parse_requirements
from models.phases.schedule import move_runs, unit_forecast
from models.programme.settings import programme_settings
from models.programme.store import programme_calendar, programme_steps


def programme_catalogue(programme: Programme) -> Catalogue:
    """The catalogue stored with a programme (the shipped one for programmes loaded before it)."""
    if programme.catalogue:
        return Catalogue.from_data(programme.catalogue)
    return load_catalogue(DEFAULT_CATALOGUE)


def reconcile_phase(
    session: Session,
    programme: Programme,
    phase: str,
    unit_ids: list[int],
    as_of: date,
    actor: str,
    now: datetime,
) -> dict[str, int]:
    """Bring one phase of a batch of units up to date with the facts recorded up to `as_of`."""
    cal = programme_calendar(session, programme.id)
    steps = programme_steps(programme)
    index = PHASES.index(phase)
    requirements = parse_requirements(list(steps[index].completion))
    codes = set(programme_catalogue(programme).codes)
    starts = dict(
        session.execute(select(Wave.id, Wave.start).where(Wave.programme_id == programme.id)).all()
    )
    # Only a run that is open, overdue, or planned to start by `as_of` can change: those units
    # are loaded whole (a closing phase moves the later ones), the others only counted.
    in_phase = (
        select(PhaseRun.unit_id)
        .join(Unit, Unit.id == PhaseRun.unit_id)
        .where(
            PhaseRun.unit_id.in_(unit_ids),
            PhaseRun.phase == phase,
            Unit.wave_id.is_not(None),
            Unit.in_roster,
        )
    )
    eligible = session.scalar(select(func.count()).select_from(in_phase.subquery()))
    movable = list(
        session.scalars(
            in_phase.where(
                or_(
                    PhaseRun.status.in_((RunState.OPEN, RunState.OVERDUE)),
                    and_(PhaseRun.status == RunState.PLANNED, PhaseRun.forecast_start <= as_of),
                )
            )
        )
    )
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(movable)))}
    runs: dict[int, dict[str, PhaseRun]] = defaultdict(dict)
    for run in session.scalars(select(PhaseRun).where(PhaseRun.unit_id.in_(movable))):
        runs[run.unit_id][run.phase] = run
    facts = _facts(session, [r[phase].id for r in runs.values()], as_of)
    verified = programme_settings(programme).assessment.require_verification
    ratings = (
        _ratings(session, movable, as_of, codes, verified) if phase == "self_assessment" else {}
    )

    counts = {"opened": 0, "closed": 0, "overdue": 0, "unchanged": eligible - len(runs)}
    changes: list[Change] = []
    for unit_id in sorted(runs):
        unit, have = units[unit_id], runs[unit_id]
        run = have[phase]
        subject = f"{programme.code}/{unit.code}/{phase}"
        before = len(changes)
        previous = have.get(PHASES[index - 1]) if index else None
        if (
            run.status == RunState.PLANNED
            and as_of >= run.forecast_start
            and _done_by(previous, as_of)
        ):
            run.status, run.actual_start = RunState.OPEN, run.forecast_start
            changes.append(Change("phase.opened", subject, _window(run), programme.code))
            counts["opened"] += 1
        if run.status in (RunState.OPEN, RunState.OVERDUE):
            own = facts.get(run.id, []) + ratings.get((unit_id, run.actual_start.year), [])
            done = completion_date(requirements, own, unit.officials, len(codes))
            if done is not None:
                run.status, run.actual_done = RunState.DONE, max(done, run.actual_start)
                late = max(
                    0,
                    cal.working_days_between(
                        _due_in_force(run, steps, index, cal), run.actual_done
                    ),
                )
                payload = _window(run) | {"done": run.actual_done, "late_days": late}
                changes.append(Change("phase.closed", subject, payload, programme.code))
                counts["closed"] += 1
                windows = unit_forecast(have, starts[unit.wave_id], steps, cal)
                if moved := move_runs(have, windows, False, cal):
                    subject_unit = f"{programme.code}/{unit.code}"
                    changes.append(Change("plan.forecast", subject_unit, moved, programme.code))
            elif run.status == RunState.OPEN and as_of > run.forecast_due:
                run.status = RunState.OVERDUE
                late = cal.working_days_between(run.forecast_due, as_of)
                payload = _window(run) | {"as_of": as_of, "late_days": late}
                changes.append(Change("phase.overdue", subject, payload, programme.code))
                counts["overdue"] += 1
        if len(changes) == before:
            counts["unchanged"] += 1
    append_changes(session, changes, actor, now)
    return counts


def _done_by(run: PhaseRun | None, as_of: date) -> bool:
    return run is None or (run.actual_done is not None and run.actual_done <= as_of)


def _due_in_force(run: PhaseRun, steps, index: int, cal) -> date:
    """The due date the phase had once it opened (its window from the day it opened)."""
    return cal.shift(run.actual_start, steps[index].duration_days - 1)


def _window(run: PhaseRun) -> dict:
    return {"start": run.actual_start or run.forecast_start, "due": run.forecast_due}


def _facts(session: Session, run_ids: list[int], as_of: date) -> dict[int, list[Fact]]:
    found: dict[int, list[Fact]] = defaultdict(list)
    query = select(
        Evidence.phase_run_id, Evidence.dated, Evidence.type, Evidence.kind, Evidence.quantity
    ).where(Evidence.phase_run_id.in_(run_ids), Evidence.dated <= as_of, Evidence.void.is_(False))
    for run_id, dated, type_, kind, quantity in session.execute(query):
        found[run_id].append(Fact(dated, type_, kind, quantity))
    return found


def _ratings(
    session: Session, unit_ids: list[int], as_of: date, codes: set[str], verified: bool
) -> dict[tuple[int, int], list[Fact]]:
    """Ratings per (unit, period) of indicators in the catalogue, rated (or verified) by `as_of`.

    Where the programme requires verification, a rating counts from the day it was verified.
    """
    found: dict[tuple[int, int], list[Fact]] = defaultdict(list)
    query = select(  # plain columns: a national batch holds ~20,000 ratings
        IndicatorRating.unit_id,
        IndicatorRating.period,
        IndicatorRating.indicator,
        IndicatorRating.rated_on,
        IndicatorRating.verified_on,
    ).where(IndicatorRating.unit_id.in_(unit_ids), IndicatorRating.rated_on <= as_of)
    for unit_id, period, indicator, rated_on, verified_on in session.execute(query):
        on = rated_on
        if verified:
            if verified_on is None or verified_on > as_of:
                continue
            on = max(verified_on, rated_on)
        if indicator in codes:
            found[(unit_id, period)].append(Fact(on, "rating", indicator))
    return found
