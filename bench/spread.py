"""The national busy sweep spread over workers (`make bench-spread`; `python -m bench.spread N`
for N parts, default 4).

On PostgreSQL with a Prefect server (both on this machine, the server's own database on
PostgreSQL too), the same busy day three times, each from the same fresh state: in one
process (the sweep as `rollout sweep` runs it), then spread into ROLLOUT_SWEEP_PARTS parts
over one and over two `rollout worker` processes (one part at a time each). For each: wall
time, the flow and task runs the server recorded against those the sweep made, and whether
the server dropped events. Needs the local PostgreSQL (ROLLOUT_BENCH_PG to point elsewhere).
"""

import math
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from bench.ports import free_port

RUNS = (("in one process", 0), ("spread, 1 worker", 1), ("spread, 2 workers", 2))
PARTS = int(sys.argv[1]) if len(sys.argv) > 1 else 4
DROPPED = ("Subscription queue is full", "dropped")
ROLLOUT = Path(sys.executable).with_name("rollout")


def main() -> None:
    """Start the server, then time the busy sweep in each layout and print the figures."""
    pg = os.environ.get("ROLLOUT_BENCH_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432")
    scratch = Path(tempfile.mkdtemp(prefix="rollout-spread-"))
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    with _database(pg) as prefect_db:
        os.environ |= {
            "ROLLOUT_HOME": str(scratch / "var"),
            "ROLLOUT_PREFECT_API_URL": api,
            "PREFECT_HOME": str(scratch / "prefect"),
            "PREFECT_API_DATABASE_CONNECTION_URL": f"{_asyncpg(pg)}/{prefect_db}",
            "ROLLOUT_SWEEP_PARTS": str(PARTS),
            "ROLLOUT_WORKER_PARTS": "1",
        }
        server_log = scratch / "server.log"
        server = _start(["prefect-server"], server_log)
        try:
            figures = _measure(pg, api, scratch, server_log)
        finally:
            _stop([server])
    width = max(len(k) for k, _ in figures)
    print(f"\nrollout spread benchmark ({os.cpu_count()} cores), scratch {scratch}")
    for key, value in figures:
        print(f"  {key:<{width}}  {value}")


def _measure(pg: str, api: str, scratch: Path, server_log: Path) -> list[tuple[str, str]]:
    from adapters.prefect_runtime import configure_prefect, flow_settings, wait_for_server
    from bench.busy import BUSY_DAY, CODE, prepare_busy_day
    from bench.generate import generate
    from config.settings import get_settings

    wait_for_server(api)
    get_settings.cache_clear()
    configure_prefect(get_settings())
    programme = generate(scratch / "programme")
    figures: list[tuple[str, str]] = []
    with flow_settings():
        from flows.deployments import register_daily
        from flows.phases import daily_sweep
        from flows.plan import init_programme

        for label, workers in RUNS:
            with _database(pg) as db:
                os.environ["ROLLOUT_DATABASE_URL"] = f"{pg}/{db}"
                get_settings.cache_clear()
                settings = get_settings()
                init_programme(str(programme), BUSY_DAY)
                prepare_busy_day(settings.engine_url)
                if workers:
                    register_daily(CODE, "Asia/Ho_Chi_Minh")
                started = [
                    _start(["worker", "--name", f"bench-{n}"], scratch / f"worker-{label}-{n}.log")
                    for n in range(workers)
                ]
                try:
                    _wait_for_workers(api, workers)
                    t = time.perf_counter()
                    state = daily_sweep(
                        CODE, BUSY_DAY, parts=PARTS if workers else 1, return_state=True
                    )
                    wall = time.perf_counter() - t
                    result = state.result()
                finally:
                    _stop(started)
                flow_runs, task_runs, made, parts = _recorded(
                    api, state.state_details.flow_run_id, settings.batch_size
                )
                figures += [
                    (f"busy national sweep, {label} (wall)", f"{wall:.2f} s"),
                    *(
                        [("  parts: run time; waited for a worker", _part_times(parts))]
                        * bool(parts)
                    ),
                    ("  flow runs recorded / made", f"{flow_runs[0]} / {flow_runs[1]}"),
                    ("  task runs recorded (completed) / made", f"{task_runs} / {made}"),
                    ("  reminders: new, messages, sent", _reminders(result)),
                ]
    text = server_log.read_text(errors="replace")
    dropped = [line for line in text.splitlines() if any(d in line for d in DROPPED)]
    figures.append(("server log lines about dropped events", str(len(dropped))))
    return figures


def _part_times(parts: list[dict]) -> str:
    from datetime import datetime

    def waited(p: dict) -> float:
        start, expected = (
            datetime.fromisoformat(p[k]) for k in ("start_time", "expected_start_time")
        )
        return (start - expected).total_seconds()

    runs = ", ".join(f"{p['total_run_time']:.1f}" for p in parts)
    waits = ", ".join(f"{waited(p):.1f}" for p in parts)
    return f"{runs} s; {waits} s"


def _recorded(api: str, sweep_id, batch_size: int) -> tuple[tuple[int, int], str, int, list]:
    """Flow runs (recorded, made) and task runs (recorded and completed) of the sweep and its
    parts, waited for until the server's recorder has caught up; and the task runs made."""
    import httpx

    sweep = str(sweep_id)
    parts = httpx.post(
        f"{api}/flow_runs/filter",
        json={"flow_runs": {"parent_flow_run_id": {"any_": [sweep]}}, "sort": "NAME_ASC"},
        timeout=30,
    ).json()
    ids = [sweep, *(p["id"] for p in parts)]
    # The sweep's own: batches (or parts, start, wait), reminders, record; a link per part run.
    # Each part: its batches, a reconcile per batch, enqueue, keep.
    if parts:
        made = 5 + len(parts)
        for part in parts:
            units = _part_units(part)
            made += 3 + math.ceil(units / batch_size)
    else:
        made = 3 + math.ceil(3355 / batch_size)
    body = {"flow_runs": {"id": {"any_": ids}}}
    completed = body | {"task_runs": {"state": {"type": {"any_": ["COMPLETED"]}}}}
    deadline = time.monotonic() + 60
    while True:
        recorded = httpx.post(f"{api}/task_runs/count", json=body, timeout=30).json()
        if recorded >= made or time.monotonic() > deadline:
            break
        time.sleep(1)
    done = httpx.post(f"{api}/task_runs/count", json=completed, timeout=30).json()
    flows = httpx.post(f"{api}/flow_runs/count", json=body, timeout=30).json()
    return (flows, len(ids)), f"{recorded} ({done})", made, parts


def _part_units(part: dict) -> int:
    """A part's units in a wave, from the database the bench points at."""
    from models.kernel.database import read_session
    from models.kernel.lookups import get_programme
    from models.phases.parts import part_batches
    from services.resources import database

    with read_session(database()) as session:
        programme = get_programme(session, part["parameters"]["programme_code"])
        batches = part_batches(session, programme, part["parameters"]["provinces"], 10**6)
    return sum(len(b) for b in batches)


def _reminders(result: dict) -> str:
    r = result["reminders"]
    return f"{r['new']}, {r['messages']}, {r['sent']}"


def _wait_for_workers(api: str, workers: int) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while workers:
        online = httpx.post(
            f"{api}/work_pools/rollout-parts/workers/filter",
            json={"workers": {"status": {"any_": ["ONLINE"]}}},
            timeout=30,
        )
        if online.status_code == 200 and len(online.json()) >= workers:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{workers} workers did not come online")
        time.sleep(1)


def _start(args: list[str], log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return subprocess.Popen(
        [str(ROLLOUT), *args], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def _database(pg: str):
    """A fresh database on the PostgreSQL server (its name), dropped afterwards."""
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{pg}/postgres", isolation_level="AUTOCOMMIT")
    name = f"rollout_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        from services.resources import _engine, _migrated_engine

        for cached in (_engine, _migrated_engine):  # let go of the connections to it
            cached.cache_clear()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _asyncpg(url: str) -> str:
    return url.replace("+psycopg2", "+asyncpg")


if __name__ == "__main__":
    main()
