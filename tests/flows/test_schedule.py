"""The production layout end to end: a real Prefect server (own port, own home), the daily
deployment on a work pool, the server's scheduler creating its runs, a worker executing one,
that day's reminders in the outbox, and `rollout health` on a healthy and a broken setup.

Everything runs as real processes, as a province would start them (README, "Production").
"""

import time
from datetime import datetime

import pytest

from adapters.prefect_runtime import wait_for_server
from tests.flows.production import ZONE, programme_due_today

pytestmark = pytest.mark.server


def test_the_scheduler_runs_the_daily_sweep_on_a_worker(production, tmp_path):
    service = production
    service.start("prefect-server", log="server.log")
    wait_for_server(service.api)
    programme = programme_due_today(tmp_path / "programme")
    init = service.run("init", str(programme))
    assert init.returncode == 0, init.stderr

    # The production schedule: 07:00 Monday-Friday in Asia/Ho_Chi_Minh.
    deployed = service.run("deploy")
    assert deployed.returncode == 0, deployed.stderr
    deployments = {d["name"]: d for d in service.post("/deployments/filter", {})}
    assert set(deployments) == {"daily-VN-NATIONAL", "parts"}
    deployment = deployments["daily-VN-NATIONAL"]
    assert deployment["work_pool_name"] == "rollout"
    assert deployments["parts"]["work_pool_name"] == "rollout-parts"
    deadline = time.monotonic() + 60
    while not (runs := service.runs(deployment["id"])) and time.monotonic() < deadline:
        time.sleep(1)
    assert len(runs) >= 3, "the scheduler made no scheduled run"
    for run in runs:
        at = datetime.fromisoformat(run["expected_start_time"]).astimezone(ZONE)
        assert (at.hour, at.minute, at.weekday() < 5) == (7, 0, True), at
        assert run["state_type"] == "SCHEDULED"

    # Every minute instead, so that one run comes due within the test, spread in two parts.
    redeployed = service.run("deploy", ROLLOUT_SWEEP_CRON="* * * * *", ROLLOUT_SWEEP_PARTS="2")
    assert redeployed.returncode == 0, redeployed.stderr
    service.start("worker", log="worker.log")
    deadline = time.monotonic() + 150
    done: list[dict] = []
    while not done and time.monotonic() < deadline:
        time.sleep(2)
        done = [r for r in service.runs(deployment["id"]) if r["state_type"] == "COMPLETED"]
        failed = [r for r in service.runs(deployment["id"]) if r["state_type"] == "FAILED"]
        assert not failed, (tmp_path / "worker.log").read_text()
    assert done, "no scheduled run completed:\n" + (tmp_path / "worker.log").read_text()[-3000:]
    day = datetime.fromisoformat(done[0]["expected_start_time"]).astimezone(ZONE).date()
    sent = list((service.home / "outbox" / day.isoformat()).glob("*.eml"))
    assert len(sent) == 40  # that day's reminder, one per unit
    # The sweep spread its two provinces over two part runs, on the parts' pool.
    # (A later minute's run may have started parts of its own by now: those may still run.)
    parts = [r for r in service.runs(deployments["parts"]["id"]) if r["state_type"] == "COMPLETED"]
    assert {r["name"] for r in parts} == {
        f"part-VN-NATIONAL-{day}-P00",
        f"part-VN-NATIONAL-{day}-P01",
    }
    assert all(r["parent_task_run_id"] for r in parts)  # each under the sweep that started it

    healthy = service.run("health")
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    for check in ("database", "last sweep", "outbox", "prefect", "deployment", "next run"):
        assert check in healthy.stdout
    assert "1 online in pool rollout " in healthy.stdout + " "
    assert "1 online in pool rollout-parts" in healthy.stdout

    service.stop()  # the server and the worker go away
    broken = service.run("health")
    assert broken.returncode == 6
    assert "unhealthy:" in broken.stderr and "prefect" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_health_names_what_is_wrong_without_a_server(service, tmp_path, prefect_api_url):
    env = {"ROLLOUT_PREFECT_API_URL": ""}
    missing = service.run("health", **env)
    assert missing.returncode == 6 and "database: empty" in missing.stderr
    programme = programme_due_today(tmp_path / "programme")
    loaded = service.run("init", str(programme), ROLLOUT_PREFECT_API_URL=prefect_api_url)
    assert loaded.returncode == 0, loaded.stderr
    result = service.run("health", **env)
    assert result.returncode == 6, result.stdout
    assert "no sweep has run yet" in result.stderr
    assert "no Prefect server configured" in result.stderr
    assert "Traceback" not in result.stderr
    assert "database:" not in result.stderr  # the schema is current
