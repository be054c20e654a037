"""The national programme for the benchmarks: the official list's 34 provinces and 3,321
communes, wards and special zones (3,355 units, config/units/), with made-up e-mails and
waves; smaller programmes of the same shape (for tests) are synthetic."""

import csv
from datetime import date
from pathlib import Path

import yaml

from models.kernel.calendar import WorkingCalendar
from models.programme.official import chosen_provinces, official_units, roster_rows

PROVINCES = 34
COMMUNES = 3321  # 2,621 communes, 687 wards, 13 special zones since 01/07/2025
WAVES = 6


def _commune_level(n: int) -> str:
    if n < 13:
        return "special_zone"
    return "ward" if n % 5 == 0 else "commune"


def generate(
    folder: Path,
    first_start: date = date(2026, 1, 5),
    *,
    provinces: int = PROVINCES,
    communes: int = COMMUNES,
    waves: int = WAVES,
    draft_on_open: bool = True,
) -> Path:
    """Write national.yaml and national-units.csv into `folder`; returns the YAML path.

    Smaller programmes of the same shape (for tests) take fewer provinces, communes or waves.
    """
    folder.mkdir(parents=True, exist_ok=True)
    official = (provinces, communes) == (PROVINCES, COMMUNES)
    units = _official_units() if official else _synthetic_units(provinces, communes)
    with (folder / "national-units.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(units[0]))
        writer.writeheader()
        writer.writerows(units)

    cal = WorkingCalendar()
    start = cal.next_working_day(first_start)
    wave_list = []
    province_codes = [u["code"] for u in units if u["level"] == "province"]
    for w in range(waves):
        chosen = {code for p, code in enumerate(province_codes) if p % waves == w}
        codes = [u["code"] for u in units if (u["parent_code"] or u["code"]) in chosen]
        wave_list.append({"name": f"Đợt {w + 1}", "start": start.isoformat(), "units": codes})
        start = cal.shift(start, 10)
    programme = {
        "code": "VN-NATIONAL",
        "title": "Triển khai TCVN ISO 18091:2020 toàn quốc (đơn vị thật, đợt và e-mail giả định)"
        if official
        else "Triển khai TCVN ISO 18091:2020 toàn quốc (dữ liệu tổng hợp để đo hiệu năng)",
        "legal_basis": "Danh mục ĐVHC từ 01/07/2025; đợt và e-mail giả định (benchmark data)"
        if official
        else "Dữ liệu tổng hợp (synthetic benchmark data)",
        "coordinator": {"agency": "Bộ Khoa học và Công nghệ", "email": "tdc@most.example"},
        "roster": "national-units.csv",
        "waves": wave_list,
    }
    if not draft_on_open:
        programme["documents"] = {"draft_on_open": False}
    path = folder / "national.yaml"
    path.write_text(yaml.safe_dump(programme, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def first_wave_communes() -> list[str]:
    """The codes of the national programme's wave-1 communes (in roster order)."""
    provinces = list(dict.fromkeys(u.province_code for u in official_units()))
    wave_one = {code for p, code in enumerate(provinces) if p % WAVES == 0}
    return [u.code for u in official_units() if u.province_code in wave_one]


def _official_units() -> list[dict]:
    """The official list as roster rows, with made-up e-mails."""
    rows = roster_rows(chosen_provinces([]))
    for row in rows:
        row["email"] = f"ubnd.{row['code']}@{row['parent_code'] or row['code']}.example.gov.vn"
    return rows


def _synthetic_units(provinces: int, communes: int) -> list[dict]:
    units: list[dict] = []
    for p in range(provinces):
        units.append(
            {
                "code": f"P{p:02d}",
                "name": f"Ủy ban nhân dân tỉnh Số {p + 1}",
                "level": "province",
                "parent_code": "",
                "email": f"ubnd@p{p:02d}.example",
            }
        )
    for c in range(communes):
        parent = f"P{c % provinces:02d}"
        level = _commune_level(c)
        kind = {"ward": "phường", "commune": "xã", "special_zone": "đặc khu"}[level]
        units.append(
            {
                "code": f"{parent}-C{c:04d}",
                "name": f"Ủy ban nhân dân {kind} Số {c + 1}",
                "level": level,
                "parent_code": parent,
                "email": f"ubnd.c{c:04d}@{parent.lower()}.example",
            }
        )
    return units
