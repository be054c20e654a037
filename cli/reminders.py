"""`rollout reminders`, `rollout serve` and `rollout calendar export`."""

from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.table import Table

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    day_or_today,
    engine,
    err,
    exit_if_undelivered,
    out,
    programme_code,
    run_flow,
    user_errors,
)
from config.settings import get_settings
from models.kernel.database import read_session

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

        r = run_flow(call, f"Sending the reminders of {code} due by {day:%d/%m/%Y}")
    out.print(f"{r['new']} new reminders, {r['messages']} messages written, {r['sent']} sent.")
    exit_if_undelivered(r)


def _show_dry_run(code: str, day) -> None:
    """Enqueue and compose in a transaction that is rolled back: the outbox stays as it was."""
    from sqlmodel import Session

    from adapters.rendering import render_digest
    from models.phases.schedule import get_programme, unit_batches
    from models.reminders.delivery import backlog
    from models.reminders.outbox import enqueue, unsent_digests

    db = engine()
    with Session(db.execution_options(rollout_write=True)) as session, session.begin():
        programme = get_programme(session, code)
        for ids in unit_batches(session, programme, get_settings().batch_size):
            enqueue(session, programme, ids, day, datetime.now(UTC))
        digests = unsent_digests(session, programme, day)
        waiting = backlog(session, programme.id)
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
    if waiting.waiting:
        err.print(
            f"{waiting.waiting} earlier messages still wait in the outbox "
            f"(last error: {waiting.last_error or 'none'})."
        )


def serve(programme: str | None = typer.Option(None, help=PROGRAMME_HELP)) -> None:
    """Run the daily sweep in this process on its schedule (one machine; blocks)."""
    from models.phases.schedule import get_programme

    with user_errors(), read_session(engine()) as session:
        prog = get_programme(session, programme)
        code, zone = prog.code, prog.time_zone

    from prefect import serve as prefect_serve

    from flows.deployments import daily_deployment

    err.print(f"Serving daily-{code}: {get_settings().sweep_cron} ({zone}); holidays do nothing.")
    prefect_serve(daily_deployment(code, zone))


@calendar_app.command("export")
def export(
    unit: str | None = typer.Option(None, help="Only this unit's deadlines."),
    output: Path | None = typer.Option(None, help="Where to write; default var/calendar/."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Write an .ics file of phase deadlines, with alarms, to import into a calendar app."""
    from adapters.ics import deadlines_calendar
    from models.phases.status import status_rows
    from models.programme.file import phase_defaults

    day = day_or_today(as_of)
    with user_errors(), read_session(engine()) as session:
        rows = status_rows(session, day, programme, unit)
    code = rows[0].programme if rows else (programme or "rollout")
    _, _, names = phase_defaults()
    path = output or get_settings().home / "calendar" / f"{code}-{unit or 'all'}.ics"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(deadlines_calendar(rows, names, code))
    out.print(f"Wrote {path} ({len(rows)} deadlines).")
