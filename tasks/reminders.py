"""Tasks of the reminder outbox: enqueue per batch, write digests, deliver."""

from datetime import UTC, date, datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import bindparam, update

from config.settings import get_settings
from models.database import read_session, write_session
from models.outbox import enqueue, pending_messages, save_messages, unsent_digests
from models.schedule import get_programme
from models.tables import OutboxMessage
from tasks.channels import build_message, open_channel
from tasks.rendering import render_text
from tasks.resources import database

SEND_GROUP = 100  # messages marked sent per transaction (at most this many resent after a crash)


class DeliveryError(Exception):
    """Some messages could not be delivered; they stay in the outbox for the next try."""


@task(
    name="enqueue-reminders",
    task_run_name="reminders-{programme_code}-batch-{index}",
    cache_policy=NO_CACHE,
)
def enqueue_batch(
    programme_code: str, index: int, unit_ids: list[int], as_of: date, recorded_at: datetime
) -> dict[str, int]:
    """Write the reminders due for one batch of units under their unique keys."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        return enqueue(session, programme, unit_ids, as_of, recorded_at)


def render_digest(digest: dict) -> tuple[str, str, str]:
    """Subject, text and HTML of a digest, in the programme's language."""
    lang = digest["language"]
    data = {k: v for k, v in digest.items() if k != "item_ids"}
    subject = render_text(f"email/reminder.{lang}.subject.j2", **data).strip()
    return (
        " ".join(subject.split()),
        render_text(f"email/reminder.{lang}.txt.j2", **data),
        render_text(f"email/reminder.{lang}.html.j2", **data),
    )


@task(name="write-digests", task_run_name="digests-{programme_code}", cache_policy=NO_CACHE)
def write_digests(programme_code: str, as_of: date, recorded_at: datetime) -> int:
    """Render one digest per recipient of every unsent item and store it, in one transaction."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        digests = unsent_digests(session, programme, as_of)
        rendered = [(d, *render_digest(d)) for d in digests.values()]
        return save_messages(session, programme, as_of, rendered, recorded_at)


@task(
    name="deliver-outbox",
    task_run_name="deliver-{programme_code}",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[2, 10],
)
def deliver(programme_code: str) -> dict[str, int]:
    """Send what the outbox holds; a failure is recorded on the message and retried later."""
    settings = get_settings()
    sent = failed = 0
    last_error = None
    with read_session(database()) as session:
        programme = get_programme(session, programme_code)
        reply_to = programme.coordinator.get("email")
        pending = pending_messages(session, programme, limit=100_000)
    if not pending:
        return {"sent": 0, "failed": 0}
    try:
        with open_channel(settings) as channel:
            for start in range(0, len(pending), SEND_GROUP):
                group = pending[start : start + SEND_GROUP]
                done = []
                for message in group:
                    try:
                        done.append(
                            (
                                message.id,
                                channel.send(message, build_message(message, settings, reply_to)),
                            )
                        )
                    except (OSError, ValueError) as exc:
                        failed += 1
                        last_error = _record_failure(message.id, exc)
                _mark_sent(done, channel.name)
                sent += len(done)
    except OSError as exc:  # the server is down or refuses: everything waits
        failed = len(pending) - sent
        last_error = _record_failure([m.id for m in pending[sent:]], exc)
    if failed:
        get_run_logger().error(
            "%d reminders not delivered (%s); kept for the next try", failed, last_error
        )
        raise DeliveryError(f"{failed} reminders not delivered: {last_error}")
    return {"sent": sent, "failed": 0}


def _mark_sent(done: list[tuple[int, str]], channel: str) -> None:
    if not done:
        return
    now = datetime.now(UTC)
    table = OutboxMessage.__table__
    with write_session(database()) as session:
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("message"))
            .values(
                status="sent",
                sent_at=now,
                channel=channel,
                attempts=table.c.attempts + 1,
                channel_message_id=bindparam("channel_id"),
                last_error=None,
            ),
            [{"message": m, "channel_id": c} for m, c in done],
        )


def _record_failure(ids: int | list[int], exc: Exception) -> str:
    error = f"{type(exc).__name__}: {exc}"[:500]
    ids = ids if isinstance(ids, list) else [ids]
    with write_session(database()) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(attempts=OutboxMessage.attempts + 1, last_error=error)
        )
    return error
