"""What a coordinator watches besides the standings: a wave's Gantt, the heat map, the
outbox, the audit chain's check and a unit's full history, within the person's scope."""

import json
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import or_, select

from models.access.roles import Person, reaches
from models.kernel.database import read_session
from models.kernel.lookups import get_programme
from models.kernel.tables import AuditEvent, OutboxMessage, Unit
from models.phases.gantt import Chart, wave_chart
from models.phases.status import status_rows
from models.reminders.delivery import PENDING, SENDING, SENT
from services.kept_views import kept_per_head
from services.resources import read_database
from services.workspace import audit_head, checked_unit, database_url, parents_of

OUTBOX_STATES = ("waiting", "failed", "sent")
LISTED = 500  # rows a page lists; the Excel export has them all


@dataclass(frozen=True)
class Message:
    """One message of the outbox as the page lists it."""

    recipient: str
    day: date
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class HistoryLine:
    """One audit event about a unit (or one of its phases)."""

    seq: int
    at: datetime
    actor: str
    action: str
    phase: str
    details: str


def _scope(session, person: Person) -> tuple:
    programme = get_programme(session, person.programme)
    parents = parents_of(session, programme.id)
    return programme, {code for code in parents if reaches(person, code, parents)}


def waves_and_chart(*, person: Person, as_of: date, wave: str) -> tuple[tuple[str, ...], Chart]:
    """The programme's waves in scope, and the chosen one's chart (the first by default)."""
    with read_session(read_database()) as session:
        head = audit_head(session)
    return _chart(database_url(), person, as_of, wave, head)


@kept_per_head(maxsize=64)
def _chart(_url: str, person: Person, as_of: date, wave: str, _head: int):
    with read_session(read_database()) as session:
        programme, scope = _scope(session, person)
        rows = [r for r in status_rows(session, as_of, programme.code) if r.unit in scope]
    waves = tuple(dict.fromkeys(r.wave for r in rows))
    chosen = wave if wave in waves else (waves[0] if waves else "")
    return waves, wave_chart(rows, chosen, as_of)


def heatmap_svg(*, person: Person, as_of: date, language: str) -> bytes:
    """The heat map of the latest rated period (units in scope x indicators), as SVG."""
    with read_session(read_database()) as session:
        head = audit_head(session)
    return _heatmap(database_url(), person, as_of, language, head)


@kept_per_head(maxsize=16)
def _heatmap(_url: str, person: Person, as_of: date, language: str, _head: int) -> bytes:
    from adapters.figures import heatmap
    from models.assessment.summary import rated_period, summarise
    from models.kernel.problems import InputError, NotFoundError

    with read_session(read_database()) as session:
        programme, scope = _scope(session, person)
        try:
            summary = summarise(session, programme, rated_period(session, programme, None), as_of)
        except (InputError, NotFoundError):  # nothing rated yet: an empty map says so
            from models.phases.reconcile import programme_catalogue

            return heatmap(programme_catalogue(programme), {}, "svg", language)
    ratings = {unit: r for unit, r in summary.ratings.items() if unit in scope}
    return heatmap(summary.catalogue, ratings, "svg", language)


def outbox_messages(*, person: Person, state: str) -> tuple[int, list[Message]]:
    """The outbox's messages in a state (waiting, failed: waiting after an error, sent), newest
    first: how many in all, and the rows (all of them; pages show the first LISTED)."""
    with read_session(read_database()) as session:
        programme, scope = _scope(session, person)
        names = [f.name for f in fields(Message)]  # the table's columns of the same names
        columns = [getattr(OutboxMessage, name) for name in names]  # not the bodies
        query = select(*columns).where(OutboxMessage.programme_id == programme.id)
        if state == "sent":
            query = query.where(OutboxMessage.status == SENT)
        else:
            query = query.where(OutboxMessage.status.in_((PENDING, SENDING)))
            if state == "failed":
                query = query.where(OutboxMessage.last_error.is_not(None))
        if person.scope:  # a provincial coordinator sees the messages to its units
            emails = set(
                session.scalars(
                    select(Unit.email).where(
                        Unit.programme_id == programme.id, Unit.code.in_(scope)
                    )
                )
            )
            query = query.where(OutboxMessage.recipient.in_(emails - {None}))
        rows = [Message(*row) for row in session.execute(query.order_by(OutboxMessage.id.desc()))]
    return len(rows), rows


def chain_check() -> tuple[tuple[str, ...], int, str]:
    """`rollout audit verify` as the page shows it: problems, events, head. Computed on every
    visit: an event changed in place leaves the head as it was, so no cache may hide it."""
    from services.audit import check_chain

    found = check_chain(kept=[])
    return found.problems, found.events, found.head


def unit_history(*, person: Person, unit: str) -> tuple[str, str, list[HistoryLine]]:
    """Every audit event about a unit and its phases, oldest first: code, name, lines."""
    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
        subject = f"{programme.code}/{row.code}"
        events = session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.programme_code == programme.code,
                or_(AuditEvent.subject == subject, AuditEvent.subject.like(f"{subject}/%")),
            )
            .order_by(AuditEvent.seq)
        )
        lines = [
            HistoryLine(
                e.seq,
                e.at,
                e.actor,
                e.action,
                e.subject[len(subject) + 1 :],
                _details(e.payload),
            )
            for e in events
        ]
        return row.code, row.name, lines


def _details(payload: str) -> str:
    """An event's payload as one short line: 'key: value' pairs, long values cut."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload[:200]
    if not isinstance(data, dict):
        return str(data)[:200]
    parts = [f"{k}: {v}" for k, v in data.items() if v not in (None, "", [], {})]
    text = "; ".join(parts)
    return text if len(text) <= 240 else text[:239] + "…"
