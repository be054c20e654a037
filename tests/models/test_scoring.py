"""Scoring: shares add up per pillar, the index is monotone in every rating, comparisons."""

import random

from models.assessment.catalogue import DEFAULT_CATALOGUE, load_catalogue
from models.assessment.scoring import Weights, compare, index, pillar_scores, ranking

CATALOGUE = load_catalogue(DEFAULT_CATALOGUE)
COLOURS = ("red", "yellow", "green")


def random_ratings(rng: random.Random) -> dict[str, str]:
    return {c: rng.choice(COLOURS) for c in CATALOGUE.codes if rng.random() < 0.9}


def test_shares_add_up_to_one_per_pillar_and_counts_to_its_size():
    rng = random.Random(18091)
    for _ in range(200):
        for score in pillar_scores(CATALOGUE, random_ratings(rng)):
            assert abs(sum(score.shares.values()) - 1) < 1e-9
            assert sum(score.counts.values()) == len(CATALOGUE.pillars[score.pillar])


def test_the_index_is_monotone_in_each_rating_and_spans_0_to_100():
    rng = random.Random(2023)
    weights = Weights(pillars={"1": 2.0, "3": 0.5})
    for _ in range(100):
        ratings = random_ratings(rng)
        code = rng.choice(CATALOGUE.codes)
        scores = [index(CATALOGUE, ratings | {code: c}, weights) for c in COLOURS]
        assert scores[0] <= scores[1] <= scores[2] and scores[0] < scores[2]
    assert index(CATALOGUE, {}) == 0
    assert index(CATALOGUE, dict.fromkeys(CATALOGUE.codes, "green")) == 100
    assert index(CATALOGUE, dict.fromkeys(CATALOGUE.codes, "yellow")) == 50


def test_comparing_two_periods_and_ranking_units():
    before = {"1.1": "red", "1.2": "green", "1.3": "yellow"}
    after = {"1.1": "yellow", "1.2": "yellow", "1.3": "yellow", "1.4": "green"}
    assert compare(before, after) == {
        "improved": ["1.1"],
        "fell_back": ["1.2"],
        "unchanged": ["1.3"],
        "new": ["1.4"],
    }
    units = {"B": dict.fromkeys(CATALOGUE.codes, "green"), "A": {}, "C": {"1.1": "green"}}
    assert [u for u, _ in ranking(CATALOGUE, units)] == ["B", "C", "A"]
