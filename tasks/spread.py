"""Tasks that spread a sweep over the workers: find its parts (whole provinces), start a flow
run per part on the parts' work pool, wait for them, and keep each part's counts."""

import time
from datetime import date, datetime

from prefect import runtime, task
from prefect.cache_policies import NO_CACHE

from config.settings import get_settings
from models.kernel.database import read_session, write_session
from models.kernel.lookups import get_programme
from models.phases.parts import keep_part, part_batches, part_counts, sweep_parts
from services.resources import database

PART_DEPLOYMENT = "sweep-part/parts"  # the flow `sweep-part`, deployed as `parts`
POLL_SECONDS = 1.0


class PartsFailedError(Exception):
    """A part of a spread sweep did not complete (failed, crashed, cancelled or too late)."""


@task(name="find-sweep-parts", task_run_name="parts-{programme_code}", cache_policy=NO_CACHE)
def find_sweep_parts(programme_code: str, parts: int) -> list[dict]:
    """The programme's provinces in at most `parts` parts of about equal size."""
    with read_session(database()) as session:
        programme = get_programme(session, programme_code)
        found = sweep_parts(session, programme, parts)
    return [{"provinces": list(p.provinces), "label": p.label, "units": p.units} for p in found]


@task(name="find-part-batches", task_run_name="batches-{programme_code}", cache_policy=NO_CACHE)
def find_part_batches(programme_code: str, provinces: list[str]) -> list[list[int]]:
    """The units of these provinces that are in a wave, in batches of ROLLOUT_BATCH_SIZE."""
    with read_session(database()) as session:
        programme = get_programme(session, programme_code)
        return part_batches(session, programme, provinces, get_settings().batch_size)


@task(name="start-parts", task_run_name="start-{programme_code}-{as_of}", cache_policy=NO_CACHE)
def start_parts(
    programme_code: str, parts: list[dict], as_of: date, recorded_at: datetime
) -> list[dict]:
    """A flow run of `sweep-part` per part, scheduled now on the parts' pool; returns each
    part's key (under which it keeps its counts) and flow run id. Nothing waits here."""
    from prefect.deployments import run_deployment

    _cancel_leftovers(programme_code, as_of)
    sweep = runtime.flow_run.id or "local"
    started = []
    for index, part in enumerate(parts, start=1):
        key = f"{sweep}-{index}"
        run = run_deployment(
            PART_DEPLOYMENT,
            parameters={
                "programme_code": programme_code,
                "provinces": part["provinces"],
                "as_of": as_of,
                "recorded_at": recorded_at,
                "key": key,
                "label": part["label"],
            },
            timeout=0,
            as_subflow=True,
            idempotency_key=key,
        )
        started.append({"key": key, "flow_run_id": str(run.id), "label": part["label"]})
    return started


def _cancel_leftovers(programme_code: str, as_of: date) -> None:
    """Cancel the parts of this day that an earlier sweep started and no worker has taken yet
    (that sweep's worker was lost): this sweep does their work. A part already running is left
    to finish; running beside this sweep's parts changes nothing, as every step is idempotent
    and writes one transaction at a time."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterName,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Cancelled

    name = PART_DEPLOYMENT.split("/")[1]
    with get_client(sync_client=True) as client:
        leftovers = client.read_flow_runs(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[name])),
            flow_run_filter=FlowRunFilter(
                name=FlowRunFilterName(like_=f"part-{programme_code}-{as_of}-"),
                state=FlowRunFilterState(
                    type=FlowRunFilterStateType(any_=[StateType.SCHEDULED, StateType.PENDING])
                ),
            ),
        )
        for run in leftovers:
            client.set_flow_run_state(
                run.id, Cancelled(message="superseded by a rerun of the sweep"), force=True
            )


@task(name="wait-for-parts", task_run_name="wait-{programme_code}", cache_policy=NO_CACHE)
def wait_for_parts(programme_code: str, started: list[dict]) -> list[dict]:
    """Wait until every part's flow run has ended; their counts, or PartsFailedError naming
    the parts that did not complete (after waiting for all, or ROLLOUT_SWEEP_PART_MINUTES)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    ids = [s["flow_run_id"] for s in started]
    deadline = time.monotonic() + get_settings().sweep_part_minutes * 60
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids))
            )
            if all(r.state and r.state.is_final() for r in runs) and len(runs) == len(ids):
                break
            if time.monotonic() > deadline:
                break
            time.sleep(POLL_SECONDS)
    state_of = {str(r.id): r.state for r in runs}
    with read_session(database()) as session:
        counts = part_counts(session, [s["key"] for s in started])
    missing = [
        f"{s['label']} ({_state_name(state_of.get(s['flow_run_id']))})"
        for s in started
        if s["key"] not in counts
    ]
    if missing:
        raise PartsFailedError(
            f"{len(missing)} of {len(started)} parts of the sweep did not complete: "
            + ", ".join(missing)
            + "; what they did is kept, and a rerun of the sweep finishes the rest"
        )
    return [counts[s["key"]] for s in started]


def _state_name(state) -> str:
    return state.name if state else "not found"


@task(name="keep-part", task_run_name="keep-{key}", cache_policy=NO_CACHE)
def keep_part_counts(
    programme_code: str, key: str, as_of: date, provinces: list[str], counts: dict
) -> None:
    """Keep what this part did, for the sweep that started it to read."""
    with write_session(database()) as session:
        keep_part(session, get_programme(session, programme_code), key, as_of, provinces, counts)
