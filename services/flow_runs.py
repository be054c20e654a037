"""Running Prefect flows from a front end: with this project's flow-run settings."""

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def in_flow_settings() -> Iterator[None]:
    """Flow runs started inside use the project's settings (no heartbeats); Prefect is
    imported only here, so front ends that never run a flow never import it."""
    from adapters.prefect_runtime import flow_settings

    with flow_settings():
        yield
