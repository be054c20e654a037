"""An installation as a province runs it, for the tests of the production layout: the server,
workers and commands as real processes sharing ROLLOUT_HOME and the server's API URL."""

import contextlib
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import yaml

from bench.generate import generate
from bench.ports import free_port
from models.kernel.calendar import WorkingCalendar

ROLLOUT = Path(sys.executable).with_name("rollout")
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def programme_due_today(folder: Path, provinces: int = 2) -> Path:
    """Forty units whose surveys opened four days ago: today they get the 10-day reminder.

    Every day around today is declared a working day, so the test holds on any weekday,
    weekend or holiday it runs.
    """
    today = datetime.now(ZONE).date()
    start = today - timedelta(days=4)
    path = generate(
        folder, start, provinces=provinces, communes=40 - provinces, waves=1, draft_on_open=False
    )
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

    def start(self, *args: str, log: str, **env: str) -> subprocess.Popen:
        out = (self.home.parent / log).open("w")
        process = subprocess.Popen(
            [str(ROLLOUT), *args], env=self.env | env, stdout=out, stderr=subprocess.STDOUT
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


def kill_with_descendants(pid: int) -> list[int]:
    """SIGKILL a process and every process under it, as a machine that goes away would leave
    them (a worker's flow runs may sit in sessions of their own); the pids killed."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    doomed, todo = [], [pid]
    while todo:
        current = todo.pop()
        doomed.append(current)
        todo += children.get(current, [])
    for victim in doomed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
    return doomed
