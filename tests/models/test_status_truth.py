"""Status tells the engine's truth: replaying the demo's (made-up) pilot day by day, `status`,
the audit report and the phase runs the sweeps left agree on every unit and phase."""

from datetime import date

import pytest
from sqlalchemy import select

from demo.replay import CODE, Replay
from models.audit.report import audit_rows
from models.kernel.database import read_session
from models.kernel.tables import PhaseRun, Unit
from models.kernel.vocabulary import RunState, Status
from models.phases.status import status_rows
from tests.models.test_reconcile import sweep
from tests.models.test_store import load_and_plan

CHECKS = (
    date(2023, 3, 20),
    date(2023, 4, 14),
    date(2023, 5, 15),
    date(2023, 7, 3),
    date(2023, 8, 31),
)
# What each stored state may look like on the day it was swept.
SHOWN_AS = {
    RunState.PLANNED: {Status.NOT_STARTED},
    RunState.OPEN: {Status.OPEN, Status.DUE_SOON},
    RunState.OVERDUE: {Status.OVERDUE},
    RunState.DONE: {Status.DONE},
}


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """The pilot replayed with a sweep every working day: {check date: (status, audit, stored)}."""
    from models.kernel.database import make_engine, migrate

    home = tmp_path_factory.mktemp("replay")
    engine = make_engine(f"sqlite:///{home / 'rollout.db'}")
    migrate(engine)
    load_and_plan(engine, home_copy(home))
    story = Replay(engine, home)
    cal = story.calendar()
    seen = {}
    day = date(2023, 3, 6)
    while day <= CHECKS[-1]:
        story.record_day(day)
        sweep(engine, day)
        story.schedule_opened(cal)
        if day in CHECKS:
            with read_session(engine) as session:
                stored = {
                    (code, phase): status
                    for code, phase, status in session.execute(
                        select(Unit.code, PhaseRun.phase, PhaseRun.status).join(
                            PhaseRun, PhaseRun.unit_id == Unit.id
                        )
                    )
                }
                seen[day] = (
                    status_rows(session, day, CODE),
                    audit_rows(session, day, CODE),
                    stored,
                )
        day = cal.shift(day, 1)
    return seen


def home_copy(home):
    import shutil

    from tests.conftest import EXAMPLE, EXAMPLE_ROSTER

    for source in (EXAMPLE, EXAMPLE_ROSTER):
        shutil.copy(source, home / source.name)
    return home / EXAMPLE.name


@pytest.mark.parametrize("day", CHECKS)
def test_status_shows_what_the_sweeps_did(replayed, day):
    status, _, stored = replayed[day]
    assert len(status) == 60
    wrong = [
        (r.unit, r.phase, r.status, stored[(r.unit, r.phase)])
        for r in status
        if r.status not in SHOWN_AS[RunState(stored[(r.unit, r.phase)])]
    ]
    assert wrong == []


@pytest.mark.parametrize("day", CHECKS)
def test_status_and_the_audit_report_agree(replayed, day):
    status, audit, _ = replayed[day]
    assert [(a.unit, a.phase) for a in audit] == [(s.unit, s.phase) for s in status]
    for s, a in zip(status, audit, strict=True):
        assert (a.status, a.opened, a.due, a.done) == (
            s.status,
            s.actual_start,
            s.due,
            s.actual_done,
        )
        # An unfinished late phase and a late finish both count their working days late.
        assert a.late_days == s.late_days
        if s.status == Status.OVERDUE:
            assert s.slip_days >= s.late_days > 0


def test_a_late_unit_shows_its_delay(replayed):
    """HP-TIENLANG's survey decision is signed 2 working days after its due date (the replay
    moves its facts 4 days later than the others', the decision being due-2)."""
    status, _, _ = replayed[date(2023, 4, 14)]
    survey = next(r for r in status if (r.unit, r.phase) == ("HP-TIENLANG", "survey"))
    assert survey.status == Status.DONE
    assert survey.late_days == 2 and survey.slip_days == 2
    training = next(r for r in status if (r.unit, r.phase) == ("HP-TIENLANG", "training"))
    assert training.slip_days == 2
