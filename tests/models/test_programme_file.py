"""Programme and roster validation: every problem named by file, line and field, all at once."""

import unicodedata
from datetime import date

import pytest
from openpyxl import Workbook

from models.kernel.problems import InputError
from models.programme.file import load_programme
from models.programme.roster import load_roster
from tests.conftest import EXAMPLE, write

ROSTER = """\
code,name,level,parent_code,email
HP,Ủy ban nhân dân thành phố Hải Phòng,province,,vp@hp.example
Q1,Ủy ban nhân dân quận Hải An,district,HP,q1@hp.example
P1,Ủy ban nhân dân phường Đằng Lâm,ward,Q1,p1@hp.example
X1,Ủy ban nhân dân xã Du Lễ,commune,Q1,
"""

PROGRAMME = """\
code: T-1
title: Thử nghiệm
legal_basis: Kế hoạch số 1/KH-UBND ngày 01/03/2023
coordinator:
  agency: Sở KH&CN
  email: cc@hp.example
roster: units.csv
waves:
  - name: Đợt 1
    start: 2023-03-06
    units: [Q1, P1]
"""


def problems(excinfo) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


@pytest.fixture
def folder(tmp_path):
    write(tmp_path / "units.csv", ROSTER)
    return tmp_path


def test_the_worked_example_is_valid():
    spec = load_programme(EXAMPLE)
    assert spec.code == "HP-2023-PILOT"
    assert len(spec.units) == 13 and sum(len(w.units) for w in spec.waves) == 12
    assert [s.duration_days for s in spec.steps] == [15, 20, 20, 35, 15]
    names = [u.name for u in spec.units]
    assert "Ủy ban nhân dân phường Đằng Lâm" in names
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


def test_defaults_fill_what_the_programme_leaves_out(folder):
    spec = load_programme(write(folder / "p.yaml", PROGRAMME))
    assert spec.time_zone == "Asia/Ho_Chi_Minh"
    assert [s.duration_days for s in spec.steps] == [15, 15, 20, 30, 15]
    assert spec.due_soon_days == 3


def test_malformed_yaml_names_the_line(folder):
    path = write(folder / "p.yaml", PROGRAMME + "waves: [unclosed\n")
    with pytest.raises(InputError) as exc:
        load_programme(path)
    (message,) = problems(exc)
    assert message.startswith(f"{path}:")
    assert "malformed YAML" in message


def test_unknown_keys_bad_dates_and_negative_durations_are_reported_together(folder):
    text = PROGRAMME.replace("title:", "titel: x\ntitle:").replace(
        "start: 2023-03-06", "start: 2023-02-30"
    )
    text += "phases:\n  survey:\n    duration_days: -5\n  trainng:\n    gap_days: 1\n"
    path = write(folder / "p.yaml", text)
    with pytest.raises(InputError) as exc:
        load_programme(path)
    found = problems(exc)
    assert f"{path}:2: titel: unknown key" in found[0]
    assert any(
        ":11: waves[0].start: '2023-02-30' is not a date; write YYYY-MM-DD" in m for m in found
    )
    assert any(":15: phases.survey.duration_days: -5 must be a whole number" in m for m in found)
    assert any(":16: phases.trainng: 'trainng' is not a phase" in m for m in found)
    assert len(found) == 4
    assert "4 problems found; nothing was written." in str(exc.value)


def test_a_start_on_a_holiday_says_why_and_suggests_a_working_day(folder):
    path = write(folder / "p.yaml", PROGRAMME.replace("2023-03-06", "2023-01-23"))
    with pytest.raises(InputError) as exc:
        load_programme(path)
    (message,) = problems(exc)
    assert ":10: waves[0].start: 2023-01-23 is not a working day" in message
    assert "Second Day of Lunar New Year" in message and "2023-01-27" in message


def test_an_override_can_make_a_saturday_start_valid(folder):
    text = PROGRAMME.replace("2023-03-06", "2023-03-04")
    path = write(folder / "p.yaml", text)
    with pytest.raises(InputError, match="Thứ Bảy"):
        load_programme(path)
    text += "calendar:\n  working_days:\n    - {date: 2023-03-04, reason: Làm bù}\n"
    spec = load_programme(write(path, text))
    assert spec.working_days == {date(2023, 3, 4): "Làm bù"}


def test_unknown_and_repeated_units_in_waves(folder):
    text = PROGRAMME.replace("units: [Q1, P1]", "units: [Q1, P1, NOPE]") + (
        "  - name: Đợt 2\n    start: 2023-03-20\n    units: [Q1]\n"
    )
    with pytest.raises(InputError) as exc:
        load_programme(write(folder / "p.yaml", text))
    found = problems(exc)
    assert any(":11: waves[0].units[2]: unknown unit 'NOPE'" in m for m in found)
    assert any(":14: waves[1].units[0]: unit 'Q1' is already in wave 'Đợt 1'" in m for m in found)


def test_coordinator_email_and_time_zone_are_checked(folder):
    text = PROGRAMME.replace("cc@hp.example", "not-an-address") + "time_zone: Asia/Hanoi_City\n"
    with pytest.raises(InputError) as exc:
        load_programme(write(folder / "p.yaml", text))
    found = problems(exc)
    assert any("coordinator.email: 'not-an-address' is not an e-mail address" in m for m in found)
    assert any("time_zone: unknown time zone 'Asia/Hanoi_City'" in m for m in found)


def test_missing_required_keys(folder):
    path = write(folder / "p.yaml", "code: T-1\n")
    with pytest.raises(InputError) as exc:
        load_programme(path)
    found = problems(exc)
    for key in ("title", "legal_basis", "coordinator", "roster", "waves"):
        assert any(f": {key}: required; add it" in m for m in found), key


def test_missing_files_are_named(tmp_path):
    with pytest.raises(InputError, match="programme file not found"):
        load_programme(tmp_path / "nope.yaml")
    write(tmp_path / "p.yaml", PROGRAMME)
    with pytest.raises(InputError, match=r"units\.csv: roster file not found"):
        load_programme(tmp_path / "p.yaml")


# -- rosters -----------------------------------------------------------------------------------
def roster_problems(tmp_path, text: str) -> list[str]:
    path = write(tmp_path / "r.csv", text)
    with pytest.raises(InputError) as exc:
        load_roster(path)
    return problems(exc)


def test_duplicate_codes_name_both_lines(tmp_path):
    found = roster_problems(tmp_path, ROSTER + "Q1,Trùng,district,HP,\n")
    assert found == [
        f"{tmp_path / 'r.csv'}:6: code: duplicate code 'Q1' (first on line 3); codes must be unique"
    ]


def test_unknown_parent_and_wrong_level_order(tmp_path):
    found = roster_problems(
        tmp_path, ROSTER + "X2,Xã,commune,NOWHERE,\nQ2,Quận,district,P1,\nX3,Xã,hamlet,Q1,\n"
    )
    assert any(":6: parent_code: unknown parent 'NOWHERE'" in m for m in found)
    assert any(
        ":7: parent_code: a district cannot have the ward 'P1' as its parent" in m for m in found
    )
    assert any(":8: level: 'hamlet' is not a level" in m for m in found)


def test_circular_parents(tmp_path):
    text = "code,name,level,parent_code,email\nA,A,district,B,\nB,B,district,A,\n"
    found = roster_problems(tmp_path, text)
    assert any("circular parent chain: A -> B -> A" in m for m in found)


def test_bad_email_and_merge_columns(tmp_path):
    text = (
        "code,name,level,parent_code,email,successor_code,merged_on\n"
        "A,Xã A,commune,,a@@x,,\n"
        "B,Xã B,commune,,,C,2025-07-01\n"
        "D,Xã D,commune,,,A,01/07/2025\n"
        "E,Xã E,commune,,,A,\n"
    )
    found = roster_problems(tmp_path, text)
    assert any(":2: email: 'a@@x' is not an e-mail address" in m for m in found)
    assert any(":3: successor_code: unknown successor 'C'" in m for m in found)
    assert any(":4: merged_on: '01/07/2025' is not a date; write YYYY-MM-DD" in m for m in found)
    assert any(":5: merged_on: merged_on is the day a successor_code" in m for m in found)


def test_missing_and_unknown_columns(tmp_path):
    found = roster_problems(tmp_path, "code,name,level,parent,email\nA,A,commune,,\n")
    assert any("missing column(s) parent_code" in m for m in found)
    assert any("unknown column(s) parent" in m for m in found)


def test_levels_accept_vietnamese_and_merges_are_kept(tmp_path):
    text = (
        "code,name,level,parent_code,email,successor_code,merged_on\n"
        "HP,Thành phố Hải Phòng,Thành phố,,,,\n"
        "HA,Quận Hải An,quận,HP,,,\n"
        "DL,Phường Đằng Lâm,phường,HA,,NEW,2025-07-01\n"
        "NEW,Phường Hải An,phường,HP,,,\n"
        "BL,Đặc khu Bạch Long Vĩ,đặc khu,HP,,,\n"
    )
    units = {u.code: u for u in load_roster(write(tmp_path / "r.csv", text))}
    assert [units[c].level for c in ("HP", "HA", "DL", "BL")] == [
        "province",
        "district",
        "ward",
        "special_zone",
    ]
    assert (units["DL"].successor_code, units["DL"].merged_on) == ("NEW", date(2025, 7, 1))


def test_decomposed_vietnamese_is_stored_in_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân phường Đằng Lâm")
    path = write(tmp_path / "r.csv", f"code,name,level,parent_code,email\nA,{decomposed},ward,,\n")
    (unit,) = load_roster(path)
    assert unit.name == "Ủy ban nhân dân phường Đằng Lâm"
    assert unicodedata.is_normalized("NFC", unit.name)


def test_xlsx_rosters_name_sheet_and_row(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Đơn vị"
    for row in ROSTER.splitlines():
        sheet.append(row.split(","))
    sheet.append(["Q1", "Trùng", "district", "HP", None])
    path = tmp_path / "units.xlsx"
    book.save(path)
    with pytest.raises(InputError) as exc:
        load_roster(path)
    assert problems(exc) == [
        f"{path} [sheet Đơn vị]:6: code: duplicate code 'Q1' (first on line 3); "
        "codes must be unique"
    ]
    sheet.delete_rows(6)
    book.save(path)
    assert [u.code for u in load_roster(path)] == ["HP", "Q1", "P1", "X1"]


def test_session_rules_are_checked_and_name_existing_waves(folder):
    text = PROGRAMME + "sessions:\n  class_size: 0\n  training_days: 6\n  group_by: town\n"
    with pytest.raises(InputError) as exc:
        load_programme(write(folder / "p.yaml", text))
    found = problems(exc)
    assert any("sessions.class_size: 0: at least 1" in m for m in found), found
    assert any("sessions.training_days: 6: at most 5" in m for m in found), found
    assert any("sessions.group_by: 'town': use 'parent' or 'province'" in m for m in found)
    text = PROGRAMME + "sessions:\n  waves:\n    Đợt 9:\n      training_days: 2\n"
    with pytest.raises(InputError) as exc:
        load_programme(write(folder / "p.yaml", text))
    assert any("sessions.waves" in m and "no wave named 'Đợt 9'" in m for m in problems(exc))
    good = PROGRAMME + "sessions:\n  waves:\n    Đợt 1:\n      class_size: 4\n"
    spec = load_programme(write(folder / "p.yaml", good))
    assert spec.sessions == {"waves": {"Đợt 1": {"class_size": 4}}}
