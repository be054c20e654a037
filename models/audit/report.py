"""The audit report: per unit and phase, when it opened, was due and done, on what evidence."""

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models.kernel.lookups import get_programme
from models.kernel.tables import Evidence
from models.kernel.vocabulary import PHASES
from models.phases.status import planned_units, unit_standings
from models.programme.store import programme_calendar, programme_steps


@dataclass(frozen=True, slots=True)
class AuditRow:
    """One unit in one phase, for auditors."""

    unit: str
    unit_name: str
    wave: str
    phase: str
    status: str
    opened: date | None
    due: date
    baseline_due: date
    done: date | None
    late_days: int
    evidence: str
    recorded_by: str

    def as_dict(self) -> dict:
        """The row with ISO dates."""
        values = ((f, getattr(self, f)) for f in AUDIT_FIELDS)
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values}


AUDIT_FIELDS = tuple(f.name for f in fields(AuditRow))


@dataclass(frozen=True)
class OnTime:
    """How many phase runs of a group were done, and how many of those on time."""

    group: str
    phase_runs: int
    done: int
    on_time: int

    @property
    def rate(self) -> float | None:
        """Share of done phase runs that were done by their due date."""
        return self.on_time / self.done if self.done else None


def audit_rows(session: Session, as_of: date, programme_code: str | None = None) -> list[AuditRow]:
    """Every planned phase run of a programme as auditors read it on `as_of`."""
    programme = get_programme(session, programme_code)
    cal = programme_calendar(session, programme.id)
    steps = programme_steps(programme)
    units = planned_units(session, programme)
    evidence = _evidence(session, [r.id for *_, runs in units.values() for r in runs], as_of)
    rows = []
    for code, (name, wave, runs) in units.items():
        for run, standing in zip(
            runs, unit_standings(runs, steps, as_of, cal, programme), strict=True
        ):
            items = evidence.get(run.id, [])
            rows.append(
                AuditRow(
                    code,
                    name,
                    wave,
                    run.phase,
                    standing.status.value,
                    standing.opened,
                    standing.due,
                    run.baseline_due,
                    standing.done,
                    standing.late_days,
                    "; ".join(text for text, _ in items),
                    ", ".join(sorted({by for _, by in items})),
                )
            )
    return rows


def _evidence(session: Session, run_ids: list[int], as_of: date) -> dict[int, list[tuple]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    query = (
        select(Evidence)
        .where(Evidence.phase_run_id.in_(run_ids), Evidence.dated <= as_of)
        .order_by(Evidence.dated, Evidence.id)
    )
    for e in session.scalars(query):
        if e.type == "decision":
            text = f"{e.kind}: Số {e.decision_number} ngày {e.dated:%d/%m/%Y}"
            text += f" ({e.signer})" if e.signer else ""
        else:
            text = f"{e.kind}: {e.original_name} sha256:{e.sha256[:12]} ({e.dated:%d/%m/%Y})"
            text += f", {e.quantity} người" if e.quantity else ""
        found[e.phase_run_id].append((text + (" [đã hủy]" if e.void else ""), e.recorded_by))
    return found


def on_time_rates(rows: list[AuditRow]) -> tuple[list[OnTime], list[OnTime]]:
    """On-time rates per phase and per wave."""

    def tally(key) -> list[OnTime]:
        groups: dict[str, list[AuditRow]] = defaultdict(list)
        for r in rows:
            groups[key(r)].append(r)
        return [
            OnTime(
                g,
                len(rs),
                sum(r.done is not None for r in rs),
                sum(r.done is not None and r.late_days == 0 for r in rs),
            )
            for g, rs in groups.items()
        ]

    by_phase = sorted(tally(lambda r: r.phase), key=lambda t: PHASES.index(t.group))
    return by_phase, tally(lambda r: r.wave)
