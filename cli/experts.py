"""`rollout experts`: who trains, guides and verifies the units, and when."""

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
    print_records,
    programme_code,
    run_flow,
    user_errors,
)
from cli.labels import day_text, heading

experts_app = typer.Typer(
    help="Experts and trainers: load them, plan their sessions, show who goes where when.",
    no_args_is_help=True,
)

SKILL_WORDS = {
    "vi": {"training": "Đào tạo", "guidance": "Hướng dẫn", "verification": "Thẩm tra"},
}


def _skill(skill: str) -> str:
    from cli.labels import language

    return SKILL_WORDS.get(language(), {}).get(skill, skill)


@experts_app.command()
def load(
    experts_file: Path = typer.Argument(..., help="Experts file (CSV or XLSX)."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Load (or reload) the experts file: validated whole, every problem with line and field."""
    from services.experts import load_experts_file

    with user_errors():
        done = load_experts_file(programme=programme, path=experts_file)
    out.print(
        f"{done.programme}: {done.experts} experts; {done.added} added, {done.updated} updated, "
        f"{done.unchanged} unchanged, {done.removed} no longer listed. "
        "Plan their sessions with `rollout experts plan`."
    )


@experts_app.command()
def plan(
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
    fresh: bool = typer.Option(
        False, help="Place every session not yet begun again, not only those that must move."
    ),
    without: str | None = typer.Option(
        None, help="An expert who drops out (code): their sessions from --from on move."
    ),
    withdraw_from: datetime | None = typer.Option(
        None, "--from", **DATE, help="The first day the expert in --without is unavailable."
    ),
) -> None:
    """Place the sessions not yet held on the experts' free working days (keeps those held)."""
    from services.experts import plan_experts

    if withdraw_from and not without:
        err.print("[bold red]error:[/] --from needs --without CODE (the expert who drops out)")
        raise typer.Exit(2)
    day = day_or_today(as_of)
    with user_errors():
        code = programme_code(programme)
        result = run_flow(
            lambda: plan_experts(
                programme=code,
                as_of=day,
                fresh=fresh,
                without=without,
                withdraw_from=withdraw_from.date() if withdraw_from else None,
            ),
            f"Planning the experts of {code}",
        )
    if not result["stored"]:
        err.print(
            f"[bold red]no plan:[/] {result['reason'] or 'the solver found none in time'}; the "
            "last plan stays. Add experts (or their regions, days a week), then plan again.",
            soft_wrap=True,
        )
        raise typer.Exit(1)
    scope = ", each chunk given the ones before" if result["bound_scope"] == "chunks" else ""
    out.print(
        f"{code}: {result['placed']} sessions placed, {result['kept']} kept "
        f"({result['new']} new, {result['moved']} moved, {result['unchanged']} unchanged); "
        f"{result['status']} ({result['solver']}), {result['late_days']} working days late in "
        f"all, no plan fewer than {result['late_bound']} (gap {result['late_gap']:.1%}); "
        f"busiest expert {result['busiest_days']} days; solver objective {result['objective']}, "
        f"bound {result['bound']}{scope} ({result['parts']} part(s))."
    )


@experts_app.command()
def show(
    expert: str | None = typer.Argument(None, help="Only this expert (code)."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    output: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
) -> None:
    """Who delivers which session to which units, from when to when."""
    from services.experts import session_lines

    with user_errors():
        lines = session_lines(programme=programme, expert=expert)
    if print_records([line.as_dict() for line in lines], output):
        return
    if not lines:
        err.print("No sessions planned yet; run `rollout experts plan`.")
        return
    table = compact_table(f"{heading('experts')}: {len(lines)}")
    for name in ("expert", "skill", "start", "end", "unit"):
        table.add_column(heading(name), no_wrap=name != "unit")
    for line in lines:
        table.add_row(
            line.expert,
            _skill(line.skill),
            day_text(line.start, short=True),
            day_text(line.end, short=True),
            ", ".join(line.units),
        )
    out.print(table)


@experts_app.command()
def calendar(
    expert: str | None = typer.Argument(None, help="Only this expert (code)."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    output: Path | None = typer.Option(None, help="Folder for the .ics files."),
) -> None:
    """Write each expert's sessions as an .ics calendar (one file per expert)."""
    from services.experts import export_expert_calendars

    with user_errors():
        paths = export_expert_calendars(programme=programme, expert=expert, output=output)
    if not paths:
        err.print("No sessions planned yet; run `rollout experts plan`.")
        raise typer.Exit(1)
    out.print(f"{len(paths)} calendar(s) in {paths[0].parent}")


@experts_app.command()
def need(
    by: datetime = typer.Option(..., **DATE, help="The day every session should be done by."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
    output: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
) -> None:
    """The fewest experts per skill to hold every session by a date, and the bound proved."""
    from services.experts import experts_needed

    with user_errors():
        rows = experts_needed(programme=programme, by=by.date(), as_of=day_or_today(as_of))
    if print_records([r.as_dict() for r in rows], output):
        return
    table = compact_table(f"{heading('need')} · {day_text(by.date())}")
    for name in ("skill", "need", "lower bound", "have"):
        table.add_column(heading(name), justify="left" if name == "skill" else "right")
    for r in rows:
        table.add_row(_skill(r.skill), str(r.need or "—"), str(r.lower_bound), str(r.have))
    out.print(table)
    for r in rows:
        if r.note:
            err.print(f"{_skill(r.skill)}: {r.note}", soft_wrap=True)
