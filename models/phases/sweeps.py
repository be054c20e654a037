"""The record of daily sweeps: what `rollout health` reads to tell a sweep is overdue."""

from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models.kernel.tables import SweepRecord


@dataclass(frozen=True)
class PhaseCounts:
    """What a sweep did to one phase."""

    opened: int = 0
    closed: int = 0
    overdue: int = 0
    unchanged: int = 0
    drafted: int = 0


PHASE_COUNTS = tuple(f.name for f in fields(PhaseCounts))  # the keys a sweep counts under


def record_sweep(
    session: Session,
    programme_id: int,
    as_of: date,
    started_at: datetime,
    finished_at: datetime,
    counts: dict,
    undelivered: int,
) -> None:
    """Keep one finished sweep."""
    session.add(
        SweepRecord(
            programme_id=programme_id,
            as_of=as_of,
            started_at=started_at,
            finished_at=finished_at,
            counts=counts,
            undelivered=undelivered,
        )
    )


def last_sweep(session: Session, programme_id: int) -> SweepRecord | None:
    """The most recently finished sweep of a programme."""
    return session.scalars(
        select(SweepRecord)
        .where(SweepRecord.programme_id == programme_id)
        .order_by(SweepRecord.finished_at.desc())
        .limit(1)
    ).first()


SWEEP_COLUMNS = {
    "opened": "Mở",
    "closed": "Hoàn thành",
    "overdue": "Quá hạn",
    "drafted": "Văn bản soạn",
}


def sweep_table(phases: dict[str, dict[str, int]], names: dict[str, dict]) -> list[dict]:
    """A sweep's counts as rows to show a coordinator: one per phase by its Vietnamese name,
    then the total."""
    rows = [
        {"Giai đoạn": names[phase]["vi"]} | {SWEEP_COLUMNS[k]: c[k] for k in SWEEP_COLUMNS}
        for phase, c in phases.items()
    ]
    total = {k: sum(c[k] for c in phases.values()) for k in SWEEP_COLUMNS}
    return [*rows, {"Giai đoạn": "Tổng"} | {SWEEP_COLUMNS[k]: n for k, n in total.items()}]
