"""`rollout units`: a unit's lineage across mergers and splits, and deciding a partial split."""

import json
from enum import StrEnum

import typer

from cli.common import PROGRAMME_HELP, out, user_errors
from cli.labels import day_text


class LineageFormat(StrEnum):
    """How `units lineage` prints."""

    table = "table"
    json = "json"


units_app = typer.Typer(
    help="Units across the 2025 reorganisation: predecessors, successors, partial splits.",
    no_args_is_help=True,
)


@units_app.command("lineage")
def lineage_command(
    unit: str = typer.Argument(..., help="The unit's code (in the roster or gone from it)."),
    output_format: LineageFormat = typer.Option(
        LineageFormat.table, "--format", help="table or json."
    ),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Every unit before and after this one, with the day each link took effect."""
    from services.lineage import unit_lineage

    with user_errors():
        found = unit_lineage(programme=programme, unit=unit)
    if output_format == LineageFormat.json:
        data = {
            "code": found.code,
            "name": found.name,
            "predecessors": [_as_data(x) for x in found.predecessors],
            "successors": [_as_data(x) for x in found.successors],
        }
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    out.print(f"{found.code} · {found.name}")
    for title, links in (("predecessors", found.predecessors), ("successors", found.successors)):
        out.print(f"{title}: {len(links) or 'none'}")
        for x in links:
            flag = ""
            if x.partial:
                flag = {
                    None: " · PARTIAL SPLIT: decide with `rollout units decide`",
                    True: " · partial split, decided: carries on",
                    False: " · partial split, decided: history only",
                }[x.carries]
            gone = "" if x.in_roster else " (left the roster)"
            out.print(
                f"  {x.code} · {x.name}{gone} · from {day_text(x.effective)}{flag}", soft_wrap=True
            )


def _as_data(link) -> dict:
    return {
        "code": link.code,
        "name": link.name,
        "effective": link.effective.isoformat(),
        "partial": link.partial,
        "carries": link.carries,
        "in_roster": link.in_roster,
    }


@units_app.command()
def decide(
    predecessor: str = typer.Argument(..., help="The unit that was split."),
    successor: str = typer.Argument(..., help="The successor that carries it on."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Decide a partial split: which successor carries the predecessor on (the others keep
    its history as their past only); audited."""
    from services.lineage import decide as decide_split

    with user_errors():
        decide_split(programme=programme, predecessor=predecessor, successor=successor)
    out.print(f"{predecessor}: carried on by {successor}.")
