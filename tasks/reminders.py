"""The reminder task: enqueue per batch, write the digests, deliver the outbox."""

from datetime import date, datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from adapters.rendering import render_digest
from config.settings import get_settings
from models.experts.reminders import KIND, ExpertDigests, expert_digests, mark_reminded
from models.kernel.database import write_session
from models.kernel.lookups import get_programme
from models.programme.store import programme_calendar
from models.reminders.digests import unsent_digest_groups
from models.reminders.outbox import enqueue, programme_policy, save_messages
from services.delivery import deliver_outbox
from services.resources import database, old_objects_set_aside

DIGESTS_AT_ONCE = 250  # recipients whose digests are composed, rendered and stored together


def _enqueue(
    programme_code: str, batches: list[list[int]], as_of: date, recorded_at: datetime
) -> int:
    """The reminders due for these batches' units, written a transaction per batch; how many."""
    new = 0
    for unit_ids in batches:
        with write_session(database()) as session:
            programme = get_programme(session, programme_code)
            new += enqueue(session, programme, unit_ids, as_of, recorded_at)["new"]
    return new


@task(name="enqueue", task_run_name="enqueue-{programme_code}-{as_of}", cache_policy=NO_CACHE)
def enqueue_reminders(
    programme_code: str, batches: list[list[int]], as_of: date, recorded_at: datetime
) -> int:
    """Write the reminders due for these batches' units (a part of a spread sweep); how many."""
    return _enqueue(programme_code, batches, as_of, recorded_at)


def _write_digests(
    programme_code: str, as_of: date, recorded_at: datetime
) -> tuple[int, ExpertDigests]:
    """Render and store a digest per recipient and per expert with sessions coming (one
    transaction); how many, and the experts' reminders."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        written = 0
        for digests in unsent_digest_groups(session, programme, as_of, DIGESTS_AT_ONCE):
            rendered = [(d, *render_digest(d)) for d in digests.values()]
            written += save_messages(session, programme, as_of, rendered, recorded_at)
        cal = programme_calendar(session, programme.id)
        experts = expert_digests(session, programme, programme_policy(programme), as_of, cal)
        rendered = [(d, *render_digest(d, KIND)) for d in experts.digests]
        written += save_messages(session, programme, as_of, rendered, recorded_at)
        mark_reminded(session, experts.reminded)
    return written, experts


@task(name="reminders", task_run_name="reminders-{programme_code}-{as_of}", cache_policy=NO_CACHE)
def send_due_reminders(
    programme_code: str,
    batches: list[list[int]],
    as_of: date,
    recorded_at: datetime,
    enqueued: int = 0,
) -> dict:
    """Write the reminders due (a transaction per batch; `enqueued` were written by the parts
    of a spread sweep), render a digest per recipient and per expert with sessions coming (one
    transaction), deliver the outbox; never raises."""
    with old_objects_set_aside():
        new = _enqueue(programme_code, batches, as_of, recorded_at)
        written, experts = _write_digests(programme_code, as_of, recorded_at)
        delivered = deliver_outbox(database(), programme_code, get_settings())
    if experts.without_email:
        get_run_logger().warning(
            "experts without an e-mail were not reminded of their sessions: %s",
            ", ".join(experts.without_email),
        )
    if delivered.failed:
        get_run_logger().warning(
            "%d reminders not delivered (%s); kept for the next try",
            delivered.failed,
            delivered.error,
        )
    return {
        "new": new + enqueued,
        "messages": written,
        "expert_messages": len(experts.digests),
        "sent": delivered.sent,
        "failed": delivered.failed,
        "error": delivered.error,
    }
