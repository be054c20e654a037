"""Planning stored units: baselines on first plan, forecasts from recorded facts, audited."""

from datetime import date, datetime

from sqlalchemy import insert, select
from sqlmodel import Session

from models.audit.chain import Change, append_changes
from models.kernel.calendar import WorkingCalendar
from models.kernel.tables import PhaseRun, Programme, Unit, Wave
from models.phases.planning import Actual, PhaseStep, Window, baseline, forecast, slip_days
from models.programme.store import iso, programme_calendar, programme_steps


def unit_batches(session: Session, programme: Programme, size: int) -> list[list[int]]:
    """Ids of the programme's units that are in a wave, in batches of at most `size`."""
    ids = list(
        session.scalars(
            select(Unit.id)
            .where(Unit.programme_id == programme.id, Unit.wave_id.is_not(None))
            .order_by(Unit.id)
        )
    )
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def plan_units(
    session: Session,
    programme: Programme,
    unit_ids: list[int],
    actor: str,
    now: datetime,
    rebaseline: bool = False,
) -> dict[str, int]:
    """Plan a batch of units in one transaction; returns counts planned, replanned, unchanged."""
    cal = programme_calendar(session, programme.id)
    steps = programme_steps(programme)
    starts = dict(
        session.execute(select(Wave.id, Wave.start).where(Wave.programme_id == programme.id)).all()
    )
    units = list(session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.id)))
    runs: dict[int, dict[str, PhaseRun]] = {}
    for run in session.scalars(select(PhaseRun).where(PhaseRun.unit_id.in_(unit_ids))):
        runs.setdefault(run.unit_id, {})[run.phase] = run

    counts = {"planned": 0, "replanned": 0, "rebaselined": 0, "unchanged": 0}
    new_rows: list[dict] = []
    changes: list[Change] = []
    for unit in units:
        subject = f"{programme.code}/{unit.code}"
        have = runs.get(unit.id, {})
        windows = unit_forecast(have, starts[unit.wave_id], steps, cal)
        if not have:
            new_rows += [_new_run(unit.id, seq, w) for seq, w in enumerate(windows)]
            changes.append(Change("plan.baseline", subject, _windows(windows), programme.code))
            counts["planned"] += 1
            continue
        moved = move_runs(have, windows, rebaseline, cal)
        if not moved:
            counts["unchanged"] += 1
            continue
        action = "plan.rebaseline" if rebaseline else "plan.forecast"
        changes.append(Change(action, subject, moved, programme.code))
        counts["rebaselined" if rebaseline else "replanned"] += 1
    if new_rows:
        session.execute(insert(PhaseRun), new_rows)
    append_changes(session, changes, actor, now)
    return counts


def _new_run(unit_id: int, seq: int, w: Window) -> dict:
    return {
        "unit_id": unit_id,
        "phase": w.phase,
        "seq": seq,
        "baseline_start": w.start,
        "baseline_due": w.due,
        "forecast_start": w.start,
        "forecast_due": w.due,
        "status": "planned",
    }


def unit_forecast(
    runs: dict[str, PhaseRun], wave_start: date, steps: tuple[PhaseStep, ...], cal: WorkingCalendar
) -> list[Window]:
    """A unit's windows as now expected: the current plan with its recorded dates applied."""
    actuals = {p: Actual(r.actual_start, r.actual_done) for p, r in runs.items()}
    return forecast(baseline(wave_start, steps, cal), steps, actuals, cal)


def move_runs(
    have: dict[str, PhaseRun], windows: list[Window], rebaseline: bool, cal: WorkingCalendar
) -> dict:
    """Move stored runs to `windows`; returns {phase: what moved} for the audit log."""
    moved = {}
    for w in windows:
        run = have[w.phase]
        entry = {}
        if (run.forecast_start, run.forecast_due) != (w.start, w.due):
            entry["forecast"] = [
                [iso(run.forecast_start), iso(run.forecast_due)],
                [iso(w.start), iso(w.due)],
            ]
            run.forecast_start, run.forecast_due = w.start, w.due
        if rebaseline and (run.baseline_start, run.baseline_due) != (w.start, w.due):
            entry["baseline"] = [
                [iso(run.baseline_start), iso(run.baseline_due)],
                [iso(w.start), iso(w.due)],
            ]
            run.baseline_start, run.baseline_due = w.start, w.due
        if entry:
            entry["slip_days"] = slip_days(run.baseline_due, run.forecast_due, cal)
            moved[w.phase] = entry
    return moved


def _windows(windows: list[Window]) -> dict:
    return {w.phase: [iso(w.start), iso(w.due)] for w in windows}
