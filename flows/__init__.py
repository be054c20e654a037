"""Prefect flows that sequence the tasks, and the `rollout` command line.

Prefect is configured (home under ROLLOUT_HOME, no telemetry, quiet logs) before any module
of this package or of tasks/ can import it.
"""

from contextlib import suppress

from config.settings import SettingsError, get_settings
from flows.prefect_setup import configure_prefect

with suppress(SettingsError):  # the command line reports it, naming the variable
    configure_prefect(get_settings())
