"""Documents as the front ends ask for them: draft a selection (a flow run), list the
registry, and the document types there are."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models.documents.types import (
    DocumentType,
    load_document_types,
    registered_number,
    resolve_types,
)
from models.kernel.database import read_session, write_session
from models.kernel.identifiers import text_problem
from models.kernel.lookups import find_unit, get_programme
from models.kernel.problems import InputError, Problem
from models.kernel.tables import GeneratedDocument
from models.programme.settings import programme_settings
from services.flow_runs import in_flow_settings
from services.resources import database, read_database


@dataclass(frozen=True)
class Drafted:
    """What drafting a selection made: new and unchanged documents, exports, their paths."""

    new: int
    unchanged: int
    paths: tuple[str, ...]
    pdfs: int | None = None
    previews: int | None = None


def selected_types(
    *, types: list[str] | None, phase: str | None, unit: str | None
) -> list[DocumentType]:
    """The document types a request names (unit documents only when one unit is named)."""
    chosen = resolve_types(types or None, phase)
    return [t for t in chosen if t.issuer == "unit"] if unit else chosen


def draft_documents(
    *,
    programme: str | None,
    as_of: date,
    types: list[DocumentType],
    language: str | None = None,
    unit: str | None = None,
    pdf: bool = False,
    html: bool = False,
) -> Drafted:
    """Draft documents of the chosen types for every unit or one (a flow run); unchanged data
    returns the same documents, changed data a new version."""
    from flows.documents import generate_documents

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        code = found.code
        unit_code = find_unit(session, found, unit).code if unit else None
        language = language or programme_settings(found).documents.language
    with in_flow_settings():
        result = generate_documents(
            code, as_of, [t.key for t in types], language, unit_code, pdf=pdf, html=html
        )
    return Drafted(
        result["new"],
        result["unchanged"],
        tuple(result["paths"]),
        result.get("pdfs"),
        result.get("previews"),
    )


def register_document(
    *,
    programme: str | None,
    unit: str,
    doc_type: str,
    number: str,
    signed_on: date,
    as_of: date,
    signer: str | None = None,
) -> tuple[str, ...]:
    """Register a signed document under the number and date its clerk gave it: its drafts
    become final versions carrying them. The files written; InputError when the number cannot
    be read, is dated after `as_of`, does not fit the type, is taken, or there is no draft."""
    from datetime import UTC, datetime

    from services.drafting import register_signed_document

    chosen = resolve_types([doc_type], None)[0]
    read = registered_number(number)
    if read is None:
        problem = f"{number!r} has no number; write it as on the document, e.g. 'Số 12/QĐ-UBND'"
        raise InputError([Problem("--number", None, None, problem)])
    if signer and (problem := text_problem(signer)):
        raise InputError([Problem("--signer", None, None, problem)])
    if signed_on > as_of:
        problem = (
            f"{signed_on:%d/%m/%Y} is after {as_of:%d/%m/%Y}: a document is registered once signed"
        )
        raise InputError([Problem("--on", None, None, problem)])
    with write_session(database()) as session:
        found = get_programme(session, programme)
        unit_code = find_unit(session, found, unit).code
        made = register_signed_document(
            session, found, unit_code, chosen, read, signed_on, datetime.now(UTC), signer
        )
        if not made and not _drafts_of(session, found.id, unit_code, chosen.key):
            raise InputError(
                [
                    Problem(
                        "--type",
                        None,
                        None,
                        f"{unit_code} has no draft of {doc_type} to register; "
                        f"draft it first (`rollout docs generate --unit {unit_code} "
                        f"--type {doc_type}`)",
                    )
                ]
            )
        return tuple(d.path for d in made)


def _drafts_of(session, programme_id: int, subject: str, doc_type: str) -> bool:
    return (
        session.scalars(
            select(GeneratedDocument.id).where(
                GeneratedDocument.programme_id == programme_id,
                GeneratedDocument.subject == subject,
                GeneratedDocument.doc_type == doc_type,
            )
        ).first()
        is not None
    )


def registered_documents(
    *,
    programme: str | None,
    unit: str | None = None,
    phase: str | None = None,
    doc_type: str | None = None,
    all_versions: bool = False,
) -> list[dict]:
    """The registry's rows (number, date, type, version, file, hashes), as records; `unit` is
    a unit's code or the programme's own (for its reports)."""
    from models.documents.registry import list_documents

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        subject = unit
        if unit and unit.upper() != found.code.upper():
            subject = find_unit(session, found, unit, in_roster=False).code
        elif unit:
            subject = found.code
        docs = list_documents(session, found.id, subject, phase, doc_type, not all_versions)
        versions = {d.id: d.version for d in docs}
        return [
            {
                "unit": d.subject,
                "phase": d.phase,
                "type": d.doc_type,
                "language": d.language,
                "version": d.version,
                "replaces": versions.get(d.replaces_id, d.version - 1 if d.replaces_id else None),
                "number": d.number_symbol or "",
                "issued_on": d.issued_on.isoformat(),
                "path": d.path,
                "output_sha256": d.output_sha256,
                "data_sha256": d.data_sha256,
                "template": d.template_name,
                "template_sha256": d.template_sha256,
                "created_by": d.created_by,
                "created_at": d.created_at.isoformat(),
            }
            for d in docs
        ]


def document_types() -> list[DocumentType]:
    """Every document type the phases draft."""
    return list(load_document_types().values())
