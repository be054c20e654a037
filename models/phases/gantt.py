"""A wave's Gantt chart as geometry: per phase (and per unit), the baseline and the forecast
as bars on one day axis, today as a line. Pure: the page draws it as SVG."""

from dataclasses import dataclass
from datetime import date

from models.kernel.vocabulary import PHASES
from models.phases.status import StatusRow


@dataclass(frozen=True)
class Bar:
    """One row of the chart: its label, status, and baseline/forecast spans in pixels."""

    label: str
    unit: str  # '' for a phase's summary row
    phase: str
    status: str
    baseline: tuple[int, int]  # x, width
    forecast: tuple[int, int]
    baseline_days: tuple[date, date]
    forecast_days: tuple[date, date]


@dataclass(frozen=True)
class Chart:
    """A wave's bars, the axis's first and last day, where today falls, and month ticks."""

    wave: str
    first: date
    last: date
    width: int
    today_x: int | None
    ticks: tuple[tuple[int, str], ...]  # x, 'mm/yyyy'
    bars: tuple[Bar, ...]


def wave_chart(rows: list[StatusRow], wave: str, as_of: date, width: int = 720) -> Chart:
    """The chart of one wave's rows: a summary bar per phase (its units' earliest start to
    latest due, baseline and forecast), then each unit's phases in unit order."""
    rows = [r for r in rows if r.wave == wave]
    if not rows:
        return Chart(wave, as_of, as_of, width, None, (), ())
    first = min(min(r.start, r.baseline_start) for r in rows)
    last = max(max(r.due, r.baseline_due) for r in rows)
    span = max((last - first).days + 1, 1)

    def x(day: date) -> int:
        return round((day - first).days / span * width)

    def bar(label, unit, phase, status, base, fore) -> Bar:
        bx, fx = x(base[0]), x(fore[0])
        return Bar(
            label,
            unit,
            phase,
            status,
            (bx, max(x(base[1]) - bx + round(width / span), 2)),
            (fx, max(x(fore[1]) - fx + round(width / span), 2)),
            base,
            fore,
        )

    bars = []
    for phase in PHASES:
        members = [r for r in rows if r.phase == phase]
        if members:
            worst = max(members, key=lambda r: _SEVERITY.index(r.status)).status
            bars.append(
                bar(
                    phase,
                    "",
                    phase,
                    worst,
                    (min(r.baseline_start for r in members), max(r.baseline_due for r in members)),
                    (min(r.start for r in members), max(r.due for r in members)),
                )
            )
    for r in sorted(rows, key=lambda r: (r.unit, PHASES.index(r.phase))):
        bars.append(
            bar(
                r.unit_name,
                r.unit,
                r.phase,
                r.status,
                (r.baseline_start, r.baseline_due),
                (r.start, r.due),
            )
        )
    ticks, month = [], date(first.year, first.month, 1)
    while month <= last:
        if month >= first:
            ticks.append((x(month), f"{month:%m/%Y}"))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    today_x = x(as_of) if first <= as_of <= last else None
    return Chart(wave, first, last, width, today_x, tuple(ticks), tuple(bars))


_SEVERITY = ("done", "not_started", "open", "due_soon", "overdue")
