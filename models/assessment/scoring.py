"""Scoring self-assessments: colours per pillar, a weighted 0-100 index, comparisons."""

from dataclasses import dataclass, field

from models.assessment.catalogue import COLOURS, Catalogue

# Points per colour; an unrated indicator scores as red. Configurable per programme
# (`assessment: {points: …, pillar_weights: …}`); no official formula exists.
DEFAULT_POINTS = {"red": 0.0, "yellow": 50.0, "green": 100.0}


@dataclass(frozen=True)
class Weights:
    """Points per colour and a weight per pillar (equal by default)."""

    points: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_POINTS))
    pillars: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: dict | None) -> "Weights":
        """The weights of a programme's `assessment:` settings (points, pillar_weights)."""
        settings = settings or {}
        points = DEFAULT_POINTS | {k: float(v) for k, v in settings.get("points", {}).items()}
        pillars = {k: float(v) for k, v in settings.get("pillar_weights", {}).items()}
        return cls(points, pillars)

    def pillar(self, code: str) -> float:
        """The weight of a pillar (1 unless set)."""
        return self.pillars.get(code, 1.0)


@dataclass(frozen=True)
class PillarScore:
    """One pillar of one assessment: counts and shares of each colour."""

    pillar: str
    counts: dict[str, int]  # red, yellow, green, unrated
    shares: dict[str, float]  # of the pillar's indicators; the four add up to one


def pillar_scores(catalogue: Catalogue, ratings: dict[str, str]) -> list[PillarScore]:
    """Counts and shares of each colour per pillar (unrated counted apart)."""
    scores = []
    for pillar, codes in catalogue.pillars.items():
        counts = {c: sum(ratings.get(code) == c for code in codes) for c in COLOURS}
        counts["unrated"] = len(codes) - sum(counts.values())
        shares = {k: n / len(codes) for k, n in counts.items()}
        scores.append(PillarScore(pillar, counts, shares))
    return scores


def index(catalogue: Catalogue, ratings: dict[str, str], weights: Weights | None = None) -> float:
    """0-100: the weighted mean over pillars of the mean points of their indicators."""
    weights = weights or Weights()
    total = sum(weights.pillar(p) for p in catalogue.pillars)
    score = 0.0
    for pillar, codes in catalogue.pillars.items():
        points = [weights.points.get(ratings.get(code, "red"), 0.0) for code in codes]
        score += weights.pillar(pillar) * sum(points) / len(points)
    return round(score / total, 1) if total else 0.0


def compare(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """Which indicators improved, fell back or stayed between two periods of one unit."""
    order = {c: i for i, c in enumerate(COLOURS)}
    result: dict[str, list[str]] = {"improved": [], "fell_back": [], "unchanged": [], "new": []}
    for code, colour in after.items():
        if code not in before:
            result["new"].append(code)
        elif order[colour] > order[before[code]]:
            result["improved"].append(code)
        elif order[colour] < order[before[code]]:
            result["fell_back"].append(code)
        else:
            result["unchanged"].append(code)
    return result


def ranking(
    catalogue: Catalogue, by_unit: dict[str, dict[str, str]], weights: Weights | None = None
) -> list[tuple[str, float]]:
    """Units by index, best first (ties by code)."""
    scored = [(unit, index(catalogue, ratings, weights)) for unit, ratings in by_unit.items()]
    return sorted(scored, key=lambda pair: (-pair[1], pair[0]))
