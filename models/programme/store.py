"""Storing a validated programme: matched by codes, changes updated in place and audited."""

from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlmodel import Session

from models.audit.chain import Change, append_changes
from models.kernel.calendar import WorkingCalendar
from models.kernel.tables import CalendarOverride, Programme, Unit, Wave
from models.phases.planning import PhaseStep
from models.programme.lineage import store_lineage

if TYPE_CHECKING:  # reading the file (YAML, roster checks) is not needed to read the store
    from models.programme.file import ProgrammeSpec

_UNIT_FIELDS = ("name", "level", "parent_code", "email", "successor_code", "merged_on", "officials")


def _diff(row: object, target: dict) -> dict:
    """{field: [old, new]} for the fields of `row` that differ from `target`."""
    return {k: [getattr(row, k), v] for k, v in target.items() if getattr(row, k) != v}


def store_programme(session: Session, spec: "ProgrammeSpec", actor: str, now: datetime) -> dict:
    """Create or update a programme, its calendar, waves and units; returns counts of changes."""
    code = spec.code
    changes: list[Change] = []
    fields = {
        "title": spec.title,
        "legal_basis": spec.legal_basis,
        "coordinator": spec.coordinator,
        "time_zone": spec.time_zone,
        "phase_plan": [asdict(s) | {"completion": list(s.completion)} for s in spec.steps],
        "due_soon_days": spec.due_soon_days,
        "source_file": spec.source_file,
        "catalogue": spec.catalogue.as_data(),
        "reminders": spec.reminders,
        "documents": spec.documents,
        "assessment": spec.assessment,
        "sessions": spec.sessions,
    }
    programme = session.scalars(select(Programme).where(Programme.code == code)).first()
    if programme is None:
        programme = Programme(code=code, **fields)
        session.add(programme)
        changes.append(Change("programme.created", code, fields, code))
    elif diff := _diff(programme, fields):
        for key, (_, new) in diff.items():
            setattr(programme, key, new)
        changes.append(Change("programme.updated", code, diff, code))
    session.flush()

    changes += _store_calendar(session, programme, spec)
    wave_ids, wave_changes = _store_waves(session, programme, spec)
    changes += wave_changes
    counts = _store_units(session, programme, spec, wave_ids, changes)
    changes += store_lineage(session, programme, spec.units, spec.source_file, now)
    append_changes(session, changes, actor, now)
    return {"programme": code, "units": len(spec.units), **counts, "events": len(changes)}


def _store_calendar(session: Session, programme: Programme, spec: "ProgrammeSpec") -> list[Change]:
    wanted = {d: (False, r) for d, r in spec.days_off.items()}
    wanted |= {d: (True, r) for d, r in spec.working_days.items()}
    rows = session.scalars(
        select(CalendarOverride).where(CalendarOverride.programme_id == programme.id)
    )
    have = {row.day: row for row in rows}
    if {d: (r.working, r.reason) for d, r in have.items()} == wanted:
        return []
    for row in have.values():
        session.delete(row)
    session.flush()
    session.add_all(
        CalendarOverride(programme_id=programme.id, day=d, working=w, reason=r)
        for d, (w, r) in wanted.items()
    )
    payload = {d.isoformat(): {"working": w, "reason": r} for d, (w, r) in sorted(wanted.items())}
    return [Change("calendar.changed", programme.code, {"overrides": payload}, programme.code)]


def _store_waves(
    session: Session, programme: Programme, spec: "ProgrammeSpec"
) -> tuple[dict[str, int], list[Change]]:
    changes: list[Change] = []
    have = {
        w.name: w for w in session.scalars(select(Wave).where(Wave.programme_id == programme.id))
    }
    for position, wave in enumerate(spec.waves):
        target = {"start": wave.start, "position": position}
        row = have.get(wave.name)
        subject = f"{programme.code}/{wave.name}"
        if row is None:
            row = Wave(programme_id=programme.id, name=wave.name, **target)
            session.add(row)
            have[wave.name] = row
            changes.append(Change("wave.created", subject, target, programme.code))
        elif diff := _diff(row, target):
            for key, (_, new) in diff.items():
                setattr(row, key, new)
            changes.append(Change("wave.updated", subject, diff, programme.code))
    session.flush()
    return {name: row.id for name, row in have.items()}, changes


def _store_units(
    session: Session,
    programme: Programme,
    spec: "ProgrammeSpec",
    wave_ids: dict[str, int],
    changes: list[Change],
) -> dict:
    have = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.programme_id == programme.id))
    }
    new_rows: list[dict] = []
    added = updated = removed = 0
    for record in spec.units:
        wave = spec.wave_of.get(record.code)
        target = {f: getattr(record, f) for f in _UNIT_FIELDS}
        target |= {"wave_id": wave_ids[wave] if wave else None, "in_roster": True}
        subject = f"{programme.code}/{record.code}"
        row = have.pop(record.code, None)
        if row is None:
            new_rows.append({"programme_id": programme.id, "code": record.code, **target})
            payload = {f: target[f] for f in _UNIT_FIELDS} | {"wave": wave}
            changes.append(Change("unit.added", subject, payload, programme.code))
            added += 1
        elif diff := _diff(row, target):
            for key, (_, new) in diff.items():
                setattr(row, key, new)
            changes.append(Change("unit.updated", subject, diff, programme.code))
            updated += 1
    for row in have.values():  # left the roster: kept with its history, no longer planned
        if row.in_roster:
            row.in_roster, row.wave_id = False, None
            changes.append(
                Change("unit.removed", f"{programme.code}/{row.code}", {}, programme.code)
            )
            removed += 1
    if new_rows:
        session.execute(insert(Unit), new_rows)
    session.flush()
    return {"added": added, "updated": updated, "removed": removed}


def programme_calendar(session: Session, programme_id: int) -> WorkingCalendar:
    """The working-day calendar of a stored programme, its overrides included."""
    rows = session.scalars(
        select(CalendarOverride).where(CalendarOverride.programme_id == programme_id)
    )
    days_off, working = {}, {}
    for row in rows:
        (working if row.working else days_off)[row.day] = row.reason
    return WorkingCalendar(days_off, working)


def programme_steps(programme: Programme) -> tuple[PhaseStep, ...]:
    """The stored phase plan of a programme."""
    return tuple(
        PhaseStep(**{**step, "completion": tuple(step.get("completion", ()))})
        for step in programme.phase_plan
    )


def iso(day: date | None) -> str | None:
    """An ISO date, or None."""
    return day.isoformat() if day else None
