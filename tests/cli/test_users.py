"""Web users from the command line, single-use sign-in links, and the online assessment's
review loop, on the loaded pilot (real SQLite database, real audit chain)."""

import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from config.settings import get_settings
from models.assessment import review
from models.kernel.database import read_session, write_session
from models.kernel.lookups import find_unit, get_programme
from models.kernel.problems import InputError
from models.kernel.tables import AuditEvent, IndicatorRating
from models.phases.reconcile import programme_catalogue
from services.access import current_person, sign_in, sign_in_link, sign_out
from services.resources import database
from tests.cli.test_commands import rollout

UNIT_EMAIL = "ubnd@danglam.haian.haiphong.example"


@pytest.fixture
def with_users(loaded):
    assert rollout("users", "from-roster").exit_code == 0
    added = rollout(
        "users",
        "add",
        "Tham.Dinh@Example.org",
        "--role",
        "verifier",
        "--unit",
        "HP-HAIAN",
        "--name",
        "Đoàn thẩm định",
    )
    assert added.exit_code == 0, added.output
    assert "Added tham.dinh@example.org: verifier, HP-HAIAN." in added.output
    return loaded


def test_users_are_added_from_the_roster_and_audited_under_the_coordinator(with_users):
    listed = rollout("users", "list")
    assert UNIT_EMAIL in listed.output and "HP-DANGLAM" in listed.output
    with read_session(database()) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.added")).all()
    assert len(events) == 13 and {e.actor for e in events} == {"tester"}
    assert rollout("audit", "verify").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--role", "admin"), "'admin' is not a role"),
        (("--role", "unit"), "a unit's user needs exactly one --unit"),
        (("--role", "unit", "--unit", "HP-NOWHERE"), "no unit 'HP-NOWHERE'"),
        (("--role", "verifier"), "a verifier needs the units assigned"),
    ],
)
def test_a_bad_user_is_refused_and_nothing_written(loaded, args, message):
    result = rollout("users", "add", "x@example.org", *args)
    assert result.exit_code == 2 and message in result.output
    assert "x@example.org" not in rollout("users", "list").output


def test_a_bad_address_is_refused(loaded):
    result = rollout("users", "add", "not an address", "--role", "coordinator")
    assert result.exit_code == 2 and "EMAIL" in result.output


def test_a_link_signs_in_once_and_sessions_end(with_users):
    result = rollout("users", "link", UNIT_EMAIL)
    assert result.exit_code == 0
    url = result.output.strip()
    assert url.startswith(get_settings().web_url + "/signin/")
    token = url.rsplit("/", 1)[1]
    signed = sign_in(token=token)
    assert signed.person.scope == ("HP-DANGLAM",) and signed.person.role == "unit"
    assert sign_in(token=token) is None  # single use
    assert current_person(cookie=signed.cookie)[1] == signed.csrf
    sign_out(cookie=signed.cookie)
    assert current_person(cookie=signed.cookie) is None
    with read_session(database()) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.signed_in")
        ).one()
        assert event.actor == f"{UNIT_EMAIL} (unit)" and token not in event.payload


def test_an_expired_link_is_refused(with_users, monkeypatch):
    monkeypatch.setenv("ROLLOUT_WEB_LINK_MINUTES", "0.001")  # 60 ms
    get_settings.cache_clear()
    token = sign_in_link(programme=None, email=UNIT_EMAIL).rsplit("/", 1)[1]
    time.sleep(0.2)
    assert sign_in(token=token) is None
    assert rollout("users", "link", "nobody@example.org").exit_code == 1


def _step(action, *args):
    with write_session(database()) as session:
        programme = get_programme(session, None)
        unit = find_unit(session, programme, "HP-DANGLAM")
        return action(session, programme, unit, 2023, *args, "web", datetime.now(UTC))


def test_the_review_loop_drafts_submits_is_sent_back_and_confirmed(loaded):
    with read_session(database()) as session:
        codes = programme_catalogue(get_programme(session, None)).codes
    half = {c: review.Answer("green", "", "") for c in codes[:20]}
    _step(review.save_draft, half)
    with pytest.raises(InputError, match="19 indicators not rated"):
        _step(review.submit, "Tổ ISO", date(2023, 5, 15))
    with pytest.raises(InputError, match="'purple' is not a rating"):
        _step(review.save_draft, {codes[0]: review.Answer("purple", "", "")})
    full = {c: review.Answer("yellow", "ghi chú", "QĐ 12") for c in codes}
    _step(review.save_draft, full)
    _step(review.submit, "Tổ ISO", date(2023, 5, 15))
    with pytest.raises(InputError, match="submitted: it waits for the verifier"):
        _step(review.save_draft, full)
    _step(review.send_back, "Bổ sung minh chứng", {codes[0]: "thiếu quyết định"})
    _step(review.save_draft, full | {codes[0]: review.Answer("red", "", "")})
    _step(review.submit, "Tổ ISO", date(2023, 5, 16))
    row = _step(review.confirm, {codes[1]: "green"}, "Đoàn thẩm định", date(2023, 5, 20))
    assert [e["state"] for e in row.comments] == [
        "submitted",
        "changes_requested",
        "submitted",
        "confirmed",
    ]
    assert row.comments[1]["indicators"] == {codes[0]: "thiếu quyết định"}
    with read_session(database()) as session:
        ratings = {r.indicator: r for r in session.scalars(select(IndicatorRating))}
    assert ratings[codes[0]].rating == "red" and ratings[codes[0]].evidence is None
    assert ratings[codes[1]].verified_rating == "green" and ratings[codes[1]].rating == "yellow"
    assert all(r.verifier == "Đoàn thẩm định" for r in ratings.values())
    with pytest.raises(InputError, match="not submitted for review"):
        _step(review.send_back, "again", {})
    assert rollout("audit", "verify").exit_code == 0
