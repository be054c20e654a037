"""Planning rules: five phases finish-to-start in working days, forecasts, slippage, status."""

from dataclasses import dataclass
from datetime import date

from models.kernel.calendar import WorkingCalendar
from models.kernel.vocabulary import Status


@dataclass(frozen=True)
class PhaseStep:
    """How long a phase lasts, the working days left free before it, and what completes it."""

    phase: str
    duration_days: int
    gap_days: int = 0
    completion: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Window:
    """A phase's first working day and its due date (both working days, both inclusive)."""

    phase: str
    start: date
    due: date


@dataclass(frozen=True)
class Actual:
    """What actually happened in a phase run, as recorded."""

    start: date | None = None
    done: date | None = None


def _window(step: PhaseStep, start: date, cal: WorkingCalendar) -> Window:
    start = cal.next_working_day(start)
    return Window(step.phase, start, cal.shift(start, step.duration_days - 1))


def baseline(start: date, steps: tuple[PhaseStep, ...], cal: WorkingCalendar) -> list[Window]:
    """The five windows from a wave's start, each phase starting after the previous is due."""
    windows: list[Window] = []
    for step in steps:
        if windows:
            start = cal.shift(windows[-1].due, 1 + step.gap_days)
        windows.append(_window(step, start, cal))
    return windows


def forecast(
    base: list[Window],
    steps: tuple[PhaseStep, ...],
    actuals: dict[str, Actual],
    cal: WorkingCalendar,
) -> list[Window]:
    """The windows as now expected, from recorded facts: a late finish pushes later phases.

    A recorded start or finish wins; a phase never starts before its baseline start (experts
    and rooms are booked for it), so an early finish leaves later phases where they were.
    """
    windows: list[Window] = []
    for step, planned in zip(steps, base, strict=True):
        actual = actuals.get(step.phase, Actual())
        if actual.start:
            start = actual.start
        elif windows:
            start = max(planned.start, cal.shift(windows[-1].due, 1 + step.gap_days))
        else:
            start = planned.start
        window = _window(step, start, cal)
        if actual.done:
            window = Window(step.phase, window.start, actual.done)
        windows.append(window)
    return windows


def slip_days(baseline_due: date, expected_due: date, cal: WorkingCalendar) -> int:
    """Working days a phase is expected to end after its baseline due date (negative: early)."""
    return cal.working_days_between(baseline_due, expected_due)


@dataclass(frozen=True)
class Standing:
    """A phase run on a date as the engine has it: open only once the engine opened it.

    `due` is the due date in force (counted from the day it opened; before that, when it is
    expected to be due), `expected_due` when it is now expected to end (never before `as_of`
    while it is unfinished and late), `late_days` the working days past `due` (finished late or
    still unfinished), `slip_days` the expected end against the baseline due date.
    """

    phase: str
    status: Status
    start: date
    due: date
    expected_due: date
    opened: date | None
    done: date | None
    late_days: int
    slip_days: int


def standings(
    steps: tuple[PhaseStep, ...],
    planned: list[Window],
    baseline_dues: list[date],
    actuals: dict[str, Actual],
    as_of: date,
    cal: WorkingCalendar,
    due_soon_days: int,
    holds: dict[str, date] | None = None,
) -> list[Standing]:
    """One unit's phase runs on `as_of`, in phase order, counting only facts dated by then.

    A phase the engine has not opened is not started, whatever the calendar says; a late,
    unfinished phase pushes the phases after it, as a late finish would. An unfinished phase
    is not expected to end before its experts' sessions are held (`holds`: phase -> last day).
    """
    holds = holds or {}
    out: list[Standing] = []
    previous_end: date | None = None
    for step, window, baseline_due in zip(steps, planned, baseline_dues, strict=True):
        actual = actuals.get(step.phase, Actual())
        opened = actual.start if actual.start and actual.start <= as_of else None
        done = actual.done if opened and actual.done and actual.done <= as_of else None
        if opened:
            start, due = opened, cal.shift(opened, step.duration_days - 1)
        else:
            start, due = window.start, window.due
            earliest = cal.shift(previous_end, 1 + step.gap_days) if previous_end else start
            if earliest > start:
                start, due = earliest, cal.shift(earliest, step.duration_days - 1)
        if done:
            expected, late = done, max(0, cal.working_days_between(due, done))
        elif opened and as_of > due:
            expected, late = cal.previous_working_day(as_of), cal.working_days_between(due, as_of)
        else:
            expected, late = due, 0
        if not done and holds.get(step.phase, expected) > expected:
            expected = holds[step.phase]
        out.append(
            Standing(
                step.phase,
                _status(opened, done, due, as_of, cal, due_soon_days),
                start,
                due,
                expected,
                opened,
                done,
                late,
                slip_days(baseline_due, expected, cal),
            )
        )
        previous_end = expected
    return out


def _status(
    opened: date | None,
    done: date | None,
    due: date,
    as_of: date,
    cal: WorkingCalendar,
    due_soon_days: int,
) -> Status:
    if done:
        return Status.DONE
    if opened is None:
        return Status.NOT_STARTED
    if as_of > due:
        return Status.OVERDUE
    if cal.working_days_between(as_of, due) <= due_soon_days:
        return Status.DUE_SOON
    return Status.OPEN
