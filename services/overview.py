"""The coordinator's view of a programme as the dashboard asks for it: progress per wave and
phase, late units, the last sweep and the outbox, within the person's scope and filters."""

import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from models.access.roles import Person, lineage, reaches
from models.kernel.database import read_session
from models.kernel.lookups import get_programme
from models.phases.status import StatusRow, status_rows
from models.phases.sweeps import last_sweep
from models.reminders.delivery import Backlog, backlog
from services.kept_views import kept_per_head
from services.resources import read_database
from services.workspace import audit_head, database_url, parents_of

OUTBOX_GLANCE_SECONDS = 2


@dataclass(frozen=True)
class Filters:
    """What the dashboard narrows to (empty: everything in scope)."""

    parent: str = ""
    wave: str = ""
    phase: str = ""
    status: str = ""


@dataclass(frozen=True)
class Overview:
    """A programme at a glance, as of a day."""

    programme: str
    title: str
    as_of: date
    waves: tuple[str, ...]
    counts: dict[tuple[str, str], Counter]  # (wave, phase) -> status -> units
    late: tuple[StatusRow, ...]  # overdue phase runs, most late first
    rows: int
    last_sweep: date | None
    outbox: Backlog
    head: int = 0  # the audit head the standings were computed at


def programme_overview(*, person: Person, as_of: date, filters: Filters) -> Overview:
    """Progress per wave and phase and the late units, of the units the person reaches; the
    standings are computed once per state of the audit chain (every change appends to it), the
    last sweep is read each time, the outbox at most OUTBOX_GLANCE_SECONDS old."""
    with read_session(read_database()) as session:
        programme = get_programme(session, person.programme)
        head = audit_head(session)
        sweep = last_sweep(session, programme.id)
    progress = _progress(database_url(), person, as_of, filters, head)  # no connection held
    glance = int(time.monotonic() // OUTBOX_GLANCE_SECONDS)
    return replace(
        progress,
        last_sweep=sweep.as_of if sweep else None,
        outbox=_outbox(database_url(), programme.id, head, glance),
    )


@kept_per_head(maxsize=8)
def _outbox(_url: str, programme_id: int, _head: int, _glance: int) -> Backlog:
    """The outbox's backlog, read again after every change and every few seconds (sending
    changes it without an audit event; counting thousands of waiting rows costs 2 ms)."""
    with read_session(read_database()) as session:
        return backlog(session, programme_id)


@kept_per_head(maxsize=64)
def _progress(_url: str, person: Person, as_of: date, filters: Filters, _head: int) -> Overview:
    with read_session(read_database()) as session:
        programme = get_programme(session, person.programme)
        parents = parents_of(session, programme.id)
        scope = {
            code
            for code in parents
            if reaches(person, code, parents)
            and (not filters.parent or filters.parent in lineage(code, parents))
        }
        rows = [
            r
            for r in status_rows(session, as_of, programme.code)
            if r.unit in scope
            and (not filters.wave or r.wave == filters.wave)
            and (not filters.phase or r.phase == filters.phase)
            and (not filters.status or r.status == filters.status)
        ]
        counts: dict[tuple[str, str], Counter] = {}
        for r in rows:
            counts.setdefault((r.wave, r.phase), Counter())[r.status] += 1
        waves = tuple(dict.fromkeys(r.wave for r in rows))
        late = tuple(
            sorted((r for r in rows if r.status == "overdue"), key=lambda r: (-r.late_days, r.unit))
        )
        return Overview(
            programme.code,
            programme.title,
            as_of,
            waves,
            counts,
            late,
            len(rows),
            None,
            Backlog(0, None, None),
            _head,
        )
