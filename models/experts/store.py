"""Experts and their sessions in the database: the loaded experts file, withdrawals, the
sessions of the last plan, and what the phases read from them (who, and until when)."""

from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from models.audit.chain import Change, append_changes
from models.experts.experts import Expert
from models.experts.scheduling import Assignment
from models.experts.scheduling import Session as PlannedSession
from models.experts.sessions import UnitWindows
from models.kernel.problems import NotFoundError
from models.kernel.tables import ExpertRow, ExpertSession, Programme, Unit
from models.phases.parts import top_of_line
from models.phases.status import status_rows


def store_experts(
    session: Session, programme: Programme, experts: list[Expert], actor: str, now: datetime
) -> dict[str, int]:
    """Make the programme's experts those of the file: new ones added, changed ones updated,
    those no longer listed kept aside (their sessions are placed again at the next plan)."""
    stored = {
        row.code: row
        for row in session.scalars(select(ExpertRow).where(ExpertRow.programme_id == programme.id))
    }
    counts = {"added": 0, "updated": 0, "unchanged": 0, "removed": 0}
    changes = []
    for expert in experts:
        fields = _fields(expert)
        row = stored.pop(expert.code, None)
        if row is None:
            session.add(ExpertRow(programme_id=programme.id, code=expert.code, **fields))
            counts["added"] += 1
            changes.append(Change("expert.added", expert.code, fields, programme.code))
        elif diff := {k: [getattr(row, k), v] for k, v in fields.items() if getattr(row, k) != v}:
            for key, (_, new) in diff.items():
                setattr(row, key, new)
            counts["updated"] += 1
            changes.append(Change("expert.updated", expert.code, diff, programme.code))
        else:
            counts["unchanged"] += 1
    for row in stored.values():
        if row.in_file:
            row.in_file = False
            counts["removed"] += 1
            changes.append(Change("expert.removed", row.code, {}, programme.code))
    append_changes(session, changes, actor, now)
    return counts


def _fields(expert: Expert) -> dict:
    return {
        "name": expert.name,
        "email": expert.email,
        "skills": sorted(expert.skills),
        "regions": sorted(expert.regions),
        "days_per_week": expert.days_per_week,
        "unavailable": sorted(d.isoformat() for d in expert.unavailable),
        "in_file": True,
    }


def withdraw_expert(
    session: Session, programme: Programme, code: str, day: date, actor: str, now: datetime
) -> ExpertRow:
    """Record that an expert takes no session from `day` on (audited)."""
    row = find_expert(session, programme, code)
    row.withdrawn_from = day
    append_changes(
        session,
        [Change("expert.withdrawn", row.code, {"from": day.isoformat()}, programme.code)],
        actor,
        now,
    )
    return row


def find_expert(session: Session, programme: Programme, code: str) -> ExpertRow:
    """An expert of the programme by code, or NotFoundError naming those there are."""
    rows = list(session.scalars(select(ExpertRow).where(ExpertRow.programme_id == programme.id)))
    for row in rows:
        if row.code.casefold() == code.casefold():
            return row
    known = ", ".join(r.code for r in rows[:12]) or "none; load them with `rollout experts load`"
    raise NotFoundError(f"no expert {code!r} in {programme.code} (experts: {known})")


def programme_experts(session: Session, programme: Programme, until: date) -> list[Expert]:
    """The experts the programme's file lists, a withdrawn one unavailable from that day on."""
    experts = []
    for row in session.scalars(
        select(ExpertRow)
        .where(ExpertRow.programme_id == programme.id, ExpertRow.in_file)
        .order_by(ExpertRow.code)
    ):
        off = {date.fromisoformat(d) for d in row.unavailable}
        if row.withdrawn_from:
            span = (until - row.withdrawn_from).days
            off |= {row.withdrawn_from + timedelta(days=n) for n in range(span + 1)}
        experts.append(
            Expert(
                row.code,
                row.name,
                row.email,
                frozenset(row.skills),
                frozenset(row.regions),
                row.days_per_week,
                frozenset(off),
            )
        )
    return experts


def unit_windows(session: Session, programme: Programme, as_of: date) -> list[UnitWindows]:
    """Each planned unit's training and self-assessment as they stand on `as_of` (without the
    sessions of an earlier plan), with its parent and the province holding it."""
    units = session.execute(
        select(Unit.code, Unit.parent_code).where(Unit.programme_id == programme.id)
    ).all()
    parent_of = {code: parent for code, parent in units}
    windows: dict[str, dict] = {}
    wave_of: dict[str, str] = {}
    for row in status_rows(session, as_of, programme.code, with_sessions=False):
        if row.phase in ("training", "self_assessment"):
            windows.setdefault(row.unit, {})[row.phase] = (row.start, row.due)
            wave_of[row.unit] = row.wave
    return [
        UnitWindows(
            code,
            wave_of[code],
            parent_of.get(code) or code,
            top_of_line(code, parent_of),
            phases["training"],
            phases["self_assessment"],
        )
        for code, phases in windows.items()
    ]


def previous_assignments(session: Session, programme: Programme) -> dict[str, Assignment]:
    """The sessions the last plan placed, by key."""
    return {
        row.key: Assignment(row.key, tuple(row.experts), row.start, row.end, tuple(row.units))
        for row in session.scalars(
            select(ExpertSession).where(ExpertSession.programme_id == programme.id)
        )
    }


def save_plan(
    session: Session,
    programme: Programme,
    sessions: list[PlannedSession],
    assignments: list[Assignment],
    as_of: date,
    summary: dict,
    actor: str,
    now: datetime,
) -> dict[str, int]:
    """Store the plan's sessions (replacing the last plan's), audited as one event naming the
    sessions that moved; counts of new, moved and unchanged sessions."""
    by_key = {s.key: s for s in sessions}
    old = {
        row.key: row
        for row in session.scalars(
            select(ExpertSession).where(ExpertSession.programme_id == programme.id)
        )
    }
    counts = {"new": 0, "moved": 0, "unchanged": 0, "dropped": 0}
    moved = []
    for a in assignments:
        s = by_key[a.session]
        row = old.pop(a.session, None)
        if row is None:
            row = ExpertSession(programme_id=programme.id, key=a.session, planned_on=as_of)
            session.add(row)
            counts["new"] += 1
        elif (row.start, row.end, tuple(row.experts)) != (a.start, a.end, a.experts):
            moved.append(a.session)
            counts["moved"] += 1
            row.planned_on, row.reminded_on = as_of, None  # its experts hear of the new days
        else:
            counts["unchanged"] += 1
        row.skill, row.phase, row.region = s.skill, s.phase, s.region
        row.units, row.experts = list(s.units), list(a.experts)
        row.start, row.end = a.start, a.end
    if old:
        counts["dropped"] = len(old)
        session.execute(
            delete(ExpertSession).where(ExpertSession.id.in_([r.id for r in old.values()]))
        )
    payload = summary | counts | {"as_of": as_of.isoformat(), "moved_sessions": moved[:500]}
    append_changes(
        session, [Change("experts.planned", programme.code, payload, programme.code)], actor, now
    )
    return counts


def planned_sessions(
    session: Session, programme: Programme, expert: str | None = None
) -> list[ExpertSession]:
    """The sessions of the last plan (or one expert's), by first day and key."""
    rows = session.scalars(
        select(ExpertSession)
        .where(ExpertSession.programme_id == programme.id)
        .order_by(ExpertSession.start, ExpertSession.key)
    )
    if expert is None:
        return list(rows)
    code = find_expert(session, programme, expert).code
    return [r for r in rows if code in r.experts]


def expert_names(session: Session, programme: Programme) -> dict[str, str]:
    """Every expert's name by code, those no longer in the file included."""
    return dict(
        session.execute(
            select(ExpertRow.code, ExpertRow.name).where(ExpertRow.programme_id == programme.id)
        ).all()
    )
