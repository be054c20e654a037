"""Tasks that load, validate and store a programme."""

from datetime import datetime
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.kernel.database import write_session
from models.programme.file import ProgrammeSpec, load_programme
from models.programme.store import store_programme
from services.resources import actor, database


@task(name="validate-programme", task_run_name="validate-file", cache_policy=NO_CACHE)
def validate_programme(programme_file: str) -> ProgrammeSpec:
    """Read and validate a programme file and its roster (raises InputError)."""
    return load_programme(Path(programme_file))


@task(name="store-programme", task_run_name="store-{spec.code}", cache_policy=NO_CACHE)
def persist_programme(spec: ProgrammeSpec, recorded_at: datetime) -> dict:
    """Store the programme, calendar, waves and units in one audited transaction."""
    with write_session(database()) as session:
        return store_programme(session, spec, actor(), recorded_at)
