"""Recording what units hand in, and reopening a phase; then taking the unit on at once."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select

from config.settings import get_settings
from models.documents.types import recorded_type, registered_number
from models.kernel.database import write_session
from models.kernel.lookups import find_unit, get_programme
from models.kernel.problems import InputError, Problem
from models.kernel.tables import Evidence, PhaseRun, Programme, Unit
from models.kernel.vocabulary import PHASES
from models.phases.completion import ATTENDANCE, attendance_progress, parse_requirements
from models.phases.evidence import Recording
from models.phases.evidence import record as record_fact
from models.phases.evidence import reopen as reopen_phase
from models.programme.store import programme_steps
from services.advance import advance_unit
from services.drafting import register_signed_document
from services.resources import actor, database


@dataclass(frozen=True)
class Advanced:
    """What taking a unit on changed: 'survey closed', 'training opened'…, and drafts made."""

    unit: str
    moved: tuple[str, ...]
    drafted: int


@dataclass(frozen=True)
class Recorded:
    """A fact recorded for a unit's phase, and what taking the unit on then changed."""

    unit: str
    phase: str
    kind: str
    what: str  # the decision's number or the file's name
    dated: date
    advanced: Advanced | None
    registered: tuple[str, ...] = ()  # the drafts that became the signed document, as files
    progress: str | None = None  # e.g. how far attendance is from what completes training


def record(
    *,
    programme: str | None,
    unit: str,
    phase: str,
    as_of: date,
    evidence: Path | None = None,
    decision: str | None = None,
    kind: str | None = None,
    on: date | None = None,
    by: str | None = None,
    signer: str | None = None,
    attendees: int | None = None,
    note: str | None = None,
    advance: bool = True,
) -> Recorded:
    """Record a file or a decision for a unit's phase, then (by default) move the unit on."""
    if (evidence is None) == (decision is None):
        raise InputError(
            [
                Problem(
                    "rollout record",
                    None,
                    "--evidence/--decision",
                    "give exactly one: a file, or a decision's number",
                )
            ]
        )
    settings = get_settings()
    with write_session(database()) as session:
        prog = get_programme(session, programme)
        unit_code = find_unit(session, prog, unit).code
        chosen = kind or expected_kind(prog, phase, decision is not None)
        rec = Recording(
            unit_code,
            phase,
            on or as_of,
            by or actor(),
            chosen,
            evidence,
            decision,
            signer,
            attendees,
            note,
        )
        saved = record_fact(
            session,
            prog,
            rec,
            as_of,
            settings.home / "evidence",
            actor(),
            datetime.now(UTC),
            max_bytes=int(settings.evidence_max_mb * 2**20),
        )
        signed = recorded_type(phase, chosen) if decision else None
        registered = (
            register_signed_document(
                session,
                prog,
                unit_code,
                signed,
                registered_number(decision),
                saved.dated,
                datetime.now(UTC),
                signer,
            )
            if signed
            else []
        )
        progress = _attendance(session, prog, saved) if attendees else None
        code = prog.code
    what = f"Số {saved.decision_number}" if decision else saved.original_name
    moved = advance_one(programme=code, unit=unit_code, as_of=as_of) if advance else None
    paths = tuple(d.path for d in registered)
    return Recorded(unit_code, phase, chosen, what, saved.dated, moved, paths, progress)


def _attendance(session, programme: Programme, saved: Evidence) -> str | None:
    """Attendance recorded so far for the phase run, against the share that completes it."""
    run = session.get(PhaseRun, saved.phase_run_id)
    steps = {s.phase: s for s in programme_steps(programme)}
    share = next(
        (
            r.value
            for r in parse_requirements(list(steps[run.phase].completion))
            if r.kind == "attendance_share"
        ),
        None,
    )
    if share is None:
        return None
    total = session.scalar(
        select(func.coalesce(func.sum(Evidence.quantity), 0)).where(
            Evidence.phase_run_id == run.id,
            Evidence.kind == ATTENDANCE,
            Evidence.void.is_(False),
        )
    )
    officials = session.get(Unit, run.unit_id).officials
    return attendance_progress(int(total), officials, float(share))


def advance_one(*, programme: str, unit: str, as_of: date) -> Advanced:
    """Take one unit as far as its facts allow, here and now (no Prefect run to wait for)."""
    counts = advance_unit(programme, unit, as_of, datetime.now(UTC))
    moved = tuple(
        f"{phase} {key}"
        for phase, c in counts.items()
        for key in ("opened", "closed", "overdue")
        if c[key]
    )
    return Advanced(unit, moved, sum(c["drafted"] for c in counts.values()))


def reopen(*, programme: str | None, unit: str, phase: str, reason: str, as_of: date) -> str:
    """Reopen a done phase (audited, its evidence voided but kept); the phase's new status."""
    with write_session(database()) as session:
        prog = get_programme(session, programme)
        unit_code = find_unit(session, prog, unit).code
        run = reopen_phase(
            session, prog, unit_code, phase, reason, as_of, actor(), datetime.now(UTC)
        )
        return run.status


def expected_kind(programme: Programme, phase: str, is_decision: bool) -> str:
    """The one kind a phase expects, when --kind is left out."""
    from models.phases.completion import decision_kinds, evidence_kinds, parse_requirements
    from models.programme.store import programme_steps

    if phase not in PHASES:
        return "other"  # record_fact reports the unknown phase
    steps = {s.phase: s for s in programme_steps(programme)}
    requirements = parse_requirements(list(steps[phase].completion))
    kinds = (decision_kinds if is_decision else evidence_kinds)(requirements) - {"other"}
    if len(kinds) == 1:
        return kinds.pop()
    raise InputError(
        [
            Problem(
                "rollout record",
                None,
                "--kind",
                f"say which kind: one of {', '.join(sorted(kinds | {'other'}))}",
            )
        ]
    )
