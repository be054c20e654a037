"""Is the service healthy? The database and its schema, the Prefect server, the deployment and
its next run, a worker to take it, the last sweep's age, and what waits in the outbox."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from config.settings import Settings, get_settings
from models.kernel.database import read_session, schema_revision
from models.kernel.lookups import get_programme
from models.phases.sweeps import last_sweep
from models.programme.store import programme_calendar
from models.reminders.delivery import backlog


@dataclass(frozen=True)
class Check:
    """One thing checked: its name, whether it holds, and what was found."""

    name: str
    ok: bool
    detail: str


def check_health(
    engine: Engine,
    settings: Settings,
    programme_code: str | None,
    today: date,
    now: datetime,
    max_wait: timedelta,
) -> list[Check]:
    """Every check, in the order a person would fix them; stops early only without a database."""
    try:
        current, head = schema_revision(engine)
    except Exception as exc:  # unreachable, refused, a bad URL: say which and stop
        return [Check("database", False, f"{settings.engine_url}: {type(exc).__name__}: {exc}")]
    if current is None:
        return [Check("database", False, "empty: load a programme with `rollout init FILE`")]
    checks = [
        Check(
            "database",
            current == head,
            f"schema {current}, this version needs {head}"
            + ("" if current == head else ": run `rollout migrate`"),
        )
    ]
    with read_session(engine) as session:
        programme = get_programme(session, programme_code)
        code, pid = programme.code, programme.id
        cal = programme_calendar(session, pid)
        sweep = last_sweep(session, pid)
        waiting = backlog(session, pid)
    checks.append(_sweep_check(sweep, cal, today))
    checks.append(_outbox_check(waiting, now, max_wait))
    checks.extend(_prefect_checks(settings, code, now))
    return checks


def _sweep_check(sweep, cal, today: date) -> Check:
    """The last sweep covers the previous working day at least (today's may not have run)."""
    expected = cal.previous_working_day(today - timedelta(days=1))
    if sweep is None:
        return Check("last sweep", False, "no sweep has run yet")
    age = f"swept {sweep.as_of:%d/%m/%Y}, finished {sweep.finished_at:%d/%m/%Y %H:%M} UTC"
    if sweep.as_of < expected:
        return Check("last sweep", False, f"{age}; {expected:%d/%m/%Y} was never swept")
    return Check("last sweep", True, age)


def _outbox_check(waiting, now: datetime, max_wait: timedelta) -> Check:
    if waiting.waiting == 0:
        return Check("outbox", True, "nothing waits")
    detail = (
        f"{waiting.waiting} messages wait, the oldest since {waiting.oldest:%d/%m/%Y %H:%M} UTC"
    )
    if waiting.last_error:
        return Check("outbox", False, f"{detail}; last error: {waiting.last_error}")
    return Check("outbox", now - waiting.oldest <= max_wait, detail)


def _prefect_checks(settings: Settings, code: str, now: datetime) -> list[Check]:
    """The Prefect server answers, the daily deployment is on it, runs are scheduled, and a
    worker of its pool is online."""
    if not settings.prefect_api_url:
        return [
            Check(
                "prefect",
                False,
                "no Prefect server configured (ROLLOUT_PREFECT_API_URL): nothing runs the daily "
                "sweep unless `rollout serve` does",
            )
        ]
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterExpectedStartTime,
        FlowRunFilterState,
        FlowRunFilterStateType,
        WorkerFilter,
        WorkerFilterStatus,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    name = f"scheduled-sweep/daily-{code}"
    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
        if problem is not None:
            return [Check("prefect", False, f"{settings.prefect_api_url}: {problem}")]
        checks = [Check("prefect", True, settings.prefect_api_url)]
        try:
            deployment = client.read_deployment_by_name(name)
        except Exception:  # ObjectNotFound
            return [*checks, Check("deployment", False, f"{name} missing: run `rollout deploy`")]
        active = [s for s in deployment.schedules if s.active]
        checks.append(
            Check(
                "deployment",
                bool(active) and not deployment.paused,
                f"{name} on pool {deployment.work_pool_name}"
                + ("" if active and not deployment.paused else ": paused or without a schedule"),
            )
        )
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
                expected_start_time=FlowRunFilterExpectedStartTime(
                    after_=now - timedelta(minutes=10)
                ),
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            limit=1,
        )
        checks.append(
            Check("next run", True, f"{runs[0].expected_start_time:%d/%m/%Y %H:%M %Z}")
            if runs
            else Check("next run", False, "no scheduled run: is the server's scheduler running?")
        )
        for pool in (deployment.work_pool_name, settings.parts_pool):
            if not pool:
                continue
            workers = client.read_workers_for_work_pool(
                pool, worker_filter=WorkerFilter(status=WorkerFilterStatus(any_=["ONLINE"]))
            )
            checks.append(
                Check(
                    "worker",
                    bool(workers),
                    f"{len(workers)} online in pool {pool}"
                    + ("" if workers else ": start one with `rollout worker`"),
                )
            )
    return checks


def service_health(*, programme: str | None, as_of: date, max_wait: timedelta) -> list[Check]:
    """Every check, against the configured database and Prefect server, as of now."""
    from services.resources import read_database

    return check_health(read_database(), get_settings(), programme, as_of, utc_now(), max_wait)


def utc_now() -> datetime:
    """The current time, for callers at the edge (the command line)."""
    return datetime.now(UTC)
