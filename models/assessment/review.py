"""A unit's self-assessment filled online: a draft, then a submission that a verifier confirms
or sends back with comments ("changes requested"), which the unit answers. Every step is an
audit event; the submitted ratings are stored as a filled form's are."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models.assessment.form import FilledForm, FormAnswer
from models.assessment.ratings import record_form, verify_ratings
from models.audit.chain import Change, append_changes
from models.kernel.identifiers import text_problem
from models.kernel.problems import InputError, Problem
from models.kernel.tables import AssessmentReview, Programme, Unit
from models.kernel.vocabulary import RATINGS
from models.phases.reconcile import programme_catalogue

DRAFT, SUBMITTED, CHANGES_REQUESTED, CONFIRMED = (
    "draft",
    "submitted",
    "changes_requested",
    "confirmed",
)
REVIEW_STATES = (DRAFT, SUBMITTED, CHANGES_REQUESTED, CONFIRMED)
EDITABLE = (DRAFT, CHANGES_REQUESTED)


@dataclass(frozen=True)
class Answer:
    """One indicator as the unit filled it in online (empty strings: not filled)."""

    rating: str
    note: str
    evidence: str


def review_of(session: Session, unit_id: int, period: int) -> AssessmentReview | None:
    """The unit's online assessment for a period, if it began one."""
    return session.scalar(
        select(AssessmentReview).where(
            AssessmentReview.unit_id == unit_id, AssessmentReview.period == period
        )
    )


def check_answers(programme: Programme, answers: dict[str, Answer], source: str) -> list[Problem]:
    """Every problem of the answers: unknown indicators, ratings not red/yellow/green, text
    with control characters or too long (named by indicator and field)."""
    codes = set(programme_catalogue(programme).codes)
    problems = []
    for code, answer in sorted(answers.items()):
        if code not in codes:
            problems.append(Problem(source, None, code, "not an indicator of the catalogue"))
        if answer.rating and answer.rating not in RATINGS:
            problems.append(
                Problem(source, None, f"{code} rating", f"{answer.rating[:20]!r} is not a rating")
            )
        for field, text in (("note", answer.note), ("evidence", answer.evidence)):
            why = text_problem(text, multiline=True)
            if why:
                problems.append(Problem(source, None, f"{code} {field}", why))
    return problems


def save_draft(
    session: Session,
    programme: Programme,
    unit: Unit,
    period: int,
    answers: dict[str, Answer],
    actor: str,
    now: datetime,
) -> AssessmentReview:
    """Keep what the unit filled in so far (nothing counts until it is submitted)."""
    source = f"assessment of {unit.code}/{period}"
    row = review_of(session, unit.id, period)
    problems = check_answers(programme, answers, source)
    if row is not None and row.state not in EDITABLE:
        problems.append(Problem(source, None, "state", _locked(row.state)))
    if problems:
        raise InputError(problems)
    if row is None:
        row = AssessmentReview(unit_id=unit.id, period=period, state=DRAFT, draft={}, comments=[])
    row.draft = {
        code: {"rating": a.rating, "note": a.note, "evidence": a.evidence}
        for code, a in sorted(answers.items())
    }
    row.updated_by, row.updated_at = actor, now
    session.add(row)
    filled = sum(bool(a.rating) for a in answers.values())
    _event(
        session,
        programme,
        unit,
        "assessment.draft_saved",
        {"period": period, "rated": filled},
        actor,
        now,
    )
    return row


def submit(
    session: Session,
    programme: Programme,
    unit: Unit,
    period: int,
    assessor: str,
    rated_on: date,
    actor: str,
    now: datetime,
) -> AssessmentReview:
    """Submit the draft: every indicator must be rated; the ratings are stored (the phase's
    gate reads them) and the assessment waits for its verifier."""
    source = f"assessment of {unit.code}/{period}"
    row = review_of(session, unit.id, period)
    catalogue = programme_catalogue(programme)
    if row is None:
        raise InputError([Problem(source, None, "draft", "nothing filled in yet; save a draft")])
    if row.state not in EDITABLE:
        raise InputError([Problem(source, None, "state", _locked(row.state))])
    missing = [c for c in catalogue.codes if not (row.draft.get(c) or {}).get("rating")]
    if missing:
        shown = ", ".join(missing[:10]) + ("…" if len(missing) > 10 else "")
        raise InputError(
            [Problem(source, None, "ratings", f"{len(missing)} indicators not rated: {shown}")]
        )
    answers = tuple(
        FormAnswer(
            code,
            row.draft[code]["rating"],
            row.draft[code].get("evidence") or None,
            row.draft[code].get("note") or None,
        )
        for code in catalogue.codes
    )
    form = FilledForm(programme.code, unit.code, period, assessor, rated_on, answers)
    record_form(session, programme, form, actor, now, unit.code, period)
    _move(session, programme, unit, row, SUBMITTED, "", {}, actor, now)
    return row


def send_back(
    session: Session,
    programme: Programme,
    unit: Unit,
    period: int,
    comment: str,
    per_indicator: dict[str, str],
    actor: str,
    now: datetime,
) -> AssessmentReview:
    """The verifier asks for changes, saying what and where; the unit can edit and resubmit."""
    source = f"review of {unit.code}/{period}"
    row = review_of(session, unit.id, period)
    problems = _reviewable(row, source)
    per_indicator = {c: t.strip() for c, t in per_indicator.items() if t.strip()}
    if not comment.strip() and not per_indicator:
        problems.append(Problem(source, None, "comment", "say what should change"))
    for field, text in (("comment", comment), *per_indicator.items()):
        why = text_problem(text, multiline=True)
        if why:
            problems.append(Problem(source, None, field, why))
    if problems:
        raise InputError(problems)
    _move(
        session, programme, unit, row, CHANGES_REQUESTED, comment.strip(), per_indicator, actor, now
    )
    return row


def confirm(
    session: Session,
    programme: Programme,
    unit: Unit,
    period: int,
    changes: dict[str, str],
    verifier: str,
    verified_on: date,
    actor: str,
    now: datetime,
) -> AssessmentReview:
    """The verifier confirms every rating (or changes some: code -> colour); both are kept."""
    source = f"review of {unit.code}/{period}"
    row = review_of(session, unit.id, period)
    problems = _reviewable(row, source)
    if problems:
        raise InputError(problems)
    decisions: dict[str, str | None] = dict.fromkeys(programme_catalogue(programme).codes)
    decisions.update({c: colour for c, colour in changes.items() if colour})
    verify_ratings(
        session, programme, unit.code, period, decisions, verifier, verified_on, actor, now
    )
    _move(session, programme, unit, row, CONFIRMED, "", {}, actor, now)
    return row


def _reviewable(row: AssessmentReview | None, source: str) -> list[Problem]:
    if row is None or row.state != SUBMITTED:
        state = "not begun" if row is None else row.state.replace("_", " ")
        return [Problem(source, None, "state", f"not submitted for review ({state})")]
    return []


def _locked(state: str) -> str:
    if state == SUBMITTED:
        return "submitted: it waits for the verifier, who may send it back for changes"
    return "confirmed by the verifier: it can no longer be changed here"


def _move(
    session: Session,
    programme: Programme,
    unit: Unit,
    row: AssessmentReview,
    state: str,
    comment: str,
    per_indicator: dict[str, str],
    actor: str,
    now: datetime,
) -> None:
    entry = {"state": state, "by": actor, "at": now.isoformat(timespec="seconds")}
    if comment:
        entry["comment"] = comment
    if per_indicator:
        entry["indicators"] = per_indicator
    row.comments = [*row.comments, entry]  # a new list, so the JSON column is written
    row.state, row.updated_by, row.updated_at = state, actor, now
    session.add(row)
    payload = {"period": row.period, **{k: v for k, v in entry.items() if k not in ("by", "at")}}
    _event(session, programme, unit, f"assessment.{state}", payload, actor, now)


def _event(session, programme, unit, action: str, payload: dict, actor: str, now) -> None:
    subject = f"{programme.code}/{unit.code}"
    append_changes(session, [Change(action, subject, payload, programme.code)], actor, now)
