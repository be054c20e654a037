"""The reminder outbox: items under unique keys, digests per recipient and day, delivery state."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import and_, bindparam, insert, select, update
from sqlmodel import Session

from models.assessment.action_items import ACTIVE
from models.kernel.calendar import WorkingCalendar, format_date_vi, weekday_vi
from models.kernel.tables import ActionItem, OutboxMessage, PhaseRun, Programme, ReminderItem, Unit
from models.kernel.vocabulary import rating_label
from models.phases.completion import parse_requirements
from models.programme.file import phase_defaults
from models.programme.settings import programme_settings
from models.programme.store import programme_calendar, programme_steps
from models.reminders.rules import ReminderPolicy, current, default_policy

NO_ADDRESS = "Đơn vị chưa có địa chỉ e-mail; nhắc việc được chuyển tới cơ quan điều phối."


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
            PhaseRun.id, PhaseRun.actual_start, PhaseRun.forecast_due, Unit.email, Unit.parent_code
        )
        .join(Unit, Unit.id == PhaseRun.unit_id)
        .where(PhaseRun.unit_id.in_(unit_ids), PhaseRun.status.in_(("open", "overdue")))
    ).all()
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
    ).all()
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
        item_id = getattr(run, "item_id", None)
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
    have = set()
    keys = list(wanted)
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        have |= set(session.scalars(select(ReminderItem.key).where(ReminderItem.key.in_(chunk))))
    new = [row for key, row in wanted.items() if key not in have]
    if new:
        session.execute(insert(ReminderItem), new)
    return {"due": len(wanted), "new": len(new)}


def _unsent(programme: Programme, as_of: date):
    """The reminder items of the programme due by `as_of` that are in no message yet."""
    return and_(
        ReminderItem.programme_id == programme.id,
        ReminderItem.message_id.is_(None),
        ReminderItem.day <= as_of,
    )


def _unsent_recipients(session: Session, programme: Programme, as_of: date) -> list[str]:
    """Who has items due by `as_of` not yet in a message, in order."""
    query = select(ReminderItem.recipient).where(_unsent(programme, as_of)).distinct()
    return list(session.scalars(query.order_by(ReminderItem.recipient)))


def unsent_digests(session: Session, programme: Programme, as_of: date) -> dict[str, dict]:
    """Per recipient, the data of one digest of every item not yet in a message."""
    return next(unsent_digest_groups(session, programme, as_of), {})


def unsent_digest_groups(
    session: Session, programme: Programme, as_of: date, size: int | None = None
) -> Iterator[dict[str, dict]]:
    """The digests of every item not yet in a message, `size` recipients at a time (all in one
    group when None), so that a caller storing each group holds one group's digests at once;
    what every group needs from the programme is read once."""
    cal = programme_calendar(session, programme.id)
    _, _, names = phase_defaults()
    verified = ("", "")
    if programme_settings(programme).assessment.require_verification:
        verified = (" và được thẩm định", ", each verified")
    expected = {
        s.phase: (
            [
                r.describe_vi() + verified[0] * (r.kind == "indicators_rated")
                for r in parse_requirements(list(s.completion))
            ],
            [
                r.describe() + verified[1] * (r.kind == "indicators_rated")
                for r in parse_requirements(list(s.completion))
            ],
        )
        for s in programme_steps(programme)
    }
    query = (  # plain columns, not entities: the worst day reads 111,990 of these rows
        select(
            ReminderItem.id.label("item_id"),
            ReminderItem.recipient,
            ReminderItem.role,
            ReminderItem.rule,
            ReminderItem.note,
            PhaseRun.phase,
            PhaseRun.forecast_due,
            Unit.code.label("unit_code"),
            Unit.name.label("unit_name"),
            Unit.parent_code,
            ActionItem.id.label("action_id"),
            ActionItem.due.label("action_due"),
            ActionItem.indicator,
            ActionItem.task,
            ActionItem.owner,
            ActionItem.target,
        )
        .join(PhaseRun, PhaseRun.id == ReminderItem.phase_run_id)
        .join(Unit, Unit.id == PhaseRun.unit_id)
        .outerjoin(ActionItem, ActionItem.id == ReminderItem.action_item_id)
        .where(_unsent(programme, as_of))
        .order_by(ReminderItem.recipient, Unit.code, PhaseRun.seq)
    )
    unit_names = dict(
        session.execute(select(Unit.code, Unit.name).where(Unit.programme_id == programme.id)).all()
    )
    coordinator = programme.coordinator.get("office") or programme.coordinator["agency"]
    days: dict[date, tuple[int, str]] = {}  # due day -> (working days left, its text)

    def left_and_text(due: date) -> tuple[int, str]:
        if due not in days:
            days[due] = (
                cal.working_days_between(as_of, due),
                f"{weekday_vi(due)}, {format_date_vi(due)}",
            )
        return days[due]

    def compose(rows) -> dict[str, dict]:
        """The digests of these item rows (ordered by recipient), by recipient."""
        digests: dict[str, dict] = {}
        for row in rows:
            digest = digests.get(row.recipient)
            if digest is None:
                digest = digests[row.recipient] = _digest(programme, row, as_of, cal)
            addressee = {
                "unit": row.unit_name,
                "parent": unit_names.get(row.parent_code or ""),
            }.get(row.role, coordinator)
            if addressee and addressee not in digest["addressees"]:
                digest["addressees"].append(addressee)
            entry = _entry(row, expected[row.phase], names[row.phase], left_and_text)
            if row.action_id is not None:
                entry |= _action_entry(row, names[row.phase], left_and_text)
            digest["item_ids"].append(row.item_id)
            (
                digest["escalations"] if row.rule.startswith("escalation") else digest["items"]
            ).append(entry)
        for digest in digests.values():
            digest["escalations"] = _dedupe(digest["escalations"])
            digest["recipient_name"] = "; ".join(digest.pop("addressees")) or digest["recipient"]
            digest["items_due"] = sum(1 for e in digest["items"] if not e["days_late"])
            digest["items_late"] = len(digest["items"]) - digest["items_due"]
        return digests

    groups: list[list[str] | None] = [None]
    if size is not None:
        recipients = _unsent_recipients(session, programme, as_of)
        groups = [recipients[i : i + size] for i in range(0, len(recipients), size)]
    for group in groups:
        rows = session.execute(
            query if group is None else query.where(ReminderItem.recipient.in_(group))
        )
        yield compose(rows)


def digest_heading(programme: Programme, as_of: date) -> dict:
    """What every digest's templates show above and below its list: language, day, the
    programme, and the coordinating office to contact."""
    return {
        "language": programme_policy(programme).language,
        "day": as_of,
        "day_text": f"{weekday_vi(as_of)}, {format_date_vi(as_of)}",
        "programme": {
            "code": programme.code,
            "title": programme.title,
            "legal_basis": programme.legal_basis,
        },
        # Every field the templates may show, empty when the programme file leaves it out.
        "coordinator": dict.fromkeys(("office", "contact", "phone"), None) | programme.coordinator,
    }


def _digest(programme: Programme, item, as_of: date, cal: WorkingCalendar) -> dict:
    return digest_heading(programme, as_of) | {
        "recipient": item.recipient,
        "role": item.role,
        "items": [],
        "escalations": [],
        "item_ids": [],
        "addressees": [],
    }


def _entry(row, expected, name, left_and_text) -> dict:
    """What a digest says of one reminder: the unit, the phase, what it needs, when it is due."""
    due = row.forecast_due
    left, due_text = left_and_text(due)
    return {
        "unit": row.unit_code,
        "unit_name": row.unit_name,
        "phase": row.phase,
        "phase_vi": name["vi"],
        "phase_en": name["en"],
        "expected_vi": expected[0],
        "expected_en": expected[1],
        "due": due,
        "due_text": due_text,
        "days_left": max(left, 0),
        "days_late": max(-left, 0),
        "rule": row.rule,
        "note": row.note,
    }


def _action_entry(row, name: dict, left_and_text) -> dict:
    """What a reminder of an action item says instead of the phase's criteria."""
    left, due_text = left_and_text(row.action_due)
    target_vi = rating_label(row.target)
    about = f"chỉ số {row.indicator}: " if row.indicator else ""
    task = _shortened(row.task)
    return {
        "item": row.action_id,
        "phase_vi": f"{name['vi']}: “{task}”",
        "phase_en": f"{name['en']}: “{task}”",
        "expected_vi": [f"{about}{row.task} (phụ trách: {row.owner}; mục tiêu: {target_vi})"],
        "expected_en": [f"{about}{row.task} (owner: {row.owner}; target: {row.target})"],
        "due": row.action_due,
        "due_text": due_text,
        "days_left": max(left, 0),
        "days_late": max(-left, 0),
    }


def _shortened(text: str, limit: int = 80) -> str:
    """A task's text cut at a word before `limit` characters, to name it in a list."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _dedupe(entries: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for e in sorted(entries, key=lambda e: (-e["days_late"], e["unit"])):
        key = (e["unit"], e["phase"], e.get("item"))
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return kept


def save_messages(
    session: Session,
    programme: Programme,
    day: date,
    rendered: list[tuple[dict, str, str, str]],
    now: datetime,
) -> int:
    """Store rendered digests (digest, subject, text, html) and tie their items to them.

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
            "body_text": text,
            "body_html": html,
            "created_at": now,
            "status": "pending",
            "attempts": 0,
        }
        for d, subject, text, html in rendered
    ]
    ids = dict(
        session.execute(
            insert(OutboxMessage).returning(OutboxMessage.key, OutboxMessage.id), rows
        ).all()
    )
    links = [
        {"item": item, "message": ids[row["key"]]}
        for row, (d, *_) in zip(rows, rendered, strict=True)
        for item in d["item_ids"]
    ]
    if links:  # an expert's digest has no reminder items
        session.connection().execute(
            update(ReminderItem.__table__)
            .where(ReminderItem.__table__.c.id == bindparam("item"))
            .values(message_id=bindparam("message")),
            links,
        )
    return len(rows)
