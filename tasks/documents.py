"""Tasks that draft, number, write and register documents for batches of units."""

from datetime import date, datetime
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy import select
from sqlmodel import Session

from config.settings import get_settings
from models.catalogue import Catalogue
from models.database import write_session
from models.document_data import programme_report_data, unit_document_data
from models.document_facts import programme_facts, programme_summary, province_of, unit_facts
from models.document_registry import Draft, Outcome, register
from models.documents import DocumentType, load_document_types
from models.problems import InputError, Problem
from models.schedule import get_programme
from models.tables import GeneratedDocument, PhaseRun, Programme
from tasks.figures import UNIT_FIGURE, UNIT_FIGURE_PART, pillar_charts
from tasks.resources import actor, database
from tasks.word import find_template, load_template


def _template_folder(programme: Programme) -> Path | None:
    folder = (programme.documents or {}).get("templates")
    return Path(folder) if folder else None


def _render(
    draft: Draft, symbol: str | None, folder: Path | None, catalogue: Catalogue | None = None
) -> bytes:
    template = load_template(find_template(draft.template_name, draft.language, folder))
    data = draft.data if symbol is None else draft.data | {"number": symbol}
    media = None
    if catalogue is not None and "colours" in data:  # the self-assessment report's chart
        chart = pillar_charts(
            catalogue, {draft.subject: data["colours"]}, "png", draft.language, UNIT_FIGURE
        )
        media = {UNIT_FIGURE_PART: chart}
    return template.render(data, media)


def _drafted_already(
    session: Session, programme: Programme, unit_ids: list[int], types: list[str], language: str
) -> set[tuple[int, str]]:
    rows = session.execute(
        select(GeneratedDocument.unit_id, GeneratedDocument.doc_type).where(
            GeneratedDocument.programme_id == programme.id,
            GeneratedDocument.unit_id.in_(unit_ids),
            GeneratedDocument.doc_type.in_(types),
            GeneratedDocument.language == language,
        )
    )
    return {(u, t) for u, t in rows}


def _opened(session: Session, unit_ids: list[int], phases: set[str]) -> set[tuple[int, str]]:
    rows = session.execute(
        select(PhaseRun.unit_id, PhaseRun.phase).where(
            PhaseRun.unit_id.in_(unit_ids), PhaseRun.phase.in_(phases), PhaseRun.status != "planned"
        )
    )
    return {(u, p) for u, p in rows}


def draft_unit_documents(
    session: Session,
    programme: Programme,
    unit_ids: list[int],
    types: list[DocumentType],
    language: str,
    as_of: date,
    recorded_at: datetime,
    only_new: bool,
) -> dict:
    """Draft the given types for units in one transaction; `only_new` skips those done before."""
    folder = _template_folder(programme)
    templates = {t.key: load_template(find_template(t.key, language, folder)) for t in types}
    facts = programme_facts(programme)
    units = unit_facts(session, programme, unit_ids, language)
    skip: set[tuple[int, str]] = set()
    if only_new:
        skip = _drafted_already(session, programme, unit_ids, [t.key for t in types], language)
        opened = _opened(session, list(units), {t.phase for t in types})
        skip |= {(u, t.key) for u in units for t in types if (u, t.phase) not in opened}
    drafts = []
    for unit_id, unit in sorted(units.items(), key=lambda kv: kv[1].code):
        for doc_type in types:
            if (unit_id, doc_type.key) in skip:
                continue
            issued, agency, data = unit_document_data(doc_type, language, facts, unit, as_of)
            drafts.append(
                Draft(
                    subject=unit.code,
                    unit_id=unit_id,
                    phase=doc_type.phase,
                    doc_type=doc_type,
                    language=language,
                    issuer=unit.code,
                    agency_symbol=agency.symbol,
                    issued_on=issued,
                    data=data,
                    template_name=doc_type.key,
                    template_sha256=templates[doc_type.key].sha256,
                )
            )
    outcomes = register(
        session,
        programme,
        drafts,
        lambda d, s: _render(d, s, folder, facts.catalogue),
        get_settings().documents_dir,
        actor(),
        recorded_at,
    )
    return _counts(outcomes)


def _counts(outcomes: list[Outcome]) -> dict:
    new = sum(o.new for o in outcomes)
    paths = [o.document.path for o in outcomes]
    return {"new": new, "unchanged": len(outcomes) - new, "paths": paths}


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
        settings = programme.documents or {}
        if only_new and not settings.get("draft_on_open", True):
            return {"new": 0, "unchanged": 0, "paths": []}
        language = language or settings.get("language", "vi")
        return draft_unit_documents(
            session, programme, unit_ids, types, language, as_of, recorded_at, only_new
        )


def draft_programme_report_in(
    session: Session, programme: Programme, language: str, as_of: date, recorded_at: datetime
) -> dict:
    """Draft and register the coordinator's summary report in the caller's transaction."""
    doc_type = load_document_types()["programme_report"]
    folder = _template_folder(programme)
    template = load_template(find_template(doc_type.key, language, folder))
    try:
        issued, agency, data = programme_report_data(
            doc_type,
            language,
            programme_facts(programme),
            programme_summary(session, programme, as_of),
            province_of(session, programme),
            as_of,
        )
    except LookupError as exc:
        raise InputError([Problem(programme.source_file, None, "documents", str(exc))]) from exc
    draft = Draft(
        subject=programme.code,
        unit_id=None,
        phase=doc_type.phase,
        doc_type=doc_type,
        language=language,
        issuer="coordinator",
        agency_symbol=agency.symbol,
        issued_on=issued,
        data=data,
        template_name=doc_type.key,
        template_sha256=template.sha256,
    )
    outcomes = register(
        session,
        programme,
        [draft],
        lambda d, s: _render(d, s, folder),
        get_settings().documents_dir,
        actor(),
        recorded_at,
    )
    return _counts(outcomes)


@task(name="draft-programme-report", task_run_name="report-{programme_code}", cache_policy=NO_CACHE)
def draft_programme_report(
    programme_code: str, language: str, as_of: date, recorded_at: datetime
) -> dict:
    """Draft the coordinator's summary report (completion per phase and wave) and register it."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        return draft_programme_report_in(session, programme, language, as_of, recorded_at)
