"""Taking one unit through its phases as far as its facts allow, without Prefect.

What a person does to one unit (record, reopen) must answer at once: the phase logic runs
here directly, in the caller's process; the daily sweep does the same work per batch.
"""

from datetime import date, datetime

from models.documents.types import load_document_types
from models.kernel.database import write_session
from models.kernel.lookups import find_unit, get_programme
from models.kernel.vocabulary import PHASES
from models.phases.reconcile import reconcile_phase
from models.programme.settings import programme_settings
from services.drafting import draft_unit_documents
from services.resources import actor, database


def advance_unit(
    programme_code: str, unit_code: str, as_of: date, recorded_at: datetime
) -> dict[str, dict[str, int]]:
    """Reconcile the unit's five phases in one transaction, then draft what it opened."""
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        unit_id = find_unit(session, programme, unit_code).id
        counts = {
            phase: reconcile_phase(
                session, programme, phase, [unit_id], as_of, actor(), recorded_at
            )
            for phase in PHASES
        }
    for phase, phase_counts in counts.items():
        phase_counts["drafted"] = (
            draft_opened_documents(programme_code, phase, [unit_id], as_of, recorded_at)
            if phase_counts["opened"]
            else 0
        )
    return counts


def draft_opened_documents(
    programme_code: str, phase: str, unit_ids: list[int], as_of: date, recorded_at: datetime
) -> int:
    """Draft a phase's unit documents for units that opened it and have none yet; how many."""
    types = [
        t
        for t in load_document_types().values()
        if t.phase == phase and t.issuer == "unit" and t.draft_on_open
    ]
    if not types:
        return 0
    with write_session(database()) as session:
        programme = get_programme(session, programme_code)
        settings = programme_settings(programme).documents
        if not settings.draft_on_open:
            return 0
        language = settings.language
        result = draft_unit_documents(
            session, programme, unit_ids, types, language, as_of, recorded_at, True
        )
    return result["new"]
