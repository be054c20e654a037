"""Reconciling a phase for a batch of units: open, close, mark overdue; each change audited."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlmodel import Session

from models.assessment.catalogue import DEFAULT_CATALOGUE, Catalogue, load_catalogue
from models.audit.chain import Change, append_changes
from models.kernel.database import execute_many
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
    units = {
        u.id: u
        for u in session.execute(
            select(Unit.id, Unit.code, Unit.wave_id, Unit.officials).where(Unit.id.in_(movable))
        )
    }
    runs: dict[int, dict[str, _Run]] = defaultdict(dict)
    for row in session.execute(select(*_RUN_COLUMNS).where(PhaseRun.unit_id.in_(movable))):
        runs[row.unit_id][row.phase] = _Run(*row)
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
    _write_runs(session, [r for have in runs.values() for r in have.values() if r.changed()])
    append_changes(session, changes, actor, now)
    return counts


_RUN_COLUMNS = (
    PhaseRun.id,
    PhaseRun.unit_id,
    PhaseRun.phase,
    PhaseRun.baseline_start,
    PhaseRun.baseline_due,
    PhaseRun.forecast_start,
    PhaseRun.forecast_due,
    PhaseRun.actual_start,
    PhaseRun.actual_done,
    PhaseRun.status,
)


@dataclass(slots=True)
class _Run:
    """A phase run as reconciling reads it (plain columns: a national batch has thousands, and an
    ORM entity costs ten times a plain object to load); changed in place, written back if so."""

    id: int
    unit_id: int
    phase: str
    baseline_start: date
    baseline_due: date
    forecast_start: date
    forecast_due: date
    actual_start: date | None
    actual_done: date | None
    status: str
    read: tuple = field(default=(), repr=False, compare=False)  # as read, for changed()

    def __post_init__(self) -> None:
        self.read = self.moving()

    def moving(self) -> tuple:
        """What reconciling may change, in the order of _WRITTEN."""
        return (
            self.forecast_start,
            self.forecast_due,
            self.actual_start,
            self.actual_done,
            str(self.status),
        )

    def changed(self) -> bool:
        """Whether reconciling moved, opened, closed or marked it."""
        return self.moving() != self.read


_TABLE = PhaseRun.__table__
_WRITTEN = (  # the parameters of what reconciling changes
    "to_forecast_start",
    "to_forecast_due",
    "to_actual_start",
    "to_actual_done",
    "to_status",
)
_WRITE_RUN = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("run"))
    .values(
        forecast_start=bindparam("to_forecast_start"),
        forecast_due=bindparam("to_forecast_due"),
        actual_start=bindparam("to_actual_start"),
        actual_done=bindparam("to_actual_done"),
        status=bindparam("to_status"),
    )
)


def _write_runs(session: Session, changed: list[_Run]) -> None:
    """Write the runs reconciling changed, in the caller's transaction; any of them the session
    holds as entities are expired, so that it reads them again."""
    if not changed:
        return
    rows = [dict(zip(_WRITTEN, r.moving(), strict=True), run=r.id) for r in changed]
    execute_many(session.connection(), _WRITE_RUN, rows)
    ids = {r.id for r in changed}
    for held in list(session.identity_map.values()):
        if isinstance(held, PhaseRun) and held.id in ids:
            session.expire(held)


def _done_by(run: "_Run | None", as_of: date) -> bool:
    return run is None or (run.actual_done is not None and run.actual_done <= as_of)


def _due_in_force(run: "_Run", steps, index: int, cal) -> date:
    """The due date the phase had once it opened (its window from the day it opened)."""
    return cal.shift(run.actual_start, steps[index].duration_days - 1)


def _window(run: "_Run") -> dict:
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
