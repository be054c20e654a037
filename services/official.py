"""Rosters from Vietnam's official list of administrative units, as `rollout roster
official` writes them: chosen provinces, or the whole country, as CSV or XLSX."""

import csv
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from models.kernel.cells import csv_row, text_cells_only
from models.kernel.problems import InputError, Problem
from models.programme.official import chosen_provinces, official_source, roster_rows

COLUMNS = ("code", "name", "level", "parent_code", "email", "note")
LINEAGE_COLUMNS = ("predecessors", "merged_on")


@dataclass(frozen=True)
class OfficialRoster:
    """A roster written from the official list: where, how many provinces and units, from
    which list."""

    path: Path
    provinces: int
    units: int
    source: str
    succeeding: int = 0  # new units that succeed units of the old roster
    split: tuple[str, ...] = ()  # old units split between several new ones
    unknown: tuple[str, ...] = ()  # old units the list does not know (no successor found)


def write_official_roster(
    *, provinces: list[str], output: Path, successors_of: Path | None = None
) -> OfficialRoster:
    """Write the roster of the provinces named (code or name; all when none): each province's
    people's committee, then its communes, wards and special zones with their official codes;
    with `successors_of` (a roster of units before 01/07/2025, by their official codes), each
    new unit's predecessors among them. The file appears whole or not at all."""
    from models.programme.official import successions
    from models.programme.roster import load_roster

    suffix = output.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(
            [Problem("--output", None, None, f"{output.name!r}: write a .csv or .xlsx roster")]
        )
    if not output.parent.is_dir():
        raise InputError([Problem("--output", None, None, f"no folder {output.parent}")])
    chosen = chosen_provinces(provinces)
    found = successions([u.code for u in load_roster(successors_of)]) if successors_of else None
    rows = roster_rows(chosen, found.predecessors if found else None)
    fd, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=suffix)
    os.close(fd)
    try:
        columns = COLUMNS + (LINEAGE_COLUMNS if found else ())
        (_write_csv if suffix == ".csv" else _write_xlsx)(Path(partial), rows, columns)
        os.replace(partial, output)
    finally:
        Path(partial).unlink(missing_ok=True)
    source = official_source()
    if found is None:
        return OfficialRoster(output, len(chosen), len(rows) - len(chosen), source.label())
    succeeding = sum(bool(r.get("predecessors")) for r in rows)
    return OfficialRoster(
        output,
        len(chosen),
        len(rows) - len(chosen),
        source.label(),
        succeeding,
        found.split,
        found.unknown,
    )


def _write_csv(path: Path, rows: list[dict], columns: tuple) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(csv_row(r) for r in rows)


def _write_xlsx(path: Path, rows: list[dict], columns: tuple) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách đơn vị"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[c] for c in columns])
    for column, width in zip("ABCDEF", (10, 44, 13, 12, 30, 36), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    text_cells_only(book)
    book.save(path)
