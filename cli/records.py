"""Commands that record what units hand in, correct it, and sweep a programme."""

from datetime import datetime
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
from models.kernel.problems import InputError, Problem
from models.kernel.vocabulary import Phase


def shipped_kinds(incomplete: str = "") -> list[str]:
    """The evidence and decision kinds the shipped phases expect (for shell completion)."""
    from models.phases.completion import decision_kinds, evidence_kinds, parse_requirements
    from models.programme.file import phase_defaults

    kinds: set[str] = set()
    for step in phase_defaults()[0]:
        requirements = parse_requirements(list(step.completion))
        kinds |= evidence_kinds(requirements) | decision_kinds(requirements)
    return sorted(k for k in kinds if k.startswith(incomplete))


def record(
    unit: str | None = typer.Argument(None, help="Unit code (not with --from)."),
    phase: Phase | None = typer.Argument(
        None, case_sensitive=False, help="The unit's phase (not with --from)."
    ),
    evidence: Path | None = typer.Option(None, help="A file handed in (kept by its sha256)."),
    decision: str | None = typer.Option(None, help="A decision's number, e.g. 'Số 12/QĐ-UBND'."),
    kind: str | None = typer.Option(
        None,
        autocompletion=shipped_kinds,
        help=(
            "What it is, one the phase expects (survey_answers, steering_committee, attendance, "
            "action_programme, results_report … or other); may be left out when the phase "
            "expects one kind."
        ),
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
    from_file: Path | None = typer.Option(
        None,
        "--from",
        help=(
            "A CSV/XLSX of facts, one per row: unit, phase, date, and a decision's number or a "
            "file's name (beside the sheet); kind, signer, attendees, note optional. Checked "
            "whole: one bad row and nothing is recorded."
        ),
    ),
) -> None:
    """Record evidence or a decision for a unit's phase, then move the unit on."""
    from services.records import record as record_fact

    if from_file is not None:
        _record_file(from_file, unit, phase, programme, as_of)
        return
    with user_errors():
        if unit is None or phase is None:
            raise InputError(
                [
                    Problem(
                        "rollout record", None, "UNIT PHASE", "give a unit and a phase, or --from"
                    )
                ]
            )
        done = record_fact(
            programme=programme,
            unit=unit,
            phase=phase.value,
            as_of=day_or_today(as_of),
            evidence=evidence,
            decision=decision,
            kind=kind,
            on=on.date() if on else None,
            by=by,
            signer=signer,
            attendees=attendees,
            note=note,
            advance=advance,
        )
    what = f"decision {done.what}" if decision else done.what
    out.print(
        f"Recorded {done.kind} for {done.unit} / {done.phase}: {what} ({done.dated:%d/%m/%Y})."
    )
    if done.progress:
        out.print(f"Attendance: {done.progress}.")
    for path in done.registered:
        out.print(f"Registered the signed document as {done.what}: {path}", soft_wrap=True)
    if done.advanced:
        moved = done.advanced
        out.print(
            f"{moved.unit}: {', '.join(moved.moved) if moved.moved else 'no phase changed'}"
            + (f"; {moved.drafted} documents drafted." if moved.drafted else ".")
        )


def _record_file(path: Path, unit, phase, programme, as_of) -> None:
    """`rollout record --from FILE`: the whole sheet, or nothing."""
    from services.facts import record_facts

    with user_errors():
        if unit is not None or phase is not None:
            raise InputError(
                [Problem("rollout record", None, "--from", "give a file or a unit, not both")]
            )
        done = record_facts(programme=programme, path=path, as_of=day_or_today(as_of))
    out.print(
        f"Recorded {done.facts} facts from {done.source} ({done.decisions} decisions, "
        f"{done.files} files) for {len(done.units)} units.",
        soft_wrap=True,
    )
    for change in done.moved:
        out.print(f"  {change}")


def reopen(
    unit: str = typer.Argument(..., help="Unit code."),
    phase: Phase = typer.Argument(..., case_sensitive=False, help="The phase to reopen."),
    reason: str = typer.Option(..., help="Why: kept in the audit log."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Reopen a done phase to correct a mistake: audited, its evidence voided but kept."""
    from services.records import reopen as reopen_phase

    with user_errors():
        status = reopen_phase(
            programme=programme,
            unit=unit,
            phase=phase.value,
            reason=reason,
            as_of=day_or_today(as_of),
        )
    out.print(f"{unit} / {phase.value} is {status} again; record the corrected evidence.")


def sweep(
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
    phase: Phase | None = typer.Option(
        None,
        case_sensitive=False,
        help="Only this phase (no reminders); default all five, then the reminders.",
    ),
) -> None:
    """Reconcile every phase of every unit as of a date (what the daily run does)."""
    from services.sweeps import sweep as sweep_programme

    day = day_or_today(as_of)
    only = phase.value if phase else None
    with user_errors():
        code = programme_code(programme)
        result = run_flow(
            lambda: sweep_programme(programme=code, as_of=day, phase=only),
            f"Sweeping {code} as of {day:%d/%m/%Y}",
        )
    for name, c in result.phases.items():
        out.print(
            f"{name:<16} {c.opened:>5} opened {c.closed:>5} closed {c.overdue:>5} overdue"
            f" {c.drafted:>5} drafted"
        )
    summary = (
        f"Swept {code} as of {day:%d/%m/%Y}: {result.total('opened')} opened, "
        f"{result.total('closed')} closed, {result.total('drafted')} documents drafted"
    )
    r = result.reminders
    if r is None:
        err.print(summary + ".")
        return
    err.print(f"{summary}; {r.new} reminders due, {r.messages} messages, {r.sent} sent.")
    exit_if_undelivered(r)
