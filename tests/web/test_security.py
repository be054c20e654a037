"""The web application on the loaded pilot: sign-in links, scopes, CSRF, uploads, markup,
headers. Real application, real SQLite database, HTTP through Starlette's test client."""

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from models.kernel.database import read_session, write_session
from models.kernel.tables import AuditEvent, Evidence, Unit
from services.access import sign_in_link
from services.resources import database
from tests.cli.test_commands import rollout
from web.app import create_app

DANGLAM = "ubnd@danglam.haian.haiphong.example"
HAIAN = "ubnd@haian.haiphong.example"
AS_OF = date(2023, 3, 14)  # survey open for every unit of wave 1


def client() -> TestClient:
    return TestClient(create_app(AS_OF), base_url="http://127.0.0.1:8000", follow_redirects=False)


def signed_in(email: str) -> tuple[TestClient, str]:
    """A browser signed in from a fresh link, and the CSRF token its pages carry."""
    browser = client()
    path = sign_in_link(programme=None, email=email).removeprefix("http://127.0.0.1:8000")
    page = browser.get(path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = browser.post(path, data={"csrf_token": token})
    assert done.status_code == 303, done.text
    home = browser.get("/", follow_redirects=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)
    return browser, csrf


def test_a_link_signs_in_once_then_is_refused(users):
    browser = client()
    path = sign_in_link(programme=None, email=DANGLAM).removeprefix("http://127.0.0.1:8000")
    page = browser.get(path)
    assert page.status_code == 200 and "Đăng nhập" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert browser.post(path, data={}).status_code == 403  # no CSRF token
    first = browser.post(path, data={"csrf_token": token})
    assert first.status_code == 303
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert browser.get("/").headers["location"] == "/unit/HP-DANGLAM"
    again = client()
    again.get(path)
    second = again.post(path, data={"csrf_token": again.cookies["rollout_csrf"]})
    assert second.status_code == 403 and "không còn hiệu lực" in second.text
    assert again.get("/").status_code == 401


def test_a_unit_reads_and_writes_only_its_own_unit(users, tmp_path):
    browser, csrf = signed_in(DANGLAM)
    own = browser.get("/unit/HP-DANGLAM")
    assert own.status_code == 200 and "Khảo sát" in own.text
    assert "Nộp phiếu trả lời khảo sát" in own.text  # what the phase still needs
    assert browser.get("/unit/HP-HAIAN").status_code == 404  # its own district: refused
    assert browser.get("/unit/HP-CAUTRE").status_code == 404
    files = {"file": ("phieu.pdf", b"%PDF-1.4 khao sat", "application/pdf")}
    data = {"csrf_token": csrf, "kind": "survey_answers"}
    refused = browser.post("/unit/HP-CAUTRE/survey/evidence", data=data, files=files)
    assert refused.status_code == 404
    decision = {"csrf_token": csrf, "number": "Số 3/QĐ-UBND", "kind": "steering_committee"}
    assert browser.post("/unit/HP-HAIAN/survey/decision", data=decision).status_code == 404
    with read_session(database()) as session:
        assert session.scalar(select(Evidence.id)) is None


def test_forms_without_the_csrf_token_are_refused(users):
    browser, _ = signed_in(HAIAN)
    files = {"file": ("phieu.pdf", b"%PDF-1.4", "application/pdf")}
    for data in ({}, {"csrf_token": "forged"}):
        sent = browser.post("/unit/HP-HAIAN/survey/evidence", data=data, files=files)
        assert sent.status_code == 403
    assert browser.post("/signout", data={}).status_code == 403
    with read_session(database()) as session:
        assert session.scalar(select(Evidence.id)) is None


def test_an_upload_is_recorded_under_the_person_and_moves_the_unit(users):
    browser, csrf = signed_in(HAIAN)
    files = {"file": ("phiếu khảo sát.pdf", b"%PDF-1.4 khao sat", "application/pdf")}
    sent = browser.post(
        "/unit/HP-HAIAN/survey/evidence",
        data={"csrf_token": csrf, "kind": "survey_answers", "dated": "13/03/2023"},
        files=files,
    )
    assert sent.status_code == 303, sent.text
    page = browser.get(sent.headers["location"])
    assert "phiếu khảo sát.pdf" in page.text and "13/03/2023" in page.text
    decided = browser.post(
        "/unit/HP-HAIAN/survey/decision",
        data={
            "csrf_token": csrf,
            "number": "Số 3/QĐ-UBND",
            "kind": "steering_committee",
            "dated": "2023-03-14",
            "signer": "Nguyễn Văn A",
        },
    )
    assert decided.status_code == 303, decided.text
    assert 'id="phase-survey"' in (page := browser.get("/unit/HP-HAIAN")).text
    assert re.search(r'phase status-done" id="phase-survey"', page.text)
    with read_session(database()) as session:
        actors = set(
            session.scalars(select(AuditEvent.actor).where(AuditEvent.action.like("evidence.%")))
        )
    assert actors == {f"{HAIAN} (unit)"}
    assert rollout("audit", "verify").exit_code == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../../etc/passwd.pdf", "holds a folder"),
        ("..\\..\\x.pdf", "holds a folder"),
        ("sub/x.pdf", "holds a folder"),
        ("run.exe", "only .pdf"),
    ],
)
def test_an_upload_with_a_path_or_a_bad_type_is_refused(users, name, message):
    browser, csrf = signed_in(HAIAN)
    sent = browser.post(
        "/unit/HP-HAIAN/survey/evidence",
        data={"csrf_token": csrf, "kind": "survey_answers"},
        files={"file": (name, b"%PDF-1.4", "application/pdf")},
    )
    assert sent.status_code == 400 and message in sent.text
    with read_session(database()) as session:
        assert session.scalar(select(Evidence.id)) is None


def test_an_upload_over_the_limit_is_refused(users, monkeypatch):
    from config.settings import get_settings

    monkeypatch.setenv("ROLLOUT_EVIDENCE_MAX_MB", "0.01")  # 10 KB
    get_settings.cache_clear()
    browser, csrf = signed_in(HAIAN)
    sent = browser.post(
        "/unit/HP-HAIAN/survey/evidence",
        data={"csrf_token": csrf, "kind": "survey_answers"},
        files={"file": ("big.pdf", b"x" * 20_000, "application/pdf")},
    )
    assert sent.status_code == 400 and "larger than 0.01 MB" in sent.text
    assert not list((get_settings().home / "uploads").iterdir())  # nothing left behind


def test_a_provincial_coordinator_sees_only_the_province(users):
    browser, _ = signed_in("hp@example.org")
    listed = browser.get("/").text
    assert "HP-DANGLAM" in listed and "HP-HAIAN" in listed and "HP-CAUTRE" not in listed
    assert browser.get("/unit/HP-CAUTRE").status_code == 404
    assert browser.get("/unit/HP-DANGLAM").status_code == 200
    everything, _ = signed_in("all@example.org")
    assert "HP-CAUTRE" in everything.get("/").text


def test_an_auditor_reads_but_cannot_hand_in(users):
    browser, csrf = signed_in("audit@example.org")
    page = browser.get("/unit/HP-DANGLAM")
    assert page.status_code == 200 and "/survey/evidence" not in page.text
    sent = browser.post(
        "/unit/HP-DANGLAM/survey/decision",
        data={"csrf_token": csrf, "number": "Số 3/QĐ-UBND", "kind": "steering_committee"},
    )
    assert sent.status_code == 404


def test_a_unit_name_with_markup_is_shown_as_text(users):
    with write_session(database()) as session:
        session.execute(
            update(Unit)
            .where(Unit.code == "HP-DANGLAM")
            .values(name='<script>alert(1)</script><img src=x onerror="alert(2)">')
        )
    browser, _ = signed_in(DANGLAM)
    page = browser.get("/unit/HP-DANGLAM").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


def test_every_response_carries_a_content_security_policy(users):
    browser, _ = signed_in(DANGLAM)
    for path in ("/", "/unit/HP-DANGLAM", "/unit/HP-NOWHERE", "/signin/unknown", "/nothing"):
        response = browser.get(path)
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["referrer-policy"] == "no-referrer"
    assert client().get("/unit/HP-DANGLAM").status_code == 401  # not signed in
    for hostile in ("?done=<b>x</b>", "?done=survey%00", "/../HP-HAIAN"):
        answer = browser.get(f"/unit/HP-DANGLAM{hostile}")
        assert answer.status_code in (200, 404) and "<b>x</b>" not in answer.text


def test_the_english_switch_stays_on_the_page_and_never_leaves_the_site(users):
    browser, _ = signed_in(DANGLAM)
    switched = browser.get("/lang/en", params={"next": "/unit/HP-DANGLAM"})
    assert switched.headers["location"] == "/unit/HP-DANGLAM"
    for elsewhere in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        assert browser.get("/lang/vi", params={"next": elsewhere}).headers["location"] == "/"
    browser.get("/lang/en")
    page = browser.get("/unit/HP-DANGLAM").text
    assert "To complete" in page and "Sign out" in page and 'lang="en"' in page


def _progress(page: str) -> dict[tuple[str, str], int]:
    """Units per (wave, phase) in the dashboard's progress table."""
    rows = re.findall(r'data-wave="([^"]+)" data-phase="(\w+)">(.*?)</tr>', page, re.S)
    return {
        (wave[:6], phase): sum(int(n) for n in re.findall(r'class="count-\w+">(\d+)<', cells))
        for wave, phase, cells in rows
    }


def test_the_dashboard_counts_the_province_only_and_filters(users):
    browser, _ = signed_in("hp@example.org")
    page = browser.get("/dashboard").text
    assert "Lần rà soát gần nhất" in page and "14/03/2023" in page
    progress = _progress(page)  # HP-HAIAN in wave 1, HP-DANGLAM in wave 2: one unit each
    assert progress[("Đợt 1 ", "survey")] == 1 and progress[("Đợt 2 ", "survey")] == 1
    everything, _ = signed_in("all@example.org")
    assert _progress(everything.get("/dashboard").text)[("Đợt 1 ", "survey")] == 6
    narrowed = everything.get("/dashboard", params={"phase": "survey", "parent": "HP-HAIAN"})
    assert _progress(narrowed.text) == {("Đợt 1 ", "survey"): 1, ("Đợt 2 ", "survey"): 1}
    unit, _ = signed_in(HAIAN)
    assert unit.get("/dashboard").status_code == 404
