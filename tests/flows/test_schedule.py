"""The production layout end to end: a real Prefect server (own port, own home), the daily
deployment on a work pool, the server's scheduler creating its runs, a worker executing one,
that day's reminders in the outbox, and `rollout health` on a healthy and a broken setup.

Everything runs as real processes, as a province would start them (README, "Production").
"""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml

from adapters.prefect_runtime import wait_for_server
from bench.generate import generate
from models.kernel.calendar import WorkingCalendar
from tests.conftest import PG_SERVER, fresh_pg_database

pytestmark = pytest.mark.server

ROLLOUT = Path(sys.executable).with_name("rollout")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def programme_due_today(folder: Path) -> Path:
    """Forty units whose surveys opened four days ago: today they get the 10-day reminder.

    Every day around today is declared a working day, so the test holds on any weekday,
    weekend or holiday it runs.
    """
    today = datetime.now(ZONE).date()
    start = today - timedelta(days=4)
    path = generate(folder, start, provinces=2, communes=38, waves=1, draft_on_open=False)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cal = WorkingCalendar()
    days = [today + timedelta(days=n) for n in range(-40, 10)]
    data["calendar"] = {
        "working_days": [
            {"date": d.isoformat(), "reason": "test: every day works"}
            for d in days
            if not cal.is_working_day(d)
        ]
    }
    data["waves"][0]["start"] = start.isoformat()
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


class Service:
    """The processes of one installation, sharing ROLLOUT_HOME and the server's API URL."""

    def __init__(self, root: Path):
        self.port = free_port()
        self.api = f"http://127.0.0.1:{self.port}/api"
        self.home = root / "var"
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ROLLOUT_"))
        } | {
            "ROLLOUT_HOME": str(self.home),
            "ROLLOUT_PREFECT_API_URL": self.api,
            "ROLLOUT_ACTOR": "scheduler-test",
            "PREFECT_HOME": str(root / "prefect"),
            "PREFECT_WORKER_QUERY_SECONDS": "2",
        }
        self.processes: list[subprocess.Popen] = []

    def start(self, *args: str, log: str) -> subprocess.Popen:
        out = (self.home.parent / log).open("w")
        process = subprocess.Popen(
            [str(ROLLOUT), *args], env=self.env, stdout=out, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(ROLLOUT), *args],
            env=self.env | env,
            capture_output=True,
            text=True,
            timeout=180,
        )

    def post(self, path: str, body: dict) -> list | dict:
        response = httpx.post(f"{self.api}{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def runs(self, deployment_id: str) -> list[dict]:
        return self.post(
            "/flow_runs/filter",
            {"deployments": {"id": {"any_": [deployment_id]}}, "sort": "EXPECTED_START_TIME_ASC"},
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def service(tmp_path):
    service = Service(tmp_path)
    service.home.mkdir(parents=True)
    yield service
    service.stop()


@pytest.fixture
def production(service):
    """The production layout: PostgreSQL for the engine and for Prefect's own database."""
    with fresh_pg_database() as engine_db, fresh_pg_database() as prefect_db:
        service.env |= {
            "ROLLOUT_DATABASE_URL": f"{PG_SERVER}/{engine_db}",
            "PREFECT_API_DATABASE_CONNECTION_URL": (
                f"{PG_SERVER.replace('psycopg2', 'asyncpg')}/{prefect_db}"
            ),
        }
        yield service
        service.stop()  # before the databases are dropped


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
    (deployment,) = service.post("/deployments/filter", {})
    assert deployment["name"] == "daily-VN-NATIONAL"
    assert deployment["work_pool_name"] == "rollout"
    deadline = time.monotonic() + 60
    while not (runs := service.runs(deployment["id"])) and time.monotonic() < deadline:
        time.sleep(1)
    assert len(runs) >= 3, "the scheduler made no scheduled run"
    for run in runs:
        at = datetime.fromisoformat(run["expected_start_time"]).astimezone(ZONE)
        assert (at.hour, at.minute, at.weekday() < 5) == (7, 0, True), at
        assert run["state_type"] == "SCHEDULED"

    # Every minute instead, so that one run comes due within the test.
    redeployed = service.run("deploy", ROLLOUT_SWEEP_CRON="* * * * *")
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

    healthy = service.run("health")
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    for check in ("database", "last sweep", "outbox", "prefect", "deployment", "next run"):
        assert check in healthy.stdout
    assert "1 online in pool rollout" in healthy.stdout

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
