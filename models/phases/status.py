"""Plan and status of phase runs as of a date: the read side of `rollout status`, `show`, the
audit report, the documents and the plan artifact, so that they all tell the same story."""

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models.experts.held import session_holds
from models.kernel.calendar import WorkingCalendar
from models.kernel.lookups import find_unit, get_programme
from models.kernel.problems import NotFoundError
from models.kernel.tables import PhaseRun, Programme, Unit, Wave
from models.kernel.vocabulary import PHASES, Status
from models.phases.planning import Actual, PhaseStep, Standing, Window, standings
from models.programme.store import programme_calendar, programme_steps


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One unit in one phase, as of a date."""

    programme: str
    unit: str
    unit_name: str
    wave: str
    phase: str
    status: str
    start: date
    due: date
    baseline_start: date
    baseline_due: date
    actual_start: date | None
    actual_done: date | None
    expected_due: date
    late_days: int
    slip_days: int
    experts: str = ""  # the codes of the experts assigned to its sessions, "; "-separated

    def as_dict(self) -> dict:
        """The row with ISO dates, for JSON and CSV."""
        row = {name: getattr(self, name) for name in _STATUS_FIELDS}
        for name in _DATE_FIELDS:
            if row[name] is not None:
                row[name] = row[name].isoformat()
        return row


_STATUS_FIELDS = tuple(f.name for f in fields(StatusRow))
_DATE_FIELDS = tuple(f.name for f in fields(StatusRow) if f.type in (date, date | None))


def status_rows(
    session: Session,
    as_of: date,
    programme_code: str | None = None,
    unit_code: str | None = None,
    with_sessions: bool = True,
) -> list[StatusRow]:
    """Every phase run of a programme (or one unit of it) with its standing on `as_of`: a
    phase is expected to end no sooner than its experts' sessions (unless `with_sessions` is
    False, as when the sessions themselves are being planned)."""
    programme = get_programme(session, programme_code)
    holds, who = session_holds(session, programme.id) if with_sessions else ({}, {})
    cal = programme_calendar(session, programme.id)
    steps = programme_steps(programme)
    unit_id = find_unit(session, programme, unit_code).id if unit_code else None
    rows = []
    # Units of a wave mostly share their dates: the same dates stand the same (thousands of
    # units, a few hundred distinct plans at national scale), so each is worked out once.
    known: dict[tuple, list[Standing]] = {}
    for code, (name, wave, runs) in planned_units(session, programme, unit_id).items():
        hold = holds.get(code)
        key = (tuple(r[_DATES] for r in runs), tuple(sorted(hold.items())) if hold else None)
        if (found := known.get(key)) is None:
            found = known[key] = unit_standings(runs, steps, as_of, cal, programme, hold)
        for run, standing in zip(runs, found, strict=True):
            rows.append(
                StatusRow(
                    programme.code,
                    code,
                    name,
                    wave,
                    run.phase,
                    standing.status.value,
                    standing.start,
                    standing.due,
                    run.baseline_start,
                    run.baseline_due,
                    standing.opened,
                    standing.done,
                    standing.expected_due,
                    standing.late_days,
                    standing.slip_days,
                    "; ".join(who.get((code, run.phase), ())),
                )
            )
    if unit_code and not rows:
        unit = find_unit(session, programme, unit_code)
        if unit.wave_id is None:
            raise NotFoundError(f"unit {unit_code!r} is in no wave of {programme.code}: no plan")
        raise NotFoundError(f"unit {unit_code!r} is not planned yet; run `rollout plan`")
    return rows


_RUN_COLUMNS = (
    PhaseRun.id,
    PhaseRun.phase,
    PhaseRun.forecast_start,
    PhaseRun.forecast_due,
    PhaseRun.baseline_start,
    PhaseRun.baseline_due,
    PhaseRun.actual_start,
    PhaseRun.actual_done,
)
_DATES = slice(4, None)  # a planned_units row past unit, name, wave and id: phase and dates


def planned_units(
    session: Session, programme: Programme, unit_id: int | None = None
) -> dict[str, tuple[str, str, list]]:
    """The programme's planned units in the roster (or one), in wave and code order: for each
    code, its name, its wave's name and its phase runs in phase order (rows of the dates a
    standing needs, read as plain columns: 16,775 of them at national scale)."""
    query = (
        select(Unit.code.label("unit"), Unit.name.label("unit_name"), Wave.name.label("wave"))
        .add_columns(*_RUN_COLUMNS)
        .join(PhaseRun, PhaseRun.unit_id == Unit.id)
        .join(Wave, Wave.id == Unit.wave_id)
        .where(Unit.programme_id == programme.id, Unit.in_roster)
        .order_by(Wave.position, Unit.code, PhaseRun.seq)
    )
    if unit_id is not None:
        query = query.where(Unit.id == unit_id)
    units: dict[str, tuple[str, str, list]] = {}
    # Core rows, not the ORM's: 16,775 plain rows at national scale, read in half the time
    for row in session.connection().execute(query).all():
        units.setdefault(row.unit, (row.unit_name, row.wave, []))[2].append(row)
    return units


def unit_standings(
    runs: list,
    steps: tuple[PhaseStep, ...],
    as_of: date,
    cal: WorkingCalendar,
    programme: Programme,
    holds: dict[str, date] | None = None,
) -> list[Standing]:
    """One unit's stored phase runs (in phase order) as they stand on `as_of`, not expected
    to end before their sessions (`holds`: phase -> last day)."""
    return standings(
        steps,
        [Window(r.phase, r.forecast_start, r.forecast_due) for r in runs],
        [r.baseline_due for r in runs],
        {r.phase: Actual(r.actual_start, r.actual_done) for r in runs},
        as_of,
        cal,
        programme.due_soon_days,
        holds,
    )


@dataclass(frozen=True)
class WavePhaseRow:
    """One wave in one phase: its window across units and how many units stand where."""

    wave: str
    phase: str
    units: int
    first_start: date
    last_due: date
    baseline_last_due: date
    max_slip_days: int
    counts: dict[str, int]

    def as_dict(self) -> dict:
        """The row flattened with ISO dates, for tables."""
        flat = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "counts"}
        flat |= self.counts
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in flat.items()}


def wave_phase_summary(session: Session, programme: Programme, as_of: date) -> list[WavePhaseRow]:
    """The plan per wave and phase on `as_of`, in wave and phase order."""
    return summarise(status_rows(session, as_of, programme.code))


def summarise(status: list[StatusRow]) -> list[WavePhaseRow]:
    """Status rows grouped per wave and phase, in wave and phase order."""
    groups: dict[tuple[str, str], list[StatusRow]] = {}
    for row in status:
        groups.setdefault((row.wave, row.phase), []).append(row)
    order = {p: i for i, p in enumerate(PHASES)}
    summary = []
    for (wave, phase), rows in groups.items():
        counts = dict.fromkeys((s.value for s in Status), 0)
        for r in rows:
            counts[r.status] += 1
        summary.append(
            WavePhaseRow(
                wave,
                phase,
                len(rows),
                min(r.start for r in rows),
                max(r.due for r in rows),
                max(r.baseline_due for r in rows),
                max(r.slip_days for r in rows),
                counts,
            )
        )
    wave_order = {w: i for i, w in enumerate(dict.fromkeys(w for w, _ in groups))}
    return sorted(summary, key=lambda r: (wave_order[r.wave], order[r.phase]))
