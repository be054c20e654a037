"""The daily sweep as a Prefect deployment: its schedule, and its registration on a work pool.

In production the deployment lives on the Prefect server and names the work pool; any worker
of that pool (`rollout worker`, on this machine or another) takes the day's run. The
entrypoint is a module path, so a worker needs rollout installed, not this folder.
"""

from contextlib import suppress
from uuid import UUID

from config.settings import get_settings


def daily_deployment(programme_code: str, time_zone: str):
    """The deployment of `scheduled_sweep` for one programme (its runs skip holidays)."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from flows.phases import scheduled_sweep

    cron = get_settings().sweep_cron
    return scheduled_sweep.to_deployment(
        name=f"daily-{programme_code}",
        schedule=Cron(cron, timezone=time_zone),
        parameters={"programme_code": programme_code},
        description=f"Reconcile the phases of {programme_code} and send its reminders "
        f"({cron}, {time_zone}; a holiday does nothing).",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def ensure_work_pool(name: str) -> None:
    """Create the process work pool the sweeps run on, unless it exists."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.workers.process import ProcessWorker

    template = ProcessWorker.get_default_base_job_template()
    with get_client(sync_client=True) as client, suppress(ObjectAlreadyExists):
        client.create_work_pool(
            WorkPoolCreate(name=name, type="process", base_job_template=template)
        )


def register_daily(programme_code: str, time_zone: str) -> UUID:
    """Register (or update) the daily deployment on the configured work pool."""
    from prefect import deploy

    pool = get_settings().work_pool
    ensure_work_pool(pool)
    (deployment_id,) = deploy(
        daily_deployment(programme_code, time_zone),
        work_pool_name=pool,
        build=False,
        push=False,
        print_next_steps_message=False,
        ignore_warnings=True,
    )
    return deployment_id
