"""Indicator ratings of a unit for a period: what the self-assessment gate reads."""

from datetime import date, datetime

from sqlalchemy import Row, select
from sqlmodel import Session

from models.assessment.form import SHEET, FilledForm
from models.audit.chain import Change, append_changes
from models.kernel.lookups import find_unit
from models.kernel.problems import InputError, Problem
from models.kernel.tables import IndicatorRating, Programme, Unit
from models.kernel.vocabulary import RATINGS
from models.phases.reconcile import programme_catalogue

INSERT_CHUNK = 5_000  # new rating rows held before they are inserted: memory stays flat


def period_ratings(session: Session, unit_id: int, period: int) -> dict[str, IndicatorRating]:
    """A unit's stored ratings for a period, by indicator."""
    rows = session.scalars(
        select(IndicatorRating).where(
            IndicatorRating.unit_id == unit_id, IndicatorRating.period == period
        )
    )
    return {r.indicator: r for r in rows}


def record_ratings(
    session: Session,
    programme: Programme,
    unit_code: str,
    period: int,
    ratings: dict[str, str],
    rated_on: date,
    assessor: str,
    actor: str,
    now: datetime,
) -> int:
    """Store a unit's self-ratings for a period (red, yellow or green per indicator)."""
    source = "ratings"
    problems: list[Problem] = []
    unit = find_unit(session, programme, unit_code)
    codes = set(programme_catalogue(programme).codes)
    for code, rating in sorted(ratings.items()):
        if code not in codes:
            problems.append(Problem(source, None, code, "not an indicator of the catalogue"))
        if rating not in RATINGS:
            problems.append(Problem(source, None, code, f"{rating!r} is not red, yellow or green"))
    if problems:
        raise InputError(problems)
    have = period_ratings(session, unit.id, period)
    for code, rating in ratings.items():
        row = have.get(code) or IndicatorRating(
            unit_id=unit.id,
            period=period,
            indicator=code,
            rating=rating,
            rated_on=rated_on,
            assessor=assessor,
        )
        if row.rating != rating and row.verified_rating is not None:
            row.verified_rating = row.verifier = row.verified_on = None  # verify it again
        row.rating, row.rated_on, row.assessor = rating, rated_on, assessor
        session.add(row)
    payload = {"period": period, "ratings": ratings, "rated_on": rated_on, "assessor": assessor}
    append_changes(
        session,
        [Change("ratings.recorded", f"{programme.code}/{unit_code}", payload, programme.code)],
        actor,
        now,
    )
    return len(ratings)


def record_form(
    session: Session,
    programme: Programme,
    form: FilledForm,
    actor: str,
    now: datetime,
    expected_unit: str | None = None,
    expected_period: int | None = None,
) -> dict[str, int]:
    """Store a filled form's ratings, evidence and notes; all of them or, on any problem, none."""
    return record_forms(session, programme, [form], actor, now, expected_unit, expected_period)


def record_forms(
    session: Session,
    programme: Programme,
    forms: list[FilledForm],
    actor: str,
    now: datetime,
    expected_unit: str | None = None,
    expected_period: int | None = None,
) -> dict[str, int]:
    """Store filled forms' ratings, evidence and notes, set-based (a query for the units, one
    for their stored ratings, inserts of the new rows INSERT_CHUNK at a time, one append to the
    audit chain), in the caller's one transaction: all of them or, on any problem of any form,
    none. Totals of rated, changed and unrated."""
    from sqlalchemy import tuple_

    problems: list[Problem] = []
    codes = {f.unit for f in forms}
    units = {
        u.code: u
        for u in session.scalars(
            select(Unit).where(Unit.programme_id == programme.id, Unit.code.in_(codes))
        )
    }
    for form in forms:
        source = f"form {form.unit}/{form.period}"
        if form.programme != programme.code:
            problems.append(
                Problem(
                    source,
                    None,
                    f"{SHEET}!C2",
                    f"a form of programme {form.programme}, not "
                    f"{programme.code}; import it with --programme {form.programme}",
                )
            )
        if expected_unit and form.unit != expected_unit:
            problems.append(
                Problem(source, None, f"{SHEET}!C3", f"a form of {form.unit}, not {expected_unit}")
            )
        if expected_period and form.period != expected_period:
            problems.append(
                Problem(
                    source, None, f"{SHEET}!C4", f"a form of {form.period}, not {expected_period}"
                )
            )
        if form.unit not in units:
            problems.append(
                Problem(source, None, f"{SHEET}!C3", f"no unit {form.unit!r} in {programme.code}")
            )
    if problems:
        raise InputError(problems)
    keys = {(units[f.unit].id, f.period) for f in forms}
    have = {
        (r.unit_id, r.period, r.indicator): r
        for r in session.scalars(
            select(IndicatorRating).where(
                tuple_(IndicatorRating.unit_id, IndicatorRating.period).in_(keys)
            )
        )
    }
    new_rows, changes = [], []
    totals = {"rated": 0, "changed": 0, "unrated": 0}
    for form in forms:
        unit = units[form.unit]
        changed = {}
        for answer in form.answers:
            if answer.rating is None:
                continue
            values = (answer.rating, answer.evidence, answer.note)
            row = have.get((unit.id, form.period, answer.indicator))
            if row is None:
                new_rows.append(
                    {
                        "unit_id": unit.id,
                        "period": form.period,
                        "indicator": answer.indicator,
                        "rating": answer.rating,
                        "evidence": answer.evidence,
                        "note": answer.note,
                        "rated_on": form.rated_on,
                        "assessor": form.assessor,
                    }
                )
            elif (row.rating, row.evidence, row.note) == values:
                continue
            else:
                row.rating, row.evidence, row.note = values
                row.rated_on, row.assessor = form.rated_on, form.assessor
                if row.verified_rating is not None:  # a changed self rating: verify it again
                    row.verified_rating = row.verifier = row.verified_on = None
            changed[answer.indicator] = answer.rating
        if len(new_rows) >= INSERT_CHUNK:
            _insert_ratings(session, new_rows)
            new_rows = []
        if changed:
            payload = {
                "period": form.period,
                "ratings": changed,
                "rated_on": form.rated_on,
                "assessor": form.assessor,
                "via": "form",
            }
            subject = f"{programme.code}/{form.unit}"
            changes.append(Change("ratings.recorded", subject, payload, programme.code))
        rated = sum(a.rating is not None for a in form.answers)
        totals["rated"] += rated
        totals["changed"] += len(changed)
        totals["unrated"] += len(form.answers) - rated
    _insert_ratings(session, new_rows)
    if changes:
        append_changes(session, changes, actor, now)
    return totals


def _insert_ratings(session: Session, rows: list[dict]) -> None:
    """Insert new rating rows through the table: no ORM bookkeeping for 130,845 of them."""
    if rows:
        session.connection().execute(IndicatorRating.__table__.insert(), rows)


def standing_rating(row: IndicatorRating | Row) -> str:
    """The rating that counts: the verifier's where there is one, else the unit's own."""
    return row.verified_rating or row.rating


def verify_ratings(
    session: Session,
    programme: Programme,
    unit_code: str,
    period: int,
    decisions: dict[str, str | None],
    verifier: str,
    verified_on: date,
    actor: str,
    now: datetime,
) -> dict[str, int]:
    """Confirm (None) or change a unit's self ratings as a verifier; all of them or none.

    Both ratings are kept: the unit's own in `rating`, the verifier's in `verified_rating`.
    """
    source = f"verification of {unit_code}/{period}"
    problems: list[Problem] = []
    verifier = " ".join((verifier or "").split())
    if not verifier:
        problems.append(
            Problem(
                source, None, "verifier", "a verified rating needs the verifier; give --verifier"
            )
        )
    unit = find_unit(session, programme, unit_code)
    codes = set(programme_catalogue(programme).codes)
    have = period_ratings(session, unit.id, period)
    if not decisions:
        problems.append(Problem(source, None, "indicators", "name the indicators, or give --all"))
    for code, rating in sorted(decisions.items()):
        if code not in codes:
            problems.append(Problem(source, None, code, "not an indicator of the catalogue"))
        elif code not in have:
            problems.append(
                Problem(source, None, code, f"not rated by the unit for {period}; rate it first")
            )
        elif verified_on < have[code].rated_on:
            problems.append(
                Problem(
                    source,
                    None,
                    code,
                    f"verified on {verified_on}, before the unit rated it "
                    f"({have[code].rated_on}); check --on",
                )
            )
        if rating is not None and rating not in RATINGS:
            problems.append(Problem(source, None, code, f"{rating!r} is not red, yellow or green"))
    if problems:
        raise InputError(problems)
    verified = {}
    for code, rating in decisions.items():
        row = have[code]
        row.verified_rating = rating or row.rating
        row.verifier, row.verified_on = verifier, verified_on
        session.add(row)
        verified[code] = row.verified_rating
    changed = sum(have[c].verified_rating != have[c].rating for c in decisions)
    payload = {"period": period, "ratings": verified, "on": verified_on, "verifier": verifier}
    append_changes(
        session,
        [Change("ratings.verified", f"{programme.code}/{unit_code}", payload, programme.code)],
        actor,
        now,
    )
    return {
        "verified": len(verified),
        "changed": changed,
        "unverified": len(codes)
        - sum(r.verified_on is not None for r in have.values() if r.indicator in codes),
    }


def programme_ratings(
    session: Session, programme: Programme, period: int, unit_code: str | None = None
) -> dict[str, dict[str, str]]:
    """Every unit's standing ratings for a period (or one unit's), by unit code then indicator
    (units rated). Plain columns, not entities: 130,845 ratings as entities took 260 MB."""
    query = (
        select(
            Unit.code,
            IndicatorRating.indicator,
            IndicatorRating.rating,
            IndicatorRating.verified_rating,
        )
        .join(IndicatorRating, IndicatorRating.unit_id == Unit.id)
        .where(Unit.programme_id == programme.id, IndicatorRating.period == period)
    )
    if unit_code is not None:
        query = query.where(Unit.code == unit_code)
    found: dict[str, dict[str, str]] = {}
    for row in session.execute(query):
        found.setdefault(row.code, {})[row.indicator] = standing_rating(row)
    return found
