"""Running rollout as a service: the Prefect server, the deployment, a worker, the health check."""

import os
import sys
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    compact_table,
    day_or_today,
    err,
    out,
    user_errors,
)
from cli.labels import heading
from config.settings import get_settings

UNHEALTHY = 6  # exit status of `rollout health` when a check fails


def prefect_server() -> None:
    """Run a Prefect server at the configured API URL (ROLLOUT_PREFECT_API_URL; blocks)."""
    from adapters.prefect_runtime import configure_prefect

    settings = get_settings()
    configure_prefect(settings)
    url = settings.server_api_url
    parts = urlsplit(url)
    err.print(f"Prefect server at {url} (UI: {parts.scheme}://{parts.netloc}).")
    if not settings.prefect_api_url:
        err.print(f"In the terminals that run rollout: export ROLLOUT_PREFECT_API_URL={url}")
    args = ["server", "start", "--host", parts.hostname or "127.0.0.1"]
    args += ["--port", str(parts.port or 4200)]
    _keep_console()
    os.execvp(sys.executable, [sys.executable, "-m", "prefect", *args])


def _keep_console() -> None:
    """A server or worker logs to its console (the service manager's journal)."""
    from adapters.prefect_runtime import QUIET_CONSOLE

    for key in QUIET_CONSOLE:
        os.environ.pop(key, None)


def deploy(programme: str | None = typer.Option(None, help=PROGRAMME_HELP)) -> None:
    """Register the daily sweep with the Prefect server, on the work pool its workers serve."""
    from services.programmes import find_programme

    settings = get_settings()
    with user_errors():
        found = find_programme(programme=programme)
    code, zone = found.code, found.time_zone
    if not settings.prefect_api_url:
        err.print(
            "[bold red]error:[/] deploy needs a Prefect server: set ROLLOUT_PREFECT_API_URL "
            "(and run `rollout prefect-server`)"
        )
        raise typer.Exit(2)
    from flows.deployments import register_daily

    deployment_id = register_daily(code, zone)
    spread = (
        f"spread into {settings.sweep_parts} parts on pool {settings.parts_pool!r}"
        if settings.sweep_parts > 1
        else "in one process (ROLLOUT_SWEEP_PARTS=1)"
    )
    out.print(
        f"Deployed scheduled-sweep/daily-{code} ({deployment_id}): {settings.sweep_cron} in "
        f"{zone}, on work pool {settings.work_pool!r}, {spread}. "
        "Start a worker: `rollout worker`."
    )


def worker(
    name: str | None = typer.Option(None, help="The worker's name; default Prefect's."),
    parts: int | None = typer.Option(
        None, min=1, max=64, help="Parts of a sweep run at a time; default ROLLOUT_WORKER_PARTS."
    ),
) -> None:
    """Run a worker of the work pools: it takes the scheduled sweeps and their parts (blocks)."""
    from adapters.prefect_runtime import configure_prefect

    settings = get_settings()
    if not settings.prefect_api_url:
        err.print(
            "[bold red]error:[/] a worker needs a Prefect server: set ROLLOUT_PREFECT_API_URL"
        )
        raise typer.Exit(2)
    _keep_console()
    configure_prefect(settings)
    from flows.deployments import serve_pools

    at_once = parts or settings.worker_parts
    err.print(
        f"Worker of pools {settings.work_pool!r} and {settings.parts_pool!r} "
        f"({at_once} part(s) at a time) at {settings.prefect_api_url}."
    )
    serve_pools(name, at_once)


def health(
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
    max_wait: int = typer.Option(
        60, min=1, help="Minutes a message may wait in the outbox before it is a problem."
    ),
) -> None:
    """Check the service: database, Prefect, deployment, next run, worker, last sweep, outbox."""
    from services.health import service_health

    with user_errors():
        checks = service_health(
            programme=programme, as_of=day_or_today(as_of), max_wait=timedelta(minutes=max_wait)
        )
    table = compact_table("rollout health")
    for column in ("check", "", "found"):
        table.add_column(heading(column))
    for check in checks:
        table.add_row(check.name, "ok" if check.ok else "[bold red]FAIL[/]", check.detail)
    out.print(table)
    failed = [c for c in checks if not c.ok]
    if failed:
        reasons = "; ".join(f"{c.name}: {c.detail}" for c in failed)
        err.print(f"[bold red]unhealthy:[/] {reasons}", soft_wrap=True)
        raise typer.Exit(UNHEALTHY)


def web(
    host: str = typer.Option("127.0.0.1", help="The address to listen on."),
    port: int = typer.Option(8000, help="The port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Server processes."),
    as_of: datetime | None = typer.Option(
        None, **DATE, help="Act as of this day (a replay); default today."
    ),
) -> None:
    """Run the web application for units, verifiers, coordinators and auditors (blocks)."""
    import uvicorn

    from services.resources import database

    with user_errors():
        database()  # migrated before the first request, not during one
    if as_of:
        os.environ["ROLLOUT_WEB_AS_OF"] = as_of.date().isoformat()
    err.print(f"rollout web on http://{host}:{port} (links use {get_settings().web_url})")
    uvicorn.run(
        "web.main:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="warning",
    )
