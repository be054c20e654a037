"""Drafting, writing and registering documents, for units or the programme; registering the
signed ones under the number and date their clerk gave them."""

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from adapters.figures import UNIT_FIGURE, UNIT_FIGURE_PART, pillar_charts
from adapters.word import WordTemplate, find_template, load_template
from config.settings import get_settings
from models.assessment.catalogue import Catalogue
from models.documents.data import programme_report_data, unit_document_data
from models.documents.facts import programme_facts, programme_summary, province_of, unit_facts
from models.documents.registry import Draft, Outcome, register, register_signed
from models.documents.types import DocumentType, load_document_types
from models.kernel.problems import InputError, Problem
from models.kernel.tables import GeneratedDocument, PhaseRun, Programme
from models.programme.settings import programme_settings
from services.resources import actor


def _template_folder(programme: Programme) -> Path | None:
    folder = programme_settings(programme).documents.templates
    return Path(folder) if folder else None


def _render(draft: Draft, template: WordTemplate, catalogue: Catalogue | None = None) -> bytes:
    data = draft.data
    media = None
    # The self-assessment report's chart, drawn only for a template that shows it (~1 s each).
    if catalogue is not None and "colours" in data and template.holds(UNIT_FIGURE_PART):
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
    skip: set[tuple[int, str]] = set()
    if only_new:  # read first, so that a batch with nothing to draft costs two queries
        skip = _drafted_already(session, programme, unit_ids, [t.key for t in types], language)
        opened = _opened(session, unit_ids, {t.phase for t in types})
        skip |= {(u, t.key) for u in unit_ids for t in types if (u, t.phase) not in opened}
        if len(skip) == len(unit_ids) * len(types):
            return _counts([])
    folder = _template_folder(programme)
    templates = {t.key: load_template(find_template(t.key, language, folder)) for t in types}
    facts = programme_facts(session, programme)
    # The facts of the units with something to draft only: a sweep's batch of 500 often has
    # a few dozen that opened the phase today.
    wanted = [u for u in unit_ids if any((u, t.key) not in skip for t in types)]
    units = unit_facts(session, programme, wanted, language)
    drafts = []
    for unit_id, unit in sorted(units.items(), key=lambda kv: kv[1].code):
        for doc_type in types:
            if (unit_id, doc_type.key) in skip:
                continue
            if doc_type.key == "assessment_report" and not unit.ratings:
                continue  # nothing to report yet: no draft, no version
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
        lambda d: _render(d, templates[d.template_name], facts.catalogue),
        get_settings().documents_dir,
        actor(),
        recorded_at,
    )
    return _counts(outcomes)


def _counts(outcomes: list[Outcome]) -> dict:
    new = sum(o.new for o in outcomes)
    paths = [o.path for o in outcomes]
    return {"new": new, "unchanged": len(outcomes) - new, "paths": paths}


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
            programme_facts(session, programme),
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
        lambda d: _render(d, template),
        get_settings().documents_dir,
        actor(),
        recorded_at,
    )
    return _counts(outcomes)


def register_signed_document(
    session: Session,
    programme: Programme,
    unit_code: str,
    doc_type: DocumentType,
    number: tuple[int, str],
    signed_on: date,
    recorded_at: datetime,
    signer: str | None = None,
) -> list[GeneratedDocument]:
    """Register a unit's signed document in the caller's transaction: its drafts, numbered,
    dated and named as signed, become final versions."""
    from adapters.word import fill_signed

    return register_signed(
        session,
        programme,
        unit_code,
        doc_type,
        number,
        signed_on,
        fill_signed,
        get_settings().documents_dir,
        actor(),
        recorded_at,
        signer,
    )
