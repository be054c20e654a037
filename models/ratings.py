"""Indicator ratings of a unit for a period: what the self-assessment gate reads."""

from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models.audit import Change, append_changes
from models.problems import InputError, Problem
from models.reconcile import programme_catalogue
from models.tables import IndicatorRating, Programme, Unit

RATINGS = ("red", "yellow", "green")


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
    unit = session.scalars(
        select(Unit).where(Unit.programme_id == programme.id, Unit.code == unit_code)
    ).first()
    if unit is None:
        problems.append(Problem(source, None, "unit", f"no unit {unit_code!r} in {programme.code}"))
    codes = set(programme_catalogue(programme).codes)
    for code, rating in sorted(ratings.items()):
        if code not in codes:
            problems.append(Problem(source, None, code, "not an indicator of the catalogue"))
        if rating not in RATINGS:
            problems.append(Problem(source, None, code, f"{rating!r} is not red, yellow or green"))
    if problems:
        raise InputError(problems)
    have = {
        r.indicator: r
        for r in session.scalars(
            select(IndicatorRating).where(
                IndicatorRating.unit_id == unit.id, IndicatorRating.period == period
            )
        )
    }
    for code, rating in ratings.items():
        row = have.get(code) or IndicatorRating(
            unit_id=unit.id,
            period=period,
            indicator=code,
            rating=rating,
            rated_on=rated_on,
            assessor=assessor,
        )
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
