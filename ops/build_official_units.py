"""Build rollout's copy of Vietnam's official administrative units (config/units/) from the
`vietnamadminunits` package's data (MIT; the codes and names of the General Statistics
Office's list). A maintainer's step, run when a new list is published; rollout itself reads
only the CSV files this writes, so the package is no dependency of rollout.

    python -m venv /tmp/vau && /tmp/vau/bin/pip download --no-deps -d /tmp/vau vietnamadminunits
    unzip -q /tmp/vau/vietnamadminunits-*.whl -d /tmp/vau/pkg
    python ops/build_official_units.py /tmp/vau/pkg

It reads the package's SQLite dataset and old -> new converter directly (no import, so none
of its dependencies: shapely, numpy, geopy) and writes:
  units-2025.csv    the 34 provinces' 3,321 communes, wards and special zones since 01/07/2025
  units-2024.csv    the 10,040 communes, wards and townships before (province, district)
  lineage-2025.csv  each old commune -> the new one(s) it went into; `partial` when it was
                    split between several (the package's default successor marked)
  SOURCE.json       the package, its version, licence, and the sha256 of what was read
"""

import csv
import hashlib
import json
import sqlite3
import sys
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "config" / "units"
LEVELS = {"Phường": "ward", "Xã": "commune", "Đặc khu": "special_zone", "Thị trấn": "commune"}


def main(package: Path) -> None:
    """Read the package's data under `package` and write config/units/."""
    data = package / "vietnamadminunits" / "data"
    db, converter = data / "dataset.db", data / "converter_2025.json"
    meta = next(package.glob("vietnamadminunits-*.dist-info"))
    version = meta.name.removeprefix("vietnamadminunits-").removesuffix(".dist-info")
    OUT.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db)
    new = con.execute(
        "SELECT provinceCode, province, wardCode, ward, wardType, provinceKey, wardKey "
        "FROM admin_units ORDER BY provinceCode, wardCode"
    ).fetchall()
    _write(
        "units-2025.csv",
        ("province_code", "province", "code", "name", "level"),
        [(pc, p, c, n, LEVELS[t]) for pc, p, c, n, t, _, _ in new],
    )
    old = con.execute(
        "SELECT provinceCode, province, districtCode, district, wardCode, ward, wardType, "
        "provinceKey, districtKey, wardKey FROM admin_units_legacy "
        "ORDER BY provinceCode, districtCode, wardCode"
    ).fetchall()
    _write(
        "units-2024.csv",
        ("province_code", "province", "district_code", "district", "code", "name", "level"),
        [(pc, p, dc, d, c, n, LEVELS.get(t, "commune")) for pc, p, dc, d, c, n, t, *_ in old],
    )
    new_code = {(pk, wk): c for _, _, c, _, _, pk, wk in new}
    old_code = {f"{pk}_{dk}_{wk}": c for *_, c, _, _, pk, dk, wk in old}
    mapping = json.loads(converter.read_text(encoding="utf-8"))
    rows = set()
    for province, wards in mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            for key in olds:
                if key in old_code:
                    rows.add((old_code[key], new_code[(province, ward)], "", ""))
    for province, wards in mapping["DICT_PROVINCE_WARD_DIVIDED"].items():
        for key, parts in wards.items():
            for part in parts:
                if key in old_code and (province, part["newWardKey"]) in new_code:
                    default = "yes" if part["isDefaultNewWard"] else ""
                    rows.add(
                        (old_code[key], new_code[(province, part["newWardKey"])], "yes", default)
                    )
    _write("lineage-2025.csv", ("old_code", "new_code", "partial", "default"), sorted(rows))
    source = {
        "list": "Danh mục đơn vị hành chính (General Statistics Office codes)",
        "effective": "2025-07-01",
        "package": "vietnamadminunits",
        "version": version,
        "licence": "MIT",
        "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (db, converter)},
        "built": date.today().isoformat(),
    }
    (OUT / "SOURCE.json").write_text(json.dumps(source, indent=2, ensure_ascii=False) + "\n")
    licence = next(meta.glob("licenses/*"), None) or next(meta.glob("LICENSE*"), None)
    if licence:
        (OUT / "LICENSE-vietnamadminunits").write_text(licence.read_text(encoding="utf-8"))
    print(f"{len(new)} units since 2025, {len(old)} before, {len(rows)} lineage rows -> {OUT}")


def _write(name: str, header: tuple, rows: list) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
