"""Tasks that plan a programme's units in batches and publish the plan."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from adapters.prefect_runtime import artifact_key
from adapters.rendering import render_text
from config.settings import get_settings
from models.audit.chain import Change, append_changes
from models.kernel.database import read_session, write_session
from models.kernel.lookups import get_programme
from models.phases.schedule import plan_units, unit_batches
from models.phases.status import wave_phase_summary
from models.programme.store import programme_calendar
from services.resources import actor, database


@task(
    name="find-unit-batches",
    task_run_name="batches-{programme_code}",
    cache_policy=NO_CACHE,
)
def find_unit_batches(programme_code: str) -> list[list[int]]:
    """Split the programme's units that are in a wave into batches of ROLLOUT_BATCH_SIZE."""
    with read_session(database()) as session:
        programme = get_programme(session, programme_code)
        return unit_batches(session, programme, get_settings().batch_size)


@task(name="programme-day", task_run_name="today-{programme_code}", cache_policy=NO_CACHE)
def programme_day(programme_code: str, moment: datetime) -> tuple[date, bool]:
    """The date of `moment` in the programme's time zone, and whether it is a working day."""
    with read_session(database()) as session:
        programme = get_programme(session, programme_code)
        day = moment.astimezone(ZoneInfo(programme.time_zone)).date()
        return day, programme_calendar(session, programme.id).is_working_day(day)


@task(
    name="plan-batch",
    task_run_name="plan-{programme_code}-batch-{index}",
    cache_policy=NO_CACHE,
)
def plan_batch(
    programme_code: str, index: int, unit_ids: list[int], recorded_at: datetime, rebaseline: bool
) -> dict[str, int]:
    """Plan one batch of units in one transaction: baselines first, then forecasts."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        return plan_units(session, programme, unit_ids, actor(), recorded_at, rebaseline)


@task(name="publish-plan", task_run_name="publish-{programme_code}", cache_policy=NO_CACHE)
def publish_plan(
    programme_code: str, as_of: date, counts: dict[str, int], recorded_at: datetime
) -> str:
    """Record the plan in the audit log and show it as Prefect artifacts; returns the summary."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        rows = wave_phase_summary(session, programme, as_of)
        payload = {"as_of": as_of.isoformat(), **counts}
        append_changes(
            session,
            [Change("plan.run", programme.code, payload, programme.code)],
            actor(),
            recorded_at,
        )
        title = programme.title
    markdown = render_text(
        "reports/plan_summary.md.j2",
        code=programme_code,
        title=title,
        as_of=as_of,
        counts=counts,
        rows=rows,
    )
    key = artifact_key("plan", programme_code)
    create_markdown_artifact(markdown=markdown, key=key, description="Plan summary")
    create_table_artifact(
        table=[r.as_dict() for r in rows],
        key=f"{key}-phases",
        description="Plan per wave and phase",
    )
    return markdown
