"""`rollout actions`: a unit's action programme, drafted from its ratings, edited, tracked."""

from datetime import UTC, datetime

import typer

from cli.common import (
    AS_OF_HELP,
    DATE,
    PROGRAMME_HELP,
    Format,
    compact_table,
    day_or_today,
    engine,
    out,
    print_records,
    user_errors,
)
from models.kernel.database import read_session, write_session

actions_app = typer.Typer(
    help="Action programmes: items drafted from red and yellow indicators, edited, tracked.",
    no_args_is_help=True,
)

PERIOD_HELP = "The self-assessment year; default the year the unit's self-assessment opens."
STATUS_VI = {"open": "Chưa làm", "in_progress": "Đang làm", "done": "Xong", "dropped": "Đã bỏ"}
AIM = {"red": "Đỏ", "yellow": "Vàng", "green": "Xanh"}


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
    from models.assessment.action_items import draft_items
    from models.phases.schedule import get_programme
    from services.resources import actor, database

    with user_errors(), write_session(database()) as session:
        counts = draft_items(
            session, get_programme(session, programme), unit, period, actor(), datetime.now(UTC)
        )
    out.print(
        f"Drafted {counts['drafted']} item(s) for {unit}; {counts['kept']} indicator(s) already "
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
    from models.assessment.action_items import add_item
    from models.phases.schedule import get_programme
    from services.resources import actor, database

    fields = _fields(task, owner, target, due, due_days, None, note)
    with user_errors(), write_session(database()) as session:
        prog = get_programme(session, programme)
        item = add_item(session, prog, unit, period, fields, actor(), datetime.now(UTC))
        item_id, item_due = item.id, item.due
    out.print(f"Added item {item_id} to {unit}'s action programme, due {item_due:%d/%m/%Y}.")


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
    from models.assessment.action_items import edit_item
    from models.phases.schedule import get_programme
    from services.resources import actor, database

    fields = _fields(task, owner, target, due, due_days, status, note, done_on)
    with user_errors(), write_session(database()) as session:
        prog = get_programme(session, programme)
        row = edit_item(session, prog, item, fields, actor(), datetime.now(UTC))
        text = f"Item {row.id}: {row.status}, owner {row.owner}, due {row.due:%d/%m/%Y}."
    out.print(text)


@actions_app.command("list")
def list_items(
    unit: str | None = typer.Option(None, help="One unit only."),
    period: int | None = typer.Option(None, help="One period only."),
    output_format: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    programme: str | None = typer.Option(None, help=PROGRAMME_HELP),
    as_of: datetime | None = typer.Option(None, **DATE, help=AS_OF_HELP),
) -> None:
    """Every item with its owner, target, due date and status; progress per unit at the end."""
    from sqlalchemy import select

    from models.assessment.action_items import find_unit, progress
    from models.kernel.tables import ActionItem, Unit
    from models.phases.schedule import get_programme

    day = day_or_today(as_of)
    with user_errors(), read_session(engine()) as session:
        prog = get_programme(session, programme)
        query = (
            select(Unit.code, ActionItem)
            .join(ActionItem, ActionItem.unit_id == Unit.id)
            .where(ActionItem.programme_id == prog.id)
            .order_by(Unit.code, ActionItem.id)
        )
        if unit:
            query = query.where(Unit.id == find_unit(session, prog, unit).id)
        if period:
            query = query.where(ActionItem.period == period)
        rows = [(code, item) for code, item in session.execute(query)]
    fields = ("id", "period", "indicator", "task", "owner", "rating", "target", "due", "status")
    records = [
        {"unit": code, **{f: getattr(i, f) for f in fields}, "done_on": i.done_on, "note": i.note}
        for code, i in rows
    ]
    if print_records(records, output_format):
        return
    several = len({code for code, _ in rows}) > 1
    table = compact_table(f"Action items, as of {day:%d/%m/%Y} (late ones in red)")
    table.add_column("#", justify="right", no_wrap=True)
    if several:
        table.add_column("unit", no_wrap=True)
    table.add_column("task", ratio=3)
    table.add_column("owner", ratio=2)
    for heading in ("aim", "due", "status"):
        table.add_column(heading, no_wrap=True)
    for code, i in rows:
        late = i.status in ("open", "in_progress") and i.due < day
        due = f"[bold red]{i.due:%d/%m/%y}[/]" if late else f"{i.due:%d/%m/%y}"
        task = f"{i.task.removeprefix(f'Cải thiện chỉ số {i.indicator} - ')}"
        task = f"{i.indicator}: {task}" if i.indicator else task
        table.add_row(
            str(i.id),
            *([code] if several else []),
            task,
            i.owner,
            AIM[i.target],
            due,
            STATUS_VI[i.status],
        )
    out.print(table)
    by_unit: dict[str, list] = {}
    for code, i in rows:
        by_unit.setdefault(code, []).append(i)
    for code, items in by_unit.items():
        made = progress(items, day)
        out.print(
            f"{code}: {made.counts['done']} of {made.total} done ({made.done_share:.0%}), "
            f"{made.counts['in_progress']} in progress, {made.overdue} overdue, "
            f"{made.counts['dropped']} dropped"
        )
