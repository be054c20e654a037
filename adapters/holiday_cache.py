"""Vietnam's public holidays kept per year in a small file, so that a command need not import
the `holidays` package (~0.1 s: it loads every country it knows) to know which days are worked."""

import json
import os
import tempfile
import threading
from datetime import date, timedelta
from importlib.util import find_spec
from pathlib import Path

from models.kernel.calendar import vietnam_holidays


class CachedHolidays:
    """The days of `vietnam_holidays()`, read from a file in `folder` named by the package's
    version (a new release is asked afresh); a year the file lacks is worked out with the
    package once and added to it."""

    def __init__(self, folder: Path):
        self._path = folder / f"VN-{_installed_release()}.json"
        self._lock = threading.Lock()
        self._kept: dict[str, dict] = {}
        self._off: set[date] = set()
        self._names: dict[date, str] = {}
        for year, days in _read(self._path).items():
            self._take(year, days)

    def is_working_day(self, day: date) -> bool:
        """Whether civil servants work on `day` by the public calendar alone."""
        if str(day.year) not in self._kept:
            self._add(day.year)
        return day not in self._off

    def get(self, day: date) -> str | None:
        """The public holiday on `day`, or None."""
        if str(day.year) not in self._kept:
            self._add(day.year)
        return self._names.get(day)

    def _take(self, year: str, days: dict) -> None:
        self._off.update(date.fromisoformat(d) for d in days["off"])
        self._names.update((date.fromisoformat(d), n) for d, n in days["names"].items())
        self._kept[year] = days

    def _add(self, year: int) -> None:
        with self._lock:
            if str(year) in self._kept:
                return
            package = vietnam_holidays()
            day, off, names = date(year, 1, 1), [], {}
            while day.year == year:
                if not package.is_working_day(day):
                    off.append(day.isoformat())
                if name := package.get(day):
                    names[day.isoformat()] = name
                day += timedelta(days=1)
            self._take(str(year), {"off": off, "names": names})
            _write(self._path, self._kept)


def _installed_release() -> str:
    """The installed `holidays` release, e.g. "holidays-0.109", from its dist-info folder's name
    (0.3 ms; importlib.metadata takes 30 ms to find the same)."""
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the `holidays` package is not installed")
    package = Path(spec.origin).parent
    found = sorted(
        entry.name.removesuffix(".dist-info")
        for entry in os.scandir(package.parent)
        if entry.name.startswith("holidays-") and entry.name.endswith(".dist-info")
    )
    if len(found) == 1:
        return found[0]
    # No single record of the release: name the file by the package's own file, as installed.
    stamp = (package / "countries" / "vietnam.py").stat()
    return f"holidays-{stamp.st_size}-{stamp.st_mtime_ns}"


def _read(path: Path) -> dict[str, dict]:
    """The years kept in `path`; none when it is missing or unreadable (it is only a cache)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        kept = {
            year: {"off": list(days["off"]), "names": dict(days["names"])}
            for year, days in data.items()
            if year.isdigit()
        }
        for days in kept.values():  # every date readable, or none of the file is used
            for day in (*days["off"], *days["names"]):
                date.fromisoformat(day)
        return kept
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _write(path: Path, kept: dict[str, dict]) -> None:
    """Replace the file whole, so that a reader never sees half of it; a failure is ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".holidays-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(kept, fh, ensure_ascii=False, sort_keys=True)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    except OSError:
        return
