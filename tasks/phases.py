"""Tasks that reconcile the phases for batches of units, and keep the record of a sweep."""

from datetime import UTC, date, datetime

from prefect import task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from adapters.prefect_runtime import artifact_key
from models.kernel.database import read_session, write_session
from models.kernel.lookups import find_unit, get_programme
from models.kernel.vocabulary import PHASES
from models.phases.reconcile import reconcile_phase
from models.phases.sweeps import record_sweep, sweep_table
from models.programme.file import phase_defaults
from services.advance import draft_opened_documents
from services.audit_heads import keep_head
from services.resources import actor, database


@task(
    name="reconcile-batch",
    task_run_name="reconcile-{programme_code}-batch-{index}",
    cache_policy=NO_CACHE,
    retries=2,
    retry_delay_seconds=[1, 5],
)
def reconcile_batch(
    programme_code: str,
    index: int,
    unit_ids: list[int],
    as_of: date,
    recorded_at: datetime,
    phases: tuple[str, ...] = PHASES,
) -> dict[str, dict[str, int]]:
    """Reconcile the phases in order for one batch (a transaction each), drafting for the units
    that opened one; counts per phase. A rerun after a failure changes nothing already done."""
    counts = {}
    for phase in phases:
        with write_session(database()) as session:
            programme = get_programme(session, programme_code)
            counts[phase] = reconcile_phase(
                session, programme, phase, unit_ids, as_of, actor(), recorded_at
            )
        # Also when none opened now: a run cut short after opening them drafts on its rerun.
        counts[phase]["drafted"] = draft_opened_documents(
            programme_code, phase, unit_ids, as_of, recorded_at
        )
    return counts


@task(name="record-sweep", task_run_name="record-{programme_code}-{as_of}", cache_policy=NO_CACHE)
def keep_sweep_record(
    programme_code: str, as_of: date, started_at: datetime, counts: dict, undelivered: int
) -> None:
    """Record that the sweep finished (what `rollout health` reads), keep the chain's head and
    show the day's counts per phase as a table in Prefect's UI."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        record_sweep(
            session, programme.id, as_of, started_at, datetime.now(UTC), counts, undelivered
        )
    keep_head(as_of)  # outside the database: what `audit verify --heads` checks against
    r = counts["reminders"]
    create_table_artifact(
        table=sweep_table(counts["phases"], phase_defaults()[2]),
        key=artifact_key("sweep", programme_code),
        description=(
            f"Quét {programme_code} ngày {as_of:%d/%m/%Y}: {r['new']} nhắc việc mới, "
            f"{r['messages']} thư, {r['sent']} đã gửi, {r['failed']} chưa gửi được"
        ),
    )


@task(name="find-unit", task_run_name="find-{unit_code}", cache_policy=NO_CACHE)
def find_unit_batch(programme_code: str, unit_code: str) -> list[int]:
    """The id of one unit of the programme, as a batch of one."""
    with read_session(database()) as session:
        programme = get_programme(session, programme_code)
        return [find_unit(session, programme, unit_code).id]
