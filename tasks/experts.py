"""Tasks of an expert plan: prepare the parts, solve one part, store the plan."""

from datetime import date, datetime

from prefect import task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from adapters.prefect_runtime import artifact_key
from config.settings import get_settings
from models.experts.parts import Part, plan_part_in_chunks
from models.experts.planner import PlanWork, plan_work, store_plan
from models.experts.replan import with_bookings
from models.experts.scheduling import Plan
from models.experts.store import withdraw_expert
from models.kernel.database import read_session, write_session
from models.kernel.lookups import get_programme
from services.resources import actor, database


@task(name="prepare-expert-plan", task_run_name="prepare-{programme_code}", cache_policy=NO_CACHE)
def prepare_expert_plan(
    programme_code: str,
    as_of: date,
    fresh: bool,
    without: str | None,
    withdraw_from: date | None,
    recorded_at: datetime,
) -> PlanWork:
    """Record a withdrawal if asked, then build the sessions and split what to place by part."""
    if without:
        with write_session(database()) as session:
            programme = get_programme(session, programme_code)
            withdraw_expert(
                session, programme, without, withdraw_from or as_of, actor(), recorded_at
            )
    with read_session(database()) as session:
        programme = get_programme(session, programme_code)
        return plan_work(session, programme, as_of, get_settings().plan_seconds, fresh)


@task(name="plan-part", task_run_name="plan-{part.name}", cache_policy=NO_CACHE)
def plan_part(part: Part, work: PlanWork, booked: dict) -> Plan:
    """Place one province's sessions with the solver, around the days already booked."""
    return plan_part_in_chunks(
        list(part.sessions),
        list(work.experts),
        work.calendar,
        work.until,
        seconds=work.seconds[part.name],
        booked=booked,
    )


def book(booked: dict, plan: Plan, work: PlanWork) -> dict:
    """The bookings with a part's plan added (not a task: it is instant)."""
    return with_bookings(booked, plan, work.calendar)


@task(name="store-expert-plan", task_run_name="store-{work.programme}", cache_policy=NO_CACHE)
def store_expert_plan(work: PlanWork, plans: list[Plan], recorded_at: datetime) -> dict:
    """Store the plan in one audited transaction and show its figures as an artifact."""
    with write_session(database()) as session:
        programme = get_programme(session, work.programme)
        result = store_plan(session, programme, work, plans, actor(), recorded_at)
    rows = [
        {
            "part": part.name,
            "sessions": len(part.sessions),
            "status": plan.status,
            "late working days": plan.late_days,
            "objective": plan.objective,
            "bound": plan.bound,
            "gap": f"{plan.gap:.1%}",
        }
        for part, plan in zip(work.parts, plans, strict=True)
    ]
    create_table_artifact(
        rows,
        key=artifact_key("experts", work.programme),
        description=f"Expert plan of {work.programme} as of {work.as_of:%d/%m/%Y}: "
        f"{result['status']}, {result['late_days']} working days late (no plan fewer than "
        f"{result['late_bound']}), {result['kept']} sessions kept",
    )
    return result
