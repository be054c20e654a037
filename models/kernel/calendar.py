"""The Vietnamese working-day calendar: Monday-Friday, less public holidays, plus overrides."""

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Protocol

_WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


class PublicHolidays(Protocol):
    """Vietnam's public calendar: which days are worked, and the name of each holiday."""

    def is_working_day(self, day: date) -> bool: ...

    def get(self, day: date) -> str | None: ...


def vietnam_holidays() -> PublicHolidays:
    """The `holidays` package's calendar of Vietnam (importing it loads every country: ~0.1 s)."""
    import holidays

    return holidays.country_holidays("VN")


_public_holidays: Callable[[], PublicHolidays] = vietnam_holidays


def use_public_holidays(source: Callable[[], PublicHolidays]) -> None:
    """Where calendars made from now on in this process read public holidays (a cached copy
    of the same package's days, kept by an adapter)."""
    global _public_holidays
    _public_holidays = source


class WorkingCalendar:
    """Working days of Vietnamese civil servants, with a programme's own overrides.

    Public holidays, lunar Tết, observed days and published swap days come from the
    `holidays` package (country "VN"). `days_off` and `working_days` map dates to the reason
    a programme gives for them (swaps announced after the package was released).
    """

    def __init__(
        self,
        days_off: Mapping[date, str] | None = None,
        working_days: Mapping[date, str] | None = None,
    ):
        self.days_off = dict(days_off or {})
        self.working_days = dict(working_days or {})
        clash = set(self.days_off) & set(self.working_days)
        if clash:
            listed = ", ".join(d.isoformat() for d in sorted(clash))
            raise ValueError(f"dates both off and working: {listed}")
        self._public = _public_holidays()
        self._first_year = self._last_year = 0
        self._days: list[date] = []

    # -- the table of working days, built per span of years and widened on demand --------------
    def _cover(self, *days: date) -> None:
        if self._days:  # the common case, asked tens of thousands of times: already covered
            first, last = self._first_year, self._last_year
            for day in days:
                if not first < day.year < last:
                    break
            else:
                return
        lo = min(d.year for d in days) - 1
        hi = max(d.year for d in days) + 1
        if self._days and self._first_year <= lo and hi <= self._last_year:
            return
        if self._days:
            lo, hi = min(lo, self._first_year), max(hi, self._last_year)
        day, end = date(lo, 1, 1), date(hi, 12, 31)
        table = []
        while day <= end:
            if self._works(day):
                table.append(day)
            day += timedelta(days=1)
        self._first_year, self._last_year, self._days = lo, hi, table

    def _works(self, day: date) -> bool:
        if day in self.days_off:
            return False
        if day in self.working_days:
            return True
        return self._public.is_working_day(day)

    # -- questions -------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """Whether civil servants work on `day`."""
        return self._works(day)

    def why_not_working(self, day: date) -> str | None:
        """The reason `day` is not a working day (holiday name, override, weekend), or None."""
        if self._works(day):
            return None
        if day in self.days_off:
            return self.days_off[day]
        name = self._public.get(day)
        if name:
            return name
        return f"{weekday_vi(day)} (weekend)"

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        self._cover(day)
        return self._days[bisect_left(self._days, day)]

    def previous_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the last working day before it."""
        self._cover(day)
        return self._days[bisect_right(self._days, day) - 1]

    def shift(self, day: date, n: int) -> date:
        """The date `n` working days after `day` (before it when `n` is negative).

        `day` itself is not counted, so shift(d, 1) is the next working day after d and
        shift(d, 0) is d rolled forward to a working day.
        """
        if n == 0:
            return self.next_working_day(day)
        self._cover(day)
        while not 0 <= (i := self._offset_index(day, n)) < len(self._days):
            span = abs(n) // 200 + 2
            self._cover(date(self._first_year - span, 1, 1), date(self._last_year + span, 1, 1))
        return self._days[i]

    def _offset_index(self, day: date, n: int) -> int:
        if n > 0:
            return bisect_right(self._days, day) + n - 1
        return bisect_left(self._days, day) + n

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        self._cover(start, end)
        return bisect_right(self._days, end) - bisect_right(self._days, start)


def weekday_vi(day: date) -> str:
    """The Vietnamese name of the weekday, e.g. "Thứ Hai"."""
    return _WEEKDAYS_VI[day.weekday()]


def format_date_vi(day: date) -> str:
    """A date as Decree 30/2020 writes it: a zero before days 1-9 and months 1-2 only.

    "ngày 05 tháng 3 năm 2023", "ngày 20 tháng 02 năm 2023", "ngày 20 tháng 10 năm 2023".
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
