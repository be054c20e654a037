"""Prefect flows: they only sequence the tasks of tasks/.

Prefect is configured (home under ROLLOUT_HOME, no telemetry, quiet logs) before any module
of this package or of tasks/ can import it.
"""

from adapters.prefect_runtime import configure_prefect_early

configure_prefect_early()
