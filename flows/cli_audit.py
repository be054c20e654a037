"""`rollout audit`: verify the hash chain, and report phases with their evidence."""

from datetime import datetime
from enum import StrEnum
from pathlib import Path

import typer

from config.settings import get_settings
from flows.cli_support import (
    AS_OF_HELP,
    PROGRAMME_HELP,
    day_or_today,
    engine,
    err,
    out,
    user_errors,
)
from models.database import read_session

audit_app = typer.Typer(help="Check the audit trail and report to auditors.", no_args_is_help=True)


class ReportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    html = "html"


@audit_app.command()
def verify() -> None:
    """Recompute the audit chain; names any event changed, deleted or inserted behind the engine."""
    from sqlalchemy import func, select

    from models.audit import verify_chain
    from models.tables import AuditEvent

    with user_errors(), read_session(engine()) as session:
        problems = verify_chain(session)
        count = session.scalar(select(func.count()).select_from(AuditEvent))
        head = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.seq.desc())).first()
    if problems:
        for p in problems:
            err.print(f"[bold red]broken:[/] {p}")
        err.print(f"The audit chain does not hold ({len(problems)} problems in {count} events).")
        raise typer.Exit(3)
    out.print(f"The audit chain holds: {count} events; head {head}.")
    err.print("Keep the head hash somewhere else: a later verify shows nothing was rewritten.")


@audit_app.command()
def report(
    output_format: ReportFormat = typer.Option(
        ReportFormat.xlsx, "--format", help="xlsx, csv or html."
    ),
    output: Path | None = typer.Option(None, help="Where to write; default var/reports/."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help=AS_OF_HELP),
) -> None:
    """For every unit and phase: opened, due, done, how late, on what evidence, recorded by whom."""
    from flows.reports import write_report
    from models.audit_report import audit_rows
    from models.schedule import get_programme

    day = day_or_today(as_of)
    with user_errors(), read_session(engine()) as session:
        prog = get_programme(session, programme)
        rows = audit_rows(session, day, prog.code)
        title, code = prog.title, prog.code
    fmt = output_format.value
    path = output or get_settings().home / "reports" / f"audit-{code}-{day}.{fmt}"
    write_report(rows, title, day, fmt, path)
    out.print(f"Wrote {path} ({len(rows)} phase runs).")
