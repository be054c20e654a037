"""`rollout reminders`, `rollout serve` and `rollout calendar export`."""

from datetime import datetime
from pathlib import Path

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    compact_table,
    day_or_today,
    err,
    exit_if_undelivered,
    out,
    programme_code,
    run_flow,
    user_errors,
)
from cli.labels import day_text, heading, title
from config.settings import get_settings

calendar_app = typer.Typer(help="Phase deadlines for calendar apps.", no_args_is_help=True)


def reminders(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would go out; send nothing."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Send the reminders due by a date (or, with --dry-run, show them and to whom)."""
    from services.sweeps import send_reminders

    day = day_or_today(as_of)
    with user_errors():
        code = programme_code(programme)
        if dry_run:
            _show_dry_run(code, day)
            return
        r = run_flow(
            lambda: send_reminders(programme=code, as_of=day),
            f"Sending the reminders of {code} due by {day:%d/%m/%Y}",
        )
    to_experts = f" ({r.expert_messages} to experts of their sessions)" if r.expert_messages else ""
    out.print(f"{r.new} new reminders, {r.messages} messages written{to_experts}, {r.sent} sent.")
    exit_if_undelivered(r)


def _show_dry_run(code: str, day) -> None:
    """What the reminders due by `day` would send; the outbox stays as it was."""
    from services.sweeps import preview_reminders

    previews, waiting = preview_reminders(programme=code, as_of=day)
    table = compact_table(title("dry run", code=code, day=day_text(day)))
    table.add_column(heading("to"), no_wrap=True)
    for column in ("as", "items", "late units", "subject"):
        table.add_column(heading(column))
    for p in previews:
        table.add_row(p.recipient, p.role, str(p.items), str(p.escalations), p.subject)
    out.print(table)
    if waiting.waiting:
        err.print(
            f"{waiting.waiting} earlier messages still wait in the outbox "
            f"(last error: {waiting.last_error or 'none'})."
        )


def serve(programme: str | None = typer.Option(None, help=PROGRAMME_HELP)) -> None:
    """Run the daily sweep in this process on its schedule (one machine; blocks)."""
    from services.programmes import find_programme

    with user_errors():
        found = find_programme(programme=programme)
    code, zone = found.code, found.time_zone

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
    from services.programmes import export_calendar

    with user_errors():
        path, count = export_calendar(
            as_of=day_or_today(as_of), programme=programme, unit=unit, output=output
        )
    out.print(f"Wrote {path} ({count} deadlines).", soft_wrap=True)
