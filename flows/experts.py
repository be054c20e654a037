"""The flow that plans experts' sessions, one task per part (province)."""

from datetime import UTC, date, datetime

from prefect import flow
from prefect.utilities.annotations import quote

from tasks.experts import book, plan_part, prepare_expert_plan, store_expert_plan


@flow(name="plan-experts", flow_run_name="experts-{programme_code}-as-of-{as_of}")
def plan_experts(
    programme_code: str,
    as_of: date,
    fresh: bool = False,
    without: str | None = None,
    withdraw_from: date | None = None,
    recorded_at: datetime | None = None,
) -> dict:
    """Place the sessions not yet held, part by part around earlier parts' bookings, and store."""
    recorded_at = recorded_at or datetime.now(UTC)
    work = prepare_expert_plan(programme_code, as_of, fresh, without, withdraw_from, recorded_at)
    booked, plans = work.replan.booked, []
    for part in work.parts:  # quoted: Prefect would visit every session looking for futures
        plans.append(plan_part(quote(part), quote(work), quote(booked)))
        booked = book(booked, plans[-1], work)
    return store_expert_plan(quote(work), quote(plans), recorded_at)
