"""The reminder task: enqueue per batch, write the digests, deliver the outbox."""

from datetime import date, datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from adapters.rendering import render_digest
from config.settings import get_settings
from models.kernel.database import write_session
from models.kernel.lookups import get_programme
from models.reminders.outbox import enqueue, save_messages, unsent_digests
from services.delivery import deliver_outbox
from services.resources import database


@task(name="reminders", task_run_name="reminders-{programme_code}-{as_of}", cache_policy=NO_CACHE)
def send_due_reminders(
    programme_code: str, batches: list[list[int]], as_of: date, recorded_at: datetime
) -> dict:
    """Write the reminders due under their unique keys (a transaction per batch), render one
    digest per recipient (one transaction), then deliver the outbox; failures never raise."""
    new = 0
    for unit_ids in batches:
        with write_session(database()) as session:
            programme = get_programme(session, programme_code)
            new += enqueue(session, programme, unit_ids, as_of, recorded_at)["new"]
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        digests = unsent_digests(session, programme, as_of)
        rendered = [(d, *render_digest(d)) for d in digests.values()]
        written = save_messages(session, programme, as_of, rendered, recorded_at)
    delivered = deliver_outbox(database(), programme_code, get_settings())
    if delivered.failed:
        get_run_logger().warning(
            "%d reminders not delivered (%s); kept for the next try",
            delivered.failed,
            delivered.error,
        )
    return {
        "new": new,
        "messages": written,
        "sent": delivered.sent,
        "failed": delivered.failed,
        "error": delivered.error,
    }
