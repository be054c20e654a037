"""The busy national reminder day delivered to an SMTP server on 127.0.0.1 by one and by two
concurrent delivery workers (messages/s, duplicates: must be 0), and `rollout record` as a
whole command with and without a Prefect server (`make bench-delivery`).

Setup (not timed) loads the synthetic national programme (3,355 units) without Prefect, opens
every unit's survey and writes that day's digests, as the sweep would. Each worker is a
process of its own running the delivery the `deliver-outbox` task runs.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path

from adapters.prefect_runtime import wait_for_server
from bench.generate import first_wave_communes
from bench.ports import free_port

ROLLOUT = Path(sys.executable).with_name("rollout")
RECORD = ("--kind", "survey_answers", "--as-of", "2026-03-02")
_WORKER = (
    "import sys; from config.settings import get_settings; "
    "from services.delivery import deliver_outbox; from services.resources import database; "
    "r = deliver_outbox(database(), 'VN-NATIONAL', get_settings()); print(r.sent, r.failed)"
)


def main() -> None:
    """Set up the busy day, then time one and two workers and the record command."""
    scratch = Path(tempfile.mkdtemp(prefix="rollout-bench-delivery-"))
    os.environ["ROLLOUT_HOME"] = str(scratch / "var")
    os.environ["ROLLOUT_ACTOR"] = "bench"
    from config.settings import get_settings

    get_settings.cache_clear()
    messages = _busy_day(scratch)
    figures = [("busy reminder day: digests to deliver", f"{messages}")]
    for workers in (1, 2):
        figures += _deliver(workers, messages)
    figures += _record_times(scratch)
    width = max(len(k) for k, _ in figures)
    print(f"\nrollout delivery benchmark ({os.cpu_count()} cores), scratch {scratch}")
    for key, value in figures:
        print(f"  {key:<{width}}  {value}")


def _busy_day(scratch: Path) -> int:
    """Load and plan the national programme, open every survey, write the day's digests."""
    from sqlalchemy import func, select, update

    from adapters.rendering import render_digest
    from bench.generate import generate
    from config.settings import get_settings
    from models.kernel.database import make_engine, migrate, write_session
    from models.kernel.lookups import get_programme
    from models.kernel.tables import PhaseRun
    from models.phases.schedule import plan_units, unit_batches
    from models.programme.file import load_programme
    from models.programme.store import store_programme
    from models.reminders.digests import unsent_digests
    from models.reminders.outbox import enqueue, save_messages

    engine = make_engine(get_settings().engine_url)
    migrate(engine)
    now = datetime.now(UTC)
    spec = load_programme(generate(scratch / "programme"))
    with write_session(engine) as session:
        store_programme(session, spec, "bench", now)
    with write_session(engine) as session:
        programme = get_programme(session, spec.code)
        for batch in unit_batches(session, programme, 500):
            plan_units(session, programme, batch, "bench", now)
        session.execute(
            update(PhaseRun)
            .where(PhaseRun.phase == "survey")
            .values(status="open", actual_start=PhaseRun.forecast_start)
        )
        last_due = session.scalar(
            select(func.max(PhaseRun.forecast_due)).where(PhaseRun.phase == "survey")
        )
        for batch in unit_batches(session, programme, 500):
            enqueue(session, programme, batch, last_due, now)
        digests = unsent_digests(session, programme, last_due)
        rendered = [(d, *render_digest(d)) for d in digests.values()]
        return save_messages(session, programme, last_due, rendered, now)


def _deliver(workers: int, messages: int) -> list[tuple[str, str]]:
    """Reset the outbox to pending, then let `workers` processes deliver it at once."""
    from sqlalchemy import update

    from config.settings import get_settings
    from models.kernel.database import make_engine, write_session
    from models.kernel.tables import OutboxMessage
    from tests.conftest import SmtpServer

    with write_session(make_engine(get_settings().engine_url)) as session:
        session.execute(
            update(OutboxMessage).values(
                status="pending", claimed_by=None, claimed_until=None, sent_at=None
            )
        )
    server = SmtpServer()
    server.start()
    env = os.environ | {
        "ROLLOUT_MAIL_CHANNEL": "smtp",
        "ROLLOUT_SMTP_HOST": "127.0.0.1",
        "ROLLOUT_SMTP_PORT": str(server.port),
        "ROLLOUT_SMTP_SECURITY": "none",
    }
    try:
        t = time.perf_counter()
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _WORKER], env=env, stdout=subprocess.PIPE, text=True
            )
            for _ in range(workers)
        ]
        outputs = [p.communicate()[0].split() for p in procs]
        took = time.perf_counter() - t
    finally:
        server.stop()
    ids = [message_from_bytes(raw)["Message-ID"] for raw in server.received]
    sent = [int(o[0]) for o in outputs]
    return [
        (
            f"{workers} worker{'s' * (workers > 1)}: delivered (wall, incl. process start)",
            f"{took:.2f} s, {len(ids) / took:.0f} messages/s",
        ),
        (
            "  received, distinct, duplicates",
            f"{len(ids)}, {len(set(ids))}, {len(ids) - len(set(ids))} "
            f"(sent per worker: {', '.join(map(str, sent))}; expected {messages})",
        ),
    ]


def _record_times(scratch: Path, runs: int = 5) -> list[tuple[str, str]]:
    """`rollout record` as a whole command, without and with a Prefect server configured."""
    evidence = scratch / "phieu-khao-sat.pdf"
    evidence.write_bytes(b"%PDF-1.4 survey answers")
    figures = []
    server = None
    for label in ("without a server", "with a server"):
        env = os.environ.copy()
        env.pop("ROLLOUT_PREFECT_API_URL", None)
        if label == "with a server":
            port = free_port()
            env["ROLLOUT_PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
            server = subprocess.Popen(
                [str(ROLLOUT), "prefect-server"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wait_for_server(env["ROLLOUT_PREFECT_API_URL"])
        times = []
        for n in range(runs):
            unit = first_wave_communes()[n + (0 if server is None else runs)]  # wave 1: open
            t = time.perf_counter()
            subprocess.run(
                [str(ROLLOUT), "record", unit, "survey", "--evidence", str(evidence), *RECORD],
                env=env,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - t)
        figures.append(
            (
                f"rollout record (whole command, {label})",
                f"median {statistics.median(times):.2f} s, max {max(times):.2f} s ({runs} runs)",
            )
        )
    if server is not None:
        server.terminate()
        server.wait(timeout=30)
    return figures


if __name__ == "__main__":
    main()
