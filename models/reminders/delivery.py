"""Claiming outbox messages for delivery: one sender per message, under a lease.

A sender claims a group of messages (pending -> sending, with its name and a lease) inside the
write lock, sends them one by one and marks each sent as soon as the channel accepted it. Two
senders never hold the same message; a sender that dies leaves its claims to expire, and the
next delivery takes them again. So a message is sent twice only when a sender died between the
channel's acceptance and the mark: at most the one message it had in flight.

A channel whose resend rewrites the very same bytes in the same place (the file outbox: a
message's file is named by its key and its bytes are fixed by the message) cannot send a message
twice, so its sends are marked a claimed group at a time, one commit instead of one a message.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update
from sqlmodel import Session

from models.kernel.tables import OutboxBody, OutboxMessage

PENDING, SENDING, SENT = "pending", "sending", "sent"


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs of one claimed message (detached from any session)."""

    id: int
    key: str
    recipient: str
    day: object
    subject: str
    body_text: str
    body_html: str
    created_at: datetime


@dataclass(frozen=True)
class Sender:
    """Whom a programme's reminders come from (its coordinating office) and where replies go."""

    name: str
    reply_to: str | None

    @classmethod
    def of(cls, coordinator: dict) -> "Sender":
        """The sender named in a programme's `coordinator:` block: the office of the agency."""
        office, agency = coordinator.get("office"), coordinator["agency"]
        return cls(f"{office} - {agency}" if office else agency, coordinator.get("email"))


def claim(
    session: Session,
    programme_id: int,
    owner: str,
    now: datetime,
    lease: timedelta,
    after_id: int,
    limit: int,
) -> list[Outgoing]:
    """Claim up to `limit` messages with ids above `after_id`: pending, or claimed by a
    sender whose lease has ended. Call inside a write session (writers are serialised)."""
    claimable = or_(
        OutboxMessage.status == PENDING,
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now),
    )
    rows = session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.key,
            OutboxMessage.recipient,
            OutboxMessage.day,
            OutboxMessage.subject,
            OutboxBody.body_text,
            OutboxBody.body_html,
            OutboxMessage.created_at,
        )
        .join(OutboxBody, OutboxBody.message_id == OutboxMessage.id)
        .where(OutboxMessage.programme_id == programme_id, OutboxMessage.id > after_id, claimable)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    taken = [Outgoing(*row) for row in rows]
    if taken:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([m.id for m in taken]))
            .values(status=SENDING, claimed_by=owner, claimed_until=now + lease)
            .execution_options(synchronize_session=False)
        )
    return taken


_TABLE = OutboxMessage.__table__
# One statement, compiled once and cached: marking runs once per message sent.
_MARK_SENT = (
    update(_TABLE)
    .where(
        _TABLE.c.id == bindparam("message"),
        _TABLE.c.claimed_by == bindparam("owner"),
        _TABLE.c.status == SENDING,
    )
    .values(
        status=SENT,
        sent_at=bindparam("now"),
        channel=bindparam("channel"),
        channel_message_id=bindparam("channel_id"),
        attempts=_TABLE.c.attempts + 1,
        last_error=None,
        claimed_until=None,
    )
)


def mark_sent(
    connection: Connection,
    accepted: list[tuple[int, str]],
    owner: str,
    channel: str,
    now: datetime,
) -> None:
    """Record that the channel accepted these (message id, channel id) while this sender held
    them; a message whose claim another sender has taken since is left to that sender. One
    statement, executed for each row: updates outside the audit chain, so they need no
    programme-wide write lock."""
    if accepted:
        rows = [
            {"message": message, "owner": owner, "now": now, "channel": channel, "channel_id": cid}
            for message, cid in accepted
        ]
        connection.execute(_MARK_SENT, rows)


def release(session: Session, message_ids: list[int], owner: str, error: str | None) -> None:
    """Give claimed messages back (pending again); with an error, count a failed attempt."""
    if not message_ids:
        return
    values: dict = {"status": PENDING, "claimed_by": None, "claimed_until": None}
    if error is not None:
        values |= {"attempts": OutboxMessage.attempts + 1, "last_error": error[:500]}
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(message_ids),
            OutboxMessage.claimed_by == owner,
            OutboxMessage.status == SENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class Backlog:
    """Messages of a programme not yet sent: how many, the oldest, and the last error."""

    waiting: int
    oldest: datetime | None
    last_error: str | None


def backlog(session: Session, programme_id: int) -> Backlog:
    """What waits in a programme's outbox (pending or being sent)."""
    unsent = OutboxMessage.status.in_((PENDING, SENDING))  # the status index serves it
    waiting, oldest = session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.programme_id == programme_id, unsent
        )
    ).one()
    error = session.scalar(
        select(OutboxMessage.last_error)
        .where(
            OutboxMessage.programme_id == programme_id,
            unsent,
            OutboxMessage.last_error.is_not(None),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    if oldest is not None and oldest.tzinfo is None:  # SQLite keeps UTC without an offset
        oldest = oldest.replace(tzinfo=UTC)
    return Backlog(waiting, oldest, error)
