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
    successors_of: Path | None = typer.Option(
        None,
        "--successors-of",
        help=(
            "A roster of units before 01/07/2025 (official codes: communes, or districts by "
            "their 3-digit code): fill each new unit's predecessors and merged_on from it."
        ),
    ),
) -> None:
    """Write a roster of the official units since 01/07/2025 (34 provinces, 3,321 communes,
    wards and special zones) with their official codes and the list's source and version."""
    from services.official import write_official_roster

    with user_errors():
        done = write_official_roster(provinces=province, output=output, successors_of=successors_of)
    out.print(
        f"Wrote {done.path}: {done.provinces} provinces, {done.units:,} communes, wards and "
        f"special zones ({done.source}). Add the units' e-mails before `rollout init`.",
        soft_wrap=True,
    )
    if successors_of:
        out.print(
            f"{done.succeeding} of them succeed units of {successors_of.name}; split between "
            f"several: {', '.join(done.split) or 'none'}.",
            soft_wrap=True,
        )
        if done.unknown:
            out.print(
                f"Not in the list before 01/07/2025, so no successor found (link them by hand "
                f"in the predecessors column): {', '.join(done.unknown)}.",
                soft_wrap=True,
            )
