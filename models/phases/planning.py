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


def status_on(
    window: Window,
    actual: Actual,
    as_of: date,
    cal: WorkingCalendar,
    due_soon_days: int,
) -> Status:
    """A phase run's status on `as_of`, counting only facts dated on or before it."""
    if actual.done and actual.done <= as_of:
        return Status.DONE
    started = actual.start is not None and actual.start <= as_of
    if as_of < window.start and not started:
        return Status.NOT_STARTED
    if as_of > window.due:
        return Status.OVERDUE
    if cal.working_days_between(as_of, window.due) <= due_soon_days:
        return Status.DUE_SOON
    return Status.OPEN
