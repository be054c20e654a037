"""Storing and planning on a real SQLite file: idempotent, audited, never half written."""

import multiprocessing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from models.audit.chain import verify_chain
from models.kernel.database import make_engine, migrate, write_session
from models.kernel.lookups import get_programme
from models.kernel.tables import AuditEvent, PhaseRun, Unit
from models.phases.schedule import plan_units, unit_batches
from models.phases.status import status_rows
from models.programme.file import load_programme
from models.programme.store import store_programme

NOW = datetime(2023, 3, 1, 8, 0, tzinfo=UTC)


def load_and_plan(engine, path: Path, actor: str = "tester", **kw) -> tuple[dict, dict]:
    spec = load_programme(path)
    with write_session(engine) as session:
        stored = store_programme(session, spec, actor, NOW)
    totals: dict[str, int] = {}
    with write_session(engine) as session:
        programme = get_programme(session, spec.code)
        for batch in unit_batches(session, programme, size=5):
            for k, v in plan_units(session, programme, batch, actor, NOW, **kw).items():
                totals[k] = totals.get(k, 0) + v
    return stored, totals


def count(engine, what) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(what))


def actions(engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_loading_twice_changes_nothing_the_second_time(engine, programme_dir):
    stored, planned = load_and_plan(engine, programme_dir[0])
    assert (stored["added"], planned["planned"]) == (13, 12)
    events = count(engine, AuditEvent)
    stored, planned = load_and_plan(engine, programme_dir[0])
    assert stored == {
        "programme": "HP-2023-PILOT",
        "units": 13,
        "added": 0,
        "updated": 0,
        "removed": 0,
        "events": 0,
    }
    assert planned == {"planned": 0, "replanned": 0, "rebaselined": 0, "unchanged": 12}
    assert count(engine, AuditEvent) == events
    assert (count(engine, Unit), count(engine, PhaseRun)) == (13, 60)


def test_a_changed_roster_updates_rows_and_audits_each_change(engine, programme_dir):
    yaml_path, roster = programme_dir
    load_and_plan(engine, yaml_path)
    text = roster.read_text(encoding="utf-8")
    text = text.replace("ubnd@dule.kienthuy.haiphong.example", "dule@kienthuy.example")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("HP-THUYSON,"))
    text += "\nHP-KIENAN,Ủy ban nhân dân quận Kiến An,district,HP,,\n"
    roster.write_text(text, encoding="utf-8")
    yaml_text = yaml_path.read_text(encoding="utf-8").replace(" HP-THUYSON,", "")
    yaml_path.write_text(yaml_text.replace("HP-KIENTHUY]", "HP-KIENTHUY, HP-KIENAN]"), "utf-8")

    stored, planned = load_and_plan(engine, yaml_path)
    assert (stored["added"], stored["updated"], stored["removed"]) == (1, 1, 1)
    assert planned["planned"] == 1
    assert actions(engine)[-4:-1] == ["unit.updated", "unit.added", "unit.removed"]
    assert count(engine, Unit) == 14  # the removed unit is kept, with its history
    with Session(engine) as session:
        assert session.scalar(select(Unit.email).where(Unit.code == "HP-DULE")) == (
            "dule@kienthuy.example"
        )
        rows = status_rows(session, date(2023, 4, 1))
    assert "HP-THUYSON" not in {r.unit for r in rows} and "HP-KIENAN" in {r.unit for r in rows}
    assert verify_chain(Session(engine)) == []


def test_a_late_finish_replans_forecasts_and_keeps_the_baseline(engine, programme_dir):
    load_and_plan(engine, programme_dir[0])
    with write_session(engine) as session:
        session.execute(
            update(PhaseRun)
            .where(PhaseRun.phase == "survey")
            .where(
                PhaseRun.unit_id == select(Unit.id).where(Unit.code == "HP-HAIAN").scalar_subquery()
            )
            .values(actual_start=date(2023, 3, 6), actual_done=date(2023, 3, 30))
        )
    _, planned = load_and_plan(engine, programme_dir[0])
    assert planned == {"planned": 0, "replanned": 1, "rebaselined": 0, "unchanged": 11}
    assert actions(engine)[-1] == "plan.forecast"
    with Session(engine) as session:
        rows = status_rows(session, date(2023, 4, 3), unit_code="HP-HAIAN")
    survey, training = rows[0], rows[1]
    assert (survey.status, survey.baseline_due, survey.slip_days) == ("done", date(2023, 3, 24), 4)
    assert training.baseline_start == date(2023, 3, 27) and training.start == date(2023, 3, 31)
    assert all(r.slip_days == 4 for r in rows)

    _, planned = load_and_plan(engine, programme_dir[0], rebaseline=True)
    assert planned["rebaselined"] == 1
    with Session(engine) as session:
        rows = status_rows(session, date(2023, 4, 3), unit_code="HP-HAIAN")
    assert all(r.slip_days == 0 for r in rows) and rows[1].baseline_start == date(2023, 3, 31)


def test_a_failed_batch_writes_nothing(engine, programme_dir):
    spec = load_programme(programme_dir[0])
    with pytest.raises(RuntimeError), write_session(engine) as session:
        store_programme(session, spec, "tester", NOW)
        raise RuntimeError("power cut")
    assert count(engine, Unit) == count(engine, AuditEvent) == 0


def test_tampering_is_detected(engine, programme_dir):
    load_and_plan(engine, programme_dir[0])
    with write_session(engine) as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 5).values(payload="{}"))
    with Session(engine) as session:
        assert verify_chain(session) == ["event 5 (unit.added HP-2023-PILOT/HP-HAIAN) was changed"]


def _load_in_process(url: str, path: str, actor: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    load_and_plan(engine, Path(path), actor)


def test_two_processes_at_once_neither_corrupt_nor_lock_out(home, programme_dir):
    url = f"sqlite:///{home / 'rollout.db'}"
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_load_in_process, args=(url, str(programme_dir[0]), who))
        for who in ("first", "second")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    engine = make_engine(url)
    assert (count(engine, Unit), count(engine, PhaseRun)) == (13, 60)
    with Session(engine) as session:
        assert verify_chain(session) == []
        assert (
            session.scalar(select(func.count()).where(AuditEvent.action == "plan.baseline")) == 12
        )


def test_the_schema_head_constant_is_alembics_head(engine):
    from alembic.script import ScriptDirectory

    from models.kernel.database import MIGRATIONS_DIR, SCHEMA_HEAD, is_current, schema_revision

    assert ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() == SCHEMA_HEAD
    assert schema_revision(engine) == (SCHEMA_HEAD, SCHEMA_HEAD) and is_current(engine)


def _to_revision(engine, revision: str, direction: str) -> None:
    from alembic import command
    from alembic.config import Config

    from models.kernel.database import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        getattr(command, direction)(cfg, revision)


def bodies_survive_the_move_and_back(engine, programme_dir) -> None:
    """0014 moves each message's bodies to `outboxbody`: a message waiting in the outbox when
    a province upgrades is sent with the very bodies it was stored with, and a downgrade puts
    them back."""
    from datetime import timedelta

    from sqlalchemy import text

    from models.reminders.delivery import claim
    from models.reminders.outbox import save_messages

    migrate(engine)
    load_and_plan(engine, programme_dir[0])
    bodies = [
        ("Kính gửi: Phường Hải An", "<p>Kính gửi: <b>Phường Hải An</b></p>"),
        ("b", "<p>b</p>"),
    ]
    with write_session(engine) as session:
        programme = get_programme(session, "HP-2023-PILOT")
        digests = [{"recipient": f"{n}@example.vn", "item_ids": []} for n in "ab"]
        rendered = [(d, "Nhắc việc", *b) for d, b in zip(digests, bodies, strict=True)]
        assert save_messages(session, programme, date(2023, 3, 1), rendered, NOW) == 2
        programme_id = programme.id

    _to_revision(engine, "0013", "downgrade")
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT body_text, body_html FROM outboxmessage ORDER BY id")
        ).all()
    assert [tuple(r) for r in kept] == bodies

    migrate(engine)
    with write_session(engine) as session:
        taken = claim(session, programme_id, "me", NOW, timedelta(minutes=5), 0, 10)
    assert [(m.body_text, m.body_html) for m in taken] == bodies


def test_outbox_bodies_survive_the_move_to_their_own_table_and_back(home, programme_dir):
    engine = make_engine(f"sqlite:///{home / 'moved.db'}")
    bodies_survive_the_move_and_back(engine, programme_dir)
    engine.dispose()


def test_digests_find_the_unsent_items_through_their_own_index(engine, programme_dir):
    """However long a programme's history of sent reminders, writing the day's digests reads
    only the items no message holds yet (migration 0015's partial index), never every item."""
    from sqlalchemy import event

    from models.reminders.digests import unsent_digest_groups
    from models.reminders.outbox import enqueue

    load_and_plan(engine, programme_dir[0])
    day = date(2023, 3, 24)
    with write_session(engine) as session:
        session.execute(
            update(PhaseRun)
            .where(PhaseRun.phase == "survey")
            .values(status="open", actual_start=PhaseRun.forecast_start)
        )
        programme = get_programme(session, None)
        ids = list(session.scalars(select(Unit.id).where(Unit.wave_id.is_not(None))))
        assert enqueue(session, programme, ids, day, NOW)["new"] > 0
    asked: list[tuple[str, tuple]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM reminderitem" in statement:
            asked.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        with Session(engine) as session:
            programme = get_programme(session, None)
            groups = list(unsent_digest_groups(session, programme, day, 2))  # a group per two
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert len(groups) > 2 and len(asked) == len(groups) + 1  # the recipients, then each group
    with engine.connect() as connection:
        for statement, parameters in asked:
            plan = " | ".join(
                row[-1]
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "reminderitem USING INDEX ix_reminderitem_unsent" in plan, plan
