"""Vietnam's official administrative units as rosters: the list since 01/07/2025 (34
provinces, 3,321 communes, wards and special zones) shipped in config/units/, its source,
and the choice of provinces by code or name. Pure: reads only the shipped files."""

import csv
import json
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path

from models.kernel.problems import InputError, Problem

UNITS_DIR = Path(__file__).resolve().parent.parent.parent / "config" / "units"


@dataclass(frozen=True)
class OfficialUnit:
    """A commune, ward or special zone of the list, with its province."""

    province_code: str
    province: str
    code: str
    name: str
    level: str  # commune, ward or special_zone


@dataclass(frozen=True)
class Source:
    """Where the shipped list comes from: the list, its effective date, the package."""

    list: str
    effective: str
    package: str
    version: str
    licence: str

    def label(self) -> str:
        """One line naming the list and its version, as a roster's note records it."""
        day = "/".join(reversed(self.effective.split("-")))
        return f"Danh mục ĐVHC từ {day} ({self.package} {self.version})"


@lru_cache(maxsize=1)
def official_units() -> tuple[OfficialUnit, ...]:
    """Every unit of the list since 01/07/2025, by province then code."""
    with (UNITS_DIR / "units-2025.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(OfficialUnit(**row) for row in csv.DictReader(fh))


@dataclass(frozen=True)
class Succession:
    """An old commune (before 01/07/2025) and one new unit it went into; `partial` when it
    was split between several, `default` for the one the list takes as its main successor."""

    old_code: str
    new_code: str
    partial: bool
    default: bool


@lru_cache(maxsize=1)
def official_lineage() -> tuple[Succession, ...]:
    """Every old commune's successors under the 2025 reorganisation (config/units/)."""
    with (UNITS_DIR / "lineage-2025.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            Succession(r["old_code"], r["new_code"], r["partial"] == "yes", r["default"] == "yes")
            for r in csv.DictReader(fh)
        )


@lru_cache(maxsize=1)
def former_units() -> dict[str, dict]:
    """The communes, wards and townships before 01/07/2025, by code (with their district)."""
    with (UNITS_DIR / "units-2024.csv").open(encoding="utf-8", newline="") as fh:
        return {r["code"]: r for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def official_source() -> Source:
    """The shipped list's source (config/units/SOURCE.json)."""
    data = json.loads((UNITS_DIR / "SOURCE.json").read_text(encoding="utf-8"))
    return Source(
        data["list"], data["effective"], data["package"], data["version"], data["licence"]
    )


def _folded(text: str) -> str:
    """A name without case, diacritics, spaces or its type word: 'Thành phố Hải Phòng',
    'hai phong' and 'HảiPhòng' all fold to 'haiphong'."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    text = "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))
    for prefix in ("thanhpho", "tinh"):
        if text.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix) :]
    return text


def chosen_provinces(wanted: list[str]) -> list[tuple[str, str]]:
    """The provinces named (by code, '31', or by name, 'Hải Phòng'), as (code, name) in the
    list's order; all of them when none is named. Unknown ones: InputError with the closest."""
    provinces = dict.fromkeys((u.province_code, u.province) for u in official_units())
    by_code = {code: (code, name) for code, name in provinces}
    by_name = {_folded(name): (code, name) for code, name in provinces}
    if not wanted:
        return list(provinces)
    found, problems = {}, []
    for item in wanted:
        match = by_code.get(item.strip().zfill(2)) or by_name.get(_folded(item))
        if match:
            found[match] = None
            continue
        near = get_close_matches(_folded(item), list(by_name), 3, 0.6)
        hint = f"; did you mean {', '.join(by_name[n][1] for n in near)}?" if near else ""
        problems.append(
            Problem("--province", None, None, f"{item!r} is no province of the list{hint}")
        )
    if problems:
        raise InputError(problems)
    return [p for p in provinces if p in found]


def council_name(name: str) -> str:
    """The people's committee of a unit: 'Phường Hải An' -> 'Ủy ban nhân dân phường Hải An'."""
    return f"Ủy ban nhân dân {name[:1].lower()}{name[1:]}"


def roster_rows(
    provinces: list[tuple[str, str]], predecessors: dict[str, list[str]] | None = None
) -> list[dict]:
    """Roster rows (code, name, level, parent_code, email, note) for the provinces: each
    province's committee, then its communes, wards and special zones under it; with
    `predecessors` (new code -> old codes), the columns predecessors and merged_on too."""
    chosen = {code for code, _ in provinces}
    note = official_source().label()
    rows = []
    for code, name in provinces:
        rows.append(_row(code, council_name(name), "province", "", note))
        rows.extend(
            _row(u.code, council_name(u.name), u.level, code, note)
            for u in official_units()
            if u.province_code == code and code in chosen
        )
    if predecessors is not None:
        effective = official_source().effective
        for row in rows:
            earlier = predecessors.get(row["code"], [])
            row["predecessors"] = " ".join(earlier)
            row["merged_on"] = effective if earlier else ""
    return rows


@dataclass(frozen=True)
class Successions:
    """What the list says became of a roster's old units: new code -> the old codes it
    succeeds, the old units split between several, and those the list does not know."""

    predecessors: dict[str, list[str]]
    split: tuple[str, ...]
    unknown: tuple[str, ...]


def successions(old_codes: list[str]) -> Successions:
    """The successors of old units by their official codes before 01/07/2025: a commune's
    from the list's lineage, a district's (its 3-digit code) from those of all its communes,
    a province's none (its code goes on); a code that continues is the same unit, no link."""
    former = former_units()
    by_old: dict[str, set[str]] = {}
    for link in official_lineage():
        by_old.setdefault(link.old_code, set()).add(link.new_code)
    districts: dict[str, list[str]] = {}
    for code, row in former.items():
        districts.setdefault(row["district_code"], []).append(code)
    provinces = {u.province_code for u in official_units()}
    predecessors: dict[str, list[str]] = {}
    split, unknown = [], []
    for old in old_codes:
        if old in former:
            new = by_old.get(old, set())
        elif old in districts:
            new = set().union(*(by_old.get(c, set()) for c in districts[old]))
        elif old in provinces:
            continue
        else:
            unknown.append(old)
            continue
        if len(new) > 1:
            split.append(old)
        for code in sorted(new - {old}):
            predecessors.setdefault(code, []).append(old)
    return Successions(predecessors, tuple(split), tuple(unknown))


def _row(code: str, name: str, level: str, parent: str, note: str) -> dict:
    return {
        "code": code,
        "name": name,
        "level": level,
        "parent_code": parent,
        "email": "",
        "note": note,
    }
