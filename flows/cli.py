"""The `rollout` command line. Read-only commands never import Prefect."""

import csv
import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from sqlalchemy.exc import ArgumentError, OperationalError

from config.settings import get_settings
from models.database import SchemaMissingError, make_engine, read_session
from models.problems import InputError, NotFoundError

app = typer.Typer(
    help="rollout: TCVN ISO 18091:2020 deployment, unit by unit, through five phases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

AS_OF_HELP = "Date to act or report as of (YYYY-MM-DD); default today in the programme's zone."
PROGRAMME_HELP = "Programme code; may be left out when only one programme is loaded."
LONG_TABLE = 300  # phase runs; past this the table view summarises per wave and phase


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _today() -> date:
    return datetime.now(ZoneInfo(get_settings().time_zone)).date()


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the errors a user can fix into one clear message and a non-zero exit."""
    try:
        yield
    except InputError as exc:
        err.print(f"[bold red]error:[/] {exc.render()}", markup=True, soft_wrap=True)
        raise typer.Exit(2) from None
    except NotFoundError as exc:
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
    except OperationalError as exc:
        err.print(f"[bold red]error:[/] database {get_settings().engine_url}: {exc.orig}")
        raise typer.Exit(1) from None


def _run_flow(flow_call):
    """Run a flow with this project's Prefect settings (imported only here)."""
    from flows.prefect_setup import configure_prefect, flow_settings

    configure_prefect(get_settings())
    with flow_settings():
        return flow_call()


@app.command()
def init(
    programme_file: Path = typer.Argument(..., help="Programme file (YAML)."),
    as_of: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help=AS_OF_HELP),
) -> None:
    """Load (or reload) a programme and its roster, then plan every unit."""
    from models.programme_file import load_programme

    with _user_errors():
        spec = load_programme(programme_file)  # fail in a second, before Prefect starts
        day = as_of.date() if as_of else _today()
        err.print(
            f"Loaded {spec.code}: {len(spec.units)} units, {len(spec.waves)} waves; planning…"
        )

        def call():
            from flows.plan import init_programme

            return init_programme(str(programme_file.resolve()), day)

        result = _run_flow(call)
    stored, planned = result["stored"], result["planned"]
    out.print(
        f"{stored['programme']}: {stored['added']} units added, {stored['updated']} updated, "
        f"{stored['removed']} removed; {planned['planned']} planned, "
        f"{planned['replanned']} replanned, {planned['unchanged']} unchanged."
    )


@app.command()
def plan(
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help=AS_OF_HELP),
    rebaseline: bool = typer.Option(
        False, help="Make the current forecast the new baseline (audited)."
    ),
) -> None:
    """Plan (or replan) the units of a loaded programme; the first plan stays the baseline."""
    with _user_errors():
        code = _programme_code(programme)
        day = as_of.date() if as_of else _today()

        def call():
            from flows.plan import plan_programme

            return plan_programme(code, day, rebaseline=rebaseline)

        counts = _run_flow(call)
    out.print(", ".join(f"{n} {k}" for k, n in counts.items()) + f" ({code}).")


def _programme_code(code: str | None) -> str:
    from models.schedule import get_programme

    with read_session(make_engine(get_settings().engine_url)) as session:
        return get_programme(session, code).code


@app.command()
def status(
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    unit: str | None = typer.Option(None, help="Only this unit (its code)."),
    as_of: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help=AS_OF_HELP),
    output: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    show_all: bool = typer.Option(
        False, "--all", help=f"List every phase run in the table, even past {LONG_TABLE} rows."
    ),
) -> None:
    """Every unit's phases with status, dates and slippage as of a date."""
    from flows.terminal import status_table, summary_table
    from models.status import status_rows, summarise

    day = as_of.date() if as_of else _today()
    with _user_errors(), read_session(make_engine(get_settings().engine_url)) as session:
        rows = status_rows(session, day, programme, unit)
    if output is Format.json:
        # One object per line: valid JSON, readable, and fast (indent= would bypass the C encoder).
        lines = (json.dumps(r.as_dict(), ensure_ascii=False) for r in rows)
        sys.stdout.write("[\n" + ",\n".join(lines) + "\n]\n")
    elif output is Format.csv:
        dicts = [r.as_dict() for r in rows]
        writer = csv.DictWriter(sys.stdout, fieldnames=list(dicts[0]) if dicts else ["unit"])
        writer.writeheader()
        writer.writerows(dicts)
    elif len(rows) > LONG_TABLE and not show_all:
        out.print(summary_table(summarise(rows), day))
        err.print(
            f"{len(rows)} phase runs, summarised per wave and phase. For every row: --all, "
            "--unit CODE, or --format csv|json."
        )
    else:
        out.print(status_table(rows, day))


@app.command()
def show(
    unit: str = typer.Argument(..., help="Unit code."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, formats=["%Y-%m-%d"], help=AS_OF_HELP),
) -> None:
    """One unit's five phase windows as a small Gantt chart."""
    from flows.terminal import gantt
    from models.status import status_rows

    day = as_of.date() if as_of else _today()
    with _user_errors(), read_session(make_engine(get_settings().engine_url)) as session:
        rows = status_rows(session, day, programme, unit)
    out.print(gantt(rows, day, width=max(20, min(80, out.width - 56))))


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (init and plan do this by themselves)."""
    from models.database import migrate as upgrade

    with _user_errors():
        upgrade(make_engine(get_settings().engine_url))
    out.print(f"Schema up to date: {get_settings().engine_url}")


@app.command("prefect-server")
def prefect_server() -> None:
    """Run a Prefect server with this project's settings, so commands skip starting one."""
    import os

    from flows.prefect_setup import configure_prefect

    configure_prefect(get_settings())
    err.print("In other terminals: export PREFECT_API_URL=http://127.0.0.1:4200/api")
    os.execvp(sys.executable, [sys.executable, "-m", "prefect", "server", "start"])


def main() -> None:
    """Entry point of the `rollout` console script."""
    # Objects from imports live until exit; keeping them out of the cyclic collector's scans
    # takes a third off `status` at national scale (16,775 rows).
    gc.freeze()
    try:
        app()  # typer reports usage errors and sets the exit status itself
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
