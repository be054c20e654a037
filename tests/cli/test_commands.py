"""The rollout command line through its runner, and as real processes."""

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from typer.testing import CliRunner

from cli.app import app
from config.settings import get_settings
from models.audit.chain import verify_chain
from models.kernel.database import make_engine
from models.kernel.tables import AuditEvent, PhaseRun, Unit

runner = CliRunner()
ROLLOUT = Path(sys.executable).with_name("rollout")


def rollout(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def counts() -> tuple[int, int, int]:
    with Session(make_engine(get_settings().engine_url)) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(t))
            for t in (Unit, PhaseRun, AuditEvent)
        )


def test_init_loads_and_plans_the_example(home, programme_dir, prefect_harness):
    result = rollout("init", str(programme_dir[0]), "--as-of", "2023-05-15")
    assert result.exit_code == 0, result.output
    assert "13 units added" in result.output and "12 planned" in result.output


def test_bad_input_exits_non_zero_names_the_place_and_writes_nothing(loaded):
    yaml_path, roster = loaded
    before = counts()
    roster.write_text(
        roster.read_text(encoding="utf-8") + "HP-DULE,Trùng mã,commune,HP-KIENTHUY,\n",
        encoding="utf-8",
    )
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace("2023-03-20", "2023-03-19"), encoding="utf-8"
    )
    result = rollout("init", str(yaml_path))
    assert result.exit_code == 2
    assert "2 problems found; nothing was written." in result.output
    assert f"{roster}:15: code: duplicate code 'HP-DULE' (first on line 14)" in result.output
    assert "waves[1].start: 2023-03-19 is not a working day (Chủ Nhật (weekend))" in result.output
    assert "Traceback" not in result.output
    assert counts() == before


def test_init_lists_the_problems_of_both_files_in_one_run(loaded):
    """A key the programme file does not know does not hide what is wrong in the roster."""
    yaml_path, roster = loaded
    before = counts()
    roster.write_text(
        roster.read_text(encoding="utf-8") + "HP-NEW,Xã Mới,village,HP-KIENTHUY,not-an-email\n",
        encoding="utf-8",
    )
    yaml_path.write_text(
        yaml_path.read_text(encoding="utf-8").replace("due_soon_days", "due_son_days"), "utf-8"
    )
    result = rollout("init", str(yaml_path))
    assert result.exit_code == 2
    assert "3 problems found; nothing was written." in result.stderr
    assert "due_son_days" in result.stderr and "did you mean 'due_soon_days'" in result.stderr
    assert f"{roster}:15: level: 'village' is not a level" in result.stderr
    assert f"{roster}:15: email: 'not-an-email' is not an e-mail address" in result.stderr
    assert counts() == before


def test_status_json_rows(loaded):
    result = rollout("status", "--as-of", "2023-05-15", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 60
    first = rows[0]
    assert {"unit", "phase", "status", "start", "due", "baseline_due", "slip_days"} <= set(first)
    assert (first["unit"], first["phase"], first["start"], first["due"]) == (
        "HP-HAIAN",
        "survey",
        "2023-03-06",
        "2023-03-24",
    )
    # Loaded, never swept: the engine has opened nothing, whatever the calendar says.
    assert {r["status"] for r in rows} == {"not_started"}
    assert "no sweep has run yet" in result.stderr


def test_status_shows_the_phases_the_sweep_opened_and_their_delay(loaded, tmp_path):
    assert rollout("sweep", "--as-of", "2023-05-15").exit_code == 0
    result = rollout("status", "--as-of", "2023-05-15", "--unit", "HP-HONGBANG", "--format", "json")
    rows = {r["phase"]: r for r in json.loads(result.stdout)}
    survey, training = rows["survey"], rows["training"]
    # The survey opened on 06/03 and is still unfinished: 33 working days past its due date.
    assert (survey["status"], survey["late_days"], survey["slip_days"]) == ("overdue", 33, 33)
    # Training waits for the survey: not started (not "overdue"), and pushed back as far.
    assert (training["status"], training["late_days"], training["slip_days"]) == (
        "not_started",
        0,
        33,
    )
    assert training["start"] > "2023-05-15"
    assert "no sweep" not in result.stderr
    report = tmp_path / "audit.csv"
    rollout("audit", "report", "--as-of", "2023-05-15", "--format", "csv", "--output", str(report))
    with report.open(encoding="utf-8-sig") as fh:
        audit = {r["phase"]: r for r in csv.DictReader(fh) if r["unit"] == "HP-HONGBANG"}
    assert (audit["survey"]["status"], audit["survey"]["late_days"]) == ("overdue", "33")
    assert audit["training"]["status"] == "not_started"


def test_status_csv_and_filters(loaded):
    result = rollout("status", "--unit", "HP-DULE", "--as-of", "2023-03-01", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["phase"] for r in rows] == [
        "survey",
        "training",
        "self_assessment",
        "action_plan",
        "reporting",
    ]
    assert {r["status"] for r in rows} == {"not_started"}
    assert rows[0]["unit_name"] == "Ủy ban nhân dân xã Du Lễ"


def test_status_table_and_gantt(loaded):
    table = rollout("status", "--programme", "HP-2023-PILOT", "--as-of", "2023-05-15")
    assert table.exit_code == 0
    assert "Tình hình đến ngày 15/05/2023" in table.stdout
    assert "12 đơn vị, 60 giai đoạn: 60 chưa bắt đầu, 0 đang thực hiện" in table.stdout
    assert "Trạng thái" in table.stdout and "status" not in table.stdout
    gantt = rollout("show", "HP-DANGLAM", "--as-of", "2023-05-15")
    assert gantt.exit_code == 0
    assert "Ủy ban nhân dân phường Đằng Lâm" in gantt.stdout
    assert "Tự đánh giá" in gantt.stdout and "█" in gantt.stdout and "│" in gantt.stdout


def test_tables_speak_english_only_in_english_mode(loaded, monkeypatch):
    monkeypatch.setenv("ROLLOUT_LANGUAGE", "en")
    get_settings.cache_clear()
    table = rollout("status", "--as-of", "15/05/2023", "--unit", "HP-DANGLAM")
    assert "HP-DANGLAM · Ủy ban nhân dân phường Đằng Lâm · status as of" in table.stdout
    assert "self_assessment" in table.stdout and "not_started" in table.stdout
    assert "1 units, 5 phase runs: 5 not_started" in table.stdout
    assert "Tình hình" not in table.stdout and "Trạng thái" not in table.stdout
    listed = rollout("docs", "types")
    assert "Decision" in listed.stdout and "Quyết định" not in listed.stdout


def test_unknown_things_get_one_clear_message(loaded, tmp_path):
    result = rollout("show", "NOPE")
    assert result.exit_code == 1
    assert "no unit 'NOPE' in the roster of HP-2023-PILOT" in result.output
    result = rollout("show", "HP")
    assert "is in no wave" in result.output
    result = rollout("status", "--programme", "XX")
    assert result.exit_code == 1 and "(loaded: HP-2023-PILOT)" in result.output
    # One lookup for every command: a mistyped unit exits 1 and the closest codes are offered.
    answers = tmp_path / "answers.pdf"
    answers.write_bytes(b"%PDF-1.4")
    for command in (
        ("show", "HP-HAIANN"),
        ("status", "--unit", "HP-HAIANN"),
        ("record", "HP-HAIANN", "survey", "--evidence", str(answers)),
        ("reopen", "HP-HAIANN", "survey", "--reason", "typo"),
        ("docs", "list", "--unit", "HP-HAIANN"),
        ("docs", "generate", "--unit", "HP-HAIANN"),
        ("assess", "form", "HP-HAIANN"),
        ("assess", "verify", "HP-HAIANN", "--all", "--verifier", "V"),
        ("actions", "draft", "HP-HAIANN"),
        ("actions", "list", "--unit", "HP-HAIANN"),
        ("calendar", "export", "--unit", "HP-HAIANN"),
    ):
        result = rollout(*command)
        assert result.exit_code == 1, (command, result.output)
        assert "no unit 'HP-HAIANN'" in result.output, command
        assert "did you mean HP-HAIAN?" in " ".join(result.output.split()), command
    result = rollout("sweep", "--programme", "hp-2023-pilot-x")
    assert result.exit_code == 1 and "did you mean HP-2023-PILOT?" in result.output


def test_codes_are_matched_ignoring_case(loaded):
    result = rollout("show", "hp-danglam", "--as-of", "2023-05-15")
    assert result.exit_code == 0, result.output
    assert "Ủy ban nhân dân phường Đằng Lâm" in result.output
    result = rollout("status", "--programme", "hp-2023-pilot", "--unit", "Hp-DangLam")
    assert result.exit_code == 0 and "HP-DANGLAM" in result.output


def test_status_before_init_says_what_to_do(home):
    result = rollout("status")
    assert result.exit_code == 1
    assert "run `rollout init PROGRAMME.yaml` first" in result.output


def test_plan_command_replans(loaded):
    result = rollout("plan", "--as-of", "2023-05-16")
    assert result.exit_code == 0
    assert "12 unchanged (HP-2023-PILOT)" in result.output


def test_reading_commands_do_not_import_prefect(loaded):
    code = (
        "import sys; from typer.testing import CliRunner; from cli.app import app; "
        "r = CliRunner().invoke(app, ['status', '--format', 'json']); "
        "assert r.exit_code == 0, r.output; "
        "r = CliRunner().invoke(app, ['show', 'HP-HAIAN']); "
        "assert r.exit_code == 0, r.output; "
        "r = CliRunner().invoke(app, ['audit', 'verify']); "
        "assert r.exit_code == 0, r.output; "
        "r = CliRunner().invoke(app, ['audit', 'report', '--format', 'csv']); "
        "assert r.exit_code == 0, r.output; "
        "print('prefect' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ
    )
    assert done.stdout.strip() == "False", done.stderr


def test_two_init_commands_at_once_both_succeed(home, programme_dir, tmp_path):
    """Two real processes, each with its own embedded Prefect server, on one database."""
    env = os.environ | {"PREFECT_HOME": str(tmp_path / "prefect-cli")}
    env.pop("PREFECT_API_URL", None)
    procs = [
        subprocess.Popen(
            [str(ROLLOUT), "init", str(programme_dir[0]), "--as-of", "2023-05-15"],
            env=env | {"ROLLOUT_ACTOR": who},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for who in ("first", "second")
    ]
    outputs = [p.communicate(timeout=240)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert sorted("13 units added" in out for out in outputs) == [False, True]
    assert counts()[:2] == (13, 60)
    with Session(make_engine(get_settings().engine_url)) as session:
        assert verify_chain(session) == []


def test_long_status_tables_summarise_per_wave_unless_asked_for_all(loaded, monkeypatch):
    monkeypatch.setattr("cli.app.LONG_TABLE", 20)
    result = rollout("status", "--as-of", "2023-05-15")
    assert result.exit_code == 0
    assert "60 phase runs, summarised per wave and phase" in result.output
    assert "Đợt 1 - UBND quận, huyện · 15/05/2023" in result.output
    assert "HP-HAIAN" not in result.output
    result = rollout("status", "--as-of", "2023-05-15", "--all")
    assert "HP-HAIAN" in result.output and "summarised" not in result.output


def test_an_unexpected_failure_is_one_line_with_the_details_kept(loaded, monkeypatch, capsys):
    from cli import app as cli

    def broken(*_args, **_kw):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("services.programmes.status_rows", broken)
    monkeypatch.setattr(sys, "argv", ["rollout", "status"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 1
    message = capsys.readouterr().err
    assert "RuntimeError: disk on fire" in message and "Traceback" not in message
    (log,) = (get_settings().home / "logs").glob("crash-*.log")
    assert "Traceback" in log.read_text(encoding="utf-8")


def test_a_malformed_database_url_is_named(home, monkeypatch):
    monkeypatch.setenv("ROLLOUT_DATABASE_URL", "bogus://")
    get_settings.cache_clear()
    result = rollout("status")
    assert result.exit_code == 2
    assert "ROLLOUT_DATABASE_URL='bogus://' is not a database URL" in result.output


def test_help_speaks_plainly_and_the_version_is_one_flag_away(monkeypatch):
    import typer.testing

    from cli.common import plain_help

    made = typer.testing._get_command

    def as_the_console_script_runs_it(typer_app):
        command = made(typer_app)
        plain_help(command)
        return command

    monkeypatch.setattr(typer.testing, "_get_command", as_the_console_script_runs_it)
    command = app
    shown = runner.invoke(command, ["docs", "generate", "--help"], terminal_width=120).output
    assert "[vi|en]" in shown and "[survey|training|self_asses" in shown  # the choices
    assert "DATE" in shown and "<str>" not in shown and "<bool>" not in shown
    assert "list[" not in shown
    version = runner.invoke(command, ["--version"])
    assert version.exit_code == 0 and version.output.startswith("rollout ")
    shown = runner.invoke(command, ["record", "--help"], terminal_width=120).output
    assert "<survey|training|self_assessm" in shown
    assert "Examples:" in shown and "rollout record HP-HAIAN survey --evidence" in shown
    mistyped = runner.invoke(command, ["record", "HP-HAIAN", "surveys", "--evidence", "x"])
    assert mistyped.exit_code == 2 and "'surveys' is not one of" in mistyped.output


def test_every_command_has_an_example_that_parses():
    """Each example names a real command and only options and arguments it takes."""
    import shlex

    import typer

    from cli.common import plain_help
    from cli.examples import EXAMPLES

    root = typer.main.get_command(app)
    plain_help(root)
    leaves = {}

    def walk(command, path=""):
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())
        if not getattr(command, "commands", None):
            leaves[path] = command

    walk(root)
    assert set(EXAMPLES) == set(leaves)
    for path, command in leaves.items():
        assert command.epilog and "rollout " + path in command.epilog, path
        for example in EXAMPLES[path]:
            words = shlex.split(example.split(" > ")[0])
            words = words[words.index("rollout") + 1 + len(path.split()) :]
            context = command.make_context("rollout", words, resilient_parsing=True)
            assert not context.args, f"{example}: {context.args} left over"


def test_dates_are_taken_either_way(loaded):
    iso = rollout("status", "--as-of", "2023-05-15", "--format", "csv").stdout
    vietnamese = rollout("status", "--as-of", "15/05/2023", "--format", "csv").stdout
    assert iso == vietnamese and iso.count("\n") == 61


def test_a_mistyped_key_in_the_programme_file_gets_the_closest_one(home, programme_dir):
    path = programme_dir[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "due_son_days: 3\n", encoding="utf-8")
    result = rollout("init", str(path))
    assert result.exit_code == 2
    assert "due_son_days: unknown key; did you mean 'due_soon_days'?" in result.output
