"""Lineage as the front ends ask for it: a unit's predecessors and successors, what its
predecessors did, and the coordinator's decision on a partial split."""

from datetime import UTC, datetime

from models.audit.chain import append_changes
from models.kernel.database import read_session, write_session
from models.kernel.lookups import find_unit, get_programme
from models.programme.lineage import Lineage, PastPhase, decide_split, lineage, past_phases
from services.resources import actor, database, read_database


def unit_lineage(*, programme: str | None, unit: str) -> Lineage:
    """Every unit before and after this one, with the day each link took effect."""
    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        code = find_unit(session, found, unit, in_roster=False).code
        return lineage(session, found, code)


def predecessors_did(*, programme: str | None, unit: str) -> list[PastPhase]:
    """What the unit's predecessors (every generation) did, phase by phase."""
    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        code = find_unit(session, found, unit, in_roster=False).code
        earlier = [link.code for link in lineage(session, found, code).predecessors]
        return past_phases(session, found, earlier)


def decide(*, programme: str | None, predecessor: str, successor: str) -> None:
    """Decide a partial split: which successor carries the predecessor on (audited)."""
    with write_session(database()) as session:
        found = get_programme(session, programme)
        earlier = find_unit(session, found, predecessor, in_roster=False).code
        later = find_unit(session, found, successor, in_roster=False).code
        changes = decide_split(session, found, earlier, later)
        append_changes(session, changes, actor(), datetime.now(UTC))
