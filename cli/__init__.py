"""The `rollout` command line: parsing, one service call per command, and rendering.

Prefect is configured before any command can import it (the service checks talk to its API).
"""

from adapters.prefect_runtime import configure_prefect_early

configure_prefect_early()
