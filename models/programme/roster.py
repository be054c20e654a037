"""Unit rosters (CSV or XLSX): parsing and validation, every problem named by row and column."""

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from models.kernel.identifiers import code_problem, text_problem
from models.kernel.problems import InputError, Problem
from models.kernel.vocabulary import nfc

REQUIRED_COLUMNS = ("code", "name", "level", "parent_code", "email")
MAX_ROSTER_BYTES = 20 * 2**20  # a national roster of 3,355 units is about 0.3 MB
OPTIONAL_COLUMNS = ("successor_code", "predecessors", "merged_on", "officials", "note")

# Canonical level -> tier (1 province, 2 district, 3 commune level), and accepted spellings.
TIERS = {"province": 1, "district": 2, "commune": 3, "ward": 3, "special_zone": 3}
_LEVEL_SPELLINGS = {
    "province": "province",
    "city": "province",
    "tỉnh": "province",
    "thành phố": "province",
    "district": "district",
    "quận": "district",
    "huyện": "district",
    "thị xã": "district",
    "commune": "commune",
    "xã": "commune",
    "ward": "ward",
    "phường": "ward",
    "special_zone": "special_zone",
    "special zone": "special_zone",
    "đặc khu": "special_zone",
}


@dataclass(frozen=True)
class UnitRecord:
    """One validated roster row."""

    code: str
    name: str
    level: str
    parent_code: str | None
    email: str | None
    successor_code: str | None = None
    merged_on: date | None = None
    officials: int | None = None
    predecessors: tuple[str, ...] = ()  # the units it succeeds (from merged_on), maybe gone


def cell_text(value: object) -> str:
    """A cell as stripped text in Unicode NFC ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return nfc(str(value)).strip()


def read_table_rows(
    path: Path, what: str = "roster"
) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """The source label, header and (line number, cells) of a CSV or XLSX table (a roster, an
    experts file): size, encoding and format checked, blank rows left out."""
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise InputError(
            [Problem(str(path), None, None, f"over {MAX_ROSTER_BYTES // 2**20} MB; not a {what}")]
        )
    if suffix == ".csv":
        numbered, source = _read_csv(path), str(path)
    elif suffix == ".xlsx":
        numbered, source = _read_xlsx(path)
    else:
        raise InputError([Problem(str(path), None, None, f"a {what} must be a .csv or .xlsx file")])
    numbered = [(i, cells) for i, cells in numbered if any(cells)]
    if not numbered:
        raise InputError([Problem(source, None, None, f"the {what} is empty; it needs a header")])
    return source, [c.lower() for c in numbered[0][1]], numbered[1:]


def _read_csv(path: Path) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            for row in reader:
                rows.append((reader.line_num, [cell_text(c) for c in row]))
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(str(path), None, None, f"not UTF-8 ({exc.reason}); save it as CSV UTF-8")]
        ) from exc
    except csv.Error as exc:  # a cell over the field limit, a NUL byte, a broken quote
        line = rows[-1][0] + 1 if rows else 1
        raise InputError(
            [Problem(str(path), line, None, f"not a readable CSV row ({exc}); fix or remove it")]
        ) from exc
    return rows


def _read_xlsx(path: Path) -> tuple[list[tuple[int, list[str]]], str]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [
            (i, [cell_text(c) for c in row])
            for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError, IndexError) as exc:
        raise InputError(
            [
                Problem(
                    str(path), None, None, f"not an Excel (.xlsx) workbook ({exc}); save it as one"
                )
            ]
        ) from exc
    return rows, f"{path} [sheet {sheet.title}]"


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def load_roster(path: Path) -> list[UnitRecord]:
    """Read and validate a roster; raises InputError listing every problem found."""
    # Loaded here, not with the module: reading a programme's store needs no address checks.
    from email_validator import EmailNotValidError, validate_email

    if not path.is_file():
        raise InputError([Problem(str(path), None, None, "roster file not found")])
    source, header, rows = read_table_rows(path)
    header_line = 1
    problems: list[Problem] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing:
        problems.append(
            Problem(
                source,
                header_line,
                None,
                f"missing column(s) {', '.join(missing)}; "
                f"the header needs {','.join(REQUIRED_COLUMNS)}",
            )
        )
    if unknown:
        problems.append(
            Problem(
                source,
                header_line,
                None,
                f"unknown column(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}",
            )
        )
    if problems:
        raise InputError(problems)

    records: list[UnitRecord] = []
    lines: dict[str, int] = {}
    for line, cells in rows:
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}

        def bad(field: str, message: str, line: int = line) -> None:
            problems.append(Problem(source, line, field, message))

        code = row["code"]
        if not code:
            bad("code", "empty; every unit needs a unique code")
            continue
        if problem := code_problem(code):
            bad("code", problem)
            continue
        unsafe = [
            (field, problem)
            for field in ("parent_code", "successor_code")
            if row.get(field) and (problem := code_problem(row[field]))
        ] + [
            (field, problem)
            for field in ("name", "email", "level", "note", "officials", "merged_on")
            if row.get(field) and (problem := text_problem(row[field], field == "note"))
        ]
        if unsafe:
            for field, problem in unsafe:
                bad(field, problem)
            continue
        if code in lines:
            bad(
                "code",
                f"duplicate code {code!r} (first on line {lines[code]}); codes must be unique",
            )
            continue
        lines[code] = line
        if not row["name"]:
            bad("name", "empty; give the unit's name, e.g. 'UBND phường Đằng Lâm'")
        level = _LEVEL_SPELLINGS.get(row["level"].lower())
        if level is None:
            bad(
                "level",
                f"{row['level']!r} is not a level; use province, district, commune, "
                "ward or special_zone",
            )
        email = row["email"] or None
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized
            except EmailNotValidError as exc:
                bad(
                    "email", f"{email!r} is not an e-mail address ({exc}); fix it or leave it empty"
                )
        merged_on = None
        successor = row.get("successor_code") or None
        if row.get("merged_on"):
            merged_on = _parse_date(row["merged_on"])
            if merged_on is None:
                bad("merged_on", f"{row['merged_on']!r} is not a date; write YYYY-MM-DD")
        officials = None
        if row.get("officials"):
            try:
                count = float(row["officials"])  # a spreadsheet may give 25.0
                if count < 0 or not count.is_integer():
                    raise ValueError
                officials = int(count)
            except ValueError:
                bad("officials", f"{row['officials']!r} is not a count of officials; write e.g. 25")
                officials = None
        predecessors = tuple(
            dict.fromkeys(row.get("predecessors", "").replace(";", " ").replace(",", " ").split())
        )
        for earlier in predecessors:
            if problem := code_problem(earlier):
                bad("predecessors", problem)
            elif earlier == code:
                bad("predecessors", "a unit cannot succeed itself")
        if bool(successor or predecessors) != bool(row.get("merged_on")):
            bad(
                "merged_on",
                "merged_on is the day a successor_code or the predecessors took effect; "
                "give it with them, and only with them",
            )
        records.append(
            UnitRecord(
                code,
                row["name"],
                level or "",
                row["parent_code"] or None,
                email,
                successor,
                merged_on,
                officials,
                predecessors,
            )
        )

    by_code = {r.code: r for r in records}

    def bad_at(code: str, field: str, message: str) -> None:
        problems.append(Problem(source, lines[code], field, message))

    for r in records:
        parent = by_code.get(r.parent_code or "")
        if r.parent_code and parent is None:
            bad_at(
                r.code,
                "parent_code",
                f"unknown parent {r.parent_code!r}; add that unit to the roster or leave it empty",
            )
        elif parent and r.level and parent.level and TIERS[parent.level] >= TIERS[r.level]:
            bad_at(
                r.code,
                "parent_code",
                f"a {r.level} cannot have the {parent.level} "
                f"{parent.code!r} as its parent; a parent must be a higher level",
            )
        if r.successor_code == r.code:
            bad_at(r.code, "successor_code", "a unit cannot succeed itself")
        elif r.successor_code and r.successor_code not in by_code:
            bad_at(
                r.code,
                "successor_code",
                f"unknown successor {r.successor_code!r}; add that unit to the roster",
            )
    for link in ("parent_code", "successor_code"):
        for cycle in _cycles(by_code, link):
            chain = " -> ".join([*cycle, cycle[0]])
            bad_at(cycle[0], link, f"circular {link.removesuffix('_code')} chain: {chain}")
    if problems:
        raise InputError(problems)
    return records


def _cycles(by_code: dict[str, UnitRecord], link: str) -> list[list[str]]:
    """Each cycle of the `link` relation once, starting from its smallest code."""
    found: set[tuple[str, ...]] = set()
    for start in by_code:
        path, seen, code = [], set(), start
        while code in by_code and code not in seen:
            seen.add(code)
            path.append(code)
            code = getattr(by_code[code], link)
        if code in seen:
            cycle = path[path.index(code) :]
            i = cycle.index(min(cycle))
            found.add(tuple(cycle[i:] + cycle[:i]))
    return [list(c) for c in sorted(found)]
