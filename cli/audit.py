"""`rollout audit`: verify the hash chain, and report phases with their evidence."""

from datetime import datetime
from enum import StrEnum
from pathlib import Path

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    day_or_today,
    err,
    out,
    user_errors,
)

audit_app = typer.Typer(help="Check the audit trail and report to auditors.", no_args_is_help=True)


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    html = "html"


@audit_app.command()
def verify(
    head: list[str] = typer.Option(
        [], "--head", help="A head kept earlier, SEQ:HASH (as verify and the sweep print it)."
    ),
    heads: Path | None = typer.Option(
        None, help="A file of kept heads (the sweep appends one a day to ROLLOUT_HOME/audit)."
    ),
) -> None:
    """Recompute the audit chain; names any event changed, deleted or inserted behind the engine,
    and, against heads kept elsewhere, a chain cut short or rewritten from some event on."""
    from models.audit.chain import parse_heads
    from services.audit import check_chain

    kept, problems = parse_heads("\n".join(head), "--head")
    if heads is not None:
        if not heads.is_file():
            err.print(f"[bold red]error:[/] {heads}: no such file of kept heads")
            raise typer.Exit(2)
        more, bad = parse_heads(heads.read_text(encoding="utf-8"), str(heads))
        kept, problems = kept + more, problems + bad
    if problems:
        for p in problems:
            err.print(f"[bold red]error:[/] {p}", soft_wrap=True)
        raise typer.Exit(2)
    with user_errors():
        found = check_chain(kept=kept)
    problems, count, head_text = found.problems, found.events, found.head
    if problems:
        for p in problems:
            err.print(f"[bold red]broken:[/] {p}", soft_wrap=True)
        err.print(f"The audit chain does not hold ({len(problems)} problems in {count} events).")
        raise typer.Exit(3)
    checked = f", {len(kept)} kept heads found unchanged" if kept else ""
    out.print(f"The audit chain holds: {count} events{checked}; head {head_text}.", soft_wrap=True)
    err.print(
        "Keep the head somewhere else (`--head SEQ:HASH` later, or the heads file the sweep "
        "writes): a later verify then shows nothing was cut short or rewritten.",
        soft_wrap=True,
    )


@audit_app.command()
def report(
    output_format: ReportFormat = typer.Option(
        ReportFormat.xlsx, "--format", help="xlsx, csv or html."
    ),
    output: Path | None = typer.Option(None, help="Where to write; default var/reports/."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """For every unit and phase: opened, due, done, how late, on what evidence, recorded by whom."""
    from services.audit import write_audit_report

    with user_errors():
        path, count = write_audit_report(
            programme=programme, as_of=day_or_today(as_of), fmt=output_format.value, output=output
        )
    out.print(f"Wrote {path} ({count} phase runs).")
