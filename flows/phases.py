"""The five phase flows, the daily sweep over a programme, and one unit's rollout."""

from datetime import UTC, date, datetime
from functools import lru_cache

from prefect import flow, get_run_logger

from config.settings import get_settings
from flows.documents import draft_opened
from models.planning import PHASES
from tasks.phases import find_unit, reconcile_batch
from tasks.planning import find_unit_batches, programme_day
from tasks.reminders import deliver, enqueue_batch, write_digests

_PURPOSE = {
    "survey": "preparation and preliminary survey",
    "training": "training on the standard",
    "self_assessment": "guided self-assessment against the indicators",
    "action_plan": "approval and implementation of the action programme",
    "reporting": "reporting results and maintaining the system",
}


def _sum(counts: list[dict[str, int]]) -> dict[str, int]:
    total = {"opened": 0, "closed": 0, "overdue": 0, "unchanged": 0}
    for c in counts:
        for key, n in c.items():
            total[key] += n
    return total


def _phase_flow(phase: str):
    """A flow that reconciles `phase` over batches of units, a task run per batch."""

    def run(
        programme_code: str,
        unit_batches: list[list[int]],
        as_of: date,
        recorded_at: datetime | None = None,
    ) -> dict[str, int]:
        recorded_at = recorded_at or datetime.now(UTC)
        counts = [
            reconcile_batch(programme_code, phase, index, ids, as_of, recorded_at)
            for index, ids in enumerate(unit_batches, start=1)
        ]
        opened = [c["opened"] for c in counts]
        drafted = draft_opened(programme_code, phase, unit_batches, opened, as_of, recorded_at)
        return _sum(counts) | {"drafted": drafted["new"]}

    run.__name__ = run.__qualname__ = f"{phase}_flow"
    run.__doc__ = f"Reconcile {phase} ({_PURPOSE[phase]}) in batches; draft where units open it."
    return flow(
        name=f"phase-{phase.replace('_', '-')}",
        flow_run_name=f"{phase}-{{programme_code}}-{{as_of}}",
    )(run)


PHASE_FLOWS = {phase: _phase_flow(phase) for phase in PHASES}


@flow(name="daily-sweep", flow_run_name="sweep-{programme_code}-{as_of}")
def daily_sweep(programme_code: str, as_of: date, recorded_at: datetime | None = None) -> dict:
    """Run the five phase flows over every unit in batches, then send the day's reminders."""
    recorded_at = recorded_at or datetime.now(UTC)
    batches = find_unit_batches(programme_code)
    phases = {
        phase: PHASE_FLOWS[phase](programme_code, batches, as_of, recorded_at) for phase in PHASES
    }
    return {"phases": phases, "reminders": _reminders(programme_code, batches, as_of, recorded_at)}


def _reminders(code: str, batches: list[list[int]], as_of: date, recorded_at: datetime) -> dict:
    """Enqueue per batch, write the digests, deliver; a failed delivery waits for the next try."""
    due = sum(
        enqueue_batch(code, i, ids, as_of, recorded_at)["new"]
        for i, ids in enumerate(batches, start=1)
    )
    written = write_digests(code, as_of, recorded_at)
    state = _deliver_task(get_settings().delivery_retries)(code, return_state=True)
    if state.is_completed():
        return {"new": due, "messages": written, **state.result()}
    get_run_logger().error("reminders kept in the outbox: %s", state.message)
    return {"new": due, "messages": written, "sent": 0, "failed": 1, "error": str(state.message)}


@lru_cache(maxsize=4)
def _deliver_task(retries: int):
    """The delivery task with the configured retries (built once per value, not per sweep)."""
    return deliver.with_options(retries=retries)


@flow(name="send-reminders", flow_run_name="reminders-{programme_code}-{as_of}")
def send_reminders(programme_code: str, as_of: date, recorded_at: datetime | None = None) -> dict:
    """Send the reminders due by a date (and anything the outbox still holds), without a sweep."""
    recorded_at = recorded_at or datetime.now(UTC)
    return _reminders(programme_code, find_unit_batches(programme_code), as_of, recorded_at)


@flow(name="scheduled-sweep", flow_run_name="scheduled-{programme_code}")
def scheduled_sweep(programme_code: str) -> dict | None:
    """The 07:00 run: sweep today (in the programme's time zone) if it is a working day."""
    day, working = programme_day(programme_code)
    if not working:
        get_run_logger().info("%s is not a working day: nothing to do", day)
        return None
    return daily_sweep(programme_code, day)


@flow(name="unit-rollout", flow_run_name="unit-{unit_code}-{as_of}")
def unit_rollout(
    programme_code: str, unit_code: str, as_of: date, recorded_at: datetime | None = None
) -> dict[str, dict[str, int]]:
    """Take one unit through its phases as far as its recorded facts allow."""
    recorded_at = recorded_at or datetime.now(UTC)
    ids = find_unit(programme_code, unit_code)
    counts = {}
    for phase in PHASES:
        counts[phase] = reconcile_batch(programme_code, phase, 1, ids, as_of, recorded_at)
        drafted = draft_opened(
            programme_code, phase, [ids], [counts[phase]["opened"]], as_of, recorded_at
        )
        counts[phase]["drafted"] = drafted["new"]
    return counts
