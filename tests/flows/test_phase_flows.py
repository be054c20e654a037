"""Phase flows under Prefect's harness: runs per phase and batch, idempotent sweeps."""

import json
from datetime import date

import pytest

from config.settings import get_settings
from tests.flows.test_plan_flows import task_run_names

pytestmark = pytest.mark.usefixtures("prefect_harness")


def child_runs(parent_id):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id])
            ),
            limit=20,
        )


def test_daily_sweep_is_one_flow_run_with_a_task_run_per_batch(home, programme_dir, monkeypatch):
    from flows.phases import daily_sweep
    from flows.plan import init_programme

    monkeypatch.setenv("ROLLOUT_BATCH_SIZE", "5")
    get_settings.cache_clear()
    init_programme(str(programme_dir[0]), date(2023, 3, 1))
    state = daily_sweep("HP-2023-PILOT", date(2023, 3, 27), return_state=True)
    counts = state.result()["phases"]
    # Wave 1 (from 06/03) opens and is past due on 24/03; wave 2 (from 20/03) opens.
    assert counts["survey"] == {
        "opened": 12,
        "closed": 0,
        "overdue": 6,
        "unchanged": 0,
        "drafted": 36,
    }  # three survey documents drafted for each unit that opened it
    assert child_runs(state.state_details.flow_run_id) == []  # no subflow: 0.2-0.4 s each
    code = "HP-2023-PILOT"
    assert task_run_names(state.state_details.flow_run_id, expected=6) == sorted(
        [f"batches-{code}", f"reminders-{code}-2023-03-27", f"record-{code}-2023-03-27"]
        + [f"reconcile-{code}-batch-{i}" for i in (1, 2, 3)]
    )  # a task run per batch of units (its five phases in order), not per unit or phase
    # The coordinator sees in Prefect's UI what the day's sweep opened, closed and drafted.
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["sweep-hp-2023-pilot"]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
            ),
            limit=5,
        )
    rows = json.loads(artifact.data)  # a table artifact keeps its rows as JSON text
    survey, *_, total = rows
    assert survey == {
        "Giai đoạn": "Chuẩn bị và khảo sát thông tin sơ bộ",
        "Mở": 12,
        "Hoàn thành": 0,
        "Quá hạn": 6,
        "Văn bản soạn": 36,
    }
    assert len(rows) == 6 and total["Giai đoạn"] == "Tổng" and total["Mở"] == 12
    assert artifact.description.startswith("Quét HP-2023-PILOT ngày 27/03/2023: ")
    again = daily_sweep("HP-2023-PILOT", date(2023, 3, 27))
    assert all(c["opened"] == c["closed"] == c["overdue"] == 0 for c in again["phases"].values())


def test_one_phase_runs_alone(home, programme_dir):
    from flows.phases import phase_flow
    from flows.plan import init_programme

    init_programme(str(programme_dir[0]), date(2023, 3, 1))
    state = phase_flow("HP-2023-PILOT", "survey", date(2023, 3, 6), return_state=True)
    assert state.result()["opened"] == 6
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run.name == "survey-HP-2023-PILOT-2023-03-06"  # named per phase in Prefect's UI
