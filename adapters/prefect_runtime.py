"""What keeps Prefect quiet, offline-safe and inside var/; applied before Prefect is imported."""

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from config.settings import Settings


def prefect_environment(settings: Settings) -> dict[str, str]:
    """Prefect's settings for this project; a variable already set in the environment wins."""
    return {
        "PREFECT_HOME": str(settings.prefect_home),
        # No usage data, and no errors logged for failing to send it offline.
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The embedded server records task runs and events in batches, not one by one.
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "100",
        "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE": "200",
        "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_READ_BATCH_SIZE": "200",
        # The embedded server takes 10-16 s to start here; give a loaded machine room.
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        # A worker looks for runs every 2 s (Prefect's 10 s would delay each part of a sweep).
        "PREFECT_WORKER_QUERY_SECONDS": "2",
    }


def configure_prefect(settings: Settings) -> None:
    """Set Prefect's environment for this process (and the embedded server it starts).

    The server's API URL is the one configured (ROLLOUT_PREFECT_API_URL, else PREFECT_API_URL),
    so `rollout prefect-server`, the worker and every command agree; without one, each command
    that runs a flow embeds a server of its own.
    """
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    for key, value in prefect_environment(settings).items():
        os.environ.setdefault(key, value)
    if settings.prefect_api_url:
        os.environ["PREFECT_API_URL"] = settings.prefect_api_url


def configure_prefect_early() -> None:
    """Configure Prefect from the settings if they are valid (a package's import calls this
    before any of its modules imports Prefect); the command line reports bad settings itself."""
    from config.settings import SettingsError, get_settings

    with suppress(SettingsError):
        configure_prefect(get_settings())


# What commands print is theirs: Prefect's own console lines stay off (its logs still reach the
# server and its UI). Servers and workers keep their console (a service manager's journal).
QUIET_CONSOLE = {"PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL"}


def quiet_console() -> None:
    """Keep Prefect's console handler silent in this process (call before Prefect's import)."""
    for key, value in QUIET_CONSOLE.items():
        os.environ.setdefault(key, value)


@contextmanager
def flow_settings() -> Iterator[None]:
    """Flow-run settings of this project: no heartbeats (they round each run up to 1 s)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def wait_for_server(api_url: str, timeout: float = 120) -> None:
    """Return once the Prefect server at `api_url` answers its health check; else raise."""
    import time

    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the Prefect server at {api_url} did not answer within {timeout:.0f} s")


def artifact_key(kind: str, programme_code: str) -> str:
    """An artifact key Prefect accepts (lowercase letters, digits, dashes): plan-hp-2023-pilot."""
    code = "".join(c if c.isalnum() else "-" for c in programme_code.lower())
    return f"{kind}-{code}"
