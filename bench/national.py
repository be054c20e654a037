"""Time the national programme on the official roster, step by step (`make bench`).

Targets on a 2-core machine (flow time; the one-time start of Prefect's embedded server not
counted): init+plan of 3,355 units x 5 phases within 10 s; 100 documents/s; the busy daily
sweep with its drafting and reminders within 10 s and 3x its floor (the same steps without
Prefect); the busy reminder day and the items' worst day within 10 s each; 100 forms/s read,
checked and stored; `rollout status` within 1 s as a whole command; every step's peak memory
under 500 MB. Runs in a scratch ROLLOUT_HOME, never the user's var/.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.memory import highest_mb, reset_peak, step_peak_text
from bench.pace import machine_pace


def main() -> None:
    """Generate the programme, warm Prefect up, then time each step and print the figures."""
    scratch = Path(tempfile.mkdtemp(prefix="rollout-bench-"))
    os.environ["ROLLOUT_HOME"] = str(scratch / "var")
    from adapters.prefect_runtime import configure_prefect, flow_settings
    from bench.assessments import import_forms
    from bench.documents import survey_documents
    from bench.generate import first_wave_communes, generate
    from bench.reminders import busy_reminders
    from config.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    configure_prefect(settings)
    programme = generate(scratch / "programme")
    figures: list[tuple[str, str]] = [machine_pace()]

    from prefect import flow

    @flow(name="bench-warm-up")
    def warm_up() -> None:
        """Start the embedded server once, outside the timed runs."""

    with flow_settings():
        t = time.perf_counter()
        warm_up()
        figures.append(("Prefect embedded server start + first flow (not counted)", _s(t)))

        from flows.plan import init_programme

        as_of = date(2026, 3, 2)
        reset_peak()
        t = time.perf_counter()
        result = init_programme(str(programme), as_of)
        figures.append(("init+plan, 3,355 units x 5 phases (flow time)", _s(t)))
        figures.append(_step_peak())
        assert result["planned"]["planned"] == 3355, result
        t = time.perf_counter()
        result = init_programme(str(programme), as_of)
        figures.append(("init+plan again, nothing changed (flow time)", _s(t)))
        assert result["planned"]["unchanged"] == 3355, result

        for step in (survey_documents, _busy_sweep, busy_reminders):
            reset_peak()
            figures += step(settings)
            figures.append(_step_peak())
        figures += import_forms(settings)  # reports the peak of each of its parts

    batches = -(-3355 // settings.batch_size)
    figures.append(
        (
            "Prefect runs per init",
            f"2 flow runs, {4 + batches} task runs "
            f"({batches} plan batches of {settings.batch_size})",
        )
    )
    figures.append(
        ("peak memory of the bench process (every step above)", f"{highest_mb():.0f} MB")
    )

    # The steps above wrote ~1 GB (documents, forms, outbox files): let the kernel write it out
    # first, so that a read command is not timed against the bench's own disk writeback.
    os.sync()
    for args in (["status", "--format", "json"], ["status"], ["show", first_wave_communes()[0]]):
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _REPORTING_PEAK, *args, "--as-of", "2026-03-02"],
            capture_output=True,
            text=True,
            check=True,
        )
        figures.append((f"rollout {' '.join(args)} (whole command)", _s(t)))
        peak_kb = int(done.stderr.strip().splitlines()[-1])
        figures.append(("  its peak memory", f"{peak_kb / 1024:.0f} MB"))
        if args[-1] == "json":
            figures.append(("  rows printed", str(len(json.loads(done.stdout)))))

    width = max(len(k) for k, _ in figures)
    print(f"\nrollout national benchmark ({os.cpu_count()} cores), scratch {scratch}")
    for key, value in figures:
        print(f"  {key:<{width}}  {value}")


# Runs `rollout ARGS` as the console script does, then prints its own peak RSS (KB) on stderr.
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over fork+exec, so a child would report ours.
_REPORTING_PEAK = """
import re, sys
from pathlib import Path
sys.argv = ["rollout", *sys.argv[1:]]
try:
    from cli.app import main
    main()
finally:
    status = Path("/proc/self/status").read_text()
    print(re.search(r"VmHWM:\\s+(\\d+)", status).group(1), file=sys.stderr)
"""


def _busy_sweep(settings) -> list[tuple[str, str]]:
    """Time a daily sweep on which thousands of phase runs open, close or turn overdue."""

    from sqlalchemy import func, select
    from sqlmodel import Session

    from bench.busy import prepare_busy_day
    from flows.phases import daily_sweep
    from models.kernel.database import make_engine
    from models.kernel.tables import AuditEvent

    code = "VN-NATIONAL"
    prepare_busy_day(settings.engine_url)
    engine = make_engine(settings.engine_url)
    floor = _floor(settings, code, date(2026, 3, 2))  # on a copy of this very state
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    t = time.perf_counter()
    counts = daily_sweep(code, date(2026, 3, 2))  # also: wave 3 overdue, waves 4-5 open
    seconds = time.perf_counter() - t
    took = f"{seconds:.2f} s"
    with Session(engine) as session:
        changes = session.scalar(select(func.count()).select_from(AuditEvent)) - before
    batches = -(-3355 // settings.batch_size)
    moved = {
        k: sum(c[k] for c in counts["phases"].values()) for k in ("opened", "closed", "overdue")
    }
    return [
        ("busy daily sweep, 3,355 units: the floor (the same steps, no Prefect)", f"{floor:.2f} s"),
        ("busy daily sweep, 3,355 units (flow time)", took),
        ("  through Prefect / floor", f"{seconds / floor:.2f}x"),
        (
            "  phase runs changed",
            f"{moved['opened']} opened, {moved['closed']} closed, "
            f"{moved['overdue']} overdue; {changes} audit events",
        ),
        (
            "  Prefect runs per sweep",
            f"1 flow run, {5 * batches} reconcile task runs, a drafting task run per phase and "
            f"batch where units opened, {batches} enqueue, 1 digest, 1 delivery, 1 record",
        ),
    ]


def _floor(settings, code: str, as_of: date) -> float:
    """The busy sweep's own work without Prefect: the tasks' functions called in the flow's
    order (find the batches, reconcile each batch's five phases with their drafting, enqueue,
    render and deliver the reminders, record the sweep) on a copy of the home, so that the
    sweep through Prefect then starts from the same state. Seconds."""
    import shutil
    from datetime import UTC, datetime

    from config.settings import get_settings
    from models.kernel.database import write_session
    from models.kernel.lookups import get_programme
    from models.phases.sweeps import record_sweep
    from services.resources import database
    from tasks.phases import reconcile_batch
    from tasks.planning import find_unit_batches
    from tasks.reminders import send_due_reminders

    home = Path(settings.home)
    copy = home.parent / "floor-home"
    shutil.copytree(home, copy)
    os.environ["ROLLOUT_HOME"] = str(copy)
    get_settings.cache_clear()
    try:
        started = datetime.now(UTC)
        t = time.perf_counter()
        batches = find_unit_batches.fn(code)
        phases = [
            reconcile_batch.fn(code, i, ids, as_of, started)
            for i, ids in enumerate(batches, start=1)
        ]
        reminders = send_due_reminders.fn(code, batches, as_of, started)
        with write_session(database()) as session:
            programme = get_programme(session, code)
            counts = {"phases": phases[0], "reminders": reminders}
            record_sweep(session, programme.id, as_of, started, datetime.now(UTC), counts, 0)
        took = time.perf_counter() - t
    finally:
        os.environ["ROLLOUT_HOME"] = str(home)
        get_settings.cache_clear()
        shutil.rmtree(copy, ignore_errors=True)
    return took


def _s(start: float) -> str:
    return f"{time.perf_counter() - start:.2f} s"


def _step_peak() -> tuple[str, str]:
    """The peak resident memory since the last reset_peak, as a figure."""
    return ("  peak memory of this step (from what it started with)", step_peak_text())


if __name__ == "__main__":
    main()
