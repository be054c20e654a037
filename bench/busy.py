"""The state before the national busy day: waves 1-3 swept open on 02/02/2026, waves 1-2 with
their survey handed in, so that the sweep of 02/03/2026 opens, closes and overdues thousands."""

from datetime import UTC, date, datetime

CODE = "VN-NATIONAL"
BUSY_DAY = date(2026, 3, 2)


def prepare_busy_day(engine_url: str) -> None:
    """Sweep 02/02/2026 (in this process), then hand in waves 1-2's surveys directly."""
    from sqlalchemy import insert, select

    from flows.phases import daily_sweep
    from models.kernel.database import make_engine, write_session
    from models.kernel.tables import Evidence, PhaseRun, Unit, Wave

    daily_sweep(CODE, date(2026, 2, 2))  # waves 1-3 open their survey; wave 1 is overdue
    engine = make_engine(engine_url)
    with write_session(engine) as session:
        runs = session.scalars(
            select(PhaseRun.id)
            .join(Unit, Unit.id == PhaseRun.unit_id)
            .join(Wave, Wave.id == Unit.wave_id)
            .where(PhaseRun.phase == "survey", Wave.position < 2)
        ).all()
        now = datetime.now(UTC)
        common = {"dated": date(2026, 2, 2), "recorded_by": "bench", "recorded_at": now}
        session.execute(
            insert(Evidence),
            [
                {"phase_run_id": r, "type": t, "kind": k, "decision_number": n, **common}
                for r in runs
                for t, k, n in (
                    ("evidence", "survey_answers", None),
                    ("decision", "steering_committee", "1/QĐ-UBND"),
                )
            ],
        )
    engine.dispose()
