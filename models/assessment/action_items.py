"""Action programmes: items drafted from red and yellow indicators, edited, tracked to deadlines."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models.assessment.catalogue import Catalogue
from models.assessment.ratings import period_ratings, standing_rating
from models.audit.chain import Change, append_changes
from models.kernel.calendar import WorkingCalendar
from models.kernel.lookups import find_unit
from models.kernel.problems import InputError, NotFoundError, Problem
from models.kernel.tables import ActionItem, PhaseRun, Programme, Unit
from models.kernel.vocabulary import ITEM_STATES, RATINGS, ItemState
from models.phases.reconcile import programme_catalogue
from models.programme.settings import programme_settings
from models.programme.store import programme_calendar

ACTIVE = (ItemState.OPEN.value, ItemState.IN_PROGRESS.value)  # items that still get reminders
DEFAULT_OWNER = "Văn phòng HĐND và UBND"


@dataclass(frozen=True)
class ItemDefaults:
    """What a drafted item gets: its owner, target and working days from the phase's opening."""

    owner: str = DEFAULT_OWNER
    target: str = "green"
    due_days: int = 30

    @classmethod
    def of(cls, programme: Programme) -> "ItemDefaults":
        """The defaults of a programme's `assessment:` settings."""
        data = programme_settings(programme).assessment
        return cls(
            data.item_owner or DEFAULT_OWNER,
            data.item_target,
            data.item_due_days,
        )


@dataclass(frozen=True)
class ItemFields:
    """What a coordinator gives when adding or editing an item; None leaves a field as it is."""

    task: str | None = None
    owner: str | None = None
    target: str | None = None
    due: date | None = None
    due_days: int | None = None  # working days from the phase's opening, the opening day first
    status: str | None = None
    note: str | None = None
    done_on: date | None = None  # the day it was done (default: today)


def draft_task(catalogue: Catalogue, code: str) -> str:
    """The default task of an item: improve the indicator, named in Vietnamese."""
    return f"Cải thiện chỉ số {code} - {catalogue.indicator(code).name('vi')}"


def due_from_days(opened: date, days: int, cal: WorkingCalendar) -> date:
    """The due date `days` working days into the phase, its opening day counted as the first."""
    return cal.shift(opened, days - 1)


def check_fields(
    source: str, fields: ItemFields, opened: date, cal: WorkingCalendar
) -> list[Problem]:
    """Every problem with an item's fields: owner, target, status and due date."""
    problems = []

    def bad(name: str, message: str) -> None:
        problems.append(Problem(source, None, name, message))

    if fields.task is not None and not fields.task.strip():
        bad("task", "an action item needs a task; say what is to be done")
    if fields.owner is not None and not fields.owner.strip():
        bad("owner", "an action item needs an owner (the responsible office); give --owner")
    if fields.target is not None and fields.target not in RATINGS:
        bad("target", f"{fields.target!r} is not red, yellow or green")
    if fields.status is not None and fields.status not in ITEM_STATES:
        bad("status", f"{fields.status!r} is not a status; use one of {', '.join(ITEM_STATES)}")
    if fields.due_days is not None and fields.due_days < 1:
        bad("due_days", f"{fields.due_days} must be at least 1 working day")
    if fields.due is not None:
        if fields.due < opened:
            bad(
                "due",
                f"{fields.due} is before the action_plan phase opens ({opened}); "
                "give a later date or --due-days",
            )
        elif not cal.is_working_day(fields.due):
            bad(
                "due",
                f"{fields.due} is not a working day ({cal.why_not_working(fields.due)}); "
                f"the next working day is {cal.next_working_day(fields.due)}",
            )
    return problems


def phase_opening(session: Session, unit: Unit, phase: str) -> date:
    """The day a unit's phase opened, or is forecast to open."""
    run = session.scalars(
        select(PhaseRun).where(PhaseRun.unit_id == unit.id, PhaseRun.phase == phase)
    ).first()
    if run is None:
        raise NotFoundError(f"unit {unit.code!r} has no plan; it is in no wave")
    return run.actual_start or run.forecast_start


def assessment_period(session: Session, unit: Unit) -> int:
    """The period of a unit's current self-assessment: the year its phase opens."""
    return phase_opening(session, unit, "self_assessment").year


def unit_and_period(
    session: Session, programme: Programme, unit_code: str, period: int | None
) -> tuple[Unit, int]:
    """A unit by code, and the period given or else the one of its current self-assessment."""
    unit = find_unit(session, programme, unit_code)
    return unit, period or assessment_period(session, unit)


def unit_items(
    session: Session, unit_id: int, period: int, with_dropped: bool = True
) -> list[ActionItem]:
    """A unit's action items for a period, in order of creation."""
    query = select(ActionItem).where(ActionItem.unit_id == unit_id, ActionItem.period == period)
    if not with_dropped:
        query = query.where(ActionItem.status != "dropped")
    return list(session.scalars(query.order_by(ActionItem.id)))


def draft_items(
    session: Session,
    programme: Programme,
    unit_code: str,
    period: int | None,
    actor: str,
    now: datetime,
) -> dict[str, int]:
    """One item per red or yellow indicator (verified rating first) that has no item yet."""
    unit, period = unit_and_period(session, programme, unit_code, period)
    ratings = {c: standing_rating(r) for c, r in period_ratings(session, unit.id, period).items()}
    if not ratings:
        raise InputError(
            [
                Problem(
                    f"action programme of {unit_code}",
                    None,
                    "ratings",
                    f"no ratings for {period}; import the unit's self-assessment first "
                    "(rollout assess import)",
                )
            ]
        )
    catalogue = programme_catalogue(programme)
    defaults = ItemDefaults.of(programme)
    opened = phase_opening(session, unit, "action_plan")
    due = due_from_days(opened, defaults.due_days, programme_calendar(session, programme.id))
    covered = {i.indicator for i in unit_items(session, unit.id, period)}
    new = [
        ActionItem(
            programme_id=programme.id,
            unit_id=unit.id,
            period=period,
            indicator=code,
            task=draft_task(catalogue, code),
            owner=defaults.owner,
            rating=ratings[code],
            target=defaults.target,
            due=due,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        for code in catalogue.codes
        if ratings.get(code) in ("red", "yellow") and code not in covered
    ]
    session.add_all(new)
    if new:
        payload = {"period": period, "indicators": [i.indicator for i in new], "due": due}
        append_changes(
            session,
            [Change("actions.drafted", f"{programme.code}/{unit_code}", payload, programme.code)],
            actor,
            now,
        )
    return {"drafted": len(new), "kept": len(covered)}


def add_item(
    session: Session,
    programme: Programme,
    unit_code: str,
    period: int | None,
    fields: ItemFields,
    actor: str,
    now: datetime,
) -> ActionItem:
    """Add an item the draft did not have; it needs a task, an owner and a due date."""
    unit, period = unit_and_period(session, programme, unit_code, period)
    source = f"new action item of {unit_code}"
    missing = [
        Problem(source, None, name, f"required; give --{name.replace('_', '-')}")
        for name in ("task", "owner")
        if getattr(fields, name) is None
    ]
    if fields.due is None and fields.due_days is None:
        missing.append(Problem(source, None, "due", "required; give --due DATE or --due-days N"))
    item = ActionItem(
        programme_id=programme.id,
        unit_id=unit.id,
        period=period,
        task="",
        owner="",
        target="green",
        due=now.date(),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    return _apply(session, programme, unit, item, fields, actor, now, missing, "actions.added")


def edit_item(
    session: Session,
    programme: Programme,
    item_id: int,
    fields: ItemFields,
    actor: str,
    now: datetime,
) -> ActionItem:
    """Change an item's task, owner, target, due date, status or note."""
    item = session.get(ActionItem, item_id)
    if item is None or item.programme_id != programme.id:
        raise NotFoundError(f"no action item {item_id} in programme {programme.code}")
    unit = session.get(Unit, item.unit_id)
    return _apply(session, programme, unit, item, fields, actor, now, [], "actions.changed")


def _apply(session, programme, unit, item, fields, actor, now, problems, action) -> ActionItem:
    cal = programme_calendar(session, programme.id)
    opened = phase_opening(session, unit, "action_plan")
    source = (
        f"action item {item.id} of {unit.code}" if item.id else f"new action item of {unit.code}"
    )
    due = fields.due
    if due is None and fields.due_days is not None and fields.due_days > 0:
        due = due_from_days(opened, fields.due_days, cal)
    problems = problems + check_fields(
        source, ItemFields(**{**fields.__dict__, "due": due}), opened, cal
    )
    if problems:
        raise InputError(problems)
    before = {k: getattr(item, k) for k in ("task", "owner", "target", "due", "status", "note")}
    for name in ("task", "owner", "note"):
        value = getattr(fields, name)
        if value is not None:
            setattr(item, name, " ".join(value.split()))
    item.target = fields.target or item.target
    item.due = due or item.due
    if fields.status is not None:
        item.status = fields.status
        item.done_on = (fields.done_on or now.date()) if fields.status == "done" else None
    after = {k: getattr(item, k) for k in before}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    item.updated_at = now
    session.add(item)
    session.flush()
    payload = {"item": item.id, "period": item.period, "changed": changed}
    append_changes(
        session,
        [Change(action, f"{programme.code}/{unit.code}", payload, programme.code)],
        actor,
        now,
    )
    return item


@dataclass(frozen=True)
class Progress:
    """How far an action programme has come: items per status, and those past their due date."""

    counts: dict[str, int]
    overdue: int
    total: int  # items not dropped

    @property
    def done_share(self) -> float:
        """Share of the items (not dropped) that are done."""
        return self.counts.get("done", 0) / self.total if self.total else 0.0


def progress(items: list[ActionItem], as_of: date) -> Progress:
    """Counts per status, and how many active items are past their due date on `as_of`."""
    counts = {s: sum(i.status == s for i in items) for s in ITEM_STATES}
    overdue = sum(i.status in ACTIVE and i.due < as_of for i in items)
    return Progress(counts, overdue, len(items) - counts["dropped"])
