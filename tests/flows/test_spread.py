"""The sweep spread over workers: its parts (whole provinces) as flow runs on the parts' pool,
and a worker killed in the middle of one, then the sweep rerun — the same end state as an
uninterrupted sweep, no reminder sent twice, the audit chain whole.

Real processes throughout: a Prefect server, `rollout worker`, PostgreSQL, an SMTP server.
"""

import email
import signal
import time
from datetime import datetime
from email.header import decode_header, make_header

import pytest
from sqlalchemy import create_engine, func, select

from adapters.prefect_runtime import wait_for_server
from models.kernel.tables import OutboxMessage, PhaseRun, ReminderItem, SweepPart, Unit
from models.phases.parts import split_provinces
from tests.conftest import PG_SERVER, SmtpServer, fresh_pg_database, smtp_settings
from tests.flows.production import ZONE, kill_with_descendants, programme_due_today


def test_parts_are_whole_provinces_balanced_by_units():
    parts = split_provinces({"01": 120, "02": 40, "03": 80, "04": 70, "05": 10}, 2)
    assert [p.provinces for p in parts] == [("01", "02"), ("03", "04", "05")]
    assert [p.units for p in parts] == [160, 160]
    assert parts[1].label == "03+04+05"
    assert len(split_provinces({"01": 3}, 4)) == 1  # never more parts than provinces
    many = split_provinces({f"{n:02d}": 1 for n in range(10)}, 2)
    assert many[0].label == "00+4-more"
    with pytest.raises(ValueError):
        split_provinces({"01": 1}, 0)


def _end_state(database_url: str) -> dict:
    """What a coordinator would compare: every phase run's status and dates, the reminders
    written, and the messages with their state."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        runs = connection.execute(
            select(Unit.code, PhaseRun.phase, PhaseRun.status, PhaseRun.actual_start).join(
                Unit, Unit.id == PhaseRun.unit_id
            )
        ).all()
        items = connection.execute(
            select(ReminderItem.key, ReminderItem.recipient, ReminderItem.rule)
        ).all()
        messages = connection.execute(
            select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.status)
        ).all()
    engine.dispose()
    return {"runs": sorted(runs), "items": sorted(items), "messages": sorted(messages)}


def _received(server: SmtpServer) -> list[tuple[str, str]]:
    parsed = [email.message_from_bytes(raw) for raw in server.received]
    return sorted((m["To"], str(make_header(decode_header(m["Subject"])))) for m in parsed)


def _parts_kept(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        kept = connection.scalar(select(func.count()).select_from(SweepPart))
    engine.dispose()
    return kept


def _wait_for(predicate, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what}:\n{log()[-3000:]}"
        time.sleep(0.5)


@pytest.mark.server
def test_a_worker_killed_mid_sweep_then_the_sweep_rerun(production, tmp_path):
    service = production
    mail, reference_mail = SmtpServer(), SmtpServer()
    mail.start()
    reference_mail.start()
    service.env |= smtp_settings(mail) | {"ROLLOUT_SWEEP_PARTS": "3", "ROLLOUT_WORKER_PARTS": "1"}
    url = service.env["ROLLOUT_DATABASE_URL"]
    worker_log = tmp_path / "worker-1.log"
    service.start("prefect-server", log="server.log")
    wait_for_server(service.api)
    programme = programme_due_today(tmp_path / "programme", provinces=3)
    for command in (("init", str(programme)), ("deploy",)):
        done = service.run(*command)
        assert done.returncode == 0, done.stderr
    deployments = {d["name"]: d for d in service.post("/deployments/filter", {})}
    daily = deployments["daily-VN-NATIONAL"]["id"]

    # The sweep starts on a worker that runs one part at a time; once the first part has
    # finished, the worker and everything it runs are killed.
    worker = service.start("worker", log=worker_log.name)
    first = service.post(f"/deployments/{daily}/create_flow_run", {})
    _wait_for(lambda: _parts_kept(url) >= 1, 180, "no part finished", worker_log.read_text)
    kill_with_descendants(worker.pid)
    assert 1 <= _parts_kept(url) < 3, "the kill came too late to interrupt the sweep"
    assert mail.received == []  # reminders go out only once every part is done
    half_done = _end_state(url)
    opened = [r for r in half_done["runs"] if r.phase == "survey" and r.status != "planned"]
    assert 0 < len(opened) < 40

    # The sweep rerun (as from Prefect's UI), on a worker of another machine.
    second = service.post(f"/deployments/{daily}/create_flow_run", {})
    rerun_log = tmp_path / "worker-2.log"
    rerun_worker = service.start("worker", log=rerun_log.name)

    def finished() -> bool:
        state = service.post("/flow_runs/filter", {"flow_runs": {"id": {"any_": [second["id"]]}}})
        assert state[0]["state_type"] not in {"FAILED", "CRASHED"}, rerun_log.read_text()
        return state[0]["state_type"] == "COMPLETED"

    _wait_for(finished, 240, "the rerun did not complete", rerun_log.read_text)
    (killed,) = service.post("/flow_runs/filter", {"flow_runs": {"id": {"any_": [first["id"]]}}})
    assert killed["state_type"] != "COMPLETED"

    # The same day swept once, uninterrupted, in a database of its own.
    day = datetime.now(ZONE).date()
    with fresh_pg_database() as reference_db:
        reference_url = f"{PG_SERVER}/{reference_db}"
        env = smtp_settings(reference_mail) | {
            "ROLLOUT_DATABASE_URL": reference_url,
            "ROLLOUT_HOME": str(tmp_path / "reference"),
        }
        for command in (("init", str(programme)), ("sweep", "--as-of", day.isoformat())):
            done = service.run(*command, **env)
            assert done.returncode == 0, done.stderr
        reference = _end_state(reference_url)

    after = _end_state(url)
    assert after == reference
    assert len(after["messages"]) == 40 and {m.status for m in after["messages"]} == {"sent"}
    assert _received(mail) == _received(reference_mail)  # each reminder once, none twice
    assert len(set(_received(mail))) == len(mail.received) == 40
    verified = service.run("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    rerun_worker.send_signal(signal.SIGTERM)  # as systemd stops it: promptly, and cleanly
    assert rerun_worker.wait(timeout=15) == 0, rerun_log.read_text()[-2000:]
    mail.stop()
    reference_mail.stop()
