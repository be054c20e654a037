"""A spreadsheet of facts (CSV or XLSX), one row per decision or file a unit handed in:
parsed and checked whole, every problem named by row and column."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

from models.kernel.problems import InputError, Problem
from models.kernel.vocabulary import PHASES
from models.programme.roster import read_table_rows

REQUIRED_COLUMNS = ("unit", "phase", "date")
OPTIONAL_COLUMNS = ("kind", "number", "file", "signer", "attendees", "note")
MAX_FACTS = 20_000  # a national programme's busiest day is a few thousand facts


@dataclass(frozen=True)
class FactLine:
    """One row of a facts file: a decision (number) or a file (its name, beside the sheet)."""

    line: int
    unit: str
    phase: str
    dated: date
    kind: str | None
    number: str | None
    file: str | None
    signer: str | None
    attendees: int | None
    note: str | None


def _day(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _name_problem(name: str) -> str | None:
    if PurePosixPath(name).name != name or PureWindowsPath(name).name != name or name == "..":
        return f"{name[:80]!r} holds a folder: give the file's name, the file beside the sheet"
    return None


def read_facts(path: Path) -> tuple[str, list[FactLine], list[Problem]]:
    """The source label, the rows that read well, and the problems of those that did not (a
    file that is not a facts table at all: InputError)."""
    if not path.is_file():
        raise InputError([Problem(str(path), None, None, "facts file not found")])
    source, header, rows = read_table_rows(path, "facts file")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    problems = []
    if missing or unknown:
        columns = ", ".join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
        if missing:
            problems.append(Problem(source, 1, None, f"missing column(s) {', '.join(missing)}"))
        if unknown:
            problems.append(
                Problem(source, 1, None, f"unknown column(s) {', '.join(unknown)}; use {columns}")
            )
        raise InputError(problems)
    if len(rows) > MAX_FACTS:
        raise InputError(
            [Problem(source, None, None, f"{len(rows):,} rows; at most {MAX_FACTS:,} per file")]
        )
    facts = []
    for line, cells in rows:
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}

        found = len(problems)

        def bad(field: str, message: str, line: int = line) -> None:
            problems.append(Problem(source, line, field, message))

        if not row["unit"]:
            bad("unit", "empty; give the unit's code as in the roster")
        phase = row["phase"].lower()
        if phase not in PHASES:
            bad("phase", f"{row['phase']!r} is not a phase; use one of {', '.join(PHASES)}")
        dated = _day(row["date"])
        if dated is None:
            bad("date", f"{row['date']!r} is not a date; write dd/mm/yyyy")
        number, file = row.get("number", ""), row.get("file", "")
        if bool(number) == bool(file):
            bad("number/file", "give exactly one: a decision's number, or a file's name")
        if file and (why := _name_problem(file)):
            bad("file", why)
        attendees = None
        if text := row.get("attendees", ""):
            if text.isdigit() and 0 < int(text) < 100_000:
                attendees = int(text)
            else:
                bad("attendees", f"{text!r} is not a number of people")
        if len(problems) > found:
            continue
        facts.append(
            FactLine(
                line,
                row["unit"],
                phase,
                dated or date.min,
                row.get("kind") or None,
                number or None,
                file or None,
                row.get("signer") or None,
                attendees,
                row.get("note") or None,
            )
        )
    if not facts and not problems:
        raise InputError([Problem(source, None, None, "no facts below the header")])
    return source, facts, problems
