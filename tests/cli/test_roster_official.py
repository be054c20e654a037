"""`rollout roster official`: rosters of real units from the shipped official list, and the
list's record of what became of each old commune on 01/07/2025."""

import csv
from collections import Counter

from openpyxl import load_workbook

from models.programme.official import former_units, official_lineage
from models.programme.roster import load_roster
from tests.cli.test_commands import rollout


def test_hai_phong_has_its_114_units_with_their_official_codes(tmp_path):
    path = tmp_path / "hai-phong.csv"
    done = rollout("roster", "official", "--province", "Hải Phòng", "--output", str(path))
    assert done.exit_code == 0, done.output
    assert "1 provinces, 114 communes" in done.output and "vietnamadminunits 1.0.4" in done.output
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert len(rows) == 115 and rows[0]["code"] == "31" and rows[0]["level"] == "province"
    by_code = {r["code"]: r for r in rows}
    assert by_code["11413"]["name"] == "Ủy ban nhân dân phường Hải An"
    assert by_code["11761"]["name"] == "Ủy ban nhân dân xã Quyết Thắng"
    assert by_code["11713"]["name"] == "Ủy ban nhân dân xã Nghi Dương"
    assert {r["parent_code"] for r in rows[1:]} == {"31"}
    assert Counter(r["level"] for r in rows[1:]) == {"ward": 45, "commune": 67, "special_zone": 2}
    assert "Danh mục ĐVHC từ 01/07/2025" in rows[5]["note"]
    assert len(load_roster(path)) == 115  # a roster rollout init takes as it is
    by_number = rollout("roster", "official", "--province", "31", "--output", str(path))
    assert (
        by_number.exit_code == 0 and len(path.read_text(encoding="utf-8-sig").splitlines()) == 116
    )


def test_the_whole_country_is_3355_units_in_excel(tmp_path):
    path = tmp_path / "vn.xlsx"
    done = rollout("roster", "official", "--output", str(path))
    assert done.exit_code == 0, done.output
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("code", "name", "level", "parent_code", "email", "note")
    units = rows[1:]
    assert len(units) == 3355 and len({r[0] for r in units}) == 3355
    assert sum(r[2] == "province" for r in units) == 34
    assert len(load_roster(path)) == 3355


def test_an_unknown_province_is_named_with_the_closest_and_nothing_is_written(tmp_path):
    path = tmp_path / "x.csv"
    done = rollout(
        "roster", "official", "--province", "Ha Noii", "--province", "99", "--output", str(path)
    )
    assert done.exit_code == 2
    text = " ".join(done.output.split())
    assert "'Ha Noii' is no province of the list; did you mean Thành phố Hà Nội?" in text
    assert "'99' is no province" in text and not path.exists()
    wrong = rollout("roster", "official", "--output", str(tmp_path / "x.txt"))
    assert wrong.exit_code == 2 and "write a .csv or .xlsx roster" in wrong.output


def test_the_list_says_what_became_of_the_pilot_units():
    old = former_units()
    successors: dict[str, set] = {}
    for s in official_lineage():
        successors.setdefault(s.old_code, set()).add(s.new_code)
    assert old["11413"]["name"] == "Phường Đằng Lâm" and successors["11413"] == {"11413"}
    assert old["11764"]["name"] == "Xã Tự Cường" and successors["11764"] == {"11761"}
    kien_thuy = [c for c, r in old.items() if r["district"] == "Huyện Kiến Thụy"]
    assert len(kien_thuy) == 16
    # Kiến Thụy, Nghi Dương, Kiến Minh, Kiến Hưng, Kiến Hải
    assert set().union(*(successors[c] for c in kien_thuy)) == {
        "11680",
        "11713",
        "11725",
        "11728",
        "11749",
    }
    split = [s for s in official_lineage() if s.partial and s.old_code in kien_thuy]
    assert split and all(
        sum(x.default for x in official_lineage() if x.old_code == s.old_code) == 1 for s in split
    )
