"""The plan flows under Prefect's test harness: results, runs per batch, artifacts."""

import re
import time
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from config.settings import get_settings
from models.kernel.database import make_engine
from models.kernel.tables import PhaseRun

pytestmark = pytest.mark.usefixtures("prefect_harness")


_DEFAULT_NAME = re.compile(r"-[0-9a-f]{3}$")


def task_run_names(flow_run_id, expected: int) -> list[str]:
    """Names of a flow run's task runs, once the server's batched recorder has stored them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        for _ in range(60):
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])), limit=50
            )
            # The server's batched recorder may first store a run under Prefect's default name
            # ("publish-plan-3f3") and its own name a moment later: wait for both.
            if len(runs) >= expected and not any(_DEFAULT_NAME.search(r.name) for r in runs):
                break
            time.sleep(0.5)
    return sorted(r.name for r in runs)


def test_init_programme_stores_plans_and_publishes(home, programme_dir, monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
        FlowRunFilter,
        FlowRunFilterParentFlowRunId,
    )

    from flows.plan import init_programme

    monkeypatch.setenv("ROLLOUT_BATCH_SIZE", "5")
    get_settings.cache_clear()
    state = init_programme(str(programme_dir[0]), date(2023, 5, 15), return_state=True)
    result = state.result()
    assert result["stored"]["added"] == 13
    assert result["planned"] == {"planned": 12, "replanned": 0, "rebaselined": 0, "unchanged": 0}
    with Session(make_engine(get_settings().engine_url)) as session:
        assert session.scalar(select(func.count()).select_from(PhaseRun)) == 60

    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(state.state_details.flow_run_id)
        assert flow_run.name == "init-haiphong-2023-pilot"
        (plan_run,) = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run.id])
            ),
            limit=5,
        )
        artifacts = client.read_artifacts(  # this run's: other tests publish under the key too
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["plan-hp-2023-pilot"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[plan_run.id]),
            ),
            limit=5,
        )
    assert plan_run.name == "plan-HP-2023-PILOT-as-of-2023-05-15"
    # 12 units in batches of 5: three plan task runs, not twelve.
    assert task_run_names(plan_run.id, expected=5) == [
        "batches-HP-2023-PILOT",
        "plan-HP-2023-PILOT-batch-1",
        "plan-HP-2023-PILOT-batch-2",
        "plan-HP-2023-PILOT-batch-3",
        "publish-HP-2023-PILOT",
    ]
    markdown = artifacts[0].data
    assert "Đợt 2 - UBND phường, xã" in markdown and "16/08/2023" in markdown


def test_plan_programme_twice_changes_nothing(home, programme_dir):
    from flows.plan import init_programme, plan_programme

    init_programme(str(programme_dir[0]), date(2023, 5, 15))
    counts = plan_programme("HP-2023-PILOT", date(2023, 5, 16))
    assert counts == {"planned": 0, "replanned": 0, "rebaselined": 0, "unchanged": 12}
