"""Recording a whole spreadsheet of facts at once (`rollout record --from FILE`, the
coordinator's upload): every row checked, then all recorded in one transaction, or none."""

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from config.settings import get_settings
from models.access.roles import Person, reaches
from models.documents.types import recorded_type, registered_number
from models.kernel.database import write_session
from models.kernel.identifiers import inside
from models.kernel.lookups import find_unit, get_programme
from models.kernel.problems import InputError, NotFoundError, Problem
from models.phases.evidence import Recording
from models.phases.evidence import record as record_fact
from models.phases.facts_file import FactLine, read_facts
from services.drafting import register_signed_document
from services.records import advance_one, expected_kind
from services.resources import actor, database
from services.workspace import parents_of


@dataclass(frozen=True)
class FactsRecorded:
    """What a facts file recorded: rows, decisions, files, and the units then moved on."""

    source: str
    facts: int
    decisions: int
    files: int
    units: tuple[str, ...]
    moved: tuple[str, ...]  # 'HP-HAIAN survey closed', …


def record_facts(
    *,
    programme: str | None,
    path: Path,
    as_of: date,
    files: Path | None = None,
    person: Person | None = None,
) -> FactsRecorded:
    """Record every fact of a CSV/XLSX file (files named in it are looked for in `files`, by
    default the sheet's folder; with `person`, only units the person reaches); any bad row
    refuses the whole file, every problem of every row named by row and column."""
    source, facts, problems = read_facts(path)
    folder = (files or path.parent).resolve()
    settings = get_settings()
    store = settings.home / "evidence"
    store.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".facts-", dir=store))  # blobs kept only on success
    try:
        with write_session(database()) as session:
            prog = get_programme(session, programme)
            now = datetime.now(UTC)
            parents = parents_of(session, prog.id) if person else {}
            reachable = (lambda code: reaches(person, code, parents)) if person else None
            touched: dict[str, None] = {}
            for fact in facts:
                found, code_of_unit = _one(
                    session, prog, fact, source, folder, staging, as_of, now, reachable
                )
                problems.extend(found)
                touched[code_of_unit] = None
            if problems:
                raise InputError(problems)  # rolls the whole transaction back
            code = prog.code
        _keep_blobs(staging, store)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    units = tuple(touched)
    moved = tuple(
        f"{unit} {change}"
        for unit in units
        for change in advance_one(programme=code, unit=unit, as_of=as_of).moved
    )
    decisions = sum(f.number is not None for f in facts)
    return FactsRecorded(source, len(facts), decisions, len(facts) - decisions, units, moved)


def _one(session, prog, fact: FactLine, source, folder, staging, as_of, now, reachable):
    """Record one row in the open transaction: its problems (labelled with its row), and the
    unit's code as the roster spells it; `reachable(code)`, when given, says whether the
    person recording may record for the unit."""

    def at(field, message):
        return Problem(source, fact.line, field, message)

    try:
        unit = find_unit(session, prog, fact.unit)
    except NotFoundError as exc:
        return [at("unit", str(exc))], fact.unit
    if reachable and not reachable(unit.code):
        return [at("unit", f"{fact.unit!r} is not in your scope")], unit.code
    file = None
    if fact.file:
        try:
            file = inside(folder, folder / fact.file, "the file")
        except InputError:
            return [at("file", f"{fact.file!r} is outside the sheet's folder")], unit.code
        if not file.is_file():
            return [at("file", f"{fact.file!r} not found beside the sheet")], unit.code
    try:
        kind = fact.kind or expected_kind(prog, fact.phase, fact.number is not None)
        rec = Recording(
            unit.code,
            fact.phase,
            fact.dated,
            actor(),
            kind,
            file,
            fact.number,
            fact.signer,
            fact.attendees,
            fact.note,
        )
        saved = record_fact(
            session,
            prog,
            rec,
            as_of,
            staging,
            actor(),
            now,
            max_bytes=int(get_settings().evidence_max_mb * 2**20),
        )
    except InputError as exc:
        return [at(_column(p.field), p.message) for p in exc.problems], unit.code
    signed = recorded_type(fact.phase, kind) if fact.number else None
    if signed:
        register_signed_document(
            session,
            prog,
            unit.code,
            signed,
            registered_number(fact.number),
            saved.dated,
            now,
            fact.signer,
        )
    return [], unit.code


_COLUMNS = {"--on": "date", "--kind": "kind", "--decision": "number", "--evidence": "file"}


def _column(option: str | None) -> str | None:
    """The sheet's column for what `rollout record` calls an option ('--on' is 'date')."""
    if option is None:
        return None
    return _COLUMNS.get(option, option.removeprefix("--").lower())


def _keep_blobs(staging: Path, store: Path) -> None:
    """Move the files a committed import stored into the evidence store (same layout)."""
    for blob in staging.glob("??/*"):
        target = store / blob.parent.name / blob.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(blob, target)
