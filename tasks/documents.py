"""Tasks that draft, number, write and register documents for batches of units."""

from datetime import date, datetime

from prefect import task
from prefect.cache_policies import NO_CACHE

from adapters import exports
from models.documents.types import load_document_types
from models.kernel.database import write_session
from models.kernel.lookups import get_programme
from models.programme.settings import programme_settings
from services.drafting import draft_programme_report_in, draft_unit_documents
from services.resources import database


@task(
    name="draft-documents",
    task_run_name="documents-{programme_code}-{label}-batch-{index}",
    cache_policy=NO_CACHE,
)
def draft_batch(
    programme_code: str,
    label: str,
    index: int,
    unit_ids: list[int],
    type_keys: list[str],
    language: str | None,
    as_of: date,
    recorded_at: datetime,
    only_new: bool = False,
) -> dict:
    """Draft, number, write and register documents of some types for one batch of units.

    language None means the programme's own; `only_new` (the phase flows) drafts only for units
    whose phase is open and that have none yet, and nothing when the programme turned it off.
    """
    known = load_document_types()
    types = [known[k] for k in type_keys]
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        settings = programme_settings(programme).documents
        if only_new and not settings.draft_on_open:
            return {"new": 0, "unchanged": 0, "paths": []}
        language = language or settings.language
        return draft_unit_documents(
            session, programme, unit_ids, types, language, as_of, recorded_at, only_new
        )


@task(name="draft-programme-report", task_run_name="report-{programme_code}", cache_policy=NO_CACHE)
def draft_programme_report(
    programme_code: str, language: str, as_of: date, recorded_at: datetime
) -> dict:
    """Draft the coordinator's summary report (completion per phase and wave) and register it."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        return draft_programme_report_in(session, programme, language, as_of, recorded_at)


@task(name="convert-to-pdf", task_run_name="pdf-{label}", cache_policy=NO_CACHE)
def convert_to_pdf(label: str, paths: list[str]) -> int:
    """Make a PDF beside each Word file with LibreOffice."""
    return exports.convert_to_pdf(paths)


@task(name="write-previews", task_run_name="previews-{label}", cache_policy=NO_CACHE)
def write_previews(label: str, paths: list[str]) -> int:
    """Write an HTML preview beside each Word file."""
    return exports.write_previews(paths)
