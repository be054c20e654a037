"""Phase deadlines as an iCalendar file, with alarms, for a unit's own calendar app."""

from datetime import timedelta

from icalendar import Alarm, Calendar, Event

from models.phases.status import StatusRow


def deadlines_calendar(rows: list[StatusRow], names: dict[str, dict], programme: str) -> bytes:
    """One all-day event per phase due date, with alarms 3 days before and at 07:30 that day."""
    cal = Calendar()
    cal.add("prodid", "-//rollout//TCVN ISO 18091 deadlines//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{programme} - hạn các giai đoạn")
    for r in rows:
        event = Event()
        event.add("uid", f"{programme}-{r.unit}-{r.phase}@rollout")
        event.add("summary", f"Hạn: {names[r.phase]['vi']} - {r.unit_name}")
        event.add("dtstart", r.due)
        event.add("dtend", r.due + timedelta(days=1))
        event.add(
            "description",
            f"{programme} · {r.unit} · giai đoạn {r.phase} "
            f"({names[r.phase]['en']}): bắt đầu {r.start:%d/%m/%Y}, hạn {r.due:%d/%m/%Y}.",
        )
        event.add("categories", [programme, r.phase])
        for trigger, text in (
            (timedelta(days=-3), "Còn 3 ngày"),
            (timedelta(hours=7, minutes=30), "Hôm nay đến hạn"),
        ):
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", trigger)
            alarm.add("description", f"{text}: {names[r.phase]['vi']} - {r.unit}")
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
