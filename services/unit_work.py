"""A unit's work beside its phases, as its pages ask for it: its action programme and its
progress, its drafted and signed documents, the self-assessment as an Excel form; each
read and write checks the person's scope first."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from config.settings import get_settings
from models.access.roles import Person
from models.assessment.action_items import ItemFields, Progress
from models.kernel.database import read_session
from models.kernel.identifiers import inside
from models.kernel.tables import ActionItem, GeneratedDocument
from models.kernel.vocabulary import ITEM_STATES
from services.actions import ItemRow, edit, items
from services.kept_views import kept_per_head
from services.resources import acting_as, read_database
from services.workspace import OutOfScopeError, checked_unit, may_hand_in


@dataclass(frozen=True)
class DocumentLine:
    """A document of the unit as its page lists it (the newest version of each)."""

    id: int
    phase: str
    doc_type: str
    language: str
    version: int
    number: str | None
    issued_on: date
    name: str


def update_action(
    *, person: Person, unit: str, item: int, status: str, note: str, on: date
) -> ItemRow:
    """A unit reports an item's progress: its status, a note, the day done (audited)."""
    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
        found = session.get(ActionItem, item)
        if found is None or found.unit_id != row.id:
            raise OutOfScopeError(f"no action item {item} for {row.code}")
    may_hand_in(person, row.code)
    fields = ItemFields(
        status=status if status in ITEM_STATES else status[:20],
        note=note.strip()[:2000] or None,
        done_on=on if status == "done" else None,
    )
    with acting_as(person.actor):
        return edit(programme=programme.code, item=item, fields=fields)


def document_file(*, person: Person, unit: str, document: int) -> Path:
    """The file of one of the unit's documents, never a path outside the documents folder."""
    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
        doc = session.scalar(
            select(GeneratedDocument).where(
                GeneratedDocument.id == document,
                GeneratedDocument.programme_id == programme.id,
                GeneratedDocument.subject == row.code,
            )
        )
        if doc is None:
            raise OutOfScopeError(f"no document {document} for {row.code}")
        root = get_settings().documents_dir
        path = inside(root, root / doc.path, "the document")
    if not path.is_file():
        raise OutOfScopeError(f"document {document} of {row.code} is not on disk")
    return path


def unit_form(*, person: Person, unit: str, folder: Path) -> Path:
    """The unit's self-assessment form, pre-filled with what it has rated, written in `folder`."""
    from services.assessment import write_unit_form

    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
    written = write_unit_form(
        programme=programme.code, unit=row.code, period=None, output=folder / "form.xlsx"
    )
    return written.path


def form_answers(*, person: Person, unit: str, path: Path, name: str) -> int:
    """A unit's filled Excel form read into its online assessment as a draft (the unit then
    looks it over and submits): only its own unit's form, every bad cell named under `name`;
    how many indicators it rated."""
    from models.assessment.form import read_form
    from models.assessment.review import Answer
    from models.kernel.lookups import get_programme
    from models.kernel.problems import InputError, Problem
    from models.phases.reconcile import programme_catalogue
    from services.resources import form_key
    from services.reviews import save_answers

    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
        catalogue = programme_catalogue(get_programme(session, programme.code))
    may_hand_in(person, row.code)
    try:
        filled = read_form(path, catalogue, form_key())
    except InputError as exc:  # the server's temporary path is nobody's business
        raise InputError(
            [
                Problem(p.source.replace(str(path), name), p.line, p.field, p.message)
                for p in exc.problems
            ]
        ) from None
    if filled.unit != row.code or filled.programme != programme.code:
        raise InputError(
            [Problem(name, None, None, f"this is the form of {filled.unit}, not {row.code}")]
        )
    answers = {
        a.indicator: Answer(a.rating or "", a.note or "", a.evidence or "") for a in filled.answers
    }
    save_answers(person=person, unit=row.code, answers=answers)
    return sum(bool(a.rating) for a in filled.answers)


@dataclass(frozen=True)
class UnitPage:
    """Everything a unit's page shows: its phases, its action items and their progress, its
    documents."""

    view: object  # services.workspace.UnitView
    actions: tuple[ItemRow, ...]
    progress: Progress | None
    documents: tuple[DocumentLine, ...]


def unit_page(*, person: Person, unit: str, as_of: date) -> UnitPage:
    """A unit's page, checked against the person's scope in one read, then computed once per
    state of the audit chain (phases, facts, items and drafted documents all append to it)."""
    from services.workspace import audit_head, database_url

    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
        head = audit_head(session)
    return _unit_page(database_url(), programme.code, row.code, as_of, head)


@kept_per_head(maxsize=512)
def _unit_page(url: str, programme: str, unit: str, as_of: date, head: int) -> UnitPage:
    from models.documents.registry import list_documents
    from models.kernel.lookups import get_programme
    from services.workspace import unit_view_at_head

    view = unit_view_at_head(url, programme, unit, as_of, head)
    rows, made = items(programme=programme, unit=unit, period=None, as_of=as_of)
    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        docs = tuple(_line(d) for d in list_documents(session, found.id, unit, None, None, True))
    return UnitPage(view, tuple(rows), made.get(unit), docs)


def _line(d: GeneratedDocument) -> DocumentLine:
    return DocumentLine(
        d.id,
        d.phase,
        d.doc_type,
        d.language,
        d.version,
        d.number_symbol,
        d.issued_on,
        Path(d.path).name,
    )
