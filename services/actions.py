"""Action programmes as the front ends ask for them: draft, add, edit, list with progress."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from models.assessment.action_items import (
    ItemFields,
    Progress,
    add_item,
    draft_items,
    edit_item,
    progress,
)
from models.kernel.database import read_session, write_session
from models.kernel.lookups import find_unit, get_programme
from models.kernel.tables import ActionItem, Unit
from services.resources import actor, database, read_database


@dataclass(frozen=True)
class DraftedItems:
    """Items drafted for a unit, and indicators that already had one."""

    unit: str
    drafted: int
    kept: int


@dataclass(frozen=True)
class ItemRow:
    """One action item as lists show it."""

    unit: str
    id: int
    period: int
    indicator: str | None
    task: str
    owner: str
    rating: str | None
    target: str
    due: date
    status: str
    done_on: date | None
    note: str | None


def draft(*, programme: str | None, unit: str, period: int | None) -> DraftedItems:
    """Draft an item per red or yellow indicator (verified rating first); existing items stay."""
    with write_session(database()) as session:
        found = get_programme(session, programme)
        code = find_unit(session, found, unit).code
        counts = draft_items(session, found, code, period, actor(), datetime.now(UTC))
    return DraftedItems(code, counts["drafted"], counts["kept"])


def add(*, programme: str | None, unit: str, period: int | None, fields: ItemFields) -> ItemRow:
    """Add an item the draft did not have."""
    with write_session(database()) as session:
        found = get_programme(session, programme)
        code = find_unit(session, found, unit).code
        item = add_item(session, found, code, period, fields, actor(), datetime.now(UTC))
        return _row(code, item)


def edit(*, programme: str | None, item: int, fields: ItemFields) -> ItemRow:
    """Change an item: task, owner, target, due date, status or note."""
    with write_session(database()) as session:
        found = get_programme(session, programme)
        row = edit_item(session, found, item, fields, actor(), datetime.now(UTC))
        return _row(session.get(Unit, row.unit_id).code, row)


def items(
    *, programme: str | None, unit: str | None, period: int | None, as_of: date
) -> tuple[list[ItemRow], dict[str, Progress]]:
    """Every item (of one unit, of one period) in unit order, and each unit's progress."""
    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        query = (
            select(Unit.code, ActionItem)
            .join(ActionItem, ActionItem.unit_id == Unit.id)
            .where(ActionItem.programme_id == found.id)
            .order_by(Unit.code, ActionItem.id)
        )
        if unit:
            query = query.where(Unit.id == find_unit(session, found, unit).id)
        if period:
            query = query.where(ActionItem.period == period)
        pairs = list(session.execute(query))
        rows = [_row(code, item) for code, item in pairs]
        by_unit: dict[str, list[ActionItem]] = {}
        for code, item in pairs:
            by_unit.setdefault(code, []).append(item)
        made = {code: progress(unit_items, as_of) for code, unit_items in by_unit.items()}
    return rows, made


def _row(unit_code: str, item: ActionItem) -> ItemRow:
    return ItemRow(
        unit_code,
        item.id,
        item.period,
        item.indicator,
        item.task,
        item.owner,
        item.rating,
        item.target,
        item.due,
        item.status,
        item.done_on,
        item.note,
    )
