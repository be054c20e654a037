"""Tasks of the reminder outbox: enqueue per batch, write digests, deliver."""

from datetime import date, datetime

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from adapters.rendering import render_digest
from config.settings import get_settings
from models.database import write_session
from models.outbox import enqueue, save_messages, unsent_digests
from models.schedule import get_programme
from services.delivery import DeliveryResult, deliver_outbox
from services.resources import database


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


@task(name="write-digests", task_run_name="digests-{programme_code}", cache_policy=NO_CACHE)
def write_digests(programme_code: str, as_of: date, recorded_at: datetime) -> int:
    """Render one digest per recipient of every unsent item and store it, in one transaction."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        digests = unsent_digests(session, programme, as_of)
        rendered = [(d, *render_digest(d)) for d in digests.values()]
        return save_messages(session, programme, as_of, rendered, recorded_at)


@task(name="deliver-outbox", task_run_name="deliver-{programme_code}", cache_policy=NO_CACHE)
def deliver(programme_code: str) -> DeliveryResult:
    """Send what the outbox holds; failures are recorded on the messages, never raised."""
    result = deliver_outbox(database(), programme_code, get_settings())
    if result.failed:
        get_run_logger().warning(
            "%d reminders not delivered (%s); kept for the next try", result.failed, result.error
        )
    return result
