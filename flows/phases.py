"""The daily sweep over a programme, one phase on its own, the reminders, and the 07:00 run.

A sweep is one flow run: a task run per batch of units (the five phases in order, each in its
own transaction, drafting where units opened one), one for the reminders (enqueue, digests,
delivery) and one that records the sweep. Runs grow with batches, never with units.

A spread sweep (the deployed one, `parts` > 1) hands the batches to a flow run per part —
whole provinces, started on the parts' work pool so that any worker takes one — waits for
them, then writes the digests and delivers as one sweep. Runs grow with parts and batches.
"""

from datetime import UTC, date, datetime

from prefect import flow, get_run_logger, runtime

from models.kernel.vocabulary import PHASES
from models.phases.sweeps import PHASE_COUNTS
from tasks.phases import keep_sweep_record, reconcile_batch
from tasks.planning import find_unit_batches, programme_day
from tasks.reminders import enqueue_reminders, send_due_reminders
from tasks.spread import (
    find_part_batches,
    find_sweep_parts,
    keep_part_counts,
    start_parts,
    wait_for_parts,
)


class UndeliveredError(Exception):
    """The scheduled sweep did its work but reminders still wait in the outbox."""


def _reconcile(
    programme_code: str,
    batches: list[list[int]],
    as_of: date,
    recorded_at: datetime,
    phases: tuple[str, ...] = PHASES,
) -> dict[str, dict[str, int]]:
    """A task run per batch (its phases in order); the counts summed per phase."""
    total = {phase: dict.fromkeys(PHASE_COUNTS, 0) for phase in phases}
    for index, ids in enumerate(batches, start=1):
        for phase, counts in reconcile_batch(
            programme_code, index, ids, as_of, recorded_at, phases
        ).items():
            for key, n in counts.items():
                total[phase][key] += n
    return total


@flow(name="phase", flow_run_name="{phase}-{programme_code}-{as_of}")
def phase_flow(programme_code: str, phase: str, as_of: date) -> dict[str, int]:
    """Reconcile one phase over every unit in batches; draft where units open it."""
    batches = find_unit_batches(programme_code)
    return _reconcile(programme_code, batches, as_of, datetime.now(UTC), (phase,))[phase]


@flow(name="sweep-part", flow_run_name="part-{programme_code}-{as_of}-{label}")
def sweep_part(
    programme_code: str,
    provinces: list[str],
    as_of: date,
    recorded_at: datetime,
    key: str,
    label: str = "",
) -> dict:
    """One part of a spread sweep: reconcile its provinces' units and write their reminders."""
    batches = find_part_batches(programme_code, provinces)
    counts = {
        "phases": _reconcile(programme_code, batches, as_of, recorded_at),
        "new": enqueue_reminders(programme_code, batches, as_of, recorded_at),
    }
    keep_part_counts(programme_code, key, as_of, provinces, counts)
    return counts


def _spread(
    programme_code: str, parts: list[dict], as_of: date, recorded_at: datetime
) -> tuple[dict[str, dict[str, int]], int]:
    """A flow run per part, waited for; the phases' counts summed, and the reminders written."""
    done = wait_for_parts(programme_code, start_parts(programme_code, parts, as_of, recorded_at))
    total = {phase: dict.fromkeys(PHASE_COUNTS, 0) for phase in PHASES}
    for counts in done:
        for phase, numbers in counts["phases"].items():
            for key, n in numbers.items():
                total[phase][key] += n
    return total, sum(c["new"] for c in done)


@flow(name="daily-sweep", flow_run_name="sweep-{programme_code}-{as_of}")
def daily_sweep(
    programme_code: str, as_of: date, recorded_at: datetime | None = None, parts: int = 1
) -> dict:
    """Reconcile the five phases over every unit in batches (spread over `parts` flow runs),
    then send the day's reminders."""
    started = datetime.now(UTC)
    recorded_at = recorded_at or started
    spread = find_sweep_parts(programme_code, parts) if parts > 1 else []
    if len(spread) > 1:
        phases, enqueued = _spread(programme_code, spread, as_of, recorded_at)
        reminders = send_due_reminders(programme_code, [], as_of, recorded_at, enqueued)
    else:
        batches = find_unit_batches(programme_code)
        phases = _reconcile(programme_code, batches, as_of, recorded_at)
        reminders = send_due_reminders(programme_code, batches, as_of, recorded_at)
    keep_sweep_record(
        programme_code,
        as_of,
        started,
        {"phases": phases, "reminders": reminders},
        reminders["failed"],
    )
    return {"phases": phases, "reminders": reminders}


@flow(name="send-reminders", flow_run_name="reminders-{programme_code}-{as_of}")
def send_reminders(programme_code: str, as_of: date, recorded_at: datetime | None = None) -> dict:
    """Send the reminders due by a date (and anything the outbox still holds), without a sweep."""
    recorded_at = recorded_at or datetime.now(UTC)
    return send_due_reminders(programme_code, find_unit_batches(programme_code), as_of, recorded_at)


@flow(name="scheduled-sweep", flow_run_name="scheduled-{programme_code}")
def scheduled_sweep(programme_code: str, parts: int = 1) -> dict | None:
    """The 07:00 run: sweep the day it was scheduled for, in the programme's zone, if working."""
    day, working = programme_day(programme_code, runtime.flow_run.scheduled_start_time)
    if not working:
        get_run_logger().info("%s is not a working day: nothing to do", day)
        return None
    result = daily_sweep(programme_code, day, parts=parts)
    if result["reminders"]["failed"]:  # shown as a failed run in the UI; the work is kept
        raise UndeliveredError(
            f"{result['reminders']['failed']} reminders not delivered: "
            f"{result['reminders']['error']}"
        )
    return result
