"""Reminder rules: when a phase run is due a reminder or an escalation, in working days."""

from dataclasses import dataclass
from datetime import date

import yaml

from config import CONFIG_DIR
from models.kernel.calendar import WorkingCalendar


@dataclass(frozen=True)
class ReminderPolicy:
    """When to remind, in working days relative to a phase run's due date."""

    before_due: tuple[int, ...] = (10, 3, 1)
    on_due: bool = True
    overdue_every: int = 3
    escalate_after: int = 5
    language: str = "vi"

    @classmethod
    def from_data(cls, data: dict) -> "ReminderPolicy":
        """A policy from config data (unknown keys are the caller's to reject)."""
        data = dict(data)
        if "before_due" in data:
            data["before_due"] = tuple(sorted(set(data["before_due"]), reverse=True))
        return cls(**data)


def default_policy() -> dict:
    """The shipped policy (config/reminders.yaml) as data."""
    return yaml.safe_load((CONFIG_DIR / "reminders.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True, order=True)
class Occurrence:
    """A reminder on a day: rule is before-N, due, overdue-N or escalation-N."""

    day: date
    rule: str

    @property
    def escalation(self) -> bool:
        """Whether it goes to the parent unit and the coordinator."""
        return self.rule.startswith("escalation")


def reminder_days(
    policy: ReminderPolicy, due: date, cal: WorkingCalendar
) -> list[tuple[int, date]]:
    """The days before `due` a unit is reminded on, as (working days before, day), earliest
    first: what a calendar's alarms repeat, counted as the programme counts."""
    return sorted(((n, cal.shift(due, -n)) for n in policy.before_due), key=lambda x: x[1])


def occurrences(
    policy: ReminderPolicy, opened: date, due: date, until: date, cal: WorkingCalendar
) -> list[Occurrence]:
    """Every reminder of a phase run that opened on `opened`, up to `until`, in date order."""
    found = [Occurrence(cal.shift(due, -n), f"before-{n}") for n in policy.before_due]
    if policy.on_due:
        found.append(Occurrence(cal.previous_working_day(due), "due"))
    step = max(policy.overdue_every, 1)
    day, n = cal.shift(due, 1), 1
    while day <= until:
        found.append(Occurrence(day, f"overdue-{cal.working_days_between(due, day)}"))
        day, n = cal.shift(day, step), n + 1
    day = cal.shift(due, policy.escalate_after)
    while day <= until:
        found.append(Occurrence(day, f"escalation-{cal.working_days_between(due, day)}"))
        day = cal.shift(day, step)
    return sorted(o for o in found if opened <= o.day <= until)


def current(
    policy: ReminderPolicy, opened: date, due: date, as_of: date, cal: WorkingCalendar
) -> list[Occurrence]:
    """The reminders a phase run should have had by `as_of` and that still matter.

    The latest reminder to the unit and the latest escalation, each dated on or before
    `as_of`; one missed on a day without a sweep is sent late rather than dropped, unless a
    newer one has replaced it. Nothing on a day off.
    """
    if not cal.is_working_day(as_of):
        return []
    past = occurrences(policy, opened, due, as_of, cal)
    unit = [o for o in past if not o.escalation]
    escalations = [o for o in past if o.escalation]
    return [group[-1] for group in (unit, escalations) if group]
