"""Plan and status of phase runs as of a date: the read side of `rollout status` and `show`."""

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models.kernel.lookups import find_unit, get_programme
from models.kernel.problems import NotFoundError
from models.kernel.tables import PhaseRun, Programme, Unit, Wave
from models.kernel.vocabulary import PHASES, Status
from models.phases.planning import Actual, Window, slip_days, status_on
from models.programme.store import programme_calendar


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
    slip_days: int

    def as_dict(self) -> dict:
        """The row with ISO dates, for JSON and CSV."""
        values = ((name, getattr(self, name)) for name in _STATUS_FIELDS)
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values}


_STATUS_FIELDS = tuple(f.name for f in fields(StatusRow))


def status_rows(
    session: Session, as_of: date, programme_code: str | None = None, unit_code: str | None = None
) -> list[StatusRow]:
    """Every phase run of a programme (or one unit of it) with its status on `as_of`."""
    programme = get_programme(session, programme_code)
    cal = programme_calendar(session, programme.id)
    run = PhaseRun
    query = (
        select(
            Unit.code,
            Unit.name,
            Wave.name,
            run.phase,
            run.forecast_start,
            run.forecast_due,
            run.baseline_start,
            run.baseline_due,
            run.actual_start,
            run.actual_done,
        )
        .join(PhaseRun, PhaseRun.unit_id == Unit.id)
        .join(Wave, Wave.id == Unit.wave_id)
        .where(Unit.programme_id == programme.id, Unit.in_roster)
        .order_by(Wave.position, Unit.code, PhaseRun.seq)
    )
    if unit_code:
        query = query.where(Unit.id == find_unit(session, programme, unit_code).id)
    rows = []
    for code, name, wave, phase, start, due, b_start, b_due, a_start, a_done in session.execute(
        query
    ):
        # Facts dated after as_of have not happened yet, seen from as_of.
        a_start = a_start if a_start and a_start <= as_of else None
        a_done = a_done if a_done and a_done <= as_of else None
        actual = Actual(a_start, a_done)
        status = status_on(Window(phase, start, due), actual, as_of, cal, programme.due_soon_days)
        rows.append(
            StatusRow(
                programme.code,
                code,
                name,
                wave,
                phase,
                status.value,
                start,
                due,
                b_start,
                b_due,
                a_start,
                a_done,
                slip_days(b_due, due, cal),
            )
        )
    if unit_code and not rows:
        unit = find_unit(session, programme, unit_code)
        if unit.wave_id is None:
            raise NotFoundError(f"unit {unit_code!r} is in no wave of {programme.code}: no plan")
        raise NotFoundError(f"unit {unit_code!r} is not planned yet; run `rollout plan`")
    return rows


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
