"""`rollout assess`: the self-assessment form as Excel, out to a unit and back in."""

from datetime import UTC, datetime
from pathlib import Path

import typer

from config.settings import get_settings
from flows.cli_support import PROGRAMME_HELP, engine, err, out, user_errors
from models.database import read_session, write_session

assess_app = typer.Typer(
    help="Self-assessment on the indicators: Excel forms out and back in.", no_args_is_help=True
)


@assess_app.command()
def form(
    unit: str = typer.Argument(..., help="The unit's code."),
    period: int | None = typer.Option(
        None, help="The year assessed; default the year the unit's self-assessment opens."
    ),
    output: Path | None = typer.Option(None, help="Where to write; default var/forms/."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Write a unit's pre-filled form: one row per indicator, a drop-down for the rating."""
    from sqlalchemy import select

    from models.assessment_form import write_form
    from models.problems import NotFoundError
    from models.reconcile import programme_catalogue
    from models.schedule import get_programme
    from models.tables import IndicatorRating, PhaseRun, Unit

    with user_errors(), read_session(engine()) as session:
        prog = get_programme(session, programme)
        row = session.scalars(
            select(Unit).where(Unit.programme_id == prog.id, Unit.code == unit)
        ).first()
        if row is None:
            raise NotFoundError(f"no unit {unit!r} in programme {prog.code}")
        if period is None:
            run = session.scalars(
                select(PhaseRun).where(
                    PhaseRun.unit_id == row.id, PhaseRun.phase == "self_assessment"
                )
            ).first()
            if run is None:
                raise NotFoundError(f"unit {unit!r} has no plan; give --period YEAR")
            period = (run.actual_start or run.forecast_start).year
        filled = {
            r.indicator: (r.rating, r.evidence, r.note)
            for r in session.scalars(
                select(IndicatorRating).where(
                    IndicatorRating.unit_id == row.id, IndicatorRating.period == period
                )
            )
        }
        catalogue = programme_catalogue(prog)
        name = f"tu-danh-gia-{prog.code}-{unit}-{period}.xlsx"
        path = output or get_settings().home / "forms" / name
        write_form(path, catalogue, prog.code, unit, row.name, period, filled)
    out.print(f"Wrote {path} ({len(catalogue.codes)} indicators, {len(filled)} already rated).")


@assess_app.command("import")
def import_forms(
    files: list[Path] = typer.Argument(..., help="Filled forms (.xlsx)."),
    unit: str | None = typer.Option(None, help="Refuse a form of any other unit."),
    period: int | None = typer.Option(None, help="Refuse a form of any other period."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Read filled forms back; every bad cell is named, and nothing is imported if any is bad."""
    from models.assessment_form import read_form
    from models.problems import InputError
    from models.ratings import record_form
    from models.reconcile import programme_catalogue
    from models.schedule import get_programme
    from tasks.resources import actor, database

    with user_errors():
        with read_session(engine()) as session:
            catalogue = programme_catalogue(get_programme(session, programme))
        forms, problems = [], []
        for path in files:
            try:
                forms.append(read_form(path, catalogue))
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
        totals = {"rated": 0, "changed": 0, "unrated": 0}
        with write_session(database()) as session:
            prog = get_programme(session, programme)
            for filled in forms:
                counts = record_form(
                    session, prog, filled, actor(), datetime.now(UTC), unit, period
                )
                totals = {k: totals[k] + counts[k] for k in totals}
    out.print(
        f"Imported {len(forms)} form(s): {totals['rated']} ratings ({totals['changed']} new or "
        f"changed), {totals['unrated']} indicators left unrated."
    )
    if totals["unrated"]:
        err.print("The self-assessment phase completes when every indicator is rated.")
