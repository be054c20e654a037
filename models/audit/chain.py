"""The audit trail: events chained by sha256 so a changed, deleted or inserted row shows."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models.kernel.database import execute_many
from models.kernel.tables import AuditEvent

GENESIS = "0" * 64


@dataclass
class Change:
    """A change of state waiting to be appended to the audit trail."""

    action: str
    subject: str
    payload: dict = field(default_factory=dict)
    programme_code: str | None = None


def canonical_json(value: object) -> str:
    """JSON with sorted keys and ISO dates, so the same content always hashes the same."""

    def default(o: object) -> str:
        if isinstance(o, date | datetime):
            return o.isoformat()
        raise TypeError(f"cannot put {type(o).__name__} in an audit payload")

    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=default)


def event_hash(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    programme_code: str | None,
    subject: str,
    payload: str,
) -> str:
    """The sha256 of an event's content and the hash of the event before it."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    body = canonical_json(
        [seq, at.isoformat(), actor, action, programme_code, subject, payload, prev_hash]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append_changes(session: Session, changes: list[Change], actor: str, at: datetime) -> int:
    """Append `changes` to the chain inside the caller's (write-locked) transaction."""
    if not changes:
        return 0
    at = at.astimezone(UTC)
    head = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (head[0], head[1]) if head else (0, GENESIS)
    rows = []
    for change in changes:
        seq += 1
        payload = canonical_json(change.payload)
        digest = event_hash(
            prev, seq, at, actor, change.action, change.programme_code, change.subject, payload
        )
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": change.action,
                "programme_code": change.programme_code,
                "subject": change.subject,
                "payload": payload,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    # At the driver's pace: a busy sweep appends thousands (the head read above flushed the
    # session, so nothing it holds comes after these).
    execute_many(session.connection(), AuditEvent.__table__.insert(), rows)
    return len(rows)


def verify_chain(session: Session) -> list[str]:
    """Recompute the chain; returns what is wrong (changed, deleted or inserted events)."""
    from models.kernel.tables import Programme

    problems: list[str] = []
    if session.scalars(select(AuditEvent.seq).limit(1)).first() is None and (
        session.scalars(select(Programme.code).limit(1)).first() is not None
    ):
        problems.append("no events at all although a programme is loaded: the trail was deleted")
    prev, expected_seq = GENESIS, 1
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        if event.seq != expected_seq:
            problems.append(f"events {expected_seq}..{event.seq - 1} are missing (deleted?)")
        if event.prev_hash != prev:
            problems.append(f"event {event.seq} does not follow the event before it")
        digest = event_hash(
            event.prev_hash,
            event.seq,
            event.at,
            event.actor,
            event.action,
            event.programme_code,
            event.subject,
            event.payload,
        )
        if digest != event.hash:
            problems.append(f"event {event.seq} ({event.action} {event.subject}) was changed")
        prev, expected_seq = event.hash, event.seq + 1
    return problems


@dataclass(frozen=True)
class KeptHead:
    """A head of the chain written down outside the database: event number and hash."""

    seq: int
    hash: str
    source: str  # where it was kept (a file and line, or the command line)


def verify_heads(session: Session, heads: list[KeptHead]) -> list[str]:
    """Each kept head must still be in the chain, unchanged: else the chain was cut short
    (events deleted from the end) or rewritten from that event on (a recomputed tail)."""
    problems = []
    for head in heads:
        found = session.scalars(select(AuditEvent.hash).where(AuditEvent.seq == head.seq)).first()
        if found is None:
            problems.append(
                f"event {head.seq}, whose hash {head.hash[:12]}… was kept ({head.source}), "
                "is gone: the chain was cut short"
            )
        elif found != head.hash:
            problems.append(
                f"event {head.seq} is not the one kept ({head.source}): the chain was rewritten "
                "from there on"
            )
    return problems


def chain_head(session: Session) -> tuple[int, str] | None:
    """The newest event's number and hash."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def parse_heads(text: str, source: str) -> tuple[list[KeptHead], list[str]]:
    """Heads from a heads file (lines `DATE SEQ HASH`, as the sweep writes them) or `SEQ:HASH`."""
    heads, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace(":", " ").split()
        if not parts or line.startswith("#"):
            continue
        try:
            seq, digest = int(parts[-2]), parts[-1]
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError
        except (ValueError, IndexError):
            problems.append(f"{source}:{number}: not a head (SEQ HASH); fix or remove the line")
            continue
        heads.append(KeptHead(seq, digest, f"{source}:{number}"))
    return heads, problems


def revisions_per_unit(session: Session, programme_code: str) -> dict[str, int]:
    """How many times the trail changed each unit of a programme (its plan, phases, facts):
    a number that only grows, for calendars to tell a newer version of an event."""
    from sqlalchemy import func

    counts: dict[str, int] = {}
    rows = session.execute(
        select(AuditEvent.subject, func.count())
        .where(AuditEvent.programme_code == programme_code)
        .group_by(AuditEvent.subject)
    )
    prefix = f"{programme_code}/"
    for subject, n in rows:
        if subject.startswith(prefix):
            unit = subject[len(prefix) :].split("/")[0]
            counts[unit] = counts.get(unit, 0) + n
    return counts
