"""A programme's self-assessments of one period, scored: what `assess score` and the report show."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models.assessment.action_items import progress
from models.assessment.catalogue import COLOURS, Catalogue
from models.assessment.ratings import programme_ratings
from models.assessment.scoring import Weights, compare, index, pillar_scores
from models.kernel.problems import NotFoundError
from models.kernel.tables import ActionItem, IndicatorRating, Programme, Unit
from models.phases.reconcile import programme_catalogue


@dataclass(frozen=True)
class UnitScore:
    """One unit's assessment of the period: its index, rank, colour counts and action items."""

    code: str
    name: str
    index: float
    rank: int
    counts: dict[str, int]  # red, yellow, green, unrated over the catalogue
    pillars: dict[str, float]  # pillar -> index of that pillar alone
    verified: int  # indicators a verifier confirmed or changed
    items: dict[str, int]  # action items per status, plus overdue


@dataclass(frozen=True)
class AssessmentSummary:
    """Every rated unit of a programme for a period, best first, with shares per pillar."""

    programme: str
    title: str
    period: int
    as_of: date
    catalogue: Catalogue
    weights: Weights
    units: list[UnitScore]
    ratings: dict[str, dict[str, str]]  # unit -> indicator -> standing rating
    distribution: dict[str, dict[str, float]]  # pillar -> colour -> share of units' indicators


def rated_period(session: Session, programme: Programme, period: int | None) -> int:
    """The period asked for, else the most recent one any unit rated; NotFoundError if none."""
    period = period or session.scalar(
        select(func.max(IndicatorRating.period))
        .join(Unit, Unit.id == IndicatorRating.unit_id)
        .where(Unit.programme_id == programme.id)
    )
    if period is None:
        raise NotFoundError(
            f"no unit of {programme.code} has rated anything yet; "
            "import forms with `rollout assess import`"
        )
    return period


def summarise(
    session: Session, programme: Programme, period: int, as_of: date
) -> AssessmentSummary:
    """Score every unit that rated anything in `period`; rank them; add up each pillar."""
    catalogue = programme_catalogue(programme)
    weights = Weights.of(programme.assessment)
    by_unit = programme_ratings(session, programme, period)
    names = dict(
        session.execute(
            select(Unit.code, Unit.name).where(
                Unit.programme_id == programme.id, Unit.code.in_(by_unit)
            )
        ).all()
    )
    verified = dict(
        session.execute(
            select(Unit.code, func.count(IndicatorRating.id))
            .join(IndicatorRating, IndicatorRating.unit_id == Unit.id)
            .where(
                Unit.programme_id == programme.id,
                IndicatorRating.period == period,
                IndicatorRating.verified_on.is_not(None),
            )
            .group_by(Unit.code)
        ).all()
    )
    items = defaultdict(list)
    for item in session.execute(  # the two columns counted, not 87,098 items as entities
        select(Unit.code, ActionItem.status, ActionItem.due)
        .join(ActionItem, ActionItem.unit_id == Unit.id)
        .where(ActionItem.programme_id == programme.id, ActionItem.period == period)
    ):
        items[item.code].append(item)
    scored = sorted(
        ((index(catalogue, r, weights), code) for code, r in by_unit.items()),
        key=lambda pair: (-pair[0], pair[1]),
    )
    units = []
    for rank, (score, code) in enumerate(scored, start=1):
        ratings = by_unit[code]
        counts = {c: sum(v == c for v in ratings.values() if v) for c in COLOURS}
        counts["unrated"] = len(catalogue.codes) - sum(counts.values())
        made = progress(items.get(code, []), as_of)
        units.append(
            UnitScore(
                code=code,
                name=names.get(code, code),
                index=score,
                rank=rank,
                counts=counts,
                pillars={
                    p: index(catalogue.subset(p), ratings, weights) for p in catalogue.pillars
                },
                verified=verified.get(code, 0),
                items=made.counts | {"overdue": made.overdue, "total": made.total},
            )
        )
    return AssessmentSummary(
        programme.code,
        programme.title,
        period,
        as_of,
        catalogue,
        weights,
        units,
        {u.code: by_unit[u.code] for u in units},
        distribution(catalogue, by_unit),
    )


def distribution(
    catalogue: Catalogue, by_unit: dict[str, dict[str, str]]
) -> dict[str, dict[str, float]]:
    """Per pillar, the share of each colour (and unrated) over all units' indicators."""
    found = {}
    for pillar in catalogue.pillars:
        totals: dict[str, float] = defaultdict(float)
        for ratings in by_unit.values():
            for score in pillar_scores(catalogue.subset(pillar), ratings):
                for colour, share in score.shares.items():
                    totals[colour] += share
        n = max(len(by_unit), 1)
        found[pillar] = {c: totals[c] / n for c in (*COLOURS, "unrated")}
    return found


def unit_comparison(
    session: Session, programme: Programme, unit: Unit, before: int, after: int
) -> dict[str, list[str] | float]:
    """What changed in a unit's ratings between two periods, and its index in each."""
    catalogue = programme_catalogue(programme)
    weights = Weights.of(programme.assessment)
    old = programme_ratings(session, programme, before, unit.code).get(unit.code, {})
    new = programme_ratings(session, programme, after, unit.code).get(unit.code, {})
    return compare(old, new) | {
        "index_before": index(catalogue, old, weights),
        "index_after": index(catalogue, new, weights),
        "before_rated": len(old),
        "after_rated": len(new),
    }
