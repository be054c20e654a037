"""The self-assessment form: written, filled in with openpyxl as a unit would, read back."""

from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import Session

from models.assessment.catalogue import DEFAULT_CATALOGUE, load_catalogue
from models.assessment.form import FIRST_ROW, SHEET, read_form, write_form
from models.assessment.ratings import record_form
from models.kernel.lookups import get_programme
from models.kernel.problems import InputError
from models.kernel.tables import IndicatorRating
from tests.models.test_store import load_and_plan

CATALOGUE = load_catalogue(DEFAULT_CATALOGUE)


def blank(tmp_path, unit="HP-DANGLAM", period=2023):
    path = tmp_path / "form.xlsx"
    return write_form(
        path, CATALOGUE, "HP-2023-PILOT", unit, "Ủy ban nhân dân phường Đằng Lâm", period
    )


def fill(path, ratings: dict[int, str], assessor="Trần Thị B", day="15/05/2023", **cells):
    """Fill a form the way a unit does in Excel: ratings by row offset, then any cells."""
    book = load_workbook(path)
    sheet = book[SHEET]
    sheet["C6"], sheet["C7"] = assessor, day
    for offset, label in ratings.items():
        sheet.cell(FIRST_ROW + offset, 7, label)
        sheet.cell(FIRST_ROW + offset, 8, f"QĐ số {offset + 1}/QĐ-UBND")
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_form(path, CATALOGUE)
    return [str(p) for p in caught.value.problems]


def test_the_form_has_a_row_per_indicator_with_criteria_a_drop_down_and_locked_structure(tmp_path):
    path = blank(tmp_path)
    sheet = load_workbook(path)[SHEET]
    codes = [sheet.cell(FIRST_ROW + i, 1).value for i in range(39)]
    assert codes == list(CATALOGUE.codes)
    assert sheet.cell(FIRST_ROW, 3).value == "Quản lý chất lượng tổng thể"
    assert "75%" in sheet.cell(FIRST_ROW + CATALOGUE.codes.index("4.6"), 4).value
    (validation,) = sheet.data_validations.dataValidation
    assert validation.formula1 == '"Đỏ,Vàng,Xanh"'
    assert f"G{FIRST_ROW}" in str(validation.sqref) or "G10" in str(validation.sqref)
    assert sheet.protection.sheet
    assert sheet.cell(FIRST_ROW, 7).protection.locked is False
    assert sheet.cell(FIRST_ROW, 3).protection.locked is True
    assert sheet["C3"].protection.locked is True and sheet["C6"].protection.locked is False


def test_a_filled_form_round_trips(tmp_path):
    path = fill(blank(tmp_path), {i: ["Đỏ", "Vàng", "Xanh"][i % 3] for i in range(39)})
    form = read_form(path, CATALOGUE)
    assert (form.unit, form.period, form.assessor) == ("HP-DANGLAM", 2023, "Trần Thị B")
    assert form.rated_on == date(2023, 5, 15)
    assert [a.rating for a in form.answers[:3]] == ["red", "yellow", "green"]
    assert form.answers[0].evidence == "QĐ số 1/QĐ-UBND"


def test_every_bad_cell_is_named_and_nothing_is_read(tmp_path):
    path = fill(
        blank(tmp_path),
        {0: "Cam", 1: "Xanh"},
        assessor="",
        day="hôm qua",
        A12="9.9",
        C3="HP-CAUTRE",
    )
    found = problems_of(path)
    assert any(f"{SHEET}!G10" in p and "'Cam' is not a rating" in p for p in found)
    assert any(f"{SHEET}!A12" in p and "not an indicator" in p for p in found)
    assert any(f"{SHEET}!C6" in p for p in found)
    assert any(f"{SHEET}!C7" in p for p in found)
    assert any("C2:C4" in p and "unit" in p for p in found)
    assert all(str(path) in p for p in found)


def test_moved_rows_and_extra_rows_are_a_changed_structure(tmp_path):
    path = blank(tmp_path)
    book = load_workbook(path)
    sheet = book[SHEET]
    sheet["A10"], sheet["A11"] = "1.2", "1.1"
    sheet.cell(FIRST_ROW + 39, 1, "5.1")
    book.save(path)
    found = problems_of(path)
    assert any("A10" in p and "wrong row" in p for p in found)
    assert any(f"A{FIRST_ROW + 39}" in p and "after the last indicator" in p for p in found)


def test_a_workbook_that_is_not_a_form_says_so(tmp_path):
    path = tmp_path / "other.xlsx"
    from openpyxl import Workbook

    Workbook().save(path)
    assert "not a form" in problems_of(path)[0]


def test_importing_stores_ratings_evidence_and_notes_and_refuses_another_unit(
    engine, programme_dir, tmp_path
):
    load_and_plan(engine, programme_dir[0])
    path = fill(blank(tmp_path), {i: "Xanh" for i in range(39)})
    form = read_form(path, CATALOGUE)
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        programme = get_programme(session, "HP-2023-PILOT")
        with pytest.raises(InputError, match="a form of HP-DANGLAM, not HP-CAUTRE"):
            record_form(session, programme, form, "tester", now, expected_unit="HP-CAUTRE")
        counts = record_form(session, programme, form, "tester", now)
        again = record_form(session, programme, form, "tester", now)
    assert counts == {"rated": 39, "changed": 39, "unrated": 0}
    assert again["changed"] == 0
    with Session(engine) as session:
        rows = session.scalars(select(IndicatorRating)).all()
    assert len(rows) == 39 and {r.rating for r in rows} == {"green"}
    assert rows[0].evidence.startswith("QĐ số") and rows[0].assessor == "Trần Thị B"


def test_many_forms_are_read_by_a_process_per_core_in_file_order(tmp_path):
    from services.assessment import PARALLEL_FORMS, read_forms

    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    paths = []
    for n in range(PARALLEL_FORMS + 6):
        (tmp_path / f"{n}").mkdir()
        form = blank(tmp_path / f"{n}", unit=f"U{n:03d}")
        fill(form, {i: "Xanh" for i in range(39)})
        paths.append(form)
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook", encoding="utf-8")
    seen = []
    forms, problems = read_forms([*paths, broken], catalogue, None, lambda n, p: seen.append(n))
    assert [f.unit for f in forms] == [f"U{n:03d}" for n in range(PARALLEL_FORMS + 6)]
    assert [str(p) for p in problems] == [f"{broken}: not an .xlsx form (File is not a zip file)"]
    assert seen == list(range(1, PARALLEL_FORMS + 8))
