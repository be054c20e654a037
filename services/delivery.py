"""Delivering a programme's outbox: claim, send, mark each message; failures recorded, never
raised, so a sweep can say exactly what went out and what still waits."""

import os
import smtplib
import socket
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from sqlalchemy import Engine, func, select, update

from adapters.channels import build_message, describe_failure, open_channel
from config.settings import Settings
from models.kernel.database import read_session, write_session
from models.kernel.lookups import get_programme
from models.kernel.tables import OutboxMessage
from models.reminders.delivery import PENDING, Outgoing, Sender, claim, mark_sent, release

CLAIM_GROUP = 50  # messages claimed per transaction
RETRY_DELAYS = (2, 10)  # seconds before the second and later passes over what failed


@dataclass(frozen=True)
class DeliveryResult:
    """What one delivery did: messages sent, messages left undelivered by a failure, why."""

    sent: int
    failed: int
    error: str | None


class _ChannelDown(Exception):
    """The channel cannot take more messages now (connection lost, server down, disk full)."""


def sender_name() -> str:
    """A name unique to this delivery: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid4().hex[:8]}"


def deliver_outbox(
    engine: Engine,
    programme_code: str,
    settings: Settings,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryResult:
    """Send what waits in the programme's outbox, retrying failures `delivery_retries` times."""
    with read_session(engine) as session:
        programme = get_programme(session, programme_code)
        programme_id, sender = programme.id, Sender.of(programme.coordinator)
    owner = sender_name()
    sent, error = 0, None
    for attempt in range(settings.delivery_retries + 1):
        if attempt:
            sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])
        done, failures, error = _one_pass(engine, programme_id, owner, settings, sender)
        sent += done
        if not failures:
            break
    with read_session(engine) as session:
        failed = session.scalar(
            select(func.count()).where(
                OutboxMessage.programme_id == programme_id,
                OutboxMessage.status == PENDING,
                OutboxMessage.last_error.is_not(None),
            )
        )
    return DeliveryResult(sent, failed, error if failed else None)


def _one_pass(
    engine: Engine, programme_id: int, owner: str, settings: Settings, sender: Sender
) -> tuple[int, int, str | None]:
    """Walk the outbox once in id order; returns (sent, failures, last error).

    A channel that resends identically (the file outbox) is marked a claimed group at a time,
    once the group's files are written; they are written while the next group is built, so
    a group is marked after the next one was handed over (and the last one at the end)."""
    lease = timedelta(seconds=settings.delivery_lease_seconds)
    margin = min(settings.smtp_timeout + 5, settings.delivery_lease_seconds / 2)
    sent = failures = 0
    error = None
    after = 0
    channel = None
    unmarked: list[tuple[int, str]] = []  # accepted by the channel, not yet marked sent

    def settle(still_writing: int) -> dict[int, BaseException]:
        """Mark what the channel finished (all but the last `still_writing`); give back, with
        the reason, what it could not finish."""
        nonlocal sent, failures, error, unmarked
        failed = channel.settle(still_writing)
        cut = len(unmarked) - still_writing
        done, unmarked = unmarked[:cut], unmarked[cut:]
        sent += _mark(engine, [a for a in done if a[0] not in failed], owner, channel.name)
        if failed:  # given back with the reason, even while another failure is raised
            failures += len(failed)
            error = describe_failure(next(iter(failed.values())), settings)
            _release(engine, list(failed), owner, error)
        return failed

    try:
        while True:
            with write_session(engine) as session:
                group = claim(
                    session, programme_id, owner, datetime.now(UTC), lease, after, CLAIM_GROUP
                )
            if not group:
                break
            deadline = time.monotonic() + settings.delivery_lease_seconds - margin
            if channel is None:
                channel = _open(engine, settings, group, owner)
            handed = len(unmarked)
            try:
                for index, message in enumerate(group):
                    if time.monotonic() > deadline:  # the lease would end mid-send: claim anew
                        _release(engine, [m.id for m in group[index:]], owner, None)
                        after = message.id - 1
                        break
                    after = message.id
                    try:
                        email = build_message(message, settings, sender)
                        unmarked.append((message.id, channel.send(message, email)))
                    except Exception as exc:  # any failure is the message's, recorded, not raised
                        failures += 1
                        error = describe_failure(exc, settings)
                        _release(engine, [message.id], owner, error)
                        if _channel_broken(exc):
                            _release(engine, [m.id for m in group[index + 1 :]], owner, error)
                            raise _ChannelDown(error) from None
                        continue
                    if not channel.resends_identically:  # mark each as soon as it is accepted
                        sent += _mark(engine, unmarked, owner, channel.name)
                        unmarked = []
                this_group = len(unmarked) - handed if channel.resends_identically else 0
            except BaseException:
                settle(0)
                raise
            failed = settle(this_group)
            if any(_channel_broken(exc) for exc in failed.values()):
                raise _ChannelDown(error)
        if channel is not None and unmarked:
            failed = settle(0)
            if any(_channel_broken(exc) for exc in failed.values()):
                raise _ChannelDown(error)
    except _ChannelDown as down:
        error = str(down)
        failures += 1
        if channel is not None and unmarked:
            settle(0)  # what was handed over before the channel went down is still marked
        _note_waiting(engine, programme_id, error)
    finally:
        if channel is not None:
            with suppress(Exception):  # closing a broken connection: nothing more to lose
                channel.__exit__(None, None, None)
    return sent, failures, error


def _mark(engine: Engine, accepted: list[tuple[int, str]], owner: str, channel: str) -> int:
    """Mark what the channel accepted as sent, in one transaction; how many."""
    if not accepted:
        return 0
    with engine.begin() as connection:
        mark_sent(connection, accepted, owner, channel, datetime.now(UTC))
    return len(accepted)


def _open(engine: Engine, settings: Settings, group: list[Outgoing], owner: str):
    """Open the channel, or give the group back with the reason."""
    try:
        return open_channel(settings).__enter__()
    except Exception as exc:  # refused, unreachable, TLS, login, a password it cannot encode
        error = describe_failure(exc, settings)
        _release(engine, [m.id for m in group], owner, error)
        raise _ChannelDown(error) from None


def _channel_broken(exc: Exception) -> bool:
    """Whether a failure ends this delivery (rather than only one message)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _release(engine: Engine, ids: list[int], owner: str, error: str | None) -> None:
    if ids:
        with write_session(engine) as session:
            release(session, ids, owner, error)


def _note_waiting(engine: Engine, programme_id: int, error: str) -> None:
    """Put the reason on every message left waiting, so `status` and `health` can say it."""
    with write_session(engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.programme_id == programme_id, OutboxMessage.status == PENDING)
            .values(last_error=error)
        )
