"""`rollout actions`: a unit's action programme, drafted from its ratings, edited, tracked."""

from datetime import datetime

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    Format,
    compact_table,
    day_or_today,
    out,
    print_records,
    user_errors,
)
from cli.labels import day_text, heading, language, title
from models.kernel.vocabulary import item_state_label, rating_label

actions_app = typer.Typer(
    help="Action programmes: items drafted from red and yellow indicators, edited, tracked.",
    no_args_is_help=True,
)

PERIOD_HELP = "The self-assessment year; default the year the unit's self-assessment opens."


def _fields(task, owner, target, due, due_days, status, note, done_on=None):
    from models.assessment.action_items import ItemFields

    return ItemFields(
        task=task,
        owner=owner,
        target=target,
        due=due.date() if due else None,
        due_days=due_days,
        status=status,
        note=note,
        done_on=done_on.date() if done_on else None,
    )


@actions_app.command()
def draft(
    unit: str = typer.Argument(..., help="The unit's code."),
    period: int | None = typer.Option(None, help=PERIOD_HELP),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Draft an item per red or yellow indicator (verified rating first); existing items stay."""
    from services.actions import draft as draft_items

    with user_errors():
        done = draft_items(programme=programme, unit=unit, period=period)
    out.print(
        f"Drafted {done.drafted} item(s) for {done.unit}; {done.kept} indicator(s) already "
        "had one. Edit them with `rollout actions edit ID`, add with `rollout actions add`."
    )


@actions_app.command()
def add(
    unit: str = typer.Argument(..., help="The unit's code."),
    task: str = typer.Option(None, help="What is to be done."),
    owner: str = typer.Option(None, help="The responsible office."),
    target: str = typer.Option("green", help="The rating aimed at: red, yellow or green."),
    due: datetime | None = typer.Option(None, **DATE, help="Due date (a working day)."),
    due_days: int | None = typer.Option(
        None, help="Or: due this many working days into the action_plan phase."
    ),
    note: str | None = typer.Option(None, help="A note."),
    period: int | None = typer.Option(None, help=PERIOD_HELP),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Add an item the draft did not have."""
    from services.actions import add as add_item

    fields = _fields(task, owner, target, due, due_days, None, note)
    with user_errors():
        item = add_item(programme=programme, unit=unit, period=period, fields=fields)
    out.print(f"Added item {item.id} to {item.unit}'s action programme, due {item.due:%d/%m/%Y}.")


@actions_app.command()
def edit(
    item: int = typer.Argument(..., help="The item's number (rollout actions list)."),
    task: str | None = typer.Option(None, help="What is to be done."),
    owner: str | None = typer.Option(None, help="The responsible office."),
    target: str | None = typer.Option(None, help="The rating aimed at."),
    due: datetime | None = typer.Option(None, **DATE, help="Due date (a working day)."),
    due_days: int | None = typer.Option(None, help="Or: working days into the phase."),
    status: str | None = typer.Option(None, help="open, in_progress, done or dropped."),
    done_on: datetime | None = typer.Option(None, **DATE, help="With --status done: the day."),
    note: str | None = typer.Option(None, help="A note (why it was dropped, what was done)."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
) -> None:
    """Change an item: task, owner, target, due date or status (--status dropped drops it)."""
    from services.actions import edit as edit_item

    fields = _fields(task, owner, target, due, due_days, status, note, done_on)
    with user_errors():
        row = edit_item(programme=programme, item=item, fields=fields)
    out.print(f"Item {row.id}: {row.status}, owner {row.owner}, due {row.due:%d/%m/%Y}.")


@actions_app.command("list")
def list_items(
    unit: str | None = typer.Option(None, help="One unit only."),
    period: int | None = typer.Option(None, help="One period only."),
    output_format: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Every item with its owner, target, due date and status; progress per unit at the end."""
    from dataclasses import asdict

    from services.actions import items

    day = day_or_today(as_of)
    with user_errors():
        rows, made = items(programme=programme, unit=unit, period=period, as_of=day)
    records = [asdict(r) for r in rows]
    if print_records(records, output_format):
        return
    several = len(made) > 1
    table = compact_table(title("items", day=day_text(day)))
    table.add_column("#", justify="right", no_wrap=True)
    if several:
        table.add_column(heading("unit"), no_wrap=True)
    table.add_column(heading("task"), ratio=3)
    table.add_column(heading("owner"), ratio=2)
    for key in ("aim", "due", "status"):
        table.add_column(heading(key), no_wrap=True)
    for i in rows:
        late = i.status in ("open", "in_progress") and i.due < day
        due = f"[bold red]{i.due:%d/%m/%y}[/]" if late else f"{i.due:%d/%m/%y}"
        task = f"{i.task.removeprefix(f'Cải thiện chỉ số {i.indicator} - ')}"
        task = f"{i.indicator}: {task}" if i.indicator else task
        table.add_row(
            str(i.id),
            *([i.unit] if several else []),
            task,
            i.owner,
            rating_label(i.target, language()),
            due,
            item_state_label(i.status, language()),
        )
    out.print(table)
    for code, p in made.items():
        out.print(
            f"{code}: {p.counts['done']} of {p.total} done ({p.done_share:.0%}), "
            f"{p.counts['in_progress']} in progress, {p.overdue} overdue, "
            f"{p.counts['dropped']} dropped"
        )
