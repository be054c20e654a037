"""Rich renderings for the terminal: the status table and a unit's Gantt chart."""

from collections import Counter
from datetime import date

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from cli.labels import day_text, heading, language, phase_word, status_word, title
from models.kernel.vocabulary import run_state_label
from models.phases.status import StatusRow, WavePhaseRow

STATUS_STYLE = {
    "not_started": "dim",
    "open": "cyan",
    "due_soon": "yellow",
    "overdue": "bold red",
    "done": "green",
}


_d = day_text


def status_table(rows: list[StatusRow], as_of: date, width: int = 80) -> Group:
    """A table of phase runs with a count per status underneath (short dates when narrow)."""
    table = Table(
        title=title("status", day=_d(as_of)),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    # Baseline and done columns only when they say something, so 80 columns suffice.
    show_baseline = any(r.slip_days for r in rows)
    show_done = any(r.actual_done for r in rows)
    columns = {
        "unit": lambda r: r.unit,
        "phase": lambda r: phase_word(r.phase),
        "status": lambda r: Text(status_word(r.status), style=STATUS_STYLE[r.status]),
        "start": lambda r: _d(r.start),
        "due": lambda r: _d(r.due),
        "baseline": (lambda r: _d(r.baseline_due)) if show_baseline else None,
        "slip": lambda r: f"{r.slip_days:+d}" if r.slip_days else "0",
        "done": (lambda r: _d(r.actual_done)) if show_done else None,
        "experts": (lambda r: r.experts) if any(r.experts for r in rows) else None,
    }
    if len({r.unit for r in rows}) == 1:  # one unit: say it in the title, not on every row
        columns["unit"] = None
        table.title = title("unit status", unit=rows[0].unit, name=rows[0].unit_name, day=_d(as_of))
    cells = {name: cell for name, cell in columns.items() if cell}
    if width < 100 and len(cells) > 6:  # narrow terminal: short dates, start left to `show`
        cells.pop("start")
        table.padding = (0, 0)
        short = {"due", "baseline", "done"}
        cells = {n: (lambda r, c=c: _short(c(r))) if n in short else c for n, c in cells.items()}
    for name in cells:
        table.add_column(heading(name), justify="right" if name == "slip" else "left", no_wrap=True)
    for r in rows:
        table.add_row(*(cell(r) for cell in cells.values()))
    counts = Counter(r.status for r in rows)
    summary = Text(title("counts", units=len({r.unit for r in rows}), runs=len(rows)))
    for i, status in enumerate(STATUS_STYLE):
        word = status_word(status).lower()
        summary.append(f"{', ' if i else ''}{counts.get(status, 0)} {word}", STATUS_STYLE[status])
    return Group(table, summary)


def _short(text: str) -> str:
    """dd/mm/yyyy as dd/mm/yy."""
    return text[:6] + text[8:] if len(text) == 10 else text


def summary_table(summary: list[WavePhaseRow], as_of: date) -> Group:
    """Per wave, per phase: units, last due date, worst slip, and units in each status."""
    tables = []
    for wave in dict.fromkeys(r.wave for r in summary):
        table = Table(title=f"{wave} · {_d(as_of)}", box=box.SIMPLE_HEAD, pad_edge=False, padding=0)
        table.add_column(heading("phase"), no_wrap=True)
        for name in ("units", "last due", "slip"):
            table.add_column(heading(name), justify="right", no_wrap=True)
        for status in STATUS_STYLE:
            table.add_column(status_word(status).replace("_", " "), justify="right", width=7)
        for r in (r for r in summary if r.wave == wave):
            counts = (
                Text(str(r.counts[s]), style=STATUS_STYLE[s] if r.counts[s] else "dim")
                for s in STATUS_STYLE
            )
            slip = f"{r.max_slip_days:+d}" if r.max_slip_days else "0"
            table.add_row(phase_word(r.phase), str(r.units), _d(r.last_due), slip, *counts)
        tables.append(table)
    return Group(*tables)


def gantt(rows: list[StatusRow], as_of: date, width: int = 40) -> Group:
    """A unit's phases as bars on one time axis: baseline ░, forecast █, today │."""
    first = min(min(r.start, r.baseline_start) for r in rows)
    last = max(max(r.due, r.baseline_due) for r in rows)
    span = max((last - first).days, 1)

    def col(day: date) -> int:
        return round((day - first).days / span * (width - 1))

    table = Table(
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title=f"{rows[0].unit} · {rows[0].unit_name} · {rows[0].wave}",
        caption=title("baseline", day=_d(as_of)),
    )
    for name in ("phase", "due", "status", "slip"):
        table.add_column(heading(name), no_wrap=True)
    table.add_column(f"{_d(first)} … {_d(last)}", no_wrap=True)
    for r in rows:
        cells = [" "] * width
        for i in range(col(r.baseline_start), col(r.baseline_due) + 1):
            cells[i] = "░"
        for i in range(col(r.start), col(r.due) + 1):
            cells[i] = "█"
        bar = Text("".join(cells), style=STATUS_STYLE[r.status])
        if first <= as_of <= last:
            bar.stylize("bold magenta", col(as_of), col(as_of) + 1)
            bar = Text.assemble(bar[: col(as_of)], Text("│", "bold magenta"), bar[col(as_of) + 1 :])
        table.add_row(
            phase_word(r.phase),
            _d(r.due),
            Text(status_word(r.status), style=STATUS_STYLE[r.status]),
            f"{r.slip_days:+d}" if r.slip_days else "0",
            bar,
        )
    assigned = [
        Text(f"{heading('experts')} · {phase_word(r.phase)}: {r.experts}")
        for r in rows
        if r.experts
    ]
    return Group(table, *assigned)


def past_table(phases) -> Table:
    """What a unit's predecessors did (models.programme.lineage.PastPhase): the phases they
    opened or hold facts for; a predecessor that did nothing yet is one row."""
    table = Table(title=title("predecessors"), box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    table.add_column(heading("unit"), min_width=26)
    for name in ("phase", "status", "opened", "done"):
        table.add_column(heading(name), no_wrap=name in ("opened", "done"))
    table.add_column(heading("evidence"), justify="right", no_wrap=True)
    by_unit: dict[str, list] = {}
    for p in phases:
        by_unit.setdefault(p.unit, []).append(p)
    for code, runs in by_unit.items():
        label = f"{code} · {runs[0].unit_name.removeprefix('Ủy ban nhân dân ')}"
        active = [p for p in runs if p.opened or p.done or p.evidence]
        if not active:
            table.add_row(label, "—", status_word("not_started"), "", "", "0")
        for p in active:
            evidence = str(p.evidence) + (f" + {p.ratings}" if p.ratings else "")
            table.add_row(
                label,
                phase_word(p.phase),
                run_state_label(p.state, language()),
                _d(p.opened) if p.opened else "",
                _d(p.done) if p.done else "",
                evidence,
            )
    return table
