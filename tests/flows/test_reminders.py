"""Reminders through a real SMTP server on 127.0.0.1: once each, never lost, in Vietnamese."""

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from config.settings import get_settings
from models.kernel.database import make_engine
from models.kernel.tables import OutboxMessage
from tests.cli.test_commands import rollout

pytestmark = pytest.mark.usefixtures("prefect_harness")


@pytest.fixture
def pilot(home, programme_dir):
    from flows.plan import init_programme

    init_programme(str(programme_dir[0]), date(2023, 3, 1))
    return programme_dir


def sweep(day: date) -> dict:
    from flows.phases import daily_sweep

    return daily_sweep("HP-2023-PILOT", day)


def outbox(status: str) -> int:
    with Session(make_engine(get_settings().engine_url)) as session:
        return session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == status)
        )


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_one_message_per_due_reminder_even_when_swept_twice(pilot, smtp):
    sweep(date(2023, 3, 6))  # wave 1 opens its survey (due 24/03): nothing due yet
    assert smtp.received == []
    first = sweep(date(2023, 3, 10))  # ten working days before the due date
    ok = {"failed": 0, "error": None, "expert_messages": 0}  # the pilot has no experts here
    assert first["reminders"] == {"new": 6, "messages": 6, "sent": 6} | ok
    second = sweep(date(2023, 3, 10))
    assert second["reminders"] == {"new": 0, "messages": 0, "sent": 0} | ok
    assert sorted(m["To"] for m in smtp.messages()) == sorted(
        f"ubnd@{d}.haiphong.example"
        for d in ("haian", "hongbang", "ngoquyen", "tienlang", "thuynguyen", "kienthuy")
    )


def test_vietnamese_subject_and_body_arrive_intact(pilot, smtp):
    sweep(date(2023, 3, 6))
    sweep(date(2023, 3, 10))
    raw = next(r for r in smtp.received if b"haian" in r)
    assert b"Nh\xe1\xba\xafc" not in raw.split(b"\r\n\r\n")[0]  # headers are encoded, not raw
    message = next(m for m in smtp.messages() if m["To"] == "ubnd@haian.haiphong.example")
    assert str(message["Subject"]) == "[HP-2023-PILOT] Nhắc việc 10/03/2023: 1 việc sắp đến hạn"
    assert str(message["From"]) == (
        "Chi cục Tiêu chuẩn Đo lường Chất lượng - Sở Khoa học và Công nghệ thành phố Hải Phòng"
        " <rollout@localhost>"
    )
    body = text_of(message)
    assert unicodedata.is_normalized("NFC", body)
    assert body.startswith("Kính gửi: Ủy ban nhân dân quận Hải An\n")
    assert "CÁC VIỆC SẮP ĐẾN HẠN\n" in body
    assert "Trân trọng.\nChi cục Tiêu chuẩn Đo lường Chất lượng\nSở Khoa học" in body
    # A unit's items come under its name, with the one link where it hands them in.
    assert (
        "\n\nỦy ban nhân dân quận Hải An (HP-HAIAN)\n"
        "Xem và nộp hồ sơ trực tuyến: http://127.0.0.1:8000/unit/HP-HAIAN\n"
        "1. Giai đoạn: Chuẩn bị và khảo sát thông tin sơ bộ\n"
    ) in body
    assert "Hạn hoàn thành: Thứ Sáu, ngày 24 tháng 3 năm 2023 - còn 10 ngày làm việc" in body
    assert "Ban hành quyết định thành lập Ban chỉ đạo và Tổ công tác ISO (số, ngày)" in body
    assert "chicuc.tdc@haiphong.example" in body and message["Reply-To"] == (
        "chicuc.tdc@haiphong.example"
    )
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Chuẩn bị và khảo sát thông tin sơ bộ" in html
    assert 'href="http://127.0.0.1:8000/unit/HP-HAIAN"' in html
    sweep(date(2023, 3, 24))  # the survey's due date
    last = [m for m in smtp.messages() if m["To"] == "ubnd@haian.haiphong.example"][-1]
    assert "hôm nay là hạn cuối" in text_of(last)


def test_an_outage_loses_nothing_and_the_next_sweep_delivers(pilot, smtp):
    sweep(date(2023, 3, 6))
    smtp.stop()
    down = sweep(date(2023, 3, 10))
    assert down["reminders"]["sent"] == 0 and "Connection refused" in down["reminders"]["error"]
    assert outbox("pending") == 6
    status = rollout("status", "--as-of", "2023-03-10")
    assert "6 reminders not yet delivered" in status.output
    smtp.start()
    back = sweep(date(2023, 3, 13))
    assert back["reminders"]["sent"] == 6
    assert outbox("pending") == 0 and len(smtp.received) == 6


@pytest.mark.parametrize("at_once", [250, 2])  # digests composed all together, or two by two
def test_escalation_reaches_the_parent_and_the_coordinator(pilot, smtp, monkeypatch, at_once):
    monkeypatch.setattr("tasks.reminders.DIGESTS_AT_ONCE", at_once)
    for day in (date(2023, 3, 6), date(2023, 3, 20), date(2023, 3, 31)):
        sweep(day)  # by 31/03 wave 1's surveys are five working days overdue
    latest = [m for m in smtp.messages() if "31/03/2023" in str(m["Subject"])]
    assert len(latest) == len({m["To"] for m in latest}) == 14  # one message each
    parent = next(m for m in latest if m["To"] == "vanphong@haiphong.example")
    assert "6 đơn vị chậm tiến độ" in str(parent["Subject"])
    body = text_of(parent)
    assert body.startswith("Kính gửi: Ủy ban nhân dân thành phố Hải Phòng\n")
    assert "CÁC ĐƠN VỊ CHẬM TIẾN ĐỘ" in body
    assert (
        "Ủy ban nhân dân huyện Tiên Lãng (HP-TIENLANG) - Chuẩn bị và khảo sát thông tin sơ bộ:"
        in body
    )
    assert "chậm 5 ngày làm việc" in body
    coordinator = next(m for m in latest if m["To"] == "chicuc.tdc@haiphong.example")
    assert text_of(coordinator).startswith("Kính gửi: Chi cục Tiêu chuẩn Đo lường Chất lượng\n")
    assert "chậm 5 ngày làm việc" in text_of(coordinator)
    unit = next(m for m in latest if m["To"] == "ubnd@haian.haiphong.example")
    assert "1 việc quá hạn" in str(unit["Subject"]) and "CÁC VIỆC QUÁ HẠN\n" in text_of(unit)


def test_a_unit_without_an_address_is_routed_to_the_coordinator(home, programme_dir, smtp):
    from flows.plan import init_programme

    roster = programme_dir[1]
    roster.write_text(
        roster.read_text(encoding="utf-8").replace("ubnd@haian.haiphong.example", ""), "utf-8"
    )
    init_programme(str(programme_dir[0]), date(2023, 3, 1))
    sweep(date(2023, 3, 6))
    sweep(date(2023, 3, 10))
    routed = next(m for m in smtp.messages() if m["To"] == "chicuc.tdc@haiphong.example")
    assert "HP-HAIAN" in text_of(routed) and "chưa có địa chỉ e-mail" in text_of(routed)


def test_dry_run_shows_recipients_and_writes_nothing(pilot):
    sweep(date(2023, 3, 6))
    before = outbox("pending") + outbox("sent")
    result = rollout("reminders", "--dry-run", "--as-of", "2023-03-31")
    assert result.exit_code == 0, result.output
    assert "vanphong@haiphong.example" in result.stdout and "chạy thử" in result.stdout
    assert outbox("pending") + outbox("sent") == before


def test_the_file_outbox_is_the_default(pilot):
    sweep(date(2023, 3, 6))
    sweep(date(2023, 3, 10))
    from email import message_from_bytes, policy

    files = sorted((get_settings().home / "outbox" / "2023-03-10").glob("*.eml"))
    assert len(files) == 6
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert str(message["Subject"]) == "[HP-2023-PILOT] Nhắc việc 10/03/2023: 1 việc sắp đến hạn"
    assert outbox("sent") == 6


def test_the_deployment_registers_with_its_schedule(pilot):
    from prefect.client.orchestration import get_client

    from flows.deployments import daily_deployment

    deployment_id = daily_deployment("HP-2023-PILOT", "Asia/Ho_Chi_Minh").apply()
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment(deployment_id)
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (
        "0 7 * * 1-5",
        "Asia/Ho_Chi_Minh",
    )
    assert deployment.parameters == {"programme_code": "HP-2023-PILOT", "parts": 1}
