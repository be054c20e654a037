"""The daily sweep as Prefect deployments: its schedule, its registration on the work pools,
and the worker that serves them.

In production the deployments live on the Prefect server: the daily sweep on the work pool
`rollout`, the parts it spreads into on `rollout-parts`. Every `rollout worker` (on this
machine or another) serves both, so the day's sweep runs on one worker and its parts on any;
a worker runs ROLLOUT_WORKER_PARTS parts at a time, so one more worker, one more part at
once. The pools are apart so that parts never wait behind the sweeps that wait for them.
Entrypoints are module paths: a worker needs rollout installed, not this folder.
"""

import io
import signal
from contextlib import redirect_stdout, suppress
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
        parameters={"programme_code": programme_code, "parts": get_settings().sweep_parts},
        description=f"Reconcile the phases of {programme_code} and send its reminders "
        f"({cron}, {time_zone}; a holiday does nothing).",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def part_deployment():
    """The deployment of `sweep_part`, which a spread sweep runs once per part (no schedule)."""
    from prefect.deployments.runner import EntrypointType

    from flows.phases import sweep_part

    return sweep_part.to_deployment(
        name="parts",
        description="One part (whole provinces) of a spread daily sweep; started by the sweep.",
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
    """Register (or update) the daily deployment, and that of its parts, on their pools."""
    settings = get_settings()
    _register(part_deployment(), settings.parts_pool)
    return _register(daily_deployment(programme_code, time_zone), settings.work_pool)


def _register(deployment, pool: str) -> UUID:
    from prefect import deploy

    ensure_work_pool(pool)
    with redirect_stdout(io.StringIO()):  # Prefect's own table of it; the caller says what's done
        (deployment_id,) = deploy(
            deployment,
            work_pool_name=pool,
            build=False,
            push=False,
            print_next_steps_message=False,
            ignore_warnings=True,
        )
    return deployment_id


def serve_pools(name: str | None, parts_at_once: int) -> None:
    """Serve the sweeps' pool and the parts' pool in this process until stopped (SIGTERM or
    Ctrl-C); each flow run in a process of its own, at most `parts_at_once` parts at a time."""
    import anyio
    from prefect.workers.process import ProcessWorker

    settings = get_settings()
    for pool in (settings.work_pool, settings.parts_pool):
        ensure_work_pool(pool)
    # SIGTERM (systemd's stop) ends the workers as Ctrl-C does; runs already started go on in
    # their own processes.
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    async def serve() -> None:
        sweeps = ProcessWorker(name=name, work_pool_name=settings.work_pool)
        parts = ProcessWorker(name=name, work_pool_name=settings.parts_pool, limit=parts_at_once)
        async with anyio.create_task_group() as group:
            group.start_soon(sweeps.start)
            group.start_soon(parts.start)

    with suppress(KeyboardInterrupt):
        anyio.run(serve)
