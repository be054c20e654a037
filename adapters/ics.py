"""Phase deadlines and training classes as an iCalendar file (RFC 5545) for calendar apps."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from models.experts.experts import SKILL_NAMES
from models.phases.status import StatusRow

MORNING = timedelta(hours=7, minutes=30)  # alarms ring at 07:30 on their day


@dataclass(frozen=True)
class Deadline:
    """A phase's due date, the working days it is reminded on, and its revision number."""

    row: StatusRow
    reminders: tuple[tuple[int, date], ...]  # (working days before, day)
    sequence: int


@dataclass(frozen=True)
class TrainingClass:
    """A unit's training class: when (time-zone aware), where and who teaches."""

    unit: str
    unit_name: str
    start: datetime
    end: datetime
    place: str
    expert: str
    sequence: int


def deadlines_calendar(
    deadlines: list[Deadline],
    classes: list[TrainingClass],
    names: dict[str, dict],
    programme: str,
    stamp: datetime,
) -> bytes:
    """One all-day event per due date, alarmed on the working days the reminders go out and at
    07:30 that day; one timed event per training class with its place. `stamp` (UTC) is when
    the file was made (DTSTAMP); SEQUENCE grows with every change to the unit."""
    cal = _calendar("deadlines", f"{programme} - hạn các giai đoạn")
    for d in deadlines:
        r = d.row
        name = names[r.phase]["vi"]
        event = _event(f"{programme}-{r.unit}-{r.phase}@rollout", stamp, d.sequence)
        event.add("summary", f"Hạn: {name} - {r.unit_name}")
        event.add("dtstart", r.due)
        event.add("dtend", r.due + timedelta(days=1))
        event.add(
            "description",
            f"{programme} · {r.unit} · giai đoạn {r.phase} "
            f"({names[r.phase]['en']}): bắt đầu {r.start:%d/%m/%Y}, hạn {r.due:%d/%m/%Y}.",
        )
        event.add("categories", [programme, r.phase])
        for n, day in d.reminders:
            event.add_component(
                _alarm((day - r.due) + MORNING, f"Còn {n} ngày làm việc: {name} - {r.unit}")
            )
        event.add_component(_alarm(MORNING, f"Hôm nay là hạn cuối: {name} - {r.unit}"))
        cal.add_component(event)
    for c in classes:
        event = _event(f"{programme}-{c.unit}-training-class@rollout", stamp, c.sequence)
        event.add("summary", f"Lớp đào tạo TCVN ISO 18091:2020 - {c.unit_name}")
        event.add("dtstart", c.start)
        event.add("dtend", c.end)
        event.add("location", c.place)
        event.add("description", f"{programme} · {c.unit} · giảng viên: {c.expert}.")
        event.add("categories", [programme, "training"])
        event.add_component(_alarm(-timedelta(days=1), f"Ngày mai: lớp đào tạo tại {c.place}"))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _calendar(kind: str, title: str) -> Calendar:
    """An empty calendar of rollout's `kind` of events, titled for calendar apps."""
    cal = Calendar()
    cal.add("prodid", f"-//rollout//TCVN ISO 18091 {kind}//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    return cal


def _event(uid: str, stamp: datetime, sequence: int) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    return event


def _alarm(trigger: timedelta, text: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", trigger)
    alarm.add("description", text)
    return alarm


SKILL_VI = {skill: names[0] for skill, names in SKILL_NAMES.items()}


def expert_calendar(lines: list, programme: str, stamp: datetime) -> bytes:
    """One expert's sessions (services.experts.SessionLine) as all-day events from the first
    to the last day, alarmed at 07:30 the day before; SEQUENCE is the day the session
    was last placed, so a replanned session replaces the old one in calendar apps."""
    name = lines[0].expert_name if lines else ""
    cal = _calendar("expert sessions", f"{programme} - lịch làm việc của {name}".strip())
    for line in lines:
        event = _event(
            f"{programme}-{line.session}-{line.expert}@rollout",
            stamp,
            line.planned_on.toordinal() - date(2020, 1, 1).toordinal(),
        )
        units = ", ".join(line.units)
        event.add("summary", f"{SKILL_VI[line.skill]} - {units}")
        event.add("dtstart", line.start)
        event.add("dtend", line.end + timedelta(days=1))
        event.add(
            "description",
            f"{programme} · {line.session} · {line.expert_name} ({line.expert}) · đơn vị: {units}"
            f" · từ {line.start:%d/%m/%Y} đến {line.end:%d/%m/%Y}.",
        )
        event.add("categories", [programme, line.skill])
        event.add_component(_alarm(MORNING - timedelta(days=1), f"Ngày mai: {event['summary']}"))
        cal.add_component(event)
    return cal.to_ical()
