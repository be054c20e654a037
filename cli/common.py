"""What the command-line modules share: consoles, dates, clean errors, running a flow."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from config.settings import get_settings
from models.kernel.cells import csv_row
from models.kernel.database import SchemaMissingError
from models.kernel.problems import InputError, NotFoundError, StorageError

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

AS_OF_HELP = (
    "Date to act or report as of (2023-03-06 or 06/03/2023); default today in the programme's zone."
)
PROGRAMME_HELP = "Programme code; may be left out when only one programme is loaded."
DATE = {"formats": ["%Y-%m-%d", "%d/%m/%Y"]}  # every date option: 2023-03-06 or 06/03/2023
LONG_TABLE = 300  # phase runs; past this the table view summarises per wave and phase


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def today() -> date:
    """Today in the configured time zone."""
    return datetime.now(ZoneInfo(get_settings().time_zone)).date()


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the errors a user can fix into one clear message and a non-zero exit."""
    try:
        yield
    except InputError as exc:
        err.print(f"[bold red]error:[/] {exc.render()}", markup=True, soft_wrap=True)
        raise typer.Exit(2) from None
    except (NotFoundError, StorageError) as exc:
        err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(1) from None
    except SchemaMissingError:
        err.print(
            "[bold red]error:[/] no programme loaded yet in "
            f"{get_settings().engine_url}; run `rollout init PROGRAMME.yaml` first"
        )
        raise typer.Exit(1) from None
    except ArgumentError as exc:
        err.print(
            f"[bold red]error:[/] ROLLOUT_DATABASE_URL={get_settings().engine_url!r} is not a "
            f"database URL ({exc}); e.g. postgresql+psycopg2://user@host/db"
        )
        raise typer.Exit(2) from None
    except (OperationalError, ProgrammingError) as exc:
        hint = ""
        if "no such column" in str(exc.orig) or "does not exist" in str(exc.orig):
            hint = "; the database is older than this version of rollout: run `rollout migrate`"
        err.print(f"[bold red]error:[/] database {get_settings().engine_url}: {exc.orig}{hint}")
        raise typer.Exit(1) from None


def compact_table(title: str):
    """A rich table without cell borders, one space between columns: fits 80 columns."""
    from rich import box
    from rich.table import Table

    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
    )


def print_records(rows: list[dict], output_format: Format) -> bool:
    """Print rows as JSON or CSV (dates as ISO text); False means: show the table instead."""
    if output_format is Format.json:
        import json

        print(json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        return True
    if output_format is Format.csv:
        import csv
        import sys

        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["unit"])
        writer.writeheader()
        writer.writerows(csv_row(row) for row in rows)
        return True
    return False


def run_flow(service_call, doing: str | None = None):
    """Call a service that runs a flow, showing `doing` on the terminal while it runs."""
    settings = get_settings()
    where = (
        f"Prefect server {settings.prefect_api_url}"
        if settings.prefect_api_url
        else "Prefect's embedded server starts first, 10-16 s; `make server` saves that"
    )
    with err.status(f"{doing or 'Working'}… ({where})"):
        return service_call()


UNDELIVERED = 5  # exit status: reminders wait in the outbox because delivery failed


def exit_if_undelivered(reminders) -> None:
    """One line and exit status 5 when a delivery (ReminderCounts) left reminders waiting."""
    if reminders.failed:
        err.print(
            f"[bold red]not delivered:[/] {reminders.failed} reminders wait in the outbox "
            f"({reminders.error}); the next sweep or `rollout reminders` tries again.",
            soft_wrap=True,
        )
        raise typer.Exit(UNDELIVERED)


def programme_code(code: str | None) -> str:
    """The code of the named programme, or of the only one loaded."""
    from services.programmes import find_programme

    return find_programme(programme=code).code


def day_or_today(as_of: datetime | None) -> date:
    """The --as-of date given, else today."""
    return as_of.date() if as_of else today()


def plain_help(command, path: str = "") -> None:
    """Help that speaks the user's words: DATE, FILE, N, TEXT or the choices after an option
    and nothing after a flag, instead of internal type labels such as <str> or <list[str]>;
    arguments by their name in capitals; an example at the end (cli/examples.py).
    (Typer carries its own click, so parameters are told apart by what they say they are.)"""
    from cli.examples import epilog

    command.epilog = epilog(path) or command.epilog
    for param in command.params:
        if param.param_type_name == "option":
            if param.is_flag:
                param.metavar = ""
            elif param.metavar is None:
                param.metavar = _metavar(param.type_descriptor)
        elif param.param_type_name == "argument":
            if not param.type_descriptor.is_choice:  # its name says what it is
                param.display_type_rich = lambda ctx: None
            if param.metavar is None:
                param.metavar = param.name.upper()
    made = command.get_help_option  # made when help is asked for: a flag like the others

    def help_option(ctx, made=made):
        option = made(ctx)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = help_option
    for name, sub in getattr(command, "commands", {}).items():
        plain_help(sub, f"{path} {name}".strip())


def _metavar(kind) -> str:
    """DATE, FILE, N, X, TEXT, or the choices, for an option's value."""
    if kind.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in kind.choices or ()) + "]"
    if kind.is_datetime:
        return "DATE"
    if kind.is_path:
        return "FILE"
    numbers = {int: "N", float: "X"}
    return numbers.get(kind.annotation, "N" if kind.is_ranged else "TEXT")
