"""The kept copy of Vietnam's public holidays answers as the `holidays` package does."""

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from adapters.holiday_cache import CachedHolidays
from models.kernel.calendar import WorkingCalendar, vietnam_holidays

ROOT = Path(__file__).resolve().parents[2]


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_the_kept_days_are_the_packages_days_tet_and_swaps_included(tmp_path):
    package, kept = vietnam_holidays(), CachedHolidays(tmp_path)
    for day in _days(date(2023, 1, 1), date(2026, 12, 31)):
        assert kept.is_working_day(day) == package.is_working_day(day), day
        assert kept.get(day) == package.get(day), day
    again = CachedHolidays(tmp_path)  # read back from the file this time
    assert not again.is_working_day(date(2025, 1, 29))  # Tết Ất Tỵ
    assert again.get(date(2025, 9, 2)) == package.get(date(2025, 9, 2))
    assert again.is_working_day(date(2025, 1, 31)) == package.is_working_day(date(2025, 1, 31))


def test_a_later_process_knows_the_days_without_loading_the_package(tmp_path):
    CachedHolidays(tmp_path).is_working_day(date(2025, 4, 30))
    (kept,) = tmp_path.glob("VN-holidays-*.json")
    script = (
        "import sys; from datetime import date; from pathlib import Path\n"
        "from adapters.holiday_cache import CachedHolidays\n"
        f"kept = CachedHolidays(Path({str(tmp_path)!r}))\n"
        "print(kept.is_working_day(date(2025, 4, 30)), kept.is_working_day(date(2025, 5, 5)),\n"
        "      'holidays.countries' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["False", "True", "False"]
    assert "2025" in json.loads(kept.read_text(encoding="utf-8"))


def test_a_damaged_file_is_worked_out_again(tmp_path):
    CachedHolidays(tmp_path).is_working_day(date(2025, 1, 1))
    (kept,) = tmp_path.glob("VN-holidays-*.json")
    kept.write_text('{"2025": {"off": ["2025-13-45"], "names": {}}}', encoding="utf-8")
    again = CachedHolidays(tmp_path)
    assert not again.is_working_day(date(2025, 1, 1))
    assert again.get(date(2025, 1, 1)) == vietnam_holidays().get(date(2025, 1, 1))
    assert "2025-13-45" not in kept.read_text(encoding="utf-8")


def test_a_calendar_on_the_kept_days_keeps_the_programmes_overrides(tmp_path, monkeypatch):
    import models.kernel.calendar as calendar

    kept = CachedHolidays(tmp_path)
    monkeypatch.setattr(calendar, "_public_holidays", lambda: kept)
    saturday = date(2025, 6, 14)
    cal = WorkingCalendar({date(2025, 6, 13): "Hội nghị tổng kết"}, {saturday: "Làm bù"})
    assert cal.why_not_working(date(2025, 6, 13)) == "Hội nghị tổng kết"
    assert cal.is_working_day(saturday)
    assert cal.shift(date(2025, 4, 29), 1) == date(2025, 5, 5)  # over 30/4 and 1-2/5
    assert cal.why_not_working(date(2025, 9, 2)) == vietnam_holidays().get(date(2025, 9, 2))
