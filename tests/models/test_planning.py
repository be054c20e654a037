"""Planner properties: order, working days only, slippage arithmetic, status as of a date."""

from datetime import date, timedelta

import pytest

from models.kernel.calendar import WorkingCalendar
from models.kernel.vocabulary import PHASES, Status
from models.phases.planning import (
    Actual,
    PhaseStep,
    Window,
    baseline,
    forecast,
    slip_days,
    standings,
)

STEPS = (
    PhaseStep("survey", 15),
    PhaseStep("training", 20, gap_days=2),
    PhaseStep("self_assessment", 20),
    PhaseStep("action_plan", 35),
    PhaseStep("reporting", 15, gap_days=5),
)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


@pytest.mark.parametrize(
    "start",
    # Every fourth working day from late 2022 to 2026: plans that cross four Tết breaks.
    [date(2022, 11, 1) + timedelta(days=7 * k) for k in range(0, 190, 3)],
)
def test_baseline_is_finish_to_start_on_working_days(cal, start):
    start = cal.next_working_day(start)
    windows = baseline(start, STEPS, cal)
    assert [w.phase for w in windows] == list(PHASES)
    assert windows[0].start == start
    for step, w in zip(STEPS, windows, strict=True):
        assert cal.is_working_day(w.start) and cal.is_working_day(w.due)
        assert cal.working_days_between(w.start, w.due) == step.duration_days - 1
    for prev, (step, nxt) in zip(windows, zip(STEPS[1:], windows[1:], strict=True), strict=False):
        assert nxt.start > prev.due
        assert cal.working_days_between(prev.due, nxt.start) == 1 + step.gap_days


def test_the_pilot_plan_skips_the_april_may_holidays(cal):
    windows = baseline(date(2023, 3, 6), STEPS[:3], cal)
    assert windows[1].start == date(2023, 3, 29)  # survey due 24/03, two free days
    # Self-assessment: 20 working days from Wed 26/04. Counting weekdays alone ends on 23/05;
    # Mon 01/05, Tue 02/05 and Wed 03/05/2023 are off (Labour Day, observed Hùng Kings' day
    # and observed 30/04), so it ends three working days later.
    assert windows[2] == Window("self_assessment", date(2023, 4, 26), date(2023, 5, 26))


def test_forecast_without_facts_is_the_baseline(cal):
    base = baseline(date(2023, 3, 6), STEPS, cal)
    assert forecast(base, STEPS, {}, cal) == base


def test_a_late_finish_moves_later_phases_and_the_slip_is_in_working_days(cal):
    base = baseline(date(2023, 3, 6), STEPS, cal)
    late = cal.shift(base[0].due, 4)  # survey done four working days late
    fc = forecast(base, STEPS, {"survey": Actual(base[0].start, late)}, cal)
    assert fc[0].due == late
    assert slip_days(base[0].due, fc[0].due, cal) == 4
    for b, f in zip(base[1:], fc[1:], strict=True):
        assert slip_days(b.due, f.due, cal) == 4
        assert f.start > b.start


def test_an_early_finish_keeps_the_booked_start_of_the_next_phase(cal):
    base = baseline(date(2023, 3, 6), STEPS, cal)
    early = cal.shift(base[0].due, -3)
    fc = forecast(base, STEPS, {"survey": Actual(base[0].start, early)}, cal)
    assert slip_days(base[0].due, fc[0].due, cal) == -3
    assert fc[1:] == base[1:]


def test_a_late_start_moves_the_phase_and_what_follows(cal):
    base = baseline(date(2023, 3, 6), STEPS, cal)
    start = cal.shift(base[1].start, 2)
    fc = forecast(base, STEPS, {"training": Actual(start=start)}, cal)
    assert fc[1].start == start
    assert [slip_days(b.due, f.due, cal) for b, f in zip(base, fc, strict=True)] == [0, 2, 2, 2, 2]


BASE_START = date(2023, 3, 6)


def standing_on(cal, as_of, **actuals):
    """The five standings of a unit planned from 06/03/2023 with the given facts."""
    base = baseline(BASE_START, STEPS, cal)
    return standings(STEPS, base, [w.due for w in base], actuals, as_of, cal, due_soon_days=4)


@pytest.mark.parametrize(
    ("as_of", "survey", "expected"),
    [
        # The calendar says the survey runs from 06/03, but the engine has not opened it.
        (date(2023, 3, 10), Actual(), Status.NOT_STARTED),
        (date(2023, 4, 10), Actual(), Status.NOT_STARTED),
        (date(2023, 3, 6), Actual(start=date(2023, 3, 6)), Status.OPEN),
        (date(2023, 3, 20), Actual(start=date(2023, 3, 6)), Status.DUE_SOON),  # 4 days left
        (date(2023, 3, 24), Actual(start=date(2023, 3, 6)), Status.DUE_SOON),
        (date(2023, 3, 27), Actual(start=date(2023, 3, 6)), Status.OVERDUE),
        (date(2023, 3, 27), Actual(date(2023, 3, 6), date(2023, 3, 24)), Status.DONE),
        # A fact dated after as_of does not count yet (replaying a past programme).
        (date(2023, 3, 10), Actual(date(2023, 3, 6), date(2023, 3, 24)), Status.OPEN),
        (date(2023, 3, 3), Actual(start=date(2023, 3, 6)), Status.NOT_STARTED),
    ],
)
def test_a_phase_stands_where_the_engine_took_it(cal, as_of, survey, expected):
    assert standing_on(cal, as_of, survey=survey)[0].status is expected


def test_an_unfinished_late_phase_slips_and_pushes_the_phases_after_it(cal):
    as_of = date(2023, 5, 15)
    now = standing_on(cal, as_of, survey=Actual(start=date(2023, 3, 6)))
    survey, training = now[0], now[1]
    assert survey.status is Status.OVERDUE
    assert survey.due == date(2023, 3, 24)
    assert survey.late_days == cal.working_days_between(date(2023, 3, 24), as_of) > 30
    assert survey.slip_days == survey.late_days
    # Training cannot start before the survey ends: it is not started, and pushed as far.
    assert training.status is Status.NOT_STARTED
    assert training.start > as_of
    assert training.late_days == 0
    assert [s.slip_days for s in now[1:]] == [survey.slip_days] * 4


def test_a_late_finish_counts_its_late_days_and_slip(cal):
    done = cal.shift(date(2023, 3, 24), 3)
    now = standing_on(cal, date(2023, 6, 1), survey=Actual(date(2023, 3, 6), done))
    assert (now[0].status, now[0].late_days, now[0].slip_days) == (Status.DONE, 3, 3)
    assert now[1].slip_days == 3


def test_an_early_finish_leaves_the_next_phase_where_it_was(cal):
    done = date(2023, 3, 20)
    now = standing_on(cal, date(2023, 3, 21), survey=Actual(date(2023, 3, 6), done))
    assert now[0].slip_days < 0
    assert now[1].start == baseline(BASE_START, STEPS, cal)[1].start
    assert now[1].slip_days == 0
