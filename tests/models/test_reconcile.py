"""Reconciling phases from recorded facts: open, close, overdue, finish-to-start, atomic."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.assessment.ratings import record_ratings
from models.audit.chain import verify_chain
from models.kernel.database import write_session
from models.kernel.lookups import get_programme
from models.kernel.problems import InputError
from models.kernel.tables import AuditEvent, Evidence, PhaseRun, Unit
from models.kernel.vocabulary import PHASES
from models.phases.evidence import Recording, record, reopen
from models.phases.reconcile import reconcile_phase
from tests.conftest import with_assessment
from tests.models.test_store import load_and_plan

NOW = datetime(2023, 3, 1, 8, 0, tzinfo=UTC)
CODES = [f"{p}.{i}" for p, n in ((1, 10), (2, 8), (3, 12), (4, 9)) for i in range(1, n + 1)]


@pytest.fixture
def pilot(engine, programme_dir):
    load_and_plan(engine, programme_dir[0])
    return engine


def sweep(engine, as_of: date) -> dict[str, dict[str, int]]:
    """Every phase, in order, over all units in one batch per phase."""
    result = {}
    for phase in PHASES:
        with write_session(engine) as session:
            programme = get_programme(session, None)
            ids = list(session.scalars(select(Unit.id).where(Unit.wave_id.is_not(None))))
            result[phase] = reconcile_phase(session, programme, phase, ids, as_of, "t", NOW)
    return result


def put(engine, tmp_path, unit, phase, kind, dated, as_of=None, **kw):
    """Record a file (made up on the spot) or, with decision=, a decision."""
    if "decision" not in kw:
        path = tmp_path / f"{unit}-{phase}-{kind}-{dated}.txt"
        path.write_text(f"minh chứng minh họa {unit} {kind}", encoding="utf-8")
        kw["file"] = path
    rec = Recording(unit, phase, dated, "Chi cục TĐC", kind, **kw)
    with write_session(engine) as session:
        programme = get_programme(session, None)
        return record(session, programme, rec, as_of or dated, tmp_path / "store", "t", NOW)


def hand_in_survey(engine, tmp_path, answered: date, decided: date, number: str) -> None:
    """HP-HAIAN hands in its survey answers, and its steering-committee decision is recorded."""
    put(engine, tmp_path, "HP-HAIAN", "survey", "survey_answers", answered)
    put(engine, tmp_path, "HP-HAIAN", "survey", "steering_committee", decided, decision=number)


def run_of(engine, unit: str, phase: str) -> PhaseRun:
    with Session(engine) as session:
        return session.scalars(
            select(PhaseRun).join(Unit).where(Unit.code == unit, PhaseRun.phase == phase)
        ).one()


def events(engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def test_phases_open_on_their_start_and_close_when_criteria_are_met(pilot, tmp_path):
    assert sweep(pilot, date(2023, 3, 3))["survey"]["opened"] == 0
    assert sweep(pilot, date(2023, 3, 6))["survey"]["opened"] == 6  # wave 1 only
    hand_in_survey(pilot, tmp_path, date(2023, 3, 15), date(2023, 3, 17), "Số 12/QĐ-UBND")
    result = sweep(pilot, date(2023, 3, 20))
    assert result["survey"]["closed"] == 1
    survey, training = run_of(pilot, "HP-HAIAN", "survey"), run_of(pilot, "HP-HAIAN", "training")
    assert (survey.status, survey.actual_done) == ("done", date(2023, 3, 17))
    # Finished early: training keeps its booked start, and opens on it, not before.
    assert (training.status, training.forecast_start) == ("planned", date(2023, 3, 27))
    assert run_of(pilot, "HP-HONGBANG", "training").status == "planned"
    sweep(pilot, date(2023, 3, 27))
    assert run_of(pilot, "HP-HAIAN", "training").status == "open"
    assert run_of(pilot, "HP-HONGBANG", "training").status == "planned"  # survey not done


def test_a_second_sweep_on_the_same_day_changes_nothing(pilot, tmp_path):
    sweep(pilot, date(2023, 3, 28))
    before = events(pilot)
    again = sweep(pilot, date(2023, 3, 28))
    assert all(c["opened"] == c["closed"] == c["overdue"] == 0 for c in again.values())
    assert events(pilot) == before
    # Every planned unit counts once per phase, whether it is open, done or not yet due; a
    # unit taken out of the roster is not swept at all.
    assert {p: c["unchanged"] for p, c in again.items()} == dict.fromkeys(PHASES, 12)
    with write_session(pilot) as session:
        session.scalars(select(Unit).where(Unit.code == "HP-HAIAN")).one().in_roster = False
    later = sweep(pilot, date(2023, 4, 3))
    assert {p: c["unchanged"] for p, c in later.items()} == dict.fromkeys(PHASES, 11)


def test_overdue_then_a_late_close_moves_the_later_phases(pilot, tmp_path):
    sweep(pilot, date(2023, 3, 6))
    assert sweep(pilot, date(2023, 3, 27))["survey"]["overdue"] == 6
    assert run_of(pilot, "HP-HAIAN", "survey").status == "overdue"
    hand_in_survey(pilot, tmp_path, date(2023, 3, 28), date(2023, 3, 29), "15/QĐ-UBND")
    sweep(pilot, date(2023, 3, 30))
    training = run_of(pilot, "HP-HAIAN", "training")
    assert (training.status, training.actual_start) == ("open", date(2023, 3, 30))
    assert training.baseline_start == date(2023, 3, 27)
    with Session(pilot) as session:
        closed = session.scalars(
            select(AuditEvent.payload).where(AuditEvent.action == "phase.closed")
        ).one()
    assert '"late_days": 3' in closed


def test_a_failure_mid_batch_leaves_every_run_as_it_was_and_a_rerun_finishes(pilot, monkeypatch):
    sweep(pilot, date(2023, 3, 6))
    before = events(pilot)
    import models.phases.reconcile as reconcile

    real, calls = reconcile.completion_date, []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("power cut")
        return real(*args)

    monkeypatch.setattr(reconcile, "completion_date", flaky)
    with pytest.raises(RuntimeError):
        sweep(pilot, date(2023, 3, 27))
    assert events(pilot) == before
    with Session(pilot) as session:
        statuses = set(session.scalars(select(PhaseRun.status).where(PhaseRun.phase == "survey")))
    assert statuses == {"open", "planned"}
    monkeypatch.setattr(reconcile, "completion_date", real)
    assert sweep(pilot, date(2023, 3, 27))["survey"]["overdue"] == 6


@pytest.fixture
def unverified_pilot(engine, programme_dir):
    """The worked example without its requirement that a verifier confirm the ratings."""
    load_and_plan(engine, with_assessment(programme_dir, require_verification=False))
    return engine


def test_self_assessment_closes_when_every_indicator_is_rated(unverified_pilot):
    pilot = unverified_pilot
    with write_session(pilot) as session:
        runs = session.scalars(select(PhaseRun).join(Unit).where(Unit.code == "HP-HAIAN"))
        for run in runs:  # fast-forward: the first two phases done on their due dates
            if run.phase in ("survey", "training"):
                run.status, run.actual_start, run.actual_done = (
                    "done",
                    run.forecast_start,
                    run.forecast_due,
                )
    sweep(pilot, date(2023, 4, 24))
    assert run_of(pilot, "HP-HAIAN", "self_assessment").status == "open"
    with write_session(pilot) as session:
        programme = get_programme(session, None)
        ratings = dict.fromkeys(CODES[:38], "yellow")
        record_ratings(
            session, programme, "HP-HAIAN", 2023, ratings, date(2023, 5, 2), "Tổ ISO", "t", NOW
        )
    sweep(pilot, date(2023, 5, 3))
    assert run_of(pilot, "HP-HAIAN", "self_assessment").status == "open"
    with write_session(pilot) as session:
        record_ratings(
            session,
            get_programme(session, None),
            "HP-HAIAN",
            2023,
            {"4.9": "red"},
            date(2023, 5, 4),
            "Tổ ISO",
            "t",
            NOW,
        )
    sweep(pilot, date(2023, 5, 5))
    run = run_of(pilot, "HP-HAIAN", "self_assessment")
    assert (run.status, run.actual_done) == ("done", date(2023, 5, 4))


def test_ratings_must_be_colours_of_catalogue_indicators(pilot):
    with write_session(pilot) as session, pytest.raises(InputError) as exc:
        record_ratings(
            session,
            get_programme(session, None),
            "HP-HAIAN",
            2023,
            {"1.1": "blue", "9.9": "red"},
            date(2023, 5, 2),
            "x",
            "t",
            NOW,
        )
    messages = [str(p) for p in exc.value.problems]
    assert "ratings: 1.1: 'blue' is not red, yellow or green" in messages
    assert "ratings: 9.9: not an indicator of the catalogue" in messages


def test_reopen_voids_evidence_reverts_later_phases_and_keeps_everything(pilot, tmp_path):
    sweep(pilot, date(2023, 3, 6))
    hand_in_survey(pilot, tmp_path, date(2023, 3, 15), date(2023, 3, 17), "Số 12/QĐ-UBND")
    sweep(pilot, date(2023, 3, 27))
    assert run_of(pilot, "HP-HAIAN", "training").status == "open"
    with write_session(pilot) as session:
        reopen(
            session,
            get_programme(session, None),
            "HP-HAIAN",
            "survey",
            "Quyết định ghi sai số",
            date(2023, 3, 28),
            "t",
            NOW,
        )
    survey, training = run_of(pilot, "HP-HAIAN", "survey"), run_of(pilot, "HP-HAIAN", "training")
    assert (survey.status, survey.actual_done) == ("overdue", None)
    assert (training.status, training.actual_start) == ("planned", None)
    with Session(pilot) as session:
        kept = session.scalars(select(Evidence.void).where(Evidence.phase_run_id == survey.id))
        assert list(kept) == [True, True]
        assert verify_chain(session) == []
    assert (
        sweep(pilot, date(2023, 3, 28))["survey"]["closed"] == 0
    )  # voided evidence no longer counts
    hand_in_survey(pilot, tmp_path, date(2023, 3, 28), date(2023, 3, 28), "Số 13/QĐ-UBND")
    assert sweep(pilot, date(2023, 3, 29))["survey"]["closed"] == 1


def test_reopen_refuses_what_is_not_done_and_asks_for_a_reason(pilot):
    sweep(pilot, date(2023, 3, 6))
    with write_session(pilot) as session, pytest.raises(InputError) as exc:
        reopen(
            session,
            get_programme(session, None),
            "HP-HAIAN",
            "survey",
            " ",
            date(2023, 3, 7),
            "t",
            NOW,
        )
    messages = " | ".join(str(p) for p in exc.value.problems)
    assert "--reason: say why" in messages and "is open, not done" in messages


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"phase": "surveys"}, "'surveys' is not a phase"),
        ({"phase": "training"}, "training of HP-HAIAN is not open yet (planned from 2023-03-27)"),
        ({"dated": date(2023, 3, 3)}, "2023-03-03 is before the phase opened on 2023-03-06"),
        ({"dated": date(2023, 3, 20)}, "2023-03-20 is after 2023-03-10 (--as-of)"),
        (
            {"kind": "photos"},
            "'photos' is not a evidence kind of survey; use one of other, survey_answers",
        ),
        ({"file": "missing"}, "evidence file not found"),
        ({"file": "empty"}, "evidence file is empty"),
        ({"decision": "Quyết định thành lập", "kind": "steering_committee"}, "has no number"),
    ],
)
def test_bad_records_name_the_problem_and_write_nothing(pilot, tmp_path, args, message):
    sweep(pilot, date(2023, 3, 6))
    before = events(pilot)
    good = tmp_path / "ok.pdf"
    good.write_bytes(b"%PDF minh hoa")
    files = {"missing": tmp_path / "nope.pdf", "empty": tmp_path / "empty.pdf"}
    files["empty"].touch()
    fields = {
        "unit": "HP-HAIAN",
        "phase": "survey",
        "dated": date(2023, 3, 8),
        "kind": "survey_answers",
        "file": good,
    } | args
    if isinstance(fields["file"], str):
        fields["file"] = files[fields["file"]]
    if "decision" in fields:
        fields["file"] = None
    rec = Recording(by="x", **fields)
    with write_session(pilot) as session, pytest.raises(InputError) as exc:
        record(
            session, get_programme(session, None), rec, date(2023, 3, 10), tmp_path / "s", "t", NOW
        )
    assert message in str(exc.value)
    assert events(pilot) == before
    assert not (tmp_path / "s").exists()


def test_the_evidence_store_keeps_one_read_only_copy_per_content(pilot, tmp_path):
    sweep(pilot, date(2023, 3, 6))
    a = put(pilot, tmp_path, "HP-HAIAN", "survey", "survey_answers", date(2023, 3, 8))
    b = put(pilot, tmp_path, "HP-HAIAN", "survey", "survey_answers", date(2023, 3, 8))
    assert a.sha256 == b.sha256 and a.id != b.id
    blobs = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert len(blobs) == 1 and blobs[0].name == a.sha256
    assert not blobs[0].stat().st_mode & 0o222
