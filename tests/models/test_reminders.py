"""Reminder rules in working days, across holidays."""

from datetime import date

import pytest

from models.kernel.calendar import WorkingCalendar
from models.reminders.rules import Occurrence, ReminderPolicy, current, occurrences

POLICY = ReminderPolicy(before_due=(10, 3, 1), on_due=True, overdue_every=3, escalate_after=5)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


def test_the_occurrences_of_a_phase_in_working_days(cal):
    # Due Friday 24/03/2023, opened 06/03.
    found = occurrences(POLICY, date(2023, 3, 6), date(2023, 3, 24), date(2023, 4, 7), cal)
    assert found == [
        Occurrence(date(2023, 3, 10), "before-10"),
        Occurrence(date(2023, 3, 21), "before-3"),
        Occurrence(date(2023, 3, 23), "before-1"),
        Occurrence(date(2023, 3, 24), "due"),
        Occurrence(date(2023, 3, 27), "overdue-1"),
        Occurrence(date(2023, 3, 30), "overdue-4"),
        Occurrence(date(2023, 3, 31), "escalation-5"),
        Occurrence(date(2023, 4, 4), "overdue-7"),
        Occurrence(date(2023, 4, 5), "escalation-8"),
        Occurrence(date(2023, 4, 7), "overdue-10"),
    ]


def test_reminders_skip_tet_and_a_due_date_on_a_day_off_moves_to_the_day_before():
    # A programme declares Friday 16/06/2023 a day off after its phases were planned.
    cal = WorkingCalendar({date(2023, 6, 16): "Hội nghị"})
    found = occurrences(POLICY, date(2023, 6, 1), date(2023, 6, 16), date(2023, 6, 16), cal)
    assert Occurrence(date(2023, 6, 15), "due") in found
    assert all(cal.is_working_day(o.day) for o in found)
    tet = WorkingCalendar()  # due Monday 30/01/2023, just after the Tết break of 20-26/01
    before = occurrences(POLICY, date(2023, 1, 2), date(2023, 1, 30), date(2023, 1, 30), tet)
    # 27/01 is one working day before, 19/01 two, 18/01 three: none fall in the break.
    assert Occurrence(date(2023, 1, 18), "before-3") in before
    assert Occurrence(date(2023, 1, 27), "before-1") in before


def test_only_the_latest_reminder_and_escalation_are_current(cal):
    opened, due = date(2023, 3, 6), date(2023, 3, 24)
    assert current(POLICY, opened, due, date(2023, 3, 9), cal) == []
    assert current(POLICY, opened, due, date(2023, 3, 21), cal) == [
        Occurrence(date(2023, 3, 21), "before-3")
    ]
    # A day with no sweep: the reminder of 21/03 still goes out on 22/03.
    assert current(POLICY, opened, due, date(2023, 3, 22), cal) == [
        Occurrence(date(2023, 3, 21), "before-3")
    ]
    assert current(POLICY, opened, due, date(2023, 4, 3), cal) == [
        Occurrence(date(2023, 3, 30), "overdue-4"),
        Occurrence(date(2023, 3, 31), "escalation-5"),
    ]
    assert current(POLICY, opened, due, date(2023, 4, 1), cal) == []  # Saturday


def test_reminders_before_the_phase_opened_are_not_sent(cal):
    found = occurrences(POLICY, date(2023, 3, 20), date(2023, 3, 24), date(2023, 3, 24), cal)
    assert [o.rule for o in found] == ["before-3", "before-1", "due"]


def test_policy_from_data_orders_and_dedupes_offsets():
    policy = ReminderPolicy.from_data({"before_due": [1, 10, 3, 3], "escalate_after": 2})
    assert policy.before_due == (10, 3, 1) and policy.escalate_after == 2
