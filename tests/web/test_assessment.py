"""The self-assessment filled online, sent back by its verifier, answered and confirmed."""

from sqlalchemy import select

from models.kernel.database import read_session
from models.kernel.tables import IndicatorRating
from services.resources import database
from tests.cli.test_commands import rollout
from tests.web.test_security import DANGLAM, HAIAN, signed_in

CODES = [f"1.{i}" for i in range(1, 11)]


def _form(csrf: str, page: str, colour: str, action: str) -> dict:
    import re

    codes = re.findall(r'name="rating-([0-9.]+)"', page)
    assert len(codes) == 39
    data = {f"rating-{c}": colour for c in codes} | {"csrf_token": csrf, "action": action}
    return data | {"evidence-1.1": "QĐ số 3/QĐ-UBND", "note-1.1": "đã ban hành"}


def test_fill_submit_send_back_answer_and_confirm(users):
    unit, csrf = signed_in(HAIAN)
    page = unit.get("/unit/HP-HAIAN/assessment").text
    assert "Chưa điền" in page
    half = {
        k: v
        for k, v in _form(csrf, page, "yellow", "submit").items()
        if not k.startswith("rating-3")
    }
    refused = unit.post("/unit/HP-HAIAN/assessment", data=half)
    assert refused.status_code == 400 and "indicators not rated" in refused.text
    saved = unit.post("/unit/HP-HAIAN/assessment", data=_form(csrf, page, "yellow", "save"))
    assert saved.status_code == 303
    page = unit.get("/unit/HP-HAIAN/assessment").text
    assert "Bản nháp" in page and 'value="QĐ số 3/QĐ-UBND"' in page
    sent = unit.post("/unit/HP-HAIAN/assessment", data=_form(csrf, page, "yellow", "submit"))
    assert sent.status_code == 303
    assert "Đã nộp, chờ thẩm định" in unit.get("/unit/HP-HAIAN/assessment").text

    other, other_csrf = signed_in(DANGLAM)
    assert other.get("/unit/HP-HAIAN/assessment").status_code == 404
    forged = other.post(
        "/unit/HP-HAIAN/review", data={"csrf_token": other_csrf, "action": "confirm"}
    )
    assert forged.status_code == 404
    auditor, auditor_csrf = signed_in("audit@example.org")
    assert (
        auditor.post(
            "/unit/HP-HAIAN/review", data={"csrf_token": auditor_csrf, "action": "confirm"}
        ).status_code
        == 404
    )

    verifier, vcsrf = signed_in("verifier@example.org")
    assert "HP-HAIAN" in verifier.get("/reviews").text
    back = verifier.post(
        "/unit/HP-HAIAN/review",
        data={
            "csrf_token": vcsrf,
            "action": "send_back",
            "comment": "Bổ sung minh chứng",
            "comment-1.1": "Thiếu quyết định thành lập Ban chỉ đạo",
        },
    )
    assert back.status_code == 303
    page = unit.get("/unit/HP-HAIAN/assessment").text
    assert "Cần chỉnh sửa" in page and "Thiếu quyết định thành lập Ban chỉ đạo" in page
    assert (
        unit.post(
            "/unit/HP-HAIAN/assessment", data=_form(csrf, page, "green", "submit")
        ).status_code
        == 303
    )
    done = verifier.post(
        "/unit/HP-HAIAN/review",
        data={"csrf_token": vcsrf, "action": "confirm", "change-1.2": "yellow"},
    )
    assert done.status_code == 303
    assert "Đã được thẩm định" in unit.get("/unit/HP-HAIAN/assessment").text
    with read_session(database()) as session:
        ratings = {r.indicator: r for r in session.scalars(select(IndicatorRating))}
    assert len(ratings) == 39 and ratings["1.1"].rating == "green"
    assert ratings["1.2"].verified_rating == "yellow" and ratings["1.3"].verified_rating == "green"
    assert ratings["1.1"].evidence == "QĐ số 3/QĐ-UBND"
    assert rollout("audit", "verify").exit_code == 0
