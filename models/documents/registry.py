"""The document registry: what was drafted, what was signed and under which number, hashes.

A draft carries no number: the clerk (văn thư) numbers a document when it is registered after
signing. Recording the signed document gives the registry its number and date; a signed
document is final, and drafting again never makes it a second, renumbered one.

Files are written and rows inserted in the caller's one write transaction (which writers take
one at a time): a failed run leaves neither a file nor a row.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from models.audit.chain import Change, append_changes
from models.documents.staging import Staging
from models.documents.types import DocumentType, data_hash, file_name
from models.kernel.database import execute_many
from models.kernel.identifiers import inside
from models.kernel.problems import InputError, Problem
from models.kernel.tables import GeneratedDocument, Programme


@dataclass(frozen=True)
class Draft:
    """A document to generate: whose, which type, in which language, from what data."""

    subject: str  # a unit's code, or the programme's code for its own reports
    unit_id: int | None
    phase: str
    doc_type: DocumentType
    language: str
    issuer: str  # whose register the signed document goes into
    agency_symbol: str
    issued_on: date
    data: dict
    template_name: str
    template_sha256: str

    @cached_property
    def data_sha256(self) -> str:
        """The hash of the data the document is rendered from."""
        return data_hash(self.data)


@dataclass(frozen=True)
class Outcome:
    """What generating one draft did: a new version, or the unchanged (or signed) one kept;
    where its file is, under the documents folder."""

    path: str
    new: bool


Render = Callable[[Draft], bytes]
# content, language, type symbol, number, day, signer -> the completed file
Fill = Callable[[bytes, str, str, str, date, str | None], bytes]


def register(
    session: Session,
    programme: Programme,
    drafts: list[Draft],
    render: Render,
    documents_dir: Path,
    actor: str,
    now: datetime,
) -> list[Outcome]:
    """Generate what changed, return what did not; write and record in one transaction.

    A document already signed and registered is kept as it is: what was signed does not change.
    A template or data error raises with nothing written or registered. The new versions' rows
    go in at the driver's pace (a sweep drafts thousands).
    """
    latest = _latest(session, programme.id, drafts)
    outcomes: list[Outcome | None] = []
    todo: list[tuple[int, Draft, GeneratedDocument | None]] = []
    for i, draft in enumerate(drafts):
        previous = latest.get((draft.subject, draft.doc_type.key, draft.language))
        if previous is not None and (previous.number_symbol or _same(previous, draft)):
            outcomes.append(Outcome(previous.path, False))
            continue
        outcomes.append(None)
        todo.append((i, draft, previous))
    with Staging(documents_dir) as staging:
        versions = []
        for i, draft, previous in todo:
            content = render(draft)
            row = _version(programme, draft, previous, content, None, draft.issued_on, actor, now)
            staging.add(row["path"], content)
            outcomes[i] = Outcome(row["path"], True)
            versions.append((row, previous))
        execute_many(
            session.connection(), GeneratedDocument.__table__.insert(), [r for r, _ in versions]
        )
        _audit(session, programme, versions, actor, now)
    return [o for o in outcomes if o is not None]


def register_signed(
    session: Session,
    programme: Programme,
    subject: str,
    doc_type: DocumentType,
    number: tuple[int, str],
    signed_on: date,
    fill: Fill,
    documents_dir: Path,
    actor: str,
    now: datetime,
    signer: str | None = None,
) -> list[GeneratedDocument]:
    """Register the signed document: the latest draft of each language, with the number and date
    the clerk gave it (and the signer's name, when given), becomes a new version that is final.
    Returns the versions made (none when there is no draft, or it is registered with that number
    and date already).

    A number the same issuer already gave another document that year is refused.
    """
    if not doc_type.numbered:
        raise _refused(f"a {doc_type.key} is a form: it has no number to register")
    if len(number[1]) > 64 or number[0] > 999_999:
        raise _refused(f"{number[1][:80]!r} is not a register number: check it")
    if f"/{doc_type.symbol}-" not in number[1]:
        raise _refused(
            f"a {doc_type.key} is numbered …/{doc_type.symbol}-…; {number[1]!r} is not: check it"
        )
    taken = session.scalars(
        select(GeneratedDocument).where(
            GeneratedDocument.programme_id == programme.id,
            GeneratedDocument.issuer
            == ("coordinator" if doc_type.issuer == "coordinator" else subject),
            GeneratedDocument.number_symbol == number[1],
        )
    ).all()
    other = [
        d
        for d in taken
        if d.issued_on.year == signed_on.year and (d.subject, d.doc_type) != (subject, doc_type.key)
    ]
    if other:
        first = other[0]
        raise _refused(
            f"Số {number[1]} is already registered for {first.subject}'s {first.doc_type} "
            f"signed {first.issued_on:%d/%m/%Y}; check the number on the signed document"
        )
    latest: dict[str, GeneratedDocument] = {}
    for doc in session.scalars(
        select(GeneratedDocument).where(
            GeneratedDocument.programme_id == programme.id,
            GeneratedDocument.subject == subject,
            GeneratedDocument.doc_type == doc_type.key,
        )
    ):
        if doc.language not in latest or latest[doc.language].version < doc.version:
            latest[doc.language] = doc
    with Staging(documents_dir) as staging:
        versions = []
        for language, previous in sorted(latest.items()):
            if (previous.number_symbol, previous.issued_on) == (number[1], signed_on):
                continue
            drafted = inside(documents_dir, documents_dir / previous.path, "a document")
            if not drafted.is_file():
                raise _refused(
                    f"the draft {drafted} is missing; draft it again (`rollout docs generate "
                    f"--unit {subject} --type {doc_type.key}`), then register it"
                )
            content = fill(
                drafted.read_bytes(), language, doc_type.symbol, number[1], signed_on, signer
            )
            row = _version(programme, None, previous, content, number, signed_on, actor, now)
            staging.add(row["path"], content)
            versions.append((row, previous))
        documents = [GeneratedDocument(**row) for row, _ in versions]
        session.add_all(documents)
        session.flush()
        _audit(session, programme, versions, actor, now)
    return documents


def _refused(message: str) -> InputError:
    """A registration refused: the number (as given by --number or --decision) is the field."""
    return InputError([Problem("number", None, None, message)])


def _version(
    programme: Programme,
    draft: Draft | None,
    previous: GeneratedDocument | None,
    content: bytes,
    number: tuple[int, str] | None,
    issued_on: date,
    actor: str,
    now: datetime,
) -> dict:
    """A new version's row: from a draft, or (draft None) the previous one registered as signed."""
    source = draft or previous
    version = (previous.version + 1) if previous else 1
    doc_type = draft.doc_type.key if draft else previous.doc_type
    relative = Path(programme.code, source.subject, source.phase) / file_name(
        doc_type, source.language, version, number[1] if number else None
    )
    return {
        "programme_id": programme.id,
        "unit_id": source.unit_id,
        "subject": source.subject,
        "phase": source.phase,
        "doc_type": doc_type,
        "language": source.language,
        "version": version,
        "replaces_id": previous.id if previous else None,
        "issuer": source.issuer,
        "number": number[0] if number else None,
        "number_symbol": number[1] if number else None,
        "issued_on": issued_on,
        "template_name": source.template_name,
        "template_sha256": source.template_sha256,
        "data_sha256": draft.data_sha256 if draft else previous.data_sha256,
        "output_sha256": hashlib.sha256(content).hexdigest(),
        "path": relative.as_posix(),
        "created_by": actor,
        "created_at": now,
    }


def _audit(
    session: Session,
    programme: Programme,
    versions: list[tuple[dict, GeneratedDocument | None]],
    actor: str,
    now: datetime,
) -> None:
    """Audit the new versions (their rows written), in the caller's transaction."""
    append_changes(session, [_event(programme.code, r, p) for r, p in versions], actor, now)


def _same(doc: GeneratedDocument, draft: Draft) -> bool:
    return (
        doc.data_sha256 == draft.data_sha256
        and doc.template_sha256 == draft.template_sha256
        and doc.issued_on == draft.issued_on
    )


def _latest(
    session: Session, programme_id: int, drafts: list[Draft]
) -> dict[tuple[str, str, str], GeneratedDocument]:
    """The newest version of each (subject, type, language) the drafts touch."""
    subjects = sorted({d.subject for d in drafts})
    types = sorted({d.doc_type.key for d in drafts})
    latest: dict[tuple[str, str, str], GeneratedDocument] = {}
    for start in range(0, len(subjects), 900):
        rows = session.scalars(
            select(GeneratedDocument).where(
                GeneratedDocument.programme_id == programme_id,
                GeneratedDocument.subject.in_(subjects[start : start + 900]),
                GeneratedDocument.doc_type.in_(types),
            )
        )
        for doc in rows:
            key = (doc.subject, doc.doc_type, doc.language)
            if key not in latest or latest[key].version < doc.version:
                latest[key] = doc
    return latest


def _event(code: str, row: dict, previous: GeneratedDocument | None) -> Change:
    """The audit event of a new version, from its row."""
    action = "document.registered" if row["number_symbol"] else "document.generated"
    payload = {
        "type": row["doc_type"],
        "language": row["language"],
        "version": row["version"],
        "number": row["number_symbol"],
        "issued_on": row["issued_on"],
        "template": row["template_name"],
        "template_sha256": row["template_sha256"],
        "data_sha256": row["data_sha256"],
        "output_sha256": row["output_sha256"],
        "path": row["path"],
    }
    if previous is not None:
        payload["replaces"] = {"version": previous.version, "number": previous.number_symbol}
    return Change(action, f"{code}/{row['subject']}/{row['phase']}", payload, code)


def list_documents(
    session: Session,
    programme_id: int,
    subject: str | None = None,
    phase: str | None = None,
    doc_type: str | None = None,
    latest_only: bool = True,
) -> list[GeneratedDocument]:
    """Registered documents in order of subject, phase, type and version."""
    query = select(GeneratedDocument).where(GeneratedDocument.programme_id == programme_id)
    if subject:
        query = query.where(GeneratedDocument.subject == subject)
    if phase:
        query = query.where(GeneratedDocument.phase == phase)
    if doc_type:
        query = query.where(GeneratedDocument.doc_type == doc_type)
    if latest_only:
        newest = (
            select(
                GeneratedDocument.subject,
                GeneratedDocument.doc_type,
                GeneratedDocument.language,
                func.max(GeneratedDocument.version).label("version"),
            )
            .where(GeneratedDocument.programme_id == programme_id)
            .group_by(
                GeneratedDocument.subject, GeneratedDocument.doc_type, GeneratedDocument.language
            )
            .subquery()
        )
        query = query.join(
            newest,
            (newest.c.subject == GeneratedDocument.subject)
            & (newest.c.doc_type == GeneratedDocument.doc_type)
            & (newest.c.language == GeneratedDocument.language)
            & (newest.c.version == GeneratedDocument.version),
        )
    order = (
        GeneratedDocument.subject,
        GeneratedDocument.phase,
        GeneratedDocument.doc_type,
        GeneratedDocument.language,
        GeneratedDocument.version,
    )
    return list(session.scalars(query.order_by(*order)))
