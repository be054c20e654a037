"""The reminder outbox: items under unique keys, then stored digests with their items tied to them
(the digests themselves are composed in models.reminders.digests)."""

from collections import defaultdict, namedtuple
from datetime import date, datetime

from sqlalchemy import bindparam, insert, null, select, update
from sqlmodel import Session

from models.assessment.action_items import ACTIVE
from models.kernel.database import execute_many, insert_new
from models.kernel.tables import (
    ActionItem,
    OutboxBody,
    OutboxMessage,
    PhaseRun,
    Programme,
    ReminderItem,
    Unit,
)
from models.programme.store import programme_calendar
from models.reminders.rules import ReminderPolicy, current, default_policy

NO_ADDRESS = "Đơn vị chưa có địa chỉ e-mail; nhắc việc được chuyển tới cơ quan điều phối."

# What a reminder is about: a phase run, or an action item of one (item_id set). Read as plain
# named tuples: a SQLAlchemy row finds a field by name ten times slower, and the worst day reads
# ~1 million of these fields.
_Subject = namedtuple("_Subject", "id actual_start forecast_due email parent_code item_id")


def programme_policy(programme: Programme) -> ReminderPolicy:
    """The reminder policy stored with a programme (the shipped one for older programmes)."""
    return ReminderPolicy.from_data(programme.reminders or default_policy())


def enqueue(
    session: Session, programme: Programme, unit_ids: list[int], as_of: date, now: datetime
) -> dict[str, int]:
    """Write the reminders due by `as_of` for a batch of units; a key already there is skipped."""
    cal = programme_calendar(session, programme.id)
    policy = programme_policy(programme)
    coordinator = programme.coordinator["email"]
    runs = session.execute(
        select(
            PhaseRun.id,
            PhaseRun.actual_start,
            PhaseRun.forecast_due,
            Unit.email,
            Unit.parent_code,
            null().label("item_id"),
        )
        .join(Unit, Unit.id == PhaseRun.unit_id)
        .where(PhaseRun.unit_id.in_(unit_ids), PhaseRun.status.in_(("open", "overdue")))
    )
    runs = list(map(_Subject._make, runs))
    parents = dict(
        session.execute(
            select(Unit.code, Unit.email).where(
                Unit.programme_id == programme.id,
                Unit.code.in_({r.parent_code for r in runs if r.parent_code}),
            )
        ).all()
    )
    items = session.execute(
        select(
            PhaseRun.id,
            PhaseRun.actual_start,
            ActionItem.due.label("forecast_due"),
            Unit.email,
            Unit.parent_code,
            ActionItem.id.label("item_id"),
        )
        .join(PhaseRun, PhaseRun.unit_id == ActionItem.unit_id)
        .join(Unit, Unit.id == ActionItem.unit_id)
        .where(
            ActionItem.unit_id.in_(unit_ids),
            ActionItem.status.in_(ACTIVE),
            PhaseRun.phase == "action_plan",
            PhaseRun.actual_start.is_not(None),
        )
    )
    items = list(map(_Subject._make, items))
    # A unit's late items are escalated once, by its most overdue item (the newest escalation),
    # not once per item: 87,000 items would otherwise flood the parent and the coordinator.
    # Items of one unit share their phase's opening and often their due day: each pair's
    # reminders are worked out once (87,098 items, ~180,000 calls, were ~25 s of the worst day).
    known: dict[tuple[date, date], list] = {}

    def due_now(opened: date, due: date) -> list:
        if (opened, due) not in known:
            known[(opened, due)] = current(policy, opened, due, as_of, cal)
        return known[(opened, due)]

    latest: dict[int, tuple] = {}
    for item in items:
        for occurrence in due_now(item.actual_start, item.forecast_due):
            if occurrence.escalation and (item.id not in latest or occurrence > latest[item.id][1]):
                latest[item.id] = (item, occurrence)
    wanted: dict[str, dict] = {}
    for run in [*runs, *items]:
        item_id = run.item_id
        for occurrence in due_now(run.actual_start, run.forecast_due):
            if item_id and occurrence.escalation and latest[run.id][0] is not run:
                continue
            if occurrence.escalation:
                parent_email = parents.get(run.parent_code or "")
                targets = [(parent_email, "parent", None)] if parent_email else []
                targets.append((coordinator, "coordinator", None))
            elif run.email:
                targets = [(run.email, "unit", None)]
            else:
                targets = [(coordinator, "coordinator", NO_ADDRESS)]
            for recipient, role, note in targets:
                subject = f"item{item_id}" if item_id else run.id
                key = f"{subject}:{occurrence.rule}:{occurrence.day}:{role}"
                wanted[key] = {
                    "key": key,
                    "programme_id": programme.id,
                    "phase_run_id": run.id,
                    "action_item_id": item_id,
                    "rule": occurrence.rule,
                    "day": occurrence.day,
                    "recipient": recipient,
                    "role": role,
                    "note": note,
                    "created_at": now,
                }
    new = insert_new(session.connection(), ReminderItem.__table__, list(wanted.values()))
    return {"due": len(wanted), "new": new}


def save_messages(
    session: Session,
    programme: Programme,
    day: date,
    rendered: list[tuple[dict, str, str, str]],
    now: datetime,
) -> int:
    """Store rendered digests (digest, subject, text, html), their bodies apart, and tie their
    items to them.

    Keys are unique per recipient and day; a second digest the same day gets the next number.
    """
    if not rendered:
        return 0
    earlier: dict[str, int] = defaultdict(int)
    for (recipient,) in session.execute(
        select(OutboxMessage.recipient).where(
            OutboxMessage.programme_id == programme.id, OutboxMessage.day == day
        )
    ):
        earlier[recipient] += 1
    rows = [
        {
            "key": f"{programme.code}:{d['recipient']}:{day}:{earlier[d['recipient']] + 1}",
            "programme_id": programme.id,
            "recipient": d["recipient"],
            "day": day,
            "subject": subject,
            "created_at": now,
            "status": "pending",
            "attempts": 0,
        }
        for d, subject, _, _ in rendered
    ]
    ids = dict(
        session.execute(
            insert(OutboxMessage).returning(OutboxMessage.key, OutboxMessage.id), rows
        ).all()
    )
    session.connection().execute(
        OutboxBody.__table__.insert(),
        [
            {"message_id": ids[row["key"]], "body_text": text, "body_html": html}
            for row, (_, _, text, html) in zip(rows, rendered, strict=True)
        ],
    )
    links = [
        {"item": item, "message": ids[row["key"]]}
        for row, (d, *_) in zip(rows, rendered, strict=True)
        for item in d["item_ids"]
    ]
    execute_many(  # an expert's digest has no reminder items: links may be empty
        session.connection(),
        update(ReminderItem.__table__)
        .where(ReminderItem.__table__.c.id == bindparam("item"))
        .values(message_id=bindparam("message")),
        links,
    )
    return len(rows)
