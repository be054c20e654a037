"""A busy reminder day for the national programme: every unit has an item due.

Setup (not timed): every unit gets an open phase run and the outbox is emptied, so that
the first reminder run finds something due for all 3,355 units. Timed: enqueue, digests and
delivery to the file outbox as one flow; then the same messages again to a local SMTP server.
"""

import os
import time

from sqlalchemy import delete, func, select, update
from sqlmodel import Session


def busy_reminders(settings, code: str = "VN-NATIONAL") -> list[tuple[str, str]]:
    """Time the reminders of a day when every unit has one; figures as (label, value)."""
    from config.settings import get_settings
    from flows.phases import send_reminders
    from models.kernel.database import make_engine, write_session
    from models.kernel.tables import OutboxBody, OutboxMessage, PhaseRun, ReminderItem

    engine = make_engine(settings.engine_url)
    with write_session(engine) as session:
        session.execute(
            update(PhaseRun)
            .where(PhaseRun.phase == "survey", PhaseRun.status == "planned")
            .values(status="open", actual_start=PhaseRun.forecast_start)
        )
        last_due = session.scalar(
            select(func.max(PhaseRun.forecast_due)).where(PhaseRun.phase == "survey")
        )
        session.execute(delete(ReminderItem))
        session.execute(delete(OutboxBody))
        session.execute(delete(OutboxMessage))
    t = time.perf_counter()
    result = send_reminders(code, last_due)
    file_time = time.perf_counter() - t
    figures = [
        (f"busy reminder day ({last_due}), file outbox (flow time)", f"{file_time:.2f} s"),
        (
            "  reminders and messages",
            f"{result['new']} reminders in {result['messages']} "
            f"digests, {result['sent']} delivered",
        ),
    ]

    from tests.conftest import SmtpServer

    server = SmtpServer()
    server.start()
    try:
        os.environ.update(
            {
                "ROLLOUT_MAIL_CHANNEL": "smtp",
                "ROLLOUT_SMTP_HOST": "127.0.0.1",
                "ROLLOUT_SMTP_PORT": str(server.port),
                "ROLLOUT_SMTP_SECURITY": "none",
            }
        )
        get_settings.cache_clear()
        with write_session(engine) as session:
            session.execute(update(OutboxMessage).values(status="pending"))
        t = time.perf_counter()
        again = send_reminders(code, last_due)
        smtp_time = time.perf_counter() - t
    finally:
        server.stop()
        for key in (
            "ROLLOUT_MAIL_CHANNEL",
            "ROLLOUT_SMTP_HOST",
            "ROLLOUT_SMTP_PORT",
            "ROLLOUT_SMTP_SECURITY",
        ):
            os.environ.pop(key, None)
        get_settings.cache_clear()
    with Session(engine) as session:
        bytes_ = session.scalar(select(func.sum(func.length(OutboxBody.body_html))))
    figures += [
        ("  the same to SMTP on 127.0.0.1 (flow time)", f"{smtp_time:.2f} s"),
        (
            "  SMTP delivery rate",
            f"{len(server.received) / smtp_time:.0f} messages/s "
            f"({again['sent']} sent, {len(server.received)} received)",
        ),
        ("  HTML bodies written", f"{(bytes_ or 0) / 1e6:.1f} MB"),
    ]
    return figures
