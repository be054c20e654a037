"""record, reopen, sweep and audit through the command line; tampering with the file itself."""

import csv
import re
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlmodel import Session

from config.settings import get_settings
from models.kernel.database import make_engine
from models.kernel.tables import AuditEvent, Evidence
from tests.cli.test_commands import rollout
from tests.conftest import pilot_loaded

HAIAN_SURVEY = ("record", "HP-HAIAN", "survey")


def db_path() -> Path:
    return get_settings().home / "rollout.db"


def events() -> int:
    with Session(make_engine(get_settings().engine_url)) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


SWEPT = pilot_loaded("2023-03-01", ("sweep", "--as-of", "2023-03-06"))


@pytest.fixture
def swept(home, programme_dir, prefect_harness, tmp_path, prepared_home):
    """The example loaded as of 01/03/2023 and swept on 06/03 (once per session, copied)."""
    prepared_home("pilot-swept-2023-03-06", SWEPT)
    answers = tmp_path / "phieu-khao-sat.pdf"
    answers.write_bytes("Phiếu khảo sát (minh họa)".encode())
    return answers


def hand_in_survey(answers: Path, decision: str, decided_on: str, as_of: str) -> None:
    """Record HP-HAIAN's survey answers (14/03/2023), then a decision, through the CLI."""
    args = ["--evidence", str(answers), "--on", "2023-03-14", "--as-of", "2023-03-20"]
    assert rollout(*HAIAN_SURVEY, *args, "--no-advance").exit_code == 0
    args = ["--decision", decision, "--on", decided_on, "--as-of", as_of]
    assert rollout(*HAIAN_SURVEY, *args).exit_code == 0


def test_record_then_the_unit_moves_on_by_itself(swept):
    on = ["--on", "2023-03-14", "--as-of", "2023-03-20"]
    result = rollout(*HAIAN_SURVEY, "--evidence", str(swept), *on)
    assert result.exit_code == 0, result.output
    assert "Recorded survey_answers for HP-HAIAN / survey: phieu-khao-sat.pdf" in result.output
    assert "HP-HAIAN: no phase changed." in result.output
    decision = ["--decision", "Số 12/QĐ-UBND", "--signer", "Chủ tịch UBND quận"]
    result = rollout(*HAIAN_SURVEY, *decision, "--on", "2023-03-16", "--as-of", "2023-03-20")
    assert result.exit_code == 0, result.output
    assert "HP-HAIAN: survey closed." in result.output
    status = rollout("status", "--unit", "HP-HAIAN", "--as-of", "2023-03-20", "--format", "csv")
    survey = next(csv.DictReader(status.stdout.splitlines()))
    assert (survey["status"], survey["actual_done"]) == ("done", "2023-03-16")


def test_bad_records_exit_2_and_write_nothing(swept, tmp_path):
    before = events()
    empty = tmp_path / "empty.pdf"
    empty.touch()
    cases = [
        (["record", "HP-HAIAN", "survey", "--evidence", str(empty)], "evidence file is empty"),
        (["record", "HP-HAIAN", "survey", "--evidence", str(tmp_path / "x.pdf")], "not found"),
        (
            [
                "record",
                "HP-HAIAN",
                "survey",
                "--decision",
                "Quyết định",
                "--on",
                "2023-03-10",
                "--as-of",
                "2023-03-10",
            ],
            "has no number",
        ),
        (
            [
                "record",
                "HP-HAIAN",
                "survey",
                "--evidence",
                str(swept),
                "--on",
                "2023-03-30",
                "--as-of",
                "2023-03-20",
            ],
            "is after 2023-03-20",
        ),
        (
            ["record", "HP-HAIAN", "training", "--evidence", str(swept), "--as-of", "2023-03-20"],
            "is not open yet",
        ),
        (["record", "HP-HAIAN", "survey"], "give exactly one"),
    ]
    for args, message in cases:
        result = rollout(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output
    unknown = rollout("record", "HP-NOWHERE", "survey", "--evidence", str(swept))
    assert unknown.exit_code == 1 and "no unit 'HP-NOWHERE'" in unknown.output  # as everywhere
    assert events() == before


def test_reopen_through_the_command_line(swept):
    hand_in_survey(swept, "Số 21/QĐ-UBND", "2023-03-16", "2023-03-20")
    result = rollout(
        "reopen",
        "HP-HAIAN",
        "survey",
        "--reason",
        "Ghi nhầm số quyết định",
        "--as-of",
        "2023-03-21",
    )
    assert result.exit_code == 0, result.output
    assert "HP-HAIAN / survey is open again" in result.output
    with Session(make_engine(get_settings().engine_url)) as session:
        assert list(session.scalars(select(Evidence.void))) == [True, True]
    again = rollout("reopen", "HP-HAIAN", "survey", "--reason", "x")
    assert again.exit_code == 2 and "not done; there is nothing to reopen" in again.output


def test_audit_verify_names_a_changed_a_deleted_and_an_inserted_event(swept):
    assert rollout("audit", "verify").exit_code == 0
    with sqlite3.connect(db_path()) as db:
        db.execute('UPDATE auditevent SET payload = \'{"name": "khác"}\' WHERE seq = 5')
    result = rollout("audit", "verify")
    assert result.exit_code == 3
    assert "event 5 (unit.added HP-2023-PILOT/HP-HAIAN) was changed" in result.output
    with sqlite3.connect(db_path()) as db:
        db.execute("DELETE FROM auditevent WHERE seq = 8")
    result = rollout("audit", "verify")
    assert "events 8..8 are missing (deleted?)" in result.output
    assert "event 9 does not follow the event before it" in result.output
    with sqlite3.connect(db_path()) as db:
        last, head = db.execute(
            "SELECT max(seq), hash FROM auditevent ORDER BY seq DESC"
        ).fetchone()
        db.execute(
            "INSERT INTO auditevent (seq, at, actor, action, programme_code, subject, payload,"
            " prev_hash, hash) VALUES (?, '2023-03-07 00:00:00', 'x', 'phase.closed',"
            " 'HP-2023-PILOT', 'HP-2023-PILOT/HP-DULE/survey', '{}', ?, ?)",
            (last + 1, head, "f" * 64),
        )
    result = rollout("audit", "verify")
    assert f"event {last + 1} (phase.closed HP-2023-PILOT/HP-DULE/survey) was changed" in (
        result.output
    )


def test_audit_report_in_excel_reads_back(swept, tmp_path):
    hand_in_survey(swept, "Số 12/QĐ-UBND", "2023-03-28", "2023-03-28")
    out = tmp_path / "audit.xlsx"
    result = rollout("audit", "report", "--as-of", "2023-03-28", "--output", str(out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Nhật ký giai đoạn", "Tỷ lệ đúng hạn"]
    sheet = book["Nhật ký giai đoạn"]
    assert sheet["A2"].value == "Mã đơn vị (unit)" and sheet["K2"].value == "Minh chứng (evidence)"
    assert sheet.column_dimensions["K"].width == 70
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 60
    haian = rows[0]
    assert haian[:5] == (
        "HP-HAIAN",
        "Ủy ban nhân dân quận Hải An",
        "Đợt 1 - UBND quận, huyện",
        "survey",
        "Hoàn thành",  # the status in words, as the sheet's Vietnamese reader expects
    )
    assert haian[8].date().isoformat() == "2023-03-28" and haian[9] == 2  # due 24/03: 2 days late
    assert "phieu-khao-sat.pdf sha256:" in haian[10] and "Số 12/QĐ-UBND" in haian[10]
    rates = list(book["Tỷ lệ đúng hạn"].iter_rows(values_only=True))
    assert ("survey", 12, 1, 0, 0.0) in rates
    html = tmp_path / "audit.html"
    rollout("audit", "report", "--as-of", "2023-03-28", "--format", "html", "--output", str(html))
    assert "Ủy ban nhân dân quận Hải An" in html.read_text(encoding="utf-8")


def test_recording_and_advancing_a_unit_never_starts_prefect(swept):
    """record, reopen and the move-on run in the command itself: no server to wait for."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; from cli.app import app; "
        f"a = ['record', 'HP-HAIAN', 'survey', '--evidence', {str(swept)!r}, "
        "'--on', '2023-03-14', '--as-of', '2023-03-20']; "
        "r = CliRunner().invoke(app, a); assert r.exit_code == 0, r.output; "
        "a = ['record', 'HP-HAIAN', 'survey', '--decision', 'Số 12/QĐ-UBND', "
        "'--on', '2023-03-16', '--as-of', '2023-04-03']; "
        "r = CliRunner().invoke(app, a); assert r.exit_code == 0, r.output; "
        "assert 'survey closed' in r.output and 'training opened' in r.output, r.output; "
        "assert 'documents drafted' in r.output, r.output; "
        "a = ['reopen', 'HP-HAIAN', 'survey', '--reason', 'nhầm số', '--as-of', '2023-04-03']; "
        "r = CliRunner().invoke(app, a); assert r.exit_code == 0, r.output; "
        "print('prefect' in sys.modules)"
    )
    env = os.environ | {"PREFECT_API_URL": "http://127.0.0.1:9/api"}  # nothing listens there
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "False", done.stdout + done.stderr


def test_kept_heads_catch_a_chain_cut_short_or_rewritten_from_an_event_on(swept):
    from models.audit.chain import event_hash

    heads = get_settings().home / "audit" / "heads.txt"
    assert heads.read_text(encoding="utf-8").count("\n") == 2  # its header, the sweep's head
    kept = rollout("audit", "verify", "--heads", str(heads))
    assert kept.exit_code == 0 and "1 kept heads found unchanged" in kept.output, kept.output
    with sqlite3.connect(db_path()) as db:  # edit event 5, then recompute every hash after it
        rows = db.execute(
            "SELECT seq, at, actor, action, programme_code, subject, payload FROM auditevent"
            " ORDER BY seq"
        ).fetchall()
        prev = "0" * 64
        for seq, at, actor, action, code, subject, payload in rows:
            if seq == 5:
                payload = '{"name": "khác"}'
            digest = event_hash(
                prev, seq, datetime.fromisoformat(at), actor, action, code, subject, payload
            )
            db.execute(
                "UPDATE auditevent SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (payload, prev, digest, seq),
            )
            prev = digest
    assert rollout("audit", "verify").exit_code == 0  # a recomputed tail holds by itself...
    rewritten = rollout("audit", "verify", "--heads", str(heads))
    assert rewritten.exit_code == 3, rewritten.output  # ...but not against the kept head
    assert "the chain was rewritten from there on" in rewritten.output
    now = re.search(r"; head (\d+:[0-9a-f]{64})\.", rollout("audit", "verify").output)[1]
    with sqlite3.connect(db_path()) as db:  # cut the last three events off
        last = db.execute("SELECT max(seq) FROM auditevent").fetchone()[0]
        db.execute("DELETE FROM auditevent WHERE seq > ?", (last - 3,))
    assert rollout("audit", "verify").exit_code == 0  # what is left still holds...
    cut = rollout("audit", "verify", "--head", now)
    assert cut.exit_code == 3 and "is gone: the chain was cut short" in cut.output
    with sqlite3.connect(db_path()) as db:
        db.execute("DELETE FROM auditevent")
    empty = rollout("audit", "verify")
    assert empty.exit_code == 3, empty.output
    assert "no events at all although a programme is loaded" in empty.output


def test_a_state_table_edited_behind_the_engine_is_named(swept):
    hand_in_survey(swept, "Số 12/QĐ-UBND", "2023-03-16", "2023-03-20")
    assert rollout("audit", "verify").exit_code == 0
    with sqlite3.connect(db_path()) as db:
        db.execute("UPDATE evidence SET decision_number = '99/QĐ-UBND' WHERE type = 'decision'")
        db.execute(
            "UPDATE phaserun SET status = 'done' WHERE phase = 'survey' AND unit_id ="
            " (SELECT id FROM unit WHERE code = 'HP-TIENLANG')"
        )
    result = rollout("audit", "verify")
    assert result.exit_code == 3, result.output
    assert "phase run HP-2023-PILOT/HP-TIENLANG/survey is 'done' in the table, but the audit " in (
        " ".join(result.output.split())
    )
    assert "its decision is '99/QĐ-UBND' in the table, '12/QĐ-UBND' in the audit trail" in (
        " ".join(result.output.split())
    )


def test_attendance_says_how_far_it_is_from_what_completes_training(swept):
    """HP-HAIAN (42 officials) closes its survey, training opens on 27/03; 25 attend, then 9."""
    decision = ["--decision", "Số 12/QĐ-UBND", "--on", "16/03/2023", "--as-of", "27/03/2023"]
    rollout(*HAIAN_SURVEY, "--evidence", str(swept), "--on", "14/03/2023", "--as-of", "27/03/2023")
    assert rollout(*HAIAN_SURVEY, *decision).exit_code == 0
    training = ["record", "HP-HAIAN", "training", "--evidence", str(swept), "--kind", "attendance"]
    first = rollout(*training, "--attendees", "25", "--on", "28/03/2023", "--as-of", "28/03/2023")
    assert first.exit_code == 0, first.output
    assert "25 of 42 officials is 60 %, below the 80 % needed (34)" in first.output
    second = rollout(*training, "--attendees", "9", "--on", "29/03/2023", "--as-of", "29/03/2023")
    assert "34 of 42 officials is 81 %, reaching the 80 % needed" in second.output
    assert "training closed" in second.output
