"""Commands that record what units hand in, correct it, and sweep a programme."""

from datetime import UTC, datetime
from pathlib import Path

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    day_or_today,
    err,
    exit_if_undelivered,
    out,
    programme_code,
    run_flow,
    user_errors,
)
from config.settings import get_settings
from models.kernel.problems import InputError, Problem


def record(
    unit: str = typer.Argument(..., help="Unit code."),
    phase: str = typer.Argument(
        ..., help="survey, training, self_assessment, action_plan or reporting."
    ),
    evidence: Path | None = typer.Option(None, help="A file handed in (kept by its sha256)."),
    decision: str | None = typer.Option(None, help="A decision's number, e.g. 'Số 12/QĐ-UBND'."),
    kind: str | None = typer.Option(
        None, help="What it is; may be left out when the phase expects one kind."
    ),
    on: datetime | None = typer.Option(
        None, **DATE, help="When it was signed, held or received; default --as-of."
    ),
    by: str | None = typer.Option(
        None, help="Who hands it in or records it; default ROLLOUT_ACTOR."
    ),
    signer: str | None = typer.Option(None, help="Who signed the decision."),
    attendees: int | None = typer.Option(None, min=1, help="Officials who attended (attendance)."),
    note: str | None = typer.Option(None, help="Free text kept with the record."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
    advance: bool = typer.Option(True, help="Then take the unit as far as its facts allow."),
) -> None:
    """Record evidence or a decision for a unit's phase, then move the unit on."""
    from models.kernel.database import write_session
    from models.phases.evidence import Recording
    from models.phases.evidence import record as record_fact
    from models.phases.schedule import get_programme
    from services.resources import actor, database

    day = day_or_today(as_of)
    with user_errors():
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
        with write_session(database()) as session:
            prog = get_programme(session, programme)
            chosen = kind or _only_kind(prog, phase, decision is not None)
            rec = Recording(
                unit,
                phase,
                on.date() if on else day,
                by or actor(),
                chosen,
                evidence,
                decision,
                signer,
                attendees,
                note,
            )
            store = get_settings().home / "evidence"
            limit = int(get_settings().evidence_max_mb * 2**20)
            saved = record_fact(
                session, prog, rec, day, store, actor(), datetime.now(UTC), max_bytes=limit
            )
            code = prog.code
        what = f"decision Số {saved.decision_number}" if decision else f"{saved.original_name}"
        out.print(f"Recorded {chosen} for {unit} / {phase}: {what} ({saved.dated}).")
        if advance:
            _advance(code, unit, day)


def _only_kind(programme, phase: str, is_decision: bool) -> str:
    """The one kind a phase expects, when --kind is left out."""
    from models.phases.completion import decision_kinds, evidence_kinds, parse_requirements
    from models.phases.planning import PHASES
    from models.programme.store import programme_steps

    if phase not in PHASES:
        return "other"  # record() reports the unknown phase
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


def _advance(code: str, unit: str, day) -> None:
    """Take the unit as far as its facts allow, here and now (no Prefect run to wait for)."""
    from services.advance import advance_unit

    counts = advance_unit(code, unit, day, datetime.now(UTC))
    moved = [f"{p} {k}" for p, c in counts.items() for k in ("opened", "closed", "overdue") if c[k]]
    drafted = sum(c["drafted"] for c in counts.values())
    out.print(
        f"{unit}: {', '.join(moved) if moved else 'no phase changed'}"
        + (f"; {drafted} documents drafted." if drafted else ".")
    )


def reopen(
    unit: str = typer.Argument(..., help="Unit code."),
    phase: str = typer.Argument(..., help="The phase to reopen."),
    reason: str = typer.Option(..., help="Why: kept in the audit log."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Reopen a done phase to correct a mistake: audited, its evidence voided but kept."""
    from models.kernel.database import write_session
    from models.phases.evidence import reopen as reopen_phase
    from models.phases.schedule import get_programme
    from services.resources import actor, database

    with user_errors(), write_session(database()) as session:
        prog = get_programme(session, programme)
        run = reopen_phase(
            session, prog, unit, phase, reason, day_or_today(as_of), actor(), datetime.now(UTC)
        )
        status = run.status
    out.print(f"{unit} / {phase} is {status} again; record the corrected evidence.")


def sweep(
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
    phase: str | None = typer.Option(
        None, help="Only this phase (no reminders); default all five, then the reminders."
    ),
) -> None:
    """Reconcile every phase of every unit as of a date (what the daily run does)."""
    from models.phases.planning import PHASES

    day = day_or_today(as_of)
    with user_errors():
        if phase is not None and phase not in PHASES:
            raise InputError(
                [Problem("rollout sweep", None, "--phase", f"one of {', '.join(PHASES)}")]
            )
        code = programme_code(programme)

        def call():
            from flows.phases import daily_sweep, phase_flow

            if phase:
                return {"phases": {phase: phase_flow(code, phase, day)}}
            return daily_sweep(code, day)

        result = run_flow(call, f"Sweeping {code} as of {day:%d/%m/%Y}")
    for name, c in result["phases"].items():
        out.print(
            f"{name:<16} {c['opened']:>5} opened {c['closed']:>5} closed {c['overdue']:>5} overdue"
            f" {c['drafted']:>5} drafted"
        )
    total = {k: sum(c[k] for c in result["phases"].values()) for k in ("opened", "closed")}
    drafted = sum(c["drafted"] for c in result["phases"].values())
    summary = (
        f"Swept {code} as of {day:%d/%m/%Y}: {total['opened']} opened, {total['closed']} closed, "
        f"{drafted} documents drafted"
    )
    if "reminders" not in result:
        err.print(summary + ".")
        return
    r = result["reminders"]
    err.print(f"{summary}; {r['new']} reminders due, {r['messages']} messages, {r['sent']} sent.")
    exit_if_undelivered(r)
