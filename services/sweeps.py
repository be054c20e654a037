"""Sweeping a programme and sending its reminders (Prefect flows), and a dry run of the
reminders that sends nothing."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from config.settings import get_settings
from models.kernel.vocabulary import PHASES
from models.phases.sweeps import PhaseCounts
from models.reminders.delivery import Backlog
from services.flow_runs import in_flow_settings
from services.resources import read_database


@dataclass(frozen=True)
class ReminderCounts:
    """What sending the reminders did: items due, messages written, sent, left undelivered."""

    new: int
    messages: int
    sent: int
    failed: int = 0
    error: str | None = None
    expert_messages: int = 0  # of the messages, those reminding experts of their sessions


@dataclass(frozen=True)
class SweepResult:
    """A sweep's counts per phase, and the reminders it sent (none when one phase was swept)."""

    programme: str
    as_of: date
    phases: dict[str, PhaseCounts]
    reminders: ReminderCounts | None

    def total(self, field: str) -> int:
        """One count summed over the phases."""
        return sum(getattr(c, field) for c in self.phases.values())


@dataclass(frozen=True)
class DigestPreview:
    """One message a dry run would send."""

    recipient: str
    role: str
    items: int
    escalations: int
    subject: str


def sweep(*, programme: str, as_of: date, phase: str | None = None) -> SweepResult:
    """The daily sweep (every phase, then the reminders), or one phase alone (a flow run)."""
    from flows.phases import daily_sweep, phase_flow

    with in_flow_settings():
        if phase:
            counts = {phase: phase_flow(programme, phase, as_of)}
            return SweepResult(programme, as_of, _phases(counts), None)
        result = daily_sweep(programme, as_of)
    reminders = ReminderCounts(**result["reminders"])
    return SweepResult(programme, as_of, _phases(result["phases"]), reminders)


def send_reminders(*, programme: str, as_of: date) -> ReminderCounts:
    """Send the reminders due by a date, and whatever the outbox still holds (a flow run)."""
    from flows.phases import send_reminders as send_flow

    with in_flow_settings():
        return ReminderCounts(**send_flow(programme, as_of))


def preview_reminders(*, programme: str, as_of: date) -> tuple[list[DigestPreview], Backlog]:
    """The messages the reminders due by a date would make, composed in a transaction that is
    rolled back (the outbox stays as it was), and what already waits in the outbox."""
    from sqlmodel import Session

    from adapters.rendering import render_digest
    from models.experts.reminders import KIND, expert_digests
    from models.kernel.lookups import get_programme
    from models.phases.schedule import unit_batches
    from models.programme.store import programme_calendar
    from models.reminders.delivery import backlog
    from models.reminders.digests import unsent_digests
    from models.reminders.outbox import enqueue, programme_policy

    engine = read_database()
    with Session(engine.execution_options(rollout_write=True)) as session, session.begin():
        found = get_programme(session, programme)
        for ids in unit_batches(session, found, get_settings().batch_size):
            enqueue(session, found, ids, as_of, datetime.now(UTC))
        previews = [
            DigestPreview(
                d["recipient"],
                d["role"],
                len(d["items"]),
                len(d["escalations"]),
                render_digest(d)[0],
            )
            for d in unsent_digests(session, found, as_of).values()
        ]
        experts = expert_digests(
            session, found, programme_policy(found), as_of, programme_calendar(session, found.id)
        )
        previews += [
            DigestPreview(
                d["recipient"], "expert", len(d["sessions"]), 0, render_digest(d, KIND)[0]
            )
            for d in experts.digests
        ]
        waiting = backlog(session, found.id)
        session.rollback()
    return previews, waiting


def _phases(counts: dict[str, dict[str, int]]) -> dict[str, PhaseCounts]:
    return {p: PhaseCounts(**counts[p]) for p in PHASES if p in counts}
