"""Recording what units hand in: files and decisions, reopening a phase, indicator ratings."""

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlmodel import Session

from models.audit.chain import Change, append_changes
from models.documents.types import registered_number
from models.kernel.identifiers import text_problem
from models.kernel.lookups import find_unit
from models.kernel.problems import InputError, Problem
from models.kernel.tables import Evidence, PhaseRun, Programme, Unit, Wave
from models.kernel.vocabulary import PHASES, RunState
from models.phases.completion import ATTENDANCE, decision_kinds, evidence_kinds, parse_requirements
from models.phases.schedule import move_runs, unit_forecast
from models.programme.store import programme_calendar, programme_steps

SOURCE = "rollout record"


@dataclass(frozen=True)
class Recording:
    """What a coordinator records for one unit and phase."""

    unit: str
    phase: str
    dated: date
    by: str
    kind: str
    file: Path | None = None
    decision: str | None = None
    signer: str | None = None
    attendees: int | None = None
    note: str | None = None


def _unit_runs(
    session: Session, programme: Programme, unit_code: str, phase: str, problems: list[Problem]
) -> tuple[Unit | None, dict[str, PhaseRun]]:
    if phase not in PHASES:
        problems.append(
            Problem(
                SOURCE, None, "PHASE", f"{phase!r} is not a phase; use one of {', '.join(PHASES)}"
            )
        )
    unit = find_unit(session, programme, unit_code)  # NotFoundError: exit 1, closest codes
    runs = {
        r.phase: r for r in session.scalars(select(PhaseRun).where(PhaseRun.unit_id == unit.id))
    }
    if not runs:
        problems.append(
            Problem(
                SOURCE,
                None,
                "UNIT",
                f"unit {unit_code!r} has no plan (it is in no wave, or `rollout plan` has not run)",
            )
        )
    return unit, runs


def record(
    session: Session,
    programme: Programme,
    rec: Recording,
    as_of: date,
    store: Path,
    actor: str,
    now: datetime,
    *,
    max_bytes: int | None = None,
) -> Evidence:
    """Record a file or a decision for an open (or done) phase run; InputError lists problems.

    A file over `max_bytes` is refused before anything is copied."""
    problems: list[Problem] = []
    unit, runs = _unit_runs(session, programme, rec.unit, rec.phase, problems)
    run = runs.get(rec.phase)
    type_ = "decision" if rec.decision is not None else "evidence"
    if run is not None:
        if run.status == RunState.PLANNED:
            problems.append(
                Problem(
                    SOURCE,
                    None,
                    "PHASE",
                    f"{rec.phase} of {rec.unit} is not open "
                    f"yet (planned from {run.forecast_start}); record once it has opened",
                )
            )
        elif rec.dated < run.actual_start:
            problems.append(
                Problem(
                    SOURCE,
                    None,
                    "--on",
                    f"{rec.dated} is before the phase opened on {run.actual_start}",
                )
            )
        steps = programme_steps(programme)
        requirements = parse_requirements(list(steps[PHASES.index(rec.phase)].completion))
        kinds = (
            decision_kinds(requirements) if type_ == "decision" else evidence_kinds(requirements)
        )
        if rec.kind not in kinds:
            problems.append(
                Problem(
                    SOURCE,
                    None,
                    "--kind",
                    f"{rec.kind!r} is not a {type_} kind of "
                    f"{rec.phase}; use one of {', '.join(sorted(kinds))}",
                )
            )
    if rec.dated > as_of:
        problems.append(
            Problem(
                SOURCE,
                None,
                "--on",
                f"{rec.dated} is after {as_of} (--as-of); "
                "a fact cannot be recorded before it happens",
            )
        )
    for option, value in (("--signer", rec.signer), ("--note", rec.note), ("--by", rec.by)):
        if value and (problem := text_problem(value, multiline=option == "--note")):
            problems.append(Problem(SOURCE, None, option, problem))
    number = None
    if type_ == "decision":
        read = registered_number(rec.decision or "")
        if read is None:
            problems.append(
                Problem(
                    SOURCE,
                    None,
                    "--decision",
                    f"{rec.decision!r} has no number; "
                    "write it as on the document, e.g. 'Số 12/QĐ-UBND'",
                )
            )
        else:
            number = read[1]
    else:
        _check_file(rec.file, problems, max_bytes)
        if rec.kind == ATTENDANCE and not rec.attendees:
            problems.append(
                Problem(
                    SOURCE,
                    None,
                    "--attendees",
                    "attendance needs the number of officials who attended, e.g. --attendees 25",
                )
            )
    if problems:
        raise InputError(problems)

    sha = size = None
    if rec.file is not None:
        sha, size = store_file(rec.file, store)
    evidence = Evidence(
        phase_run_id=run.id,
        type=type_,
        kind=rec.kind,
        dated=rec.dated,
        sha256=sha,
        original_name=rec.file.name if rec.file else None,
        size=size,
        decision_number=number,
        signer=rec.signer,
        quantity=rec.attendees,
        note=rec.note,
        recorded_by=rec.by,
        recorded_at=now,
    )
    session.add(evidence)
    session.flush()
    payload = {
        "id": evidence.id,
        "type": type_,
        "kind": rec.kind,
        "dated": rec.dated,
        "sha256": sha,
        "name": evidence.original_name,
        "decision": number,
        "signer": rec.signer,
        "attendees": rec.attendees,
        "by": rec.by,
        "note": rec.note,
    }
    subject = f"{programme.code}/{unit.code}/{rec.phase}"
    append_changes(
        session, [Change("evidence.recorded", subject, payload, programme.code)], actor, now
    )
    return evidence


def _check_file(path: Path | None, problems: list[Problem], max_bytes: int | None) -> None:
    if path is None:
        problems.append(
            Problem(
                SOURCE,
                None,
                "--evidence",
                "give a file (--evidence FILE) or a decision (--decision 'Số 12/QĐ-UBND')",
            )
        )
    elif not path.is_file():
        problems.append(Problem(str(path), None, None, "evidence file not found"))
    elif path.stat().st_size == 0:
        problems.append(Problem(str(path), None, None, "evidence file is empty"))
    elif max_bytes is not None and path.stat().st_size > max_bytes:
        problems.append(
            Problem(
                str(path),
                None,
                None,
                f"{path.stat().st_size / 2**20:,.0f} MB; evidence files are at most "
                f"{max_bytes / 2**20:,.0f} MB (ROLLOUT_EVIDENCE_MAX_MB): hand in a smaller scan",
            )
        )


def store_file(path: Path, store: Path) -> tuple[str, int]:
    """Copy a file into the evidence store under its sha256 (never overwritten); (hash, size)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    sha = digest.hexdigest()
    target = store / sha[:2] / sha
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        os.close(fd)
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)  # atomic: a reader sees the whole file or none
    return sha, path.stat().st_size


def reopen(
    session: Session,
    programme: Programme,
    unit_code: str,
    phase: str,
    reason: str,
    as_of: date,
    actor: str,
    now: datetime,
) -> PhaseRun:
    """Reopen a done phase: its evidence is voided (kept), later open phases go back to planned."""
    problems: list[Problem] = []
    source = "rollout reopen"
    unit, runs = _unit_runs(session, programme, unit_code, phase, problems)
    run = runs.get(phase)
    if not reason.strip():
        problems.append(Problem(source, None, "--reason", "say why the phase is reopened"))
    if run is not None and run.status != RunState.DONE:
        problems.append(
            Problem(
                source,
                None,
                "PHASE",
                f"{phase} of {unit_code} is {run.status}, not done; there is nothing to reopen",
            )
        )
    later = [runs[p] for p in PHASES[PHASES.index(phase) + 1 :] if p in runs] if run else []
    if done_later := [r.phase for r in later if r.status == RunState.DONE]:
        problems.append(
            Problem(
                source,
                None,
                "PHASE",
                f"{', '.join(done_later)} of {unit_code} is already done; reopen that first",
            )
        )
    if problems:
        raise InputError(problems)

    subject = f"{programme.code}/{unit.code}"
    voided = list(
        session.scalars(
            select(Evidence.id).where(Evidence.phase_run_id == run.id, Evidence.void.is_(False))
        )
    )
    session.execute(update(Evidence).where(Evidence.id.in_(voided)).values(void=True))
    changes = [
        Change(
            "phase.reopened",
            f"{subject}/{phase}",
            {"reason": reason, "was_done": run.actual_done, "voided_evidence": voided},
            programme.code,
        )
    ]
    run.actual_done = None
    for r in later:
        if r.status in (RunState.OPEN, RunState.OVERDUE):
            changes.append(
                Change(
                    "phase.reverted",
                    f"{subject}/{r.phase}",
                    {"was": r.status, "opened": r.actual_start},
                    programme.code,
                )
            )
            r.status, r.actual_start = RunState.PLANNED, None
    cal = programme_calendar(session, programme.id)
    wave_start = session.get(Wave, unit.wave_id).start
    windows = unit_forecast(runs, wave_start, programme_steps(programme), cal)
    if moved := move_runs(runs, windows, False, cal):
        changes.append(Change("plan.forecast", subject, moved, programme.code))
    run.status = (
        RunState.OVERDUE if as_of > run.forecast_due else RunState.OPEN
    )  # against the new window
    append_changes(session, changes, actor, now)
    return run
