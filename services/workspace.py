"""What a signed-in person sees of a unit (its phases, what each still needs, its evidence)
and hands in through the web: every read and write checks the person's scope first."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from config.settings import get_settings
from models.access.roles import Person, may_change, reaches
from models.kernel.database import read_session
from models.kernel.lookups import get_programme
from models.kernel.problems import NotFoundError
from models.kernel.tables import AuditEvent, Evidence, PhaseRun, Unit
from models.kernel.vocabulary import PHASES
from models.phases.completion import parse_requirements
from models.phases.status import StatusRow, status_rows
from models.programme.store import programme_steps
from services.kept_views import kept_per_head
from services.records import Recorded, record
from services.resources import acting_as, read_database


class OutOfScopeError(NotFoundError):
    """The unit is not one the person may see (answered like an unknown unit: nothing leaks)."""


@dataclass(frozen=True)
class PhaseView:
    """One phase of a unit as its page shows it."""

    row: StatusRow
    needs_vi: tuple[str, ...]
    needs_en: tuple[str, ...]
    evidence: tuple[tuple[str, str, date], ...]  # (kind, file name or decision number, dated)


@dataclass(frozen=True)
class UnitView:
    """A unit's page: who it is and its five phases."""

    code: str
    name: str
    parent: str | None
    phases: tuple[PhaseView, ...]


def database_url() -> str:
    """The database the views are read from: part of every cached view's key."""
    return get_settings().engine_url


def audit_head(session) -> int:
    """The audit chain's last sequence number: it grows with every change of state, so a
    view computed at one head holds until the next."""
    return session.scalar(select(func.max(AuditEvent.seq))) or 0


def parents_of(session, programme_id: int) -> dict[str, str | None]:
    """Every unit's parent code in a programme, for scope checks (read once per head)."""
    return _parents(database_url(), programme_id, audit_head(session))


@kept_per_head(maxsize=8)
def _parents(url: str, programme_id: int, _head: int) -> dict[str, str | None]:
    with read_session(read_database()) as session:
        return dict(
            session.execute(
                select(Unit.code, Unit.parent_code).where(Unit.programme_id == programme_id)
            ).all()
        )


def units_in_scope(*, person: Person) -> list[tuple[str, str]]:
    """The planned units the person may see: (code, name), by code."""
    with read_session(read_database()) as session:
        programme = get_programme(session, person.programme)
        parents = parents_of(session, programme.id)
        rows = session.execute(
            select(Unit.code, Unit.name)
            .where(Unit.programme_id == programme.id, Unit.in_roster, Unit.wave_id.is_not(None))
            .order_by(Unit.code)
        )
        return [(c, n) for c, n in rows if reaches(person, c, parents)]


def checked_unit(session, person: Person, code: str) -> tuple:
    programme = get_programme(session, person.programme)
    unit = session.scalar(select(Unit).where(Unit.programme_id == programme.id, Unit.code == code))
    if unit is None or not reaches(person, unit.code, parents_of(session, programme.id)):
        raise OutOfScopeError(f"no unit {code!r} for {person.email}")
    return programme, unit


def unit_view(*, person: Person, unit: str, as_of: date) -> UnitView:
    """A unit's phases as of a day, with what each still needs and what was handed in
    (computed once per state of the audit chain)."""
    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
        head = audit_head(session)
    return unit_view_at_head(database_url(), programme.code, row.code, as_of, head)


@kept_per_head(maxsize=512)
def unit_view_at_head(
    _url: str, programme_code: str, unit: str, as_of: date, _head: int
) -> UnitView:
    """A unit's view as the audit chain stood at `_head` (cached: the head names the state)."""
    with read_session(read_database()) as session:
        programme = get_programme(session, programme_code)
        row = session.scalar(
            select(Unit).where(Unit.programme_id == programme.id, Unit.code == unit)
        )
        steps = programme_steps(programme)
        rows = status_rows(session, as_of, programme.code, row.code)
        handed = session.execute(
            select(
                PhaseRun.phase,
                Evidence.kind,
                Evidence.original_name,
                Evidence.decision_number,
                Evidence.dated,
            )
            .join(PhaseRun, PhaseRun.id == Evidence.phase_run_id)
            .where(PhaseRun.unit_id == row.id, Evidence.void.is_(False))
            .order_by(Evidence.dated, Evidence.id)
        ).all()
        phases = []
        for status in rows:
            requirements = parse_requirements(list(steps[PHASES.index(status.phase)].completion))
            phases.append(
                PhaseView(
                    status,
                    tuple(r.describe_vi() for r in requirements),
                    tuple(r.describe() for r in requirements),
                    tuple(
                        (h.kind, h.original_name or h.decision_number or "", h.dated)
                        for h in handed
                        if h.phase == status.phase
                    ),
                )
            )
        return UnitView(row.code, row.name, row.parent_code, tuple(phases))


def may_hand_in(person: Person, unit: str) -> None:
    """OutOfScopeError unless the person's role may hand in or change a unit's work."""
    if not may_change(person, "submit"):
        raise OutOfScopeError(f"{person.email} ({person.role}) cannot hand in for {unit}")


def hand_in(
    *,
    person: Person,
    unit: str,
    phase: str,
    as_of: date,
    file: Path | None = None,
    decision: str | None = None,
    kind: str | None = None,
    on: date | None = None,
    signer: str | None = None,
    attendees: int | None = None,
) -> Recorded:
    """A unit's file or decision, recorded under the signed-in person, then the unit moved on."""
    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
    may_hand_in(person, row.code)
    with acting_as(person.actor):
        return record(
            programme=programme.code,
            unit=row.code,
            phase=phase,
            as_of=as_of,
            evidence=file,
            decision=decision,
            kind=kind,
            on=on,
            by=person.actor,
            signer=signer,
            attendees=attendees,
        )
