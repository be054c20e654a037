"""The document registry: what was generated, its number, its hashes; numbers never reused.

Numbers are taken, files written and rows inserted in the caller's one write transaction (which
writers take one at a time), so a failed or concurrent run neither skips nor repeats a number.
"""

import hashlib
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from models.audit.chain import Change, append_changes
from models.documents.types import DocumentType, data_hash, file_name, number_and_symbol
from models.kernel.identifiers import inside
from models.kernel.tables import DocumentCounter, GeneratedDocument, Programme


@dataclass(frozen=True)
class Draft:
    """A document to generate: whose, which type, in which language, from what data."""

    subject: str  # a unit's code, or the programme's code for its own reports
    unit_id: int | None
    phase: str
    doc_type: DocumentType
    language: str
    issuer: str  # whose number sequence
    agency_symbol: str
    issued_on: date
    data: dict
    template_name: str
    template_sha256: str

    @property
    def data_sha256(self) -> str:
        """The hash of the data the document is rendered from."""
        return data_hash(self.data)


@dataclass(frozen=True)
class Outcome:
    """What generating one draft did: a new version, or the unchanged one returned."""

    document: GeneratedDocument
    new: bool


Render = Callable[[Draft, str | None], bytes]


def register(
    session: Session,
    programme: Programme,
    drafts: list[Draft],
    render: Render,
    documents_dir: Path,
    actor: str,
    now: datetime,
) -> list[Outcome]:
    """Generate what changed, return what did not; number, write and record in one transaction.

    A document in the other language of the same date (the English counterpart of a Vietnamese
    document, or back) carries the same number: it is a translation, not a new document.

    Rendering happens before anything is written: a template or data error raises with nothing
    registered and no number used (the caller's transaction rolls the counters back).
    """
    latest = _latest(session, programme.id, drafts)
    outcomes: list[Outcome | None] = []
    todo: list[tuple[int, Draft, GeneratedDocument | None, int | None]] = []
    for i, draft in enumerate(drafts):
        key = (draft.subject, draft.doc_type.key)
        previous = latest.get((*key, draft.language))
        if previous is not None and _same(previous, draft):
            outcomes.append(Outcome(previous, False))
            continue
        twin = next(
            (
                doc
                for (s, t, lang), doc in latest.items()
                if (s, t) == key and lang != draft.language and doc.issued_on == draft.issued_on
            ),
            None,
        )
        outcomes.append(None)
        todo.append((i, draft, previous, twin.number if twin else None))

    numbers = _allocate(session, programme.id, [d for _, d, _, n in todo if n is None])
    rendered: list[tuple[int, Draft, GeneratedDocument | None, int | None, bytes]] = []
    for i, draft, previous, number in todo:
        if draft.doc_type.numbered and number is None:
            number = numbers[id(draft)]
        symbol = _symbol(draft, number)
        rendered.append((i, draft, previous, number, render(draft, symbol)))

    changes: list[Change] = []
    staged: list[tuple[Path, Path]] = []
    try:
        for i, draft, previous, number, content in rendered:
            version = (previous.version + 1) if previous else 1
            symbol = _symbol(draft, number)
            relative = Path(programme.code, draft.subject, draft.phase) / file_name(
                draft.doc_type.key, draft.language, version, symbol
            )
            target = inside(documents_dir, documents_dir / relative, "a document")
            staged.append((_stage(target, content), target))
            doc = GeneratedDocument(
                programme_id=programme.id,
                unit_id=draft.unit_id,
                subject=draft.subject,
                phase=draft.phase,
                doc_type=draft.doc_type.key,
                language=draft.language,
                version=version,
                replaces_id=previous.id if previous else None,
                issuer=draft.issuer,
                number=number,
                number_symbol=symbol,
                issued_on=draft.issued_on,
                template_name=draft.template_name,
                template_sha256=draft.template_sha256,
                data_sha256=draft.data_sha256,
                output_sha256=hashlib.sha256(content).hexdigest(),
                path=relative.as_posix(),
                created_by=actor,
                created_at=now,
            )
            session.add(doc)
            outcomes[i] = Outcome(doc, True)
            changes.append(_event(programme.code, doc, previous))
        session.flush()
        append_changes(session, changes, actor, now)
        session.flush()
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final in staged:
        os.replace(temporary, final)
    return [o for o in outcomes if o is not None]


def _same(doc: GeneratedDocument, draft: Draft) -> bool:
    return (
        doc.data_sha256 == draft.data_sha256
        and doc.template_sha256 == draft.template_sha256
        and doc.issued_on == draft.issued_on
    )


def _symbol(draft: Draft, number: int | None) -> str | None:
    if number is None or draft.doc_type.symbol is None:
        return None
    return number_and_symbol(number, draft.doc_type.symbol, draft.agency_symbol)


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


def _allocate(session: Session, programme_id: int, drafts: list[Draft]) -> dict[int, int]:
    """The next numbers, per issuer, type symbol and year, for the numbered drafts."""
    wanted: dict[tuple[str, str, int], list[Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.doc_type.numbered:
            wanted[(draft.issuer, draft.doc_type.symbol, draft.issued_on.year)].append(draft)
    if not wanted:
        return {}
    issuers = sorted({k[0] for k in wanted})
    counters: dict[tuple[str, str, int], DocumentCounter] = {}
    for start in range(0, len(issuers), 900):
        for row in session.scalars(
            select(DocumentCounter).where(
                DocumentCounter.programme_id == programme_id,
                DocumentCounter.issuer.in_(issuers[start : start + 900]),
            )
        ):
            counters[(row.issuer, row.symbol, row.year)] = row
    numbers: dict[int, int] = {}
    for key, group in sorted(wanted.items()):
        counter = counters.get(key)
        if counter is None:
            counter = DocumentCounter(
                programme_id=programme_id, issuer=key[0], symbol=key[1], year=key[2], last=0
            )
            session.add(counter)
        for draft in sorted(group, key=lambda d: (d.issued_on, d.subject, d.doc_type.key)):
            counter.last += 1
            numbers[id(draft)] = counter.last
    return numbers


def _stage(final: Path, content: bytes) -> Path:
    """Write beside the final path; the caller renames once the transaction is safe."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    return temporary


def _event(code: str, doc: GeneratedDocument, previous: GeneratedDocument | None) -> Change:
    payload = {
        "type": doc.doc_type,
        "language": doc.language,
        "version": doc.version,
        "number": doc.number_symbol,
        "issued_on": doc.issued_on,
        "template": doc.template_name,
        "template_sha256": doc.template_sha256,
        "data_sha256": doc.data_sha256,
        "output_sha256": doc.output_sha256,
        "path": doc.path,
    }
    if previous is not None:
        payload["replaces"] = {"version": previous.version, "number": previous.number_symbol}
    return Change("document.generated", f"{code}/{doc.subject}/{doc.phase}", payload, code)


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
