"""Tasks that reconcile phases for batches of units."""

from datetime import date, datetime

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import select

from models.database import read_session, write_session
from models.problems import NotFoundError
from models.reconcile import reconcile_phase
from models.schedule import get_programme
from models.tables import Unit
from tasks.resources import actor, database


@task(
    name="reconcile-batch",
    task_run_name="{phase}-{programme_code}-batch-{index}",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
)
def reconcile_batch(
    programme_code: str,
    phase: str,
    index: int,
    unit_ids: list[int],
    as_of: date,
    recorded_at: datetime,
) -> dict[str, int]:
    """Open, close and mark overdue one phase for one batch of units, in one transaction."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        return reconcile_phase(session, programme, phase, unit_ids, as_of, actor(), recorded_at)


@task(name="find-unit", task_run_name="find-{unit_code}", cache_policy=NO_CACHE)
def find_unit(programme_code: str, unit_code: str) -> list[int]:
    """The id of one unit of the programme, as a batch of one."""
    with read_session(database()) as session:
        programme = get_programme(session, programme_code)
        unit_id = session.scalars(
            select(Unit.id).where(Unit.programme_id == programme.id, Unit.code == unit_code)
        ).first()
    if unit_id is None:
        raise NotFoundError(f"no unit {unit_code!r} in programme {programme_code}")
    return [unit_id]
