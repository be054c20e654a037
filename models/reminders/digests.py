"""Digests: per recipient and day, one message listing every reminder item not yet sent."""

from collections import namedtuple
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from sqlalchemy import and_, select
from sqlmodel import Session

from models.kernel.calendar import format_date_vi, weekday_vi
from models.kernel.tables import ActionItem, PhaseRun, Programme, ReminderItem, Unit
from models.kernel.vocabulary import rating_label
from models.phases.completion import parse_requirements
from models.programme.file import phase_defaults
from models.programme.settings import programme_settings
from models.programme.store import programme_calendar, programme_steps
from models.reminders.outbox import programme_policy


class DigestEntry(NamedTuple):
    """One line of a digest: a unit's phase or action item, what it needs, when it is due.

    A named tuple, not a dict: the templates read ~2 million fields on the worst day, and an
    attribute is found at once where a dict key is looked up after a failed attribute."""

    unit: str
    unit_name: str
    phase: str
    phase_vi: str
    phase_en: str
    expected_vi: tuple[str, ...]
    expected_en: tuple[str, ...]
    due: date
    due_text: str
    days_left: int
    days_late: int
    rule: str
    note: str | None
    item: int | None = None  # the action item, for a reminder of one


class UnitEntries(NamedTuple):
    """A unit's lines in a digest, listed under its name and its one link."""

    code: str
    name: str
    entries: list[DigestEntry]


def _by_unit(entries: list[DigestEntry]) -> list[UnitEntries]:
    """Entries (in unit order) grouped under their unit."""
    groups: list[UnitEntries] = []
    for e in entries:
        if not groups or groups[-1].code != e.unit:
            groups.append(UnitEntries(e.unit, e.unit_name, []))
        groups[-1].entries.append(e)
    return groups


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


def _expected(programme: Programme) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per phase, what completing it needs, in Vietnamese and in English."""
    verified = ("", "")
    if programme_settings(programme).assessment.require_verification:
        verified = (" và được thẩm định", ", each verified")
    expected = {}
    for step in programme_steps(programme):
        requirements = parse_requirements(list(step.completion))
        expected[step.phase] = (
            tuple(
                r.describe_vi() + verified[0] * (r.kind == "indicators_rated") for r in requirements
            ),
            tuple(
                r.describe() + verified[1] * (r.kind == "indicators_rated") for r in requirements
            ),
        )
    return expected


_ROWS = (  # plain columns, not entities: the worst day reads 111,990 of these rows
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
)
# The same rows as plain named tuples: a SQLAlchemy row finds a field by name in ~0.5 µs, a named
# tuple in a tenth of that, and composing reads ~2 million fields on the worst day (~1 s).
_Row = namedtuple("_Row", _ROWS.selected_columns.keys())


def unsent_digest_groups(
    session: Session, programme: Programme, as_of: date, size: int | None = None
) -> Iterator[dict[str, dict]]:
    """The digests of every item not yet in a message, `size` recipients at a time (all in one
    group when None), so that a caller storing each group holds one group's digests at once;
    what every group needs from the programme is read once."""
    cal = programme_calendar(session, programme.id)
    _, _, names = phase_defaults()
    expected = _expected(programme)
    query = _ROWS.where(_unsent(programme, as_of)).order_by(
        ReminderItem.recipient, Unit.code, PhaseRun.seq
    )
    unit_names = dict(
        session.execute(select(Unit.code, Unit.name).where(Unit.programme_id == programme.id)).all()
    )
    coordinator = programme.coordinator.get("office") or programme.coordinator["agency"]
    heading = digest_heading(programme, as_of)
    days: dict[date, tuple[int, int, str]] = {}  # due day -> (days left, days late, its text)
    targets: dict[str | None, str] = {}  # rating -> its Vietnamese word

    def when(due: date) -> tuple[int, int, str]:
        if due not in days:
            left = cal.working_days_between(as_of, due)
            days[due] = (max(left, 0), max(-left, 0), f"{weekday_vi(due)}, {format_date_vi(due)}")
        return days[due]

    def entry(row) -> DigestEntry:
        """What a digest says of one reminder: of the phase, or of the action item instead."""
        name = names[row.phase]
        if row.action_id is None:
            left, late, due_text = when(row.forecast_due)
            vi, en = expected[row.phase]
            return DigestEntry(
                row.unit_code, row.unit_name, row.phase, name["vi"], name["en"], vi, en,
                row.forecast_due, due_text, left, late, row.rule, row.note,
            )  # fmt: skip
        left, late, due_text = when(row.action_due)
        if row.target not in targets:
            targets[row.target] = rating_label(row.target)
        task = _shortened(row.task)
        # The task is named once: in the title when it fits there, else in full below it.
        whole = row.task if task != row.task else None
        who_vi = f"phụ trách: {row.owner}; mục tiêu: {targets[row.target]}"
        who_en = f"owner: {row.owner}; target: {row.target}"
        return DigestEntry(
            row.unit_code,
            row.unit_name,
            row.phase,
            f"{name['vi']}: “{task}”",
            f"{name['en']}: “{task}”",
            (_needed("chỉ số", row.indicator, whole, who_vi),),
            (_needed("indicator", row.indicator, whole, who_en),),
            row.action_due,
            due_text,
            left,
            late,
            row.rule,
            row.note,
            row.action_id,
        )

    def compose(rows) -> dict[str, dict]:
        """The digests of these item rows (ordered by recipient), by recipient."""
        digests: dict[str, dict] = {}
        for row in rows:
            digest = digests.get(row.recipient)
            if digest is None:
                digest = digests[row.recipient] = heading | {
                    "recipient": row.recipient,
                    "role": row.role,
                    "items": [],
                    "escalations": [],
                    "item_ids": [],
                    "addressees": [],
                }
            addressee = {
                "unit": row.unit_name,
                "parent": unit_names.get(row.parent_code or ""),
            }.get(row.role, coordinator)
            if addressee and addressee not in digest["addressees"]:
                digest["addressees"].append(addressee)
            digest["item_ids"].append(row.item_id)
            (
                digest["escalations"] if row.rule.startswith("escalation") else digest["items"]
            ).append(entry(row))
        for digest in digests.values():
            digest["escalations"] = _dedupe(digest["escalations"])
            digest["recipient_name"] = "; ".join(digest.pop("addressees")) or digest["recipient"]
            digest["units"] = _by_unit(digest["items"])
            digest["items_due"] = sum(1 for e in digest["items"] if not e.days_late)
            digest["items_late"] = len(digest["items"]) - digest["items_due"]
        return digests

    groups: list[list[str] | None] = [None]
    if size is not None:
        recipients = _unsent_recipients(session, programme, as_of)
        groups = [recipients[i : i + size] for i in range(0, len(recipients), size)]
    for group in groups:
        rows = session.connection().execute(  # core rows: no ORM loading of 111,990 rows
            query if group is None else query.where(ReminderItem.recipient.in_(group))
        )
        yield compose(map(_Row._make, rows))


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


def _needed(word: str, indicator: str | None, task: str | None, who: str) -> str:
    """What an action item's line says is needed: its indicator (`word` names one) and its task
    when given, then who owns it and its target."""
    named = ": ".join(part for part in (indicator and f"{word} {indicator}", task) if part)
    return f"{named} ({who})" if named else who[:1].upper() + who[1:]


def _shortened(text: str, limit: int = 80) -> str:
    """A task's text cut at a word before `limit` characters, to name it in a list."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _dedupe(entries: list[DigestEntry]) -> list[DigestEntry]:
    """Escalations once per unit, phase and item, the latest first."""
    seen, kept = set(), []
    for e in sorted(entries, key=lambda e: (-e.days_late, e.unit)):
        key = (e.unit, e.phase, e.item)
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return kept
