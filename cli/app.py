"""The `rollout` command line. Read-only commands never import Prefect."""

import csv
import gc
import json
import sys
from datetime import date, datetime
from pathlib import Path

import typer

from cli import actions as cli_actions
from cli import assess as cli_assess
from cli import audit as cli_audit
from cli import documents as cli_documents
from cli import experts as cli_experts
from cli import records as cli_records
from cli import reminders as cli_reminders
from cli import roster as cli_roster
from cli import service as cli_service
from cli import units as cli_units
from cli import users as cli_users
from cli.common import (
    AS_OF_HELP,
    DATE,
    LONG_TABLE,
    PROGRAMME_HELP,
    Format,
    err,
    out,
    plain_help,
    programme_code,
    run_flow,
    today,
    user_errors,
)
from config.settings import SettingsError, get_settings
from models.kernel.cells import csv_row

app = typer.Typer(
    help="rollout: TCVN ISO 18091:2020 deployment, unit by unit, through five phases.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        out.print(f"rollout {version('rollout')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """rollout: TCVN ISO 18091:2020 deployment, unit by unit, through five phases."""


@app.command()
def init(
    programme_file: Path = typer.Argument(..., help="Programme file (YAML)."),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Load (or reload) a programme and its roster, then plan every unit."""
    from models.programme.file import load_programme
    from services.programmes import load_programme as load_and_plan

    with user_errors():
        spec = load_programme(programme_file)  # fail in a second, before Prefect starts
        day = as_of.date() if as_of else today()
        err.print(
            f"Loaded {spec.code}: {len(spec.units)} units, {len(spec.waves)} waves; planning…"
        )
        result = run_flow(
            lambda: load_and_plan(programme_file=programme_file, as_of=day),
            f"Loading and planning {spec.code} ({len(spec.units)} units)",
        )
    out.print(
        f"{result.programme}: {result.added} units added, {result.updated} updated, "
        f"{result.removed} removed; {result.plan.planned} planned, "
        f"{result.plan.replanned} replanned, {result.plan.unchanged} unchanged."
    )


@app.command()
def plan(
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
    rebaseline: bool = typer.Option(
        False, help="Make the current forecast the new baseline (audited)."
    ),
) -> None:
    """Plan (or replan) the units of a loaded programme; the first plan stays the baseline."""
    from dataclasses import asdict

    from services.programmes import plan_programme

    with user_errors():
        code = programme_code(programme)
        day = as_of.date() if as_of else today()
        counts = run_flow(
            lambda: plan_programme(programme=code, as_of=day, rebaseline=rebaseline),
            f"Planning {code}",
        )
    out.print(", ".join(f"{n} {k}" for k, n in asdict(counts).items()) + f" ({code}).")


@app.command()
def status(
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    unit: str | None = typer.Option(None, help="Only this unit (its code)."),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
    output: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    show_all: bool = typer.Option(
        False, "--all", help=f"List every phase run in the table, even past {LONG_TABLE} rows."
    ),
) -> None:
    """Every unit's phases with status, dates and slippage as of a date."""
    from services.programmes import phase_status

    day = as_of.date() if as_of else today()
    with user_errors():
        rows = phase_status(as_of=day, programme=programme, unit=unit)
    if output is Format.json:
        # One object per line: valid JSON, readable, and fast (indent= would bypass the C encoder).
        lines = (json.dumps(r.as_dict(), ensure_ascii=False) for r in rows)
        sys.stdout.write("[\n" + ",\n".join(lines) + "\n]\n")
    elif output is Format.csv:
        dicts = [r.as_dict() for r in rows]
        writer = csv.DictWriter(sys.stdout, fieldnames=list(dicts[0]) if dicts else ["unit"])
        writer.writeheader()
        writer.writerows(csv_row(d) for d in dicts)
    elif len(rows) > LONG_TABLE and not show_all:
        from cli.views import summary_table
        from models.phases.status import summarise

        out.print(summary_table(summarise(rows), day))
        err.print(
            f"{len(rows)} phase runs, summarised per wave and phase. For every row: --all, "
            "--unit CODE, or --format csv|json."
        )
    else:
        from cli.views import status_table

        out.print(status_table(rows, day, out.width))
    _report_unswept_days(programme, day)
    _report_delivery_trouble(programme)


def _report_unswept_days(programme: str | None, day: date) -> None:
    """Say on stderr when no sweep has reached `day`: phases open only when a sweep opens them."""
    from services.programmes import swept_through

    last = swept_through(programme=programme)
    if last is None or last < day:
        since = f"the last sweep was as of {last:%d/%m/%Y}" if last else "no sweep has run yet"
        err.print(
            f"[bold yellow]note:[/] {since}; a phase opens only when a sweep opens it "
            f"(`rollout sweep --as-of {day:%Y-%m-%d}`).",
            soft_wrap=True,
        )


def _report_delivery_trouble(programme: str | None) -> None:
    """Say on stderr while reminders wait in the outbox, and why when delivery failed."""
    from services.programmes import delivery_backlog

    waiting = delivery_backlog(programme=programme)
    if waiting.last_error:
        err.print(
            f"[bold yellow]warning:[/] {waiting.waiting} reminders not yet delivered "
            f"(last error: {waiting.last_error}); the next sweep tries again.",
            soft_wrap=True,
        )
    elif waiting.waiting:
        err.print(
            f"[bold yellow]note:[/] {waiting.waiting} reminders wait in the outbox since "
            f"{waiting.oldest:%d/%m/%Y %H:%M} UTC (being sent, or left to the next sweep).",
            soft_wrap=True,
        )


@app.command()
def show(
    unit: str = typer.Argument(..., help="Unit code."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """One unit's five phase windows as a small Gantt chart, then what its predecessors did."""
    from cli.views import gantt, past_table
    from models.kernel.problems import NotFoundError
    from services.lineage import predecessors_did
    from services.programmes import phase_status

    day = as_of.date() if as_of else today()
    with user_errors():
        earlier = predecessors_did(programme=programme, unit=unit)
        try:
            rows = phase_status(as_of=day, programme=programme, unit=unit)
        except NotFoundError as exc:  # a successor not planned yet still shows its past
            if not earlier:
                raise
            out.print(str(exc).strip("'\""))
            rows = []
    if rows:
        out.print(gantt(rows, day, width=max(20, min(80, out.width - 56))))
    if earlier:
        out.print(past_table(earlier))


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (init and plan do this by themselves)."""
    from services.programmes import migrate_database

    with user_errors():
        url = migrate_database()
    out.print(f"Schema up to date: {url}")


app.add_typer(cli_audit.audit_app, name="audit")
app.add_typer(cli_documents.docs_app, name="docs")
app.add_typer(cli_assess.assess_app, name="assess")
app.add_typer(cli_actions.actions_app, name="actions")
app.add_typer(cli_reminders.calendar_app, name="calendar")
app.add_typer(cli_experts.experts_app, name="experts")
app.add_typer(cli_users.users_app, name="users")
app.add_typer(cli_roster.roster_app, name="roster")
app.add_typer(cli_units.units_app, name="units")
app.command()(cli_reminders.reminders)
app.command()(cli_reminders.serve)
app.command()(cli_records.record)
app.command()(cli_records.reopen)
app.command()(cli_records.sweep)
app.command("prefect-server")(cli_service.prefect_server)
app.command()(cli_service.deploy)
app.command()(cli_service.worker)
app.command()(cli_service.health)
app.command()(cli_service.web)


def main() -> None:
    """Entry point of the `rollout` console script."""
    # Objects from imports live until exit; keeping them out of the cyclic collector's scans
    # takes a third off `status` at national scale (16,775 rows).
    gc.freeze()
    from adapters.prefect_runtime import quiet_console

    quiet_console()
    try:
        get_settings()
    except SettingsError as exc:
        err.print(f"[bold red]error:[/] settings: {exc}", soft_wrap=True)
        sys.exit(2)
    try:
        command = typer.main.get_command(app)
        plain_help(command)
        command(prog_name="rollout")  # click reports usage errors and sets the exit status
    except Exception as exc:  # a bug or an outage, not bad input: keep the details, say where
        log = _write_crash_log()
        err.print(f"[bold red]error:[/] {type(exc).__name__}: {exc}\nDetails: {log}")
        sys.exit(1)


def _write_crash_log() -> Path:
    """Save the current traceback under ROLLOUT_HOME/logs and return the file's path."""
    import traceback

    folder = get_settings().home / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{datetime.now().strftime('%Y%m%d-%H%M%S')}.log"
    path.write_text(traceback.format_exc(), encoding="utf-8")
    return path


if __name__ == "__main__":
    main()
