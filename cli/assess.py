"""`rollout assess`: Excel forms out and back in, verification, scores and the HTML report."""

from datetime import datetime
from pathlib import Path

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    Format,
    compact_table,
    day_or_today,
    err,
    out,
    today,
    user_errors,
)
from cli.labels import heading, title

assess_app = typer.Typer(
    help="Self-assessment on the indicators: Excel forms, verification, scores and a report.",
    no_args_is_help=True,
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
    from services.assessment import write_unit_form

    with user_errors():
        done = write_unit_form(programme=programme, unit=unit, period=period, output=output)
    out.print(f"Wrote {done.path} ({done.indicators} indicators, {done.rated} already rated).")


@assess_app.command("import")
def import_forms(
    files: list[Path] = typer.Argument(..., help="Filled forms (.xlsx)."),
    unit: str | None = typer.Option(None, help="Refuse a form of any other unit."),
    period: int | None = typer.Option(None, help="Refuse a form of any other period."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Read filled forms back; every bad cell is named, and nothing is imported if any is bad."""
    from services.assessment import import_forms as import_filled

    with user_errors(), err.status(f"Reading {len(files)} forms…") as status:
        done = import_filled(
            programme=programme,
            files=files,
            unit=unit,
            period=period,
            reading=lambda n, path: status.update(f"Reading form {n} of {len(files)}: {path.name}"),
        )
    out.print(
        f"Imported {done.forms} form(s): {done.rated} ratings ({done.changed} new or "
        f"changed), {done.unrated} indicators left unrated."
    )
    if done.unrated:
        err.print("The self-assessment phase completes when every indicator is rated.")


@assess_app.command()
def verify(
    unit: str = typer.Argument(..., help="The unit's code."),
    indicators: list[str] = typer.Argument(
        None, help="CODE to confirm the unit's rating, CODE=COLOUR to change it (red/yellow/green)."
    ),
    verifier: str = typer.Option("", help="Who verified (name and office); required."),
    all_rated: bool = typer.Option(
        False, "--all", help="Confirm every rating not yet verified, besides those named."
    ),
    on: datetime | None = typer.Option(None, **DATE, help="Day verified; default today."),
    period: int | None = typer.Option(None, help="The year assessed; default the current one."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Confirm or change a unit's ratings as a verifier; the unit's own ratings are kept."""
    from services.assessment import verify as verify_ratings

    with user_errors():
        done = verify_ratings(
            programme=programme,
            unit=unit,
            decisions=indicators or [],
            verifier=verifier,
            every_unverified=all_rated,
            on=on.date() if on else today(),
            period=period,
        )
    out.print(
        f"Verified {done.verified} rating(s) of {done.unit} for {done.period} "
        f"({done.changed} changed by the verifier); {done.unverified} not yet verified."
    )


@assess_app.command()
def score(
    period: int | None = typer.Option(None, help="The year assessed; default the latest rated."),
    unit: str | None = typer.Option(None, help="One unit only (with --compare: its changes)."),
    compare_with: int | None = typer.Option(
        None, "--compare", help="An earlier year: which of the unit's indicators moved."
    ),
    output_format: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Units ranked by their 0-100 index, colours per pillar; or one unit's change between years."""
    from models.kernel.problems import InputError, Problem
    from services.assessment import comparison, scores

    with user_errors():
        if compare_with is not None:
            if unit is None:
                raise InputError(
                    [Problem("command line", None, "--unit", "--compare needs --unit")]
                )
            moved = comparison(programme=programme, unit=unit, before=compare_with, after=period)
            after = moved.pop("after")
            _print_comparison(unit, compare_with, after, moved, output_format)
            return
        summary = scores(programme=programme, period=period, as_of=day_or_today(as_of))
    period = summary.period
    rows = [u for u in summary.units if unit is None or u.code == unit]
    if unit is not None and not rows:
        err.print(f"[bold red]error:[/] {unit} rated nothing in {period}")
        raise typer.Exit(1)
    if output_format is Format.json:
        out.print_json(
            data={
                "programme": summary.programme,
                "period": period,
                "weights": {"points": summary.weights.points, "pillars": summary.weights.pillars},
                "distribution": summary.distribution,
                "units": [u.__dict__ for u in rows],
            }
        )
        return
    if output_format is Format.csv:
        _print_csv(summary, rows)
        return
    table = compact_table(title("scores", title=summary.title, period=period))
    for key in ("#", "unit", "index", *(f"P{p}" for p in summary.catalogue.pillars)):
        table.add_column(heading(key), justify="right" if key != "unit" else "left", no_wrap=True)
    for key in ("red", "yel.", "gr.", "n/r", "ver.", "items"):
        table.add_column(heading(key), justify="right", no_wrap=True)
    for u in rows:
        table.add_row(
            str(u.rank),
            u.code,
            f"{u.index:.1f}",
            *(f"{u.pillars[p]:.0f}" for p in summary.catalogue.pillars),
            *(str(u.counts[c]) for c in ("red", "yellow", "green", "unrated")),
            str(u.verified),
            f"{u.items['done']}/{u.items['total']}" if u.items["total"] else "",
        )
    out.print(table)
    shares = "; ".join(
        f"P{p}: " + " ".join(f"{c} {s[c]:.0%}" for c in ("red", "yellow", "green"))
        for p, s in summary.distribution.items()
    )
    out.print(title("score legend", units=len(summary.units)))
    out.print(f"P1-P4: {shares}")


def _print_comparison(unit: str, before: int, after: int, moved: dict, fmt: Format) -> None:
    if fmt is Format.json:
        out.print_json(data={"unit": unit, "before": before, "after": after, **moved})
        return
    out.print(
        f"{unit}: index {moved['index_before']:.1f} in {before} -> {moved['index_after']:.1f} "
        f"in {after} ({moved['before_rated']} and {moved['after_rated']} indicators rated)"
    )
    for key, label in (
        ("improved", "improved"),
        ("fell_back", "fell back"),
        ("new", "newly rated"),
    ):
        if moved[key]:
            out.print(f"  {label} ({len(moved[key])}): {', '.join(moved[key])}")
    out.print(f"  unchanged: {len(moved['unchanged'])}")


def _print_csv(summary, rows) -> None:
    import csv
    import sys

    from models.kernel.cells import csv_safe

    pillars = list(summary.catalogue.pillars)
    writer = csv.writer(sys.stdout)
    writer.writerow(
        [
            "rank",
            "unit",
            "name",
            "index",
            *(f"pillar_{p}" for p in pillars),
            "red",
            "yellow",
            "green",
            "unrated",
            "verified",
            "items",
            "items_done",
            "items_overdue",
        ]
    )
    for u in rows:
        writer.writerow(
            [
                u.rank,
                u.code,
                csv_safe(u.name),
                u.index,
                *(u.pillars[p] for p in pillars),
                *(u.counts[c] for c in ("red", "yellow", "green", "unrated")),
                u.verified,
                u.items["total"],
                u.items["done"],
                u.items["overdue"],
            ]
        )


@assess_app.command()
def report(
    period: int | None = typer.Option(None, help="The year assessed; default the latest rated."),
    output: Path | None = typer.Option(None, help="The HTML file; default var/reports/."),
    note: str | None = typer.Option(None, help="A line shown at the top, e.g. 'illustrative'."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """An HTML report: ranking, heat map of units x indicators, a chart per pillar, action items."""
    from services.assessment import write_report

    with user_errors():
        path, units, figures = write_report(
            programme=programme,
            period=period,
            as_of=day_or_today(as_of),
            output=output,
            note=note,
        )
    out.print(f"Wrote {path} ({units} units), with {figures} figures beside it.")
