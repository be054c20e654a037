"""`rollout roster`: rosters of real units, from Vietnam's official list."""

from pathlib import Path

import typer

from cli.common import out, user_errors

roster_app = typer.Typer(
    help="Rosters from the official list of administrative units.", no_args_is_help=True
)


@roster_app.command()
def official(
    province: list[str] = typer.Option(
        [],
        "--province",
        help="A province by code (31) or name (Hải Phòng); repeat for more; none: every one.",
        metavar="CODE|NAME",
    ),
    output: Path = typer.Option(..., "--output", help="The roster to write (.csv or .xlsx)."),
) -> None:
    """Write a roster of the official units since 01/07/2025 (34 provinces, 3,321 communes,
    wards and special zones) with their official codes and the list's source and version."""
    from services.official import write_official_roster

    with user_errors():
        done = write_official_roster(provinces=province, output=output)
    out.print(
        f"Wrote {done.path}: {done.provinces} provinces, {done.units:,} communes, wards and "
        f"special zones ({done.source}). Add the units' e-mails before `rollout init`.",
        soft_wrap=True,
    )
