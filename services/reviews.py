"""The self-assessment filled online and its review, as the web pages ask for them: every
call checks the signed-in person's scope and role first and acts under their name."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from models.access.roles import Person, may_change, reaches
from models.assessment import review
from models.assessment.action_items import assessment_period
from models.kernel.database import read_session, write_session
from models.kernel.lookups import get_programme
from models.kernel.tables import AssessmentReview, Unit
from models.phases.reconcile import programme_catalogue
from services.records import advance_one
from services.resources import acting_as, database, read_database
from services.workspace import OutOfScopeError, checked_unit, parents_of


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator on the assessment page: its names and what the unit filled in."""

    code: str
    pillar: str
    name_vi: str
    name_en: str
    rating: str
    note: str
    evidence: str
    comment: str  # the verifier's, when the assessment was sent back


@dataclass(frozen=True)
class AssessmentView:
    """A unit's online assessment for its period: state, lines and the review loop."""

    unit: str
    unit_name: str
    period: int
    state: str
    lines: tuple[IndicatorLine, ...]
    history: tuple[dict, ...]


def assessment_view(*, person: Person, unit: str) -> AssessmentView:
    """What the unit filled in (or the verifier reviews), with the last comments."""
    with read_session(read_database()) as session:
        programme, row = checked_unit(session, person, unit)
        period = assessment_period(session, row)
        found = review.review_of(session, row.id, period)
        catalogue = programme_catalogue(programme)
        draft = found.draft if found else {}
        history = tuple(found.comments) if found else ()
        asked = next((h for h in reversed(history) if h["state"] == review.CHANGES_REQUESTED), {})
        lines = tuple(
            IndicatorLine(
                code,
                catalogue.indicators[code].pillar,
                catalogue.indicators[code].name_vi,
                catalogue.indicators[code].name_en,
                (draft.get(code) or {}).get("rating", ""),
                (draft.get(code) or {}).get("note", ""),
                (draft.get(code) or {}).get("evidence", ""),
                asked.get("indicators", {}).get(code, ""),
            )
            for code in catalogue.codes
        )
        return AssessmentView(
            row.code, row.name, period, found.state if found else "", lines, history
        )


def _act(person: Person, unit: str, what: str, action, *args):
    if not may_change(person, what):
        raise OutOfScopeError(f"{person.email} ({person.role}) cannot {what} for {unit}")
    with write_session(database()) as session:
        programme, row = checked_unit(session, person, unit)
        period = assessment_period(session, row)
        return action(session, programme, row, period, *args, person.actor, datetime.now(UTC))


def save_answers(*, person: Person, unit: str, answers: dict[str, review.Answer]) -> None:
    """Keep the unit's answers as a draft."""
    _act(person, unit, "submit", review.save_draft, answers)


def submit_answers(
    *, person: Person, unit: str, answers: dict[str, review.Answer], on: date
) -> None:
    """Keep the answers, then submit them for review (every indicator rated)."""
    save_answers(person=person, unit=unit, answers=answers)
    _act(person, unit, "submit", review.submit, person.display, on)
    _advance(person, unit, on)


def send_back(*, person: Person, unit: str, comment: str, per_indicator: dict[str, str]) -> None:
    """Ask the unit for changes, with comments."""
    _act(person, unit, "review", review.send_back, comment, per_indicator)


def confirm(*, person: Person, unit: str, changes: dict[str, str], on: date) -> None:
    """Confirm the submitted ratings (changing those in `changes`)."""
    _act(person, unit, "review", review.confirm, changes, person.display, on)
    _advance(person, unit, on)


def _advance(person: Person, unit: str, on: date) -> None:
    """Take the unit on at once, as recording a fact does (its self-assessment may close)."""
    with acting_as(person.actor):
        advance_one(programme=person.programme, unit=unit, as_of=on)


def waiting_reviews(*, person: Person) -> list[tuple[str, str, int, str]]:
    """Assessments in the person's scope, submitted or sent back: (unit, name, period, state)."""
    with read_session(read_database()) as session:
        programme = get_programme(session, person.programme)
        parents = parents_of(session, programme.id)
        rows = session.execute(
            select(Unit.code, Unit.name, AssessmentReview.period, AssessmentReview.state)
            .join(AssessmentReview, AssessmentReview.unit_id == Unit.id)
            .where(Unit.programme_id == programme.id)
            .order_by(AssessmentReview.updated_at)
        )
        return [tuple(r) for r in rows if reaches(person, r[0], parents)]
