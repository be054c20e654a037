"""Verification and the gate that may require it; action items, their errors and reminders."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.assessment.action_items import (
    ItemFields,
    add_item,
    draft_items,
    edit_item,
    progress,
    unit_items,
)
from models.assessment.ratings import period_ratings, record_ratings, verify_ratings
from models.assessment.summary import summarise, unit_comparison
from models.kernel.database import write_session
from models.kernel.lookups import get_programme
from models.kernel.problems import InputError
from models.kernel.tables import (
    ActionItem,
    AuditEvent,
    IndicatorRating,
    PhaseRun,
    ReminderItem,
    Unit,
)
from models.programme.store import programme_calendar
from models.reminders.digests import unsent_digests
from models.reminders.outbox import enqueue
from tests.conftest import with_assessment
from tests.models.test_reconcile import CODES, run_of, sweep
from tests.models.test_store import load_and_plan

NOW = datetime(2023, 3, 1, 8, 0, tzinfo=UTC)
UNIT = "HP-HAIAN"


@pytest.fixture
def verified_pilot(engine, programme_dir):
    path = with_assessment(programme_dir, require_verification=True)
    load_and_plan(engine, path)
    return engine


@pytest.fixture
def pilot(engine, programme_dir):
    path = with_assessment(programme_dir, item_owner="Văn phòng UBND huyện", item_due_days=10)
    load_and_plan(engine, path)
    return engine


def finish(engine, unit: str, *phases: str) -> None:
    """Fast-forward: the phases done on their forecast due dates."""
    with write_session(engine) as session:
        runs = session.scalars(select(PhaseRun).join(Unit).where(Unit.code == unit))
        for run in runs:
            if run.phase in phases:
                run.status = "done"
                run.actual_start, run.actual_done = run.forecast_start, run.forecast_due


def rate(engine, ratings: dict[str, str], on: date, unit: str = UNIT, period: int = 2023):
    with write_session(engine) as session:
        programme = get_programme(session, None)
        record_ratings(session, programme, unit, period, ratings, on, "Tổ ISO", "t", NOW)


def verify(engine, decisions, on: date, verifier="Chi cục TĐC (minh họa)", unit=UNIT):
    with write_session(engine) as session:
        programme = get_programme(session, None)
        return verify_ratings(session, programme, unit, 2023, decisions, verifier, on, "t", NOW)


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(table))


# -- verification and the gate ------------------------------------------------------------------
def test_self_assessment_waits_for_the_verifier_where_the_programme_requires_one(verified_pilot):
    finish(verified_pilot, UNIT, "survey", "training")
    sweep(verified_pilot, date(2023, 4, 24))
    rate(verified_pilot, dict.fromkeys(CODES, "yellow"), date(2023, 5, 2))
    sweep(verified_pilot, date(2023, 5, 3))
    assert run_of(verified_pilot, UNIT, "self_assessment").status == "open"  # rated, unverified

    verify(verified_pilot, dict.fromkeys(CODES[:30]), date(2023, 5, 8))
    verify(verified_pilot, dict.fromkeys(CODES[30:]) | {"4.9": "red"}, date(2023, 5, 10))
    sweep(verified_pilot, date(2023, 5, 9))
    assert run_of(verified_pilot, UNIT, "self_assessment").status == "open"  # 30 of 39 by then
    sweep(verified_pilot, date(2023, 5, 11))
    run = run_of(verified_pilot, UNIT, "self_assessment")
    assert (run.status, run.actual_done) == ("done", date(2023, 5, 10))

    with Session(verified_pilot) as session:
        unit = session.scalars(select(Unit).where(Unit.code == UNIT)).one()
        row = period_ratings(session, unit.id, 2023)["4.9"]
    # both ratings are kept, with who verified and when
    assert (row.rating, row.verified_rating) == ("yellow", "red")
    assert (row.verifier, row.verified_on) == ("Chi cục TĐC (minh họa)", date(2023, 5, 10))


def test_without_the_requirement_the_unit_ratings_close_the_phase(pilot):
    finish(pilot, UNIT, "survey", "training")
    sweep(pilot, date(2023, 4, 24))
    rate(pilot, dict.fromkeys(CODES, "green"), date(2023, 5, 2))
    sweep(pilot, date(2023, 5, 3))
    assert run_of(pilot, UNIT, "self_assessment").status == "done"


def test_a_verified_rating_without_a_verifier_is_refused_and_nothing_is_written(pilot):
    rate(pilot, {"1.1": "red", "1.2": "green"}, date(2023, 5, 2))
    before = count(pilot, AuditEvent)
    with pytest.raises(InputError) as exc:
        verify(
            pilot, {"1.1": "green", "1.2": None, "1.3": None, "7.7": "red"}, date(2023, 5, 1), ""
        )
    messages = [str(p) for p in exc.value.problems]
    source = "verification of HP-HAIAN/2023"
    assert f"{source}: verifier: a verified rating needs the verifier; give --verifier" in messages
    assert f"{source}: 1.3: not rated by the unit for 2023; rate it first" in messages
    assert f"{source}: 7.7: not an indicator of the catalogue" in messages
    assert any("1.1: verified on 2023-05-01, before the unit rated it" in m for m in messages)
    assert count(pilot, AuditEvent) == before
    with Session(pilot) as session:
        assert (
            session.scalar(select(func.count()).where(IndicatorRating.verifier.is_not(None))) == 0
        )


def test_a_new_self_rating_needs_verifying_again(verified_pilot):
    rate(verified_pilot, {"1.1": "red", "1.2": "red"}, date(2023, 5, 2))
    verify(verified_pilot, {"1.1": "yellow", "1.2": None}, date(2023, 5, 3))
    rate(verified_pilot, {"1.1": "green", "1.2": "red"}, date(2023, 5, 4))
    with Session(verified_pilot) as session:
        rows = {r.indicator: r for r in session.scalars(select(IndicatorRating))}
    assert (rows["1.1"].rating, rows["1.1"].verified_rating, rows["1.1"].verifier) == (
        "green",
        None,
        None,
    )
    assert (rows["1.2"].verified_rating, rows["1.2"].verified_on) == ("red", date(2023, 5, 3))


# -- action items ---------------------------------------------------------------------------------
def draft(engine, unit=UNIT):
    with write_session(engine) as session:
        return draft_items(session, get_programme(session, None), unit, 2023, "t", NOW)


def items(engine, unit=UNIT) -> list[ActionItem]:
    with Session(engine) as session:
        unit_id = session.scalars(select(Unit.id).where(Unit.code == unit)).one()
        return unit_items(session, unit_id, 2023)


def test_an_item_per_red_or_yellow_indicator_with_the_programme_defaults(pilot):
    ratings = dict.fromkeys(CODES, "green") | {"1.1": "red", "2.3": "yellow", "4.9": "yellow"}
    rate(pilot, ratings, date(2023, 5, 2))
    verify(pilot, {"4.9": "green"}, date(2023, 5, 3))  # the verifier's rating counts
    assert draft(pilot) == {"drafted": 2, "kept": 0}
    drafted = items(pilot)
    assert [(i.indicator, i.rating, i.target) for i in drafted] == [
        ("1.1", "red", "green"),
        ("2.3", "yellow", "green"),
    ]
    assert drafted[0].task.startswith("Cải thiện chỉ số 1.1 - ")
    assert {i.owner for i in drafted} == {"Văn phòng UBND huyện"}
    opens = run_of(pilot, UNIT, "action_plan").forecast_start
    # 10 working days into the phase, its first day counted
    assert drafted[0].due > opens and drafted[0].due.weekday() < 5
    assert draft(pilot) == {"drafted": 0, "kept": 2}  # drafting again keeps the edits


def test_bad_items_are_refused_with_each_field_named(pilot):
    rate(pilot, {"1.1": "red"}, date(2023, 5, 2))
    draft(pilot)
    opens = run_of(pilot, UNIT, "action_plan").forecast_start
    with write_session(pilot) as session, pytest.raises(InputError) as exc:
        fields = ItemFields(task="Sổ tay chất lượng", owner="  ", due=date(2023, 1, 3))
        add_item(session, get_programme(session, None), UNIT, 2023, fields, "t", NOW)
    messages = [str(p) for p in exc.value.problems]
    assert any("owner: an action item needs an owner" in m for m in messages)
    assert any(
        f"due: 2023-01-03 is before the action_plan phase opens ({opens})" in m for m in messages
    )

    item = items(pilot)[0]
    with write_session(pilot) as session, pytest.raises(InputError) as exc:
        edit = ItemFields(due=date(2023, 9, 2), status="finished", target="blue")
        edit_item(session, get_programme(session, None), item.id, edit, "t", NOW)
    messages = [str(p) for p in exc.value.problems]
    assert any("2023-09-02 is not a working day" in m and "2023-09-05" in m for m in messages)
    assert any("'finished' is not a status" in m for m in messages)
    assert any("'blue' is not red, yellow or green" in m for m in messages)
    assert items(pilot)[0].due == item.due  # nothing written


def test_items_are_edited_added_dropped_and_their_progress_counted(pilot):
    rate(pilot, {"1.1": "red", "1.2": "yellow", "1.3": "yellow"}, date(2023, 5, 2))
    draft(pilot)
    first, second, _ = items(pilot)
    with write_session(pilot) as session:
        programme = get_programme(session, None)
        edit_item(session, programme, first.id, ItemFields(status="done"), "t", NOW)
        edit_item(session, programme, second.id, ItemFields(status="dropped", note="gộp"), "t", NOW)
        add_item(
            session,
            programme,
            UNIT,
            2023,
            ItemFields(task="Ban hành sổ tay", owner="Văn phòng", due_days=5),
            "t",
            NOW,
        )
    now = items(pilot)
    assert [i.status for i in now] == ["done", "dropped", "open", "open"]
    late = progress(now, date(2024, 1, 1))
    assert (late.counts["done"], late.total, late.overdue) == (1, 3, 2)
    assert late.done_share == pytest.approx(1 / 3)


def test_action_items_get_reminders_like_phases_until_done(pilot):
    finish(pilot, UNIT, "survey", "training", "self_assessment")
    rate(pilot, {"1.1": "red", "3.2": "yellow"}, date(2023, 5, 2))
    draft(pilot)
    sweep(pilot, run_of(pilot, UNIT, "action_plan").forecast_start)
    assert run_of(pilot, UNIT, "action_plan").status == "open"
    first, second = items(pilot)
    day = first.due  # on the due date: a reminder for each item, besides any of the phase
    with write_session(pilot) as session:
        programme = get_programme(session, None)
        unit_id = session.scalars(select(Unit.id).where(Unit.code == UNIT)).one()
        edit_item(session, programme, second.id, ItemFields(status="done"), "t", NOW)
        enqueue(session, programme, [unit_id], day, NOW)
        reminded = session.scalars(
            select(ReminderItem).where(ReminderItem.action_item_id.is_not(None))
        ).all()
        digests = unsent_digests(session, programme, day)
    assert [(r.action_item_id, r.rule, r.role) for r in reminded] == [(first.id, "due", "unit")]
    (digest,) = [d for d in digests.values() if d["role"] == "unit"]
    entry = next(e for e in digest["items"] if e.item == first.id)
    # Named by what it asks, not by its number in the database.
    named = entry.phase_vi.removeprefix("Phê duyệt và thực hiện chương trình hành động: “")
    assert first.task.startswith(named.rstrip("”…")) and len(named) <= 82
    assert "nhiệm vụ số" not in entry.phase_vi
    assert digest["recipient_name"] == "Ủy ban nhân dân quận Hải An"
    # The task is named once: in full in the title when it fits there, else in full below it.
    assert named == f"{first.task}”"
    assert entry.expected_vi == ("chỉ số 1.1 (phụ trách: Văn phòng UBND huyện; mục tiêu: Xanh)",)
    assert entry.due == first.due
    long_task = "Rà soát, chuẩn hóa toàn bộ quy trình tiếp nhận và trả kết quả hồ sơ " * 2
    with write_session(pilot) as session:
        programme = get_programme(session, None)
        edit_item(session, programme, first.id, ItemFields(task=long_task.strip()), "t", NOW)
        digests = unsent_digests(session, programme, day)
    (digest,) = [d for d in digests.values() if d["role"] == "unit"]
    entry = next(e for e in digest["items"] if e.item == first.id)
    assert entry.phase_vi.endswith("…”") and len(entry.phase_vi) < 140
    assert entry.expected_vi == (
        f"chỉ số 1.1: {long_task.strip()} (phụ trách: Văn phòng UBND huyện; mục tiêu: Xanh)",
    )


# -- scores over units and periods ----------------------------------------------------------------
def test_ranking_and_comparison_between_two_periods(pilot):
    rate(pilot, dict.fromkeys(CODES, "yellow"), date(2023, 5, 2))
    rate(pilot, dict.fromkeys(CODES, "green"), date(2023, 5, 2), unit="HP-TIENLANG")
    rate(
        pilot,
        dict.fromkeys(CODES, "yellow") | {"1.1": "green", "1.2": "red"},
        date(2024, 5, 2),
        period=2024,
    )
    with Session(pilot) as session:
        programme = get_programme(session, None)
        summary = summarise(session, programme, 2023, date(2023, 6, 1))
        unit = session.scalars(select(Unit).where(Unit.code == UNIT)).one()
        moved = unit_comparison(session, programme, unit, 2023, 2024)
    assert [(u.code, u.rank, u.index) for u in summary.units] == [
        ("HP-TIENLANG", 1, 100.0),
        (UNIT, 2, 50.0),
    ]
    assert summary.distribution["1"]["green"] == pytest.approx(0.5)
    assert (moved["improved"], moved["fell_back"]) == (["1.1"], ["1.2"])
    assert len(moved["unchanged"]) == 37
    assert moved["index_before"] == 50.0


def test_late_items_are_escalated_once_per_unit_not_once_per_item(pilot):
    finish(pilot, UNIT, "survey", "training", "self_assessment")
    rate(pilot, {"1.1": "red", "3.2": "yellow", "4.4": "red"}, date(2023, 5, 2))
    draft(pilot)
    sweep(pilot, run_of(pilot, UNIT, "action_plan").forecast_start)
    with write_session(pilot) as session:
        programme = get_programme(session, None)
        unit_id = session.scalars(select(Unit.id).where(Unit.code == UNIT)).one()
        late = programme_calendar(session, programme.id).shift(items(pilot)[0].due, 6)
        enqueue(session, programme, [unit_id], late, NOW)
        reminded = session.execute(
            select(ReminderItem.role, func.count())
            .where(ReminderItem.action_item_id.is_not(None))
            .group_by(ReminderItem.role)
        ).all()
    # each of the 3 items reminds the unit; the city and the coordinator hear once
    assert dict(reminded) == {"unit": 3, "parent": 1, "coordinator": 1}


def test_an_items_line_names_its_indicator_and_its_whole_task_only_when_it_has_them():
    from models.reminders.digests import _needed

    who = "phụ trách: Văn phòng; mục tiêu: Xanh"
    assert _needed("chỉ số", "1.1", None, who) == f"chỉ số 1.1 ({who})"
    assert _needed("chỉ số", "1.1", "Rà soát …", who) == f"chỉ số 1.1: Rà soát … ({who})"
    assert _needed("chỉ số", None, "Rà soát …", who) == f"Rà soát … ({who})"
    assert _needed("chỉ số", None, None, who) == "Phụ trách: Văn phòng; mục tiêu: Xanh"
