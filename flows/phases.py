"""The five phase flows, the daily sweep over a programme, and one unit's rollout."""

from datetime import UTC, date, datetime

from prefect import flow

from models.planning import PHASES
from tasks.phases import find_unit, reconcile_batch
from tasks.planning import find_unit_batches

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
        return _sum(
            [
                reconcile_batch(programme_code, phase, index, ids, as_of, recorded_at)
                for index, ids in enumerate(unit_batches, start=1)
            ]
        )

    run.__name__ = run.__qualname__ = f"{phase}_flow"
    run.__doc__ = f"Reconcile the {phase} phase ({_PURPOSE[phase]}) for batches of units."
    return flow(
        name=f"phase-{phase.replace('_', '-')}",
        flow_run_name=f"{phase}-{{programme_code}}-{{as_of}}",
    )(run)


PHASE_FLOWS = {phase: _phase_flow(phase) for phase in PHASES}


@flow(name="daily-sweep", flow_run_name="sweep-{programme_code}-{as_of}")
def daily_sweep(
    programme_code: str, as_of: date, recorded_at: datetime | None = None
) -> dict[str, dict[str, int]]:
    """Run the five phase flows, in order, over every unit of a programme in batches."""
    recorded_at = recorded_at or datetime.now(UTC)
    batches = find_unit_batches(programme_code)
    return {
        phase: PHASE_FLOWS[phase](programme_code, batches, as_of, recorded_at) for phase in PHASES
    }


@flow(name="unit-rollout", flow_run_name="unit-{unit_code}-{as_of}")
def unit_rollout(
    programme_code: str, unit_code: str, as_of: date, recorded_at: datetime | None = None
) -> dict[str, dict[str, int]]:
    """Take one unit through its phases as far as its recorded facts allow."""
    recorded_at = recorded_at or datetime.now(UTC)
    ids = find_unit(programme_code, unit_code)
    return {
        phase: reconcile_batch(programme_code, phase, 1, ids, as_of, recorded_at)
        for phase in PHASES
    }
