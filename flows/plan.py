"""Flows that load a programme and plan its units."""

from datetime import UTC, date, datetime
from pathlib import Path

from prefect import flow
from prefect.runtime import flow_run

from tasks.planning import find_unit_batches, plan_batch, publish_plan
from tasks.programme import persist_programme, validate_programme


@flow(name="plan-programme", flow_run_name="plan-{programme_code}-as-of-{as_of}")
def plan_programme(
    programme_code: str,
    as_of: date,
    rebaseline: bool = False,
    recorded_at: datetime | None = None,
) -> dict[str, int]:
    """Plan every unit of a stored programme in batches, then publish the plan."""
    recorded_at = recorded_at or datetime.now(UTC)
    counts = {"planned": 0, "replanned": 0, "rebaselined": 0, "unchanged": 0}
    for index, unit_ids in enumerate(find_unit_batches(programme_code), start=1):
        for key, n in plan_batch(programme_code, index, unit_ids, recorded_at, rebaseline).items():
            counts[key] += n
    publish_plan(programme_code, as_of, counts, recorded_at)
    return counts


def _init_run_name() -> str:
    return f"init-{Path(flow_run.parameters['programme_file']).stem}"


@flow(name="init-programme", flow_run_name=_init_run_name)
def init_programme(
    programme_file: str,
    as_of: date,
    recorded_at: datetime | None = None,
) -> dict:
    """Load a programme file and its roster, store them, and plan every unit."""
    recorded_at = recorded_at or datetime.now(UTC)
    spec = validate_programme(programme_file)
    stored = persist_programme(spec, recorded_at)
    planned = plan_programme(spec.code, as_of, recorded_at=recorded_at)
    return {"stored": stored, "planned": planned}
