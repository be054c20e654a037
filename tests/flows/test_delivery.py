"""Delivery to a real SMTP server on 127.0.0.1: claimed once, sent once, failures said plainly.

Two real `rollout sweep` processes deliver the same day at once; one is killed in the middle of
a message, and a rerun after its lease sends what it had claimed: every message arrives, and
at most the one in flight arrives twice, with the same Message-ID.
"""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from bench.generate import generate
from config.settings import get_settings
from models.kernel.database import make_engine
from models.kernel.tables import OutboxMessage
from services.delivery import CLAIM_GROUP
from tests.cli.test_commands import rollout
from tests.conftest import SmtpServer, running_smtp, smtp_settings

pytestmark = pytest.mark.usefixtures("prefect_harness")

ROLLOUT = Path(sys.executable).with_name("rollout")
START = date(2026, 1, 5)  # the one wave opens its survey (due 23/01/2026)
REMINDER_DAY = "2026-01-09"  # ten working days before the due date: every unit is reminded
UNITS = 240
PREFECT_LOG_LINE = re.compile(r"\d\d:\d\d:\d\d\.\d{3} \| |Prefect collects|telemetry")


@pytest.fixture
def busy_day(home, tmp_path):
    """A one-wave programme of 240 units whose surveys are open: 240 reminders are due."""
    from flows.phases import daily_sweep
    from flows.plan import init_programme

    path = generate(
        tmp_path / "programme",
        START,
        provinces=4,
        communes=UNITS - 4,
        waves=1,
        draft_on_open=False,
    )
    init_programme(str(path), START)
    daily_sweep("VN-NATIONAL", START)
    return path


class KillingSmtpServer(SmtpServer):
    """Kills a sender's process while its Nth message is in flight: received, not answered."""

    def __init__(self, victim_from: str, after: int):
        super().__init__()
        self.victim_from, self.after = victim_from, after
        self.victim_pid: int | None = None
        self.killed_key: bytes | None = None

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)  # a real server's pace, so the two senders interleave
        await super().handle_DATA(server, session, envelope)
        if (
            self.killed_key is None
            and self.victim_pid
            and self.senders.count(self.victim_from) == self.after
        ):
            os.kill(self.victim_pid, signal.SIGKILL)
            self.killed_key = message_id(envelope.original_content)
            await asyncio.sleep(1)  # the connection dies with the process: no 250 reaches it
        return "250 OK"


def message_id(raw: bytes) -> str:
    return message_from_bytes(raw, policy=policy.default)["Message-ID"]


def sweep_process(env: dict, sender: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROLLOUT), "sweep", "--as-of", REMINDER_DAY],
        env=env | {"ROLLOUT_MAIL_FROM": f"rollout <{sender}>"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def rerun_after_the_lease(env: dict) -> subprocess.CompletedProcess:
    """`rollout reminders` once the killed sender's 6 s lease has ended."""
    time.sleep(6.5)
    return subprocess.run(
        [str(ROLLOUT), "reminders", "--as-of", REMINDER_DAY],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def statuses() -> dict[str, int]:
    with Session(make_engine(get_settings().engine_url)) as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return dict(rows.all())


def test_two_sweeps_at_once_and_a_killed_one_deliver_each_message_once(
    busy_day, prefect_api_url, tmp_path
):
    server = KillingSmtpServer("first@rollout.example", after=30)
    server.start()
    env = os.environ | smtp_settings(server)
    env |= {"ROLLOUT_PREFECT_API_URL": prefect_api_url, "ROLLOUT_DELIVERY_LEASE_SECONDS": "6"}
    try:
        first = sweep_process(env, "first@rollout.example")
        server.victim_pid = first.pid
        second = sweep_process(env, "second@rollout.example")
        second_out = second.communicate(timeout=180)[0]
        first.communicate(timeout=60)
        assert first.returncode == -signal.SIGKILL, "the first sweep was not killed mid-way"
        assert second.returncode == 0, second_out
        assert not PREFECT_LOG_LINE.search(second_out)  # the command's own lines only
        assert "Swept VN-NATIONAL as of 09/01/2026" in second_out
        assert "first@rollout.example" in server.senders
        assert "second@rollout.example" in server.senders  # both delivered, side by side
        assert statuses().get("sending", 0) > 0  # what the killed sender claimed waits
        rerun = rerun_after_the_lease(env)
        assert rerun.returncode == 0, rerun.stderr
    finally:
        server.stop()
    assert statuses() == {"sent": UNITS}
    ids = [message_id(raw) for raw in server.received]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert len(set(ids)) == UNITS  # every due message arrived
    assert duplicates <= {server.killed_key}  # only the one in flight, with its Message-ID
    assert len(ids) - len(set(ids)) <= 1


def test_a_sweep_that_cannot_deliver_says_so_in_one_line_and_exits_5(busy_day, smtp):
    smtp.stop()
    result = rollout("sweep", "--as-of", REMINDER_DAY)
    assert result.exit_code == 5, result.output
    lines = [line for line in result.output.splitlines() if "not delivered" in line]
    assert len(lines) == 1 and f"{UNITS} reminders wait in the outbox" in lines[0]
    assert "Connection refused" in lines[0] and "Traceback" not in result.output
    assert statuses() == {"pending": UNITS}
    status = rollout("status", "--as-of", REMINDER_DAY)
    assert f"{UNITS} reminders not yet delivered" in status.output
    smtp.start()
    again = rollout("reminders", "--as-of", REMINDER_DAY)
    assert again.exit_code == 0, again.output
    assert f"{UNITS} sent" in again.output and len(smtp.received) == UNITS


@pytest.fixture
def authenticated_smtp(monkeypatch):
    """An SMTP server that wants the user `rollout` and a Vietnamese password."""
    with running_smtp(monkeypatch, password="mật khẩu Hải Phòng") as server:
        yield server


def test_a_password_outside_ascii_logs_in(busy_day, authenticated_smtp, monkeypatch):
    monkeypatch.setenv("ROLLOUT_SMTP_PASSWORD", "mật khẩu Hải Phòng")
    get_settings.cache_clear()
    result = rollout("reminders", "--as-of", REMINDER_DAY)
    assert result.exit_code == 0, result.output
    assert len(authenticated_smtp.received) == UNITS


def test_a_refused_login_is_a_failure_that_never_shows_the_password(
    busy_day, authenticated_smtp, monkeypatch
):
    monkeypatch.setenv("ROLLOUT_SMTP_PASSWORD", "sai mật khẩu")
    get_settings.cache_clear()
    result = rollout("reminders", "--as-of", REMINDER_DAY)
    assert result.exit_code == 5, result.output
    assert "SMTPAuthenticationError" in result.output and "Traceback" not in result.output
    with Session(make_engine(get_settings().engine_url)) as session:
        errors = set(session.scalars(select(OutboxMessage.last_error)))
    assert len(errors) == 1 and "SMTPAuthenticationError" in errors.pop()
    assert "sai mật khẩu" not in result.output
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter

    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(), limit=200)
    assert not [log for log in logs if "sai mật khẩu" in log.message]
    assert authenticated_smtp.received == []


def test_a_killed_delivery_to_the_file_outbox_rewrites_the_same_files_and_no_more(
    busy_day, prefect_api_url
):
    """The file outbox marks a claimed group at a time: killed mid-group, the rerun writes the
    groups' files again with the very same bytes, so each message is still one file."""
    env = os.environ | {
        "ROLLOUT_PREFECT_API_URL": prefect_api_url,
        "ROLLOUT_DELIVERY_LEASE_SECONDS": "6",
    }
    outbox = get_settings().outbox_dir
    first = subprocess.Popen(
        [str(ROLLOUT), "reminders", "--as-of", REMINDER_DAY],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while len(list(outbox.rglob("*.eml"))) < 70 and time.monotonic() < deadline:
        time.sleep(0.002)
    first.kill()
    first.wait(timeout=30)
    written = {path: path.read_bytes() for path in outbox.rglob("*.eml")}
    waiting = statuses()
    assert 70 <= len(written) < UNITS, "the delivery was not cut short"
    # The groups in flight, written or being written, not yet marked: the last one marked was
    # marked once the next was handed over.
    assert 0 < waiting.get("sending", 0) <= 2 * CLAIM_GROUP
    rerun = rerun_after_the_lease(env)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert statuses() == {"sent": UNITS}
    files = sorted(outbox.rglob("*"))
    assert [p for p in files if p.is_file() and p.suffix != ".eml"] == []  # no partial left
    emls = {path: path.read_bytes() for path in files if path.suffix == ".eml"}
    assert len(emls) == UNITS and len({message_id(raw) for raw in emls.values()}) == UNITS
    assert all(emls[path] == raw for path, raw in written.items())  # rewritten, unchanged


def test_a_file_the_outbox_cannot_write_waits_with_its_reason_and_a_rerun_sends_it(
    busy_day, monkeypatch
):
    """The file outbox writes on a thread of its own: a file it cannot write is reported in one
    line with exit status 5 and its message waits; what was written before it is sent, and once
    the path is free the rerun writes every message, once."""
    monkeypatch.setenv("ROLLOUT_DELIVERY_RETRIES", "0")
    from adapters.channels import eml_name
    from models.kernel.tables import Unit

    with Session(make_engine(get_settings().engine_url)) as session:
        emails = sorted(session.scalars(select(Unit.email).where(Unit.email.is_not(None))))
    blocked = f"VN-NATIONAL:{emails[100]}:{REMINDER_DAY}:1"
    folder = get_settings().outbox_dir / REMINDER_DAY
    in_the_way = folder / f".{eml_name(blocked).removesuffix('.eml')}.partial"
    in_the_way.mkdir(parents=True)  # where its partial file goes: no file can be opened there

    result = rollout("reminders", "--as-of", REMINDER_DAY)
    assert result.exit_code == 5, result.output
    assert "not delivered" in result.output and "IsADirectoryError" in result.output
    assert "Traceback" not in result.output
    with Session(make_engine(get_settings().engine_url)) as session:
        rows = session.execute(
            select(OutboxMessage.key, OutboxMessage.status).order_by(OutboxMessage.id)
        ).all()
    status = dict(rows)
    assert status[blocked] == "pending"
    sent = {key for key, state in rows if state == "sent"}
    assert sent and {eml_name(k) for k in sent} <= {p.name for p in folder.glob("*.eml")}
    before = [k for k, _ in rows][: [k for k, _ in rows].index(blocked)]
    assert len(before) == 100 and set(before) <= sent

    in_the_way.rmdir()
    again = rollout("reminders", "--as-of", REMINDER_DAY)
    assert again.exit_code == 0, again.output
    assert statuses() == {"sent": len(rows)}
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(eml_name(key) for key, _ in rows)  # one file each, no partial left
