"""A synthetic national programme: 34 provinces and 3,321 commune-level units (3,355 in all)."""

import csv
from datetime import date
from pathlib import Path

import yaml

from models.kernel.calendar import WorkingCalendar

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
    with (folder / "national-units.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(units[0]))
        writer.writeheader()
        writer.writerows(units)

    cal = WorkingCalendar()
    start = cal.next_working_day(first_start)
    wave_list = []
    for w in range(waves):
        chosen = {f"P{p:02d}" for p in range(provinces) if p % waves == w}
        codes = [u["code"] for u in units if (u["parent_code"] or u["code"]) in chosen]
        wave_list.append({"name": f"Đợt {w + 1}", "start": start.isoformat(), "units": codes})
        start = cal.shift(start, 10)
    programme = {
        "code": "VN-NATIONAL",
        "title": "Triển khai TCVN ISO 18091:2020 toàn quốc (dữ liệu tổng hợp để đo hiệu năng)",
        "legal_basis": "Dữ liệu tổng hợp (synthetic benchmark data)",
        "coordinator": {"agency": "Bộ Khoa học và Công nghệ", "email": "tdc@most.example"},
        "roster": "national-units.csv",
        "waves": wave_list,
    }
    if not draft_on_open:
        programme["documents"] = {"draft_on_open": False}
    path = folder / "national.yaml"
    path.write_text(yaml.safe_dump(programme, allow_unicode=True, sort_keys=False), "utf-8")
    return path
