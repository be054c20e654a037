"""The production path: the same migrations, store and planner on PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.audit.chain import verify_chain
from models.kernel.database import make_engine, migrate
from models.kernel.tables import PhaseRun
from models.phases.status import status_rows
from tests.conftest import PG_SERVER as SERVER
from tests.conftest import fresh_pg_database
from tests.models.test_store import bodies_survive_the_move_and_back, load_and_plan

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url():
    """A fresh database on the local PostgreSQL server, dropped afterwards."""
    with fresh_pg_database() as name:
        yield f"{SERVER}/{name}"


def test_init_plan_and_status_on_postgresql(pg_url, programme_dir):
    engine = make_engine(pg_url)
    migrate(engine)
    migrate(engine)  # idempotent
    stored, planned = load_and_plan(engine, programme_dir[0])
    assert (stored["added"], planned["planned"]) == (13, 12)
    _, planned = load_and_plan(engine, programme_dir[0])
    assert planned["unchanged"] == 12
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PhaseRun)) == 60
        assert verify_chain(session) == []
    from tests.models.test_reconcile import sweep

    sweep(engine, date(2023, 5, 15))  # opens every survey; nothing was handed in
    with Session(engine) as session:
        assert verify_chain(session) == []
        rows = status_rows(session, date(2023, 5, 15), unit_code="HP-DANGLAM")
    assert [r.status for r in rows] == ["overdue", *["not_started"] * 4]
    assert rows[0].late_days == rows[0].slip_days == 23
    assert rows[0].unit_name == "Ủy ban nhân dân phường Đằng Lâm"
    engine.dispose()


def test_phases_and_the_reminder_outbox_on_postgresql(pg_url, programme_dir):
    from datetime import UTC, datetime

    from models.kernel.database import write_session
    from models.kernel.lookups import get_programme
    from models.kernel.tables import OutboxMessage, ReminderItem
    from models.phases.schedule import unit_batches
    from models.reminders.digests import unsent_digests
    from models.reminders.outbox import enqueue, save_messages
    from tests.models.test_reconcile import sweep

    engine = make_engine(pg_url)
    migrate(engine)
    load_and_plan(engine, programme_dir[0])
    sweep(engine, date(2023, 3, 6))
    assert sweep(engine, date(2023, 3, 27))["survey"]["overdue"] == 6
    now = datetime.now(UTC)
    for _ in range(2):  # the second pass finds every key already there
        with write_session(engine) as session:
            programme = get_programme(session, None)
            for ids in unit_batches(session, programme, 5):
                enqueue(session, programme, ids, date(2023, 3, 31), now)
            digests = unsent_digests(session, programme, date(2023, 3, 31))
            rendered = [(d, "s", "t", "h") for d in digests.values()]
            save_messages(session, programme, date(2023, 3, 31), rendered, now)
    with Session(engine) as session:
        messages = session.scalar(select(func.count()).select_from(OutboxMessage))
        unlinked = session.scalar(
            select(func.count()).select_from(ReminderItem).where(ReminderItem.message_id.is_(None))
        )
        assert verify_chain(session) == []
    # 12 units reminded, plus the city (parent of wave 1) and the coordinator escalated to.
    assert (messages, unlinked) == (14, 0)
    engine.dispose()


def test_documents_are_versioned_once_each_by_concurrent_writers_on_postgresql(
    pg_url, programme_dir, home
):
    from datetime import UTC, datetime

    from models.documents.types import types_of_phase
    from models.kernel.database import write_session
    from models.kernel.lookups import get_programme
    from models.kernel.tables import GeneratedDocument, Unit
    from services.drafting import draft_unit_documents
    from tests.concurrent_writers import draft_reports_concurrently

    engine = make_engine(pg_url)
    migrate(engine)
    load_and_plan(engine, programme_dir[0])
    days = [date(2023, 4, d) for d in (3, 4, 5, 6, 7, 10, 11, 12)]
    assert draft_reports_concurrently(engine, days) == []
    with write_session(engine) as session:
        programme = get_programme(session, "HP-2023-PILOT")
        ids = session.scalars(select(Unit.id).where(Unit.wave_id.is_not(None))).all()
        counts = draft_unit_documents(
            session,
            programme,
            list(ids),
            types_of_phase("survey"),
            "vi",
            date(2023, 3, 6),
            datetime.now(UTC),
            only_new=False,
        )
    assert (counts["new"], counts["unchanged"]) == (36, 0)
    with Session(engine) as session:
        reports = session.scalars(
            select(GeneratedDocument.version).where(
                GeneratedDocument.doc_type == "programme_report"
            )
        ).all()
        plans = session.scalars(
            select(GeneratedDocument.number_symbol).where(
                GeneratedDocument.doc_type == "implementation_plan"
            )
        ).all()
        assert verify_chain(session) == []
    assert sorted(reports) == list(range(1, len(days) + 1))
    assert set(plans) == {None}  # drafts: the clerk numbers each once it is signed
    engine.dispose()


def test_verification_gate_and_action_item_reminders_on_postgresql(pg_url, programme_dir):
    from datetime import UTC, datetime

    from models.kernel.database import write_session
    from models.kernel.lookups import get_programme
    from models.kernel.tables import ReminderItem, Unit
    from models.reminders.outbox import enqueue
    from tests.conftest import with_assessment
    from tests.models.test_action_programme import (
        UNIT,
        draft,
        finish,
        items,
        rate,
        verify,
    )
    from tests.models.test_reconcile import CODES, run_of, sweep

    engine = make_engine(pg_url)
    migrate(engine)
    load_and_plan(engine, with_assessment(programme_dir, require_verification=True))
    finish(engine, UNIT, "survey", "training")
    sweep(engine, date(2023, 4, 24))
    rate(engine, dict.fromkeys(CODES, "yellow"), date(2023, 5, 2))
    sweep(engine, date(2023, 5, 3))
    assert run_of(engine, UNIT, "self_assessment").status == "open"
    verify(engine, dict.fromkeys(CODES) | {"1.1": "red"}, date(2023, 5, 4))
    sweep(engine, date(2023, 5, 5))
    assert run_of(engine, UNIT, "self_assessment").actual_done == date(2023, 5, 4)

    assert draft(engine)["drafted"] == 39
    sweep(engine, run_of(engine, UNIT, "action_plan").forecast_start)
    due = items(engine)[0].due
    with write_session(engine) as session:
        programme = get_programme(session, None)
        unit_id = session.scalars(select(Unit.id).where(Unit.code == UNIT)).one()
        enqueue(session, programme, [unit_id], due, datetime.now(UTC))
    with Session(engine) as session:
        reminded = session.scalar(
            select(func.count()).where(ReminderItem.action_item_id.is_not(None))
        )
        assert verify_chain(session) == []
    assert reminded == 39  # one "due" reminder per open item, to the unit
    engine.dispose()


def test_outbox_bodies_survive_the_move_on_postgresql(pg_url, programme_dir):
    engine = make_engine(pg_url)
    bodies_survive_the_move_and_back(engine, programme_dir)
    engine.dispose()
