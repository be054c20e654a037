"""When each unit's sessions are held and by whom, as the plan and status read it."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models.kernel.tables import ExpertRow, ExpertSession, Unit


def session_holds(
    session: Session, programme_id: int
) -> tuple[dict[str, dict[str, date]], dict[tuple[str, str], tuple[str, ...]]]:
    """For each unit, the last day of its sessions per phase; for each (unit, phase) with
    sessions, their experts."""
    holds: dict[str, dict[str, date]] = {}
    who: dict[tuple[str, str], tuple[str, ...]] = {}
    rows = session.execute(
        select(ExpertSession.phase, ExpertSession.units, ExpertSession.experts, ExpertSession.end)
        .where(ExpertSession.programme_id == programme_id)
        .order_by(ExpertSession.start)
    )
    for phase, units, experts, end in rows:
        for unit in units:
            mine = holds.setdefault(unit, {})
            if end > mine.get(phase, date.min):
                mine[phase] = end
            who[unit, phase] = tuple(dict.fromkeys(who.get((unit, phase), ()) + tuple(experts)))
    return holds, who


@dataclass(frozen=True)
class TrainingClassFacts:
    """A unit's training class as planned: its first day, its trainers' names, and the unit
    whose hall hosts it (the parent's when it gathers several units)."""

    day: date
    trainers: tuple[str, ...]
    units: int
    host: str


def class_host(units: list[str], parent_of: dict[str, str | None]) -> str:
    """The unit whose offices host a session: the unit's own, or for a class of several units
    the parent unit of the first."""
    first = units[0]
    return (parent_of.get(first) or first) if len(units) > 1 else first


def training_classes(session: Session, programme_id: int) -> dict[str, TrainingClassFacts]:
    """Each unit's planned training class, by unit code."""
    names = dict(
        session.execute(
            select(ExpertRow.code, ExpertRow.name).where(ExpertRow.programme_id == programme_id)
        ).all()
    )
    units = {
        code: (parent, name)
        for code, parent, name in session.execute(
            select(Unit.code, Unit.parent_code, Unit.name).where(Unit.programme_id == programme_id)
        )
    }
    classes: dict[str, TrainingClassFacts] = {}
    rows = session.scalars(
        select(ExpertSession).where(
            ExpertSession.programme_id == programme_id, ExpertSession.phase == "training"
        )
    )
    parent_of = {code: parent for code, (parent, _) in units.items()}
    for row in rows:
        host = class_host(row.units, parent_of)
        facts = TrainingClassFacts(
            row.start,
            tuple(names.get(code, code) for code in row.experts),
            len(row.units),
            units.get(host, (None, host))[1],
        )
        for unit in row.units:
            classes[unit] = facts
    return classes
