"""Reminders of experts' sessions: on the working days the programme's reminder policy counts
before a session (10, 3 and 1 by default), each expert with an e-mail gets one digest of the
sessions whose reminder has come; a session is reminded once per such day, and again when a
new plan moves it."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models.experts.experts import SKILL_NAMES
from models.experts.held import class_host
from models.kernel.calendar import WorkingCalendar, weekday_vi
from models.kernel.tables import ExpertRow, ExpertSession, Programme, Unit
from models.reminders.digests import digest_heading
from models.reminders.rules import ReminderPolicy, reminder_days

KIND = "expert_sessions"  # the templates' name: templates/email/expert_sessions.*.j2


@dataclass(frozen=True)
class ExpertDigests:
    """The digests to send (one per expert, as template data) and, per session reminded, the
    day of the reminder it got."""

    digests: list[dict]
    reminded: dict[int, date]
    without_email: tuple[str, ...]  # experts with a reminder due and no address


def latest_reminder(
    policy: ReminderPolicy, start: date, as_of: date, cal: WorkingCalendar
) -> date | None:
    """The last reminder day of a session starting on `start`, on or before `as_of`; None when
    the session has begun or no reminder has come yet."""
    if start <= as_of or not cal.is_working_day(as_of):
        return None
    past = [day for _, day in reminder_days(policy, start, cal) if day <= as_of]
    return max(past, default=None)


def expert_digests(
    session: Session,
    programme: Programme,
    policy: ReminderPolicy,
    as_of: date,
    cal: WorkingCalendar,
) -> ExpertDigests:
    """The digests of the sessions whose reminder has come by `as_of` and not been sent."""
    rows = session.scalars(
        select(ExpertSession)
        .where(ExpertSession.programme_id == programme.id, ExpertSession.start > as_of)
        .order_by(ExpertSession.start, ExpertSession.key)
    )
    due = []
    for row in rows:
        day = latest_reminder(policy, row.start, as_of, cal)
        if day and (row.reminded_on is None or day > row.reminded_on):
            due.append((row, day))
    if not due:
        return ExpertDigests([], {}, ())
    experts = {
        e.code: e
        for e in session.scalars(select(ExpertRow).where(ExpertRow.programme_id == programme.id))
    }
    units = {
        code: (name, parent)
        for code, name, parent in session.execute(
            select(Unit.code, Unit.name, Unit.parent_code).where(Unit.programme_id == programme.id)
        )
    }
    mine: dict[str, list[dict]] = defaultdict(list)
    for row, _ in due:
        for code in row.experts:
            mine[code].append(_entry(row, code, experts, units, as_of, cal))
    digests, missing = [], []
    for code, entries in mine.items():
        expert = experts.get(code)
        if expert is None or not expert.email:
            missing.append(code)
            continue
        digests.append(_digest(programme, expert, entries, as_of))
    return ExpertDigests(digests, {row.id: day for row, day in due}, tuple(sorted(missing)))


def _entry(row: ExpertSession, code: str, experts: dict, units: dict, as_of, cal) -> dict:
    """One session as a reminder lists it: what, when, where, for whom, with whom."""
    host = class_host(row.units, {code: parent for code, (_, parent) in units.items()})
    others = [experts[c].name if c in experts else c for c in row.experts if c != code]
    return {
        "session": row.key,
        "skill": row.skill,
        "skill_vi": SKILL_NAMES[row.skill][0],
        "skill_en": SKILL_NAMES[row.skill][1],
        "start": row.start,
        "end": row.end,
        "start_text": f"{weekday_vi(row.start)}, {row.start:%d/%m/%Y}",
        "end_text": f"{weekday_vi(row.end)}, {row.end:%d/%m/%Y}",
        "days": cal.working_days_between(row.start, row.end) + 1,
        "days_left": cal.working_days_between(as_of, row.start),
        "place": units.get(host, (host, None))[0],
        "units": [f"{units.get(u, (u, None))[0]} ({u})" for u in row.units],
        "with": others,
    }


def _digest(programme: Programme, expert: ExpertRow, entries: list[dict], as_of: date) -> dict:
    """The template data of one expert's digest (and no reminder items: none are tied)."""
    return digest_heading(programme, as_of) | {
        "recipient": expert.email,
        "recipient_name": expert.name,
        "expert": expert.code,
        "sessions": entries,
        "item_ids": [],
    }


def mark_reminded(session: Session, reminded: dict[int, date]) -> None:
    """Record the reminder day of each session whose digest was written."""
    for row in session.scalars(select(ExpertSession).where(ExpertSession.id.in_(reminded))):
        row.reminded_on = reminded[row.id]
