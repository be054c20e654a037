"""`rollout reminders`, `rollout serve` and `rollout calendar export`."""

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.table import Table

from config.settings import get_settings
from flows.cli_support import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    day_or_today,
    engine,
    err,
    out,
    programme_code,
    run_flow,
    user_errors,
)
from models.database import read_session

calendar_app = typer.Typer(help="Phase deadlines for calendar apps.", no_args_is_help=True)


def reminders(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would go out; send nothing."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Send the reminders due by a date (or, with --dry-run, show them and to whom)."""
    day = day_or_today(as_of)
    with user_errors():
        code = programme_code(programme)
        if dry_run:
            _show_dry_run(code, day)
            return

        def call():
            from flows.phases import send_reminders

            return send_reminders(code, day)

        r = run_flow(call)
    out.print(f"{r['new']} new reminders, {r['messages']} messages written, {r['sent']} sent.")
    if r.get("error"):
        err.print(f"[bold red]not delivered:[/] {r['error']} (kept in the outbox)")
        raise typer.Exit(1)


def _show_dry_run(code: str, day) -> None:
    """Enqueue and compose in a transaction that is rolled back: the outbox stays as it was."""
    from sqlmodel import Session

    from models.outbox import enqueue, pending_messages, unsent_digests
    from models.schedule import get_programme, unit_batches
    from tasks.reminders import render_digest

    db = engine()
    with Session(db.execution_options(rollout_write=True)) as session, session.begin():
        programme = get_programme(session, code)
        for ids in unit_batches(session, programme, get_settings().batch_size):
            enqueue(session, programme, ids, day, datetime.now(UTC))
        digests = unsent_digests(session, programme, day)
        waiting = pending_messages(session, programme, limit=1000)
        table = Table(title=f"Reminders of {code} on {day:%d/%m/%Y} (dry run: nothing sent)")
        table.add_column("to", no_wrap=True)
        for column in ("as", "items", "late units", "subject"):
            table.add_column(column)
        for d in digests.values():
            subject, _, _ = render_digest(d)
            table.add_row(
                d["recipient"], d["role"], str(len(d["items"])), str(len(d["escalations"])), subject
            )
        session.rollback()
    out.print(table)
    if waiting:
        err.print(
            f"{len(waiting)} earlier messages still wait in the outbox "
            f"(last error: {waiting[-1].last_error or 'none'})."
        )


def serve(programme: str | None = typer.Option(None, help=PROGRAMME_HELP)) -> None:
    """Serve the daily sweep: 07:00 on working days, in the programme's time zone (blocks)."""
    from models.schedule import get_programme

    with user_errors(), read_session(engine()) as session:
        prog = get_programme(session, programme)
        code, zone = prog.code, prog.time_zone

    def call():
        from prefect import serve as prefect_serve

        from flows.deployments import daily_deployment

        deployment = daily_deployment(code, zone)
        err.print(f"Serving daily-{code}: 07:00 Monday-Friday ({zone}); holidays do nothing.")
        prefect_serve(deployment)

    run_flow(call)


@calendar_app.command("export")
def export(
    unit: str | None = typer.Option(None, help="Only this unit's deadlines."),
    output: Path | None = typer.Option(None, help="Where to write; default var/calendar/."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Write an .ics file of phase deadlines, with alarms, to import into a calendar app."""
    from flows.ics import deadlines_calendar
    from models.programme_file import phase_defaults
    from models.status import status_rows

    day = day_or_today(as_of)
    with user_errors(), read_session(engine()) as session:
        rows = status_rows(session, day, programme, unit)
    code = rows[0].programme if rows else (programme or "rollout")
    _, _, names = phase_defaults()
    path = output or get_settings().home / "calendar" / f"{code}-{unit or 'all'}.ics"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(deadlines_calendar(rows, names, code))
    out.print(f"Wrote {path} ({len(rows)} deadlines).")
