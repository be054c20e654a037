"""Documents as the front ends ask for them: draft a selection (a flow run), list the
registry, and the document types there are."""

from dataclasses import dataclass
from datetime import date

from models.documents.types import DocumentType, load_document_types, resolve_types
from models.kernel.database import read_session
from models.kernel.lookups import find_unit, get_programme
from models.programme.settings import programme_settings
from services.flow_runs import in_flow_settings
from services.resources import read_database


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
