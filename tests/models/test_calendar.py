"""The working-day calendar against the civil-servant Tết breaks and swap days of 2023-2026."""

from datetime import date, timedelta

import pytest

from models.kernel.calendar import WorkingCalendar, format_date_vi, weekday_vi

# shared/reference/vietnam-admin.md: civil-servant Tết breaks, as announced.
TET_BREAKS = {
    2023: (date(2023, 1, 20), date(2023, 1, 26)),
    2024: (date(2024, 2, 8), date(2024, 2, 14)),
    2025: (date(2025, 1, 25), date(2025, 2, 2)),
    2026: (date(2026, 2, 14), date(2026, 2, 22)),
}


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


@pytest.mark.parametrize("year", sorted(TET_BREAKS))
def test_every_day_of_the_tet_break_is_off_and_its_neighbours_work(cal, year):
    first, last = TET_BREAKS[year]
    day = first
    while day <= last:
        assert not cal.is_working_day(day), day
        day += timedelta(days=1)
    assert cal.is_working_day(cal.previous_working_day(first - timedelta(days=1)))
    # The first working day after the break is the day after it (a weekday in all four years).
    assert cal.next_working_day(last + timedelta(days=1)) == last + timedelta(days=1)
    assert cal.shift(cal.previous_working_day(first), 1) == last + timedelta(days=1)


def test_published_swap_days_2025(cal):
    assert cal.is_working_day(date(2025, 4, 26))  # Saturday worked
    assert not cal.is_working_day(date(2025, 5, 2))  # Friday off in exchange


def test_fixed_holidays_and_culture_day_from_2026(cal):
    for day in (
        date(2023, 1, 2),
        date(2024, 4, 30),
        date(2024, 5, 1),
        date(2024, 9, 2),
        date(2026, 11, 24),
    ):
        assert not cal.is_working_day(day), day
    assert cal.is_working_day(date(2025, 11, 24))  # Culture Day is a day off only from 2026


def test_hung_kings_day_follows_the_lunar_calendar(cal):
    assert not cal.is_working_day(date(2024, 4, 18))
    assert not cal.is_working_day(date(2025, 4, 7))


def test_weekends_are_off_with_a_reason(cal):
    assert cal.why_not_working(date(2023, 3, 4)) == "Thứ Bảy (weekend)"
    assert cal.why_not_working(date(2023, 1, 23)) == "Second Day of Lunar New Year"
    assert cal.why_not_working(date(2023, 3, 6)) is None


def test_overrides_add_days_off_and_working_days():
    day_off, saturday = date(2023, 6, 16), date(2023, 6, 17)
    cal = WorkingCalendar({day_off: "Hội nghị"}, {saturday: "Làm bù"})
    assert not cal.is_working_day(day_off)
    assert cal.why_not_working(day_off) == "Hội nghị"
    assert cal.is_working_day(saturday)
    assert cal.shift(date(2023, 6, 15), 1) == saturday


def test_a_day_cannot_be_both_off_and_working():
    with pytest.raises(ValueError, match="2023-06-16"):
        WorkingCalendar({date(2023, 6, 16): "a"}, {date(2023, 6, 16): "b"})


def test_shift_and_count_are_inverse(cal):
    start = date(2023, 1, 10)
    for n in (1, 5, 8, 20, 250):
        end = cal.shift(start, n)
        assert cal.is_working_day(end)
        assert cal.working_days_between(start, end) == n
        assert cal.shift(end, -n) == start
    assert cal.working_days_between(date(2023, 1, 27), date(2023, 1, 19)) == -1


def test_shift_zero_rolls_forward_to_a_working_day(cal):
    assert cal.shift(date(2023, 1, 21), 0) == date(2023, 1, 27)
    assert cal.shift(date(2023, 1, 27), 0) == date(2023, 1, 27)


def test_far_dates_widen_the_table(cal):
    assert cal.working_days_between(date(2000, 1, 3), date(2040, 1, 2)) > 9000
    assert cal.shift(date(2023, 3, 6), 5000) > date(2042, 1, 1)


def test_vietnamese_dates_and_weekdays():
    assert format_date_vi(date(2023, 2, 28)) == "ngày 28 tháng 02 năm 2023"
    assert format_date_vi(date(2023, 3, 6)) == "ngày 06 tháng 3 năm 2023"  # Decree 30/2020:
    assert format_date_vi(date(2023, 2, 20)) == "ngày 20 tháng 02 năm 2023"  # a zero before
    assert format_date_vi(date(2023, 10, 20)) == "ngày 20 tháng 10 năm 2023"  # days 1-9 and
    assert format_date_vi(date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"  # months 1-2 only
    assert weekday_vi(date(2023, 3, 6)) == "Thứ Hai"
    assert weekday_vi(date(2023, 3, 5)) == "Chủ Nhật"
