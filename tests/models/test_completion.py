"""Completion criteria: parsing, what is missing, and the date they are first met."""

from datetime import date

import pytest

from models.phases.completion import (
    Fact,
    Requirement,
    completion_date,
    evidence_kinds,
    parse_requirements,
    unmet,
)

SURVEY = parse_requirements([{"evidence": "survey_answers"}, {"decision": "steering_committee"}])
TRAINING = parse_requirements([{"attendance_share": 0.8}])
RATED = parse_requirements([{"indicators_rated": True}])


def test_survey_needs_both_answers_and_the_decision():
    answers = Fact(date(2023, 3, 10), "evidence", "survey_answers")
    decision = Fact(date(2023, 3, 20), "decision", "steering_committee")
    assert unmet(SURVEY, [answers], None, 39) == [
        "a decision of kind steering_committee (number and date)"
    ]
    assert completion_date(SURVEY, [answers], None, 39) is None
    assert completion_date(SURVEY, [decision, answers], None, 39) == date(2023, 3, 20)


def test_attendance_accumulates_to_the_share_of_officials():
    first = Fact(date(2023, 4, 3), "evidence", "attendance", 10)
    second = Fact(date(2023, 4, 10), "evidence", "attendance", 14)
    assert unmet(TRAINING, [first], 30, 39) == [
        "attendance of at least 80% of the unit's officials (10 of 24 so far)"
    ]
    assert completion_date(TRAINING, [second, first], 30, 39) == date(2023, 4, 10)
    # Without a count of officials, any attendance record will do.
    assert completion_date(TRAINING, [first], None, 39) == date(2023, 4, 3)


def test_every_indicator_rated_on_the_day_of_the_last_rating():
    facts = [Fact(date(2023, 5, 1 + i % 20), "rating", f"i{i}") for i in range(39)]
    assert completion_date(RATED, facts[:38], None, 39) is None
    assert completion_date(RATED, facts, None, 39) == max(f.on for f in facts)
    # Rating one indicator twice does not count twice.
    again = [*facts[:38], Fact(date(2023, 6, 1), "rating", "i0")]
    assert unmet(RATED, again, None, 39) == [
        "a rating for every indicator of the catalogue (38 of 39 rated)"
    ]


def test_facts_of_other_kinds_do_not_count():
    other = Fact(date(2023, 3, 10), "evidence", "other")
    assert completion_date(SURVEY, [other], None, 39) is None


def test_a_phase_without_criteria_never_closes_by_itself():
    assert completion_date([], [Fact(date(2023, 3, 1), "evidence", "other")], None, 39) is None


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"evidnce": "x"}], "unknown requirement 'evidnce'"),
        ([{"attendance_share": 1.5}], "between 0 and 1"),
        ([{"decision": ""}], "needs a kind name"),
        ([{"indicators_rated": "yes"}], "takes the value true"),
        ("survey_answers", "must be a list"),
    ],
)
def test_bad_criteria_say_what_is_wrong(items, message):
    with pytest.raises(ValueError, match=message):
        parse_requirements(items)


def test_the_kinds_a_phase_accepts():
    assert evidence_kinds(SURVEY) == {"survey_answers", "other"}
    assert evidence_kinds(TRAINING) == {"attendance", "other"}
    assert Requirement("decision", "x").describe() == "a decision of kind x (number and date)"
