"""The coordinator's pages and the unit's work beyond its phases, over HTTP on the loaded
pilot: Gantt, heat map, outbox, audit check, a unit's history, Excel exports read back, a
facts sheet (web and `rollout record --from`), the Excel form, action items, documents,
links asked for by e-mail, users."""

import email
import re
from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, update

from config.settings import get_settings
from models.assessment.form import FIRST_ROW, SHEET
from models.kernel.database import read_session, write_session
from models.kernel.tables import ActionItem, AuditEvent, Evidence, GeneratedDocument, Unit
from services.resources import database
from tests.cli.test_commands import rollout
from tests.web.test_security import DANGLAM, HAIAN, client, signed_in

ALL = "all@example.org"
PROVINCE = "hp@example.org"


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))


def test_programme_pages_are_for_coordinators_and_auditors_only(users):
    unit, _ = signed_in(DANGLAM)
    for path in (
        "/dashboard",
        "/gantt",
        "/heatmap",
        "/heatmap.svg",
        "/outbox",
        "/audit",
        "/facts",
        "/users",
    ):
        assert unit.get(path).status_code == 404, path
    auditor, _ = signed_in("audit@example.org")
    assert auditor.get("/gantt").status_code == 200
    assert auditor.get("/facts").status_code == 404  # auditors read, they record nothing
    assert auditor.get("/users").status_code == 404
    province, _ = signed_in(PROVINCE)
    assert province.get("/users").status_code == 404  # users: the programme's coordinators


def test_the_gantt_shows_baseline_forecast_and_today_within_scope(users):
    browser, _ = signed_in(ALL)
    page = browser.get("/gantt")
    assert page.status_code == 200
    svg = page.text[page.text.index("<svg") :]
    assert svg.count('class="baseline"') == svg.count('class="forecast"') > 5 * 6
    assert 'id="today"' in svg and "HP-HAIAN" in svg and "HP-DANGLAM" not in svg  # wave 1
    wave2 = re.findall(r'<option value="([^"]+)"', page.text)[1]
    second = browser.get("/gantt", params={"wave": wave2})
    assert 'data-unit="HP-DANGLAM"' in second.text
    rows = _sheet(browser.get("/gantt", params={"wave": wave2, "format": "xlsx"}))
    assert rows[1][:3] == ("Đơn vị", "Giai đoạn", "Tình trạng")
    assert sum(1 for r in rows[2:] if r[0] == "Ủy ban nhân dân phường Đằng Lâm") == 5
    province, _ = signed_in(PROVINCE)
    text = province.get("/gantt", params={"wave": wave2}).text
    assert 'data-unit="HP-DANGLAM"' in text and 'data-unit="HP-CAUTRE"' not in text


def test_the_dashboards_tables_export_to_excel_with_its_filters(users):
    browser, _ = signed_in(PROVINCE)
    page = browser.get("/dashboard", params={"phase": "survey"})
    assert "format=xlsx&amp;table=progress" in page.text and "phase=survey" in page.text
    rows = _sheet(
        browser.get("/dashboard", params={"phase": "survey", "format": "xlsx", "table": "progress"})
    )
    assert rows[1] == (
        "Đợt",
        "Giai đoạn",
        "Chưa bắt đầu",
        "Đang thực hiện",
        "Sắp đến hạn",
        "Quá hạn",
        "Hoàn thành",
    )
    assert {r[1] for r in rows[2:]} == {"survey"}
    assert sum(sum(r[2:]) for r in rows[2:]) == 2  # the province's units: Hải An, Đằng Lâm
    late = _sheet(browser.get("/dashboard", params={"format": "xlsx"}))
    assert late[1][0] == "Mã"


def test_heat_map_outbox_and_audit_pages(users):
    browser, _ = signed_in(ALL)
    svg = browser.get("/heatmap.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content[:400]
    waiting = browser.get("/outbox")
    assert waiting.status_code == 200
    total = int(re.search(r'id="outbox-total">(\d+)<', waiting.text).group(1))
    with read_session(database()) as session:
        from models.kernel.tables import OutboxMessage

        unsent = session.scalar(
            select(func.count()).where(OutboxMessage.status.in_(("pending", "sending")))
        )
    assert total == unsent
    rows = _sheet(browser.get("/outbox", params={"state": "sent", "format": "xlsx"}))
    assert rows[1][0] == "Người nhận"
    audit = browser.get("/audit")
    assert 'id="chain-ok"' in audit.text
    with write_session(database()) as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="mallory"))
    tampered = browser.get("/audit")
    assert 'id="chain-bad"' in tampered.text and "event 3" in tampered.text


def test_a_units_history_lists_what_the_web_did_and_exports(users):
    browser, csrf = signed_in(HAIAN)
    files = {"file": ("phieu.pdf", b"%PDF-1.4 khao sat", "application/pdf")}
    data = {"csrf_token": csrf, "kind": "survey_answers"}
    assert browser.post("/unit/HP-HAIAN/survey/evidence", data=data, files=files).status_code == 303
    page = browser.get("/unit/HP-HAIAN/history")
    assert page.status_code == 200
    assert "evidence.recorded" in page.text and f"{HAIAN} (unit)" in page.text
    assert "plan.baseline" in page.text
    rows = _sheet(browser.get("/unit/HP-HAIAN/history", params={"format": "xlsx"}))
    assert any(r[3] == "evidence.recorded" and r[2] == f"{HAIAN} (unit)" for r in rows[2:])
    other, _ = signed_in(DANGLAM)
    assert other.get("/unit/HP-HAIAN/history").status_code == 404


def test_an_exported_list_keeps_a_formula_as_text(users):
    with write_session(database()) as session:
        session.execute(
            update(Unit).where(Unit.code == "HP-HAIAN").values(name='=HYPERLINK("http://x")')
        )
    browser, _ = signed_in(ALL)
    response = browser.get("/", params={"format": "xlsx"})
    assert 'filename="units-' in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    cells = [
        c for row in book.active.iter_rows() for c in row if c.value and "HYPERLINK" in c.value
    ]
    assert len(cells) == 1 and cells[0].data_type == "s"  # text, never a live formula


def _facts(folder, rows, name="facts.csv"):
    lines = ["unit,phase,date,kind,number,file"] + [",".join(r) for r in rows]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _evidence_count() -> int:
    with read_session(database()) as session:
        return session.scalar(select(func.count()).select_from(Evidence))


def test_record_from_a_sheet_is_checked_whole_then_recorded_in_one_go(users, tmp_path):
    (tmp_path / "phieu-haian.pdf").write_bytes(b"%PDF-1.4 khao sat Hai An")
    good = [
        ("HP-HAIAN", "survey", "13/03/2023", "survey_answers", "", "phieu-haian.pdf"),
        ("HP-HAIAN", "survey", "10/03/2023", "steering_committee", "Số 5/QĐ-UBND", ""),
    ]
    bad = [
        *good,
        ("HP-NOWHERE", "survey", "13/03/2023", "", "Số 6/QĐ-UBND", ""),
        ("HP-HONGBANG", "survey", "31/02/2023", "", "", "../secret.pdf"),
        ("HP-DANGLAM", "survey", "13/03/2023", "survey_answers", "", "missing.pdf"),
    ]
    refused = rollout("record", "--from", str(_facts(tmp_path, bad)), "--as-of", "2023-03-14")
    assert refused.exit_code != 0
    text = " ".join(refused.output.split())
    assert "facts.csv:4: unit:" in text and "HP-NOWHERE" in text
    assert "facts.csv:5: date:" in text and "facts.csv:5: number/file:" not in text
    assert "facts.csv:5: file:" in text and "holds a folder" in text
    assert "facts.csv:6:" in text  # wave 2's survey is not open yet, or its file is missing
    assert _evidence_count() == 0  # nothing half written
    assert not list((get_settings().home / "evidence").glob("??/*"))
    done = rollout("record", "--from", str(_facts(tmp_path, good)), "--as-of", "2023-03-14")
    assert done.exit_code == 0, done.output
    assert "Recorded 2 facts" in done.output and "HP-HAIAN survey closed" in done.output
    assert _evidence_count() == 2
    assert len(list((get_settings().home / "evidence").glob("??/*"))) == 1


def test_a_coordinator_uploads_a_facts_sheet_with_its_files(users, tmp_path):
    browser, csrf = signed_in(ALL)
    sheet = _facts(
        tmp_path,
        [
            ("HP-HONGBANG", "survey", "13/03/2023", "survey_answers", "", "phieu.pdf"),
            ("HP-HONGBANG", "survey", "13/03/2023", "steering_committee", "Số 7/QĐ-UBND", ""),
        ],
    )
    files = [
        ("sheet", ("facts.csv", sheet.read_bytes(), "text/csv")),
        ("files", ("phieu.pdf", b"%PDF-1.4 Hong Bang", "application/pdf")),
    ]
    no_file = browser.post("/facts", data={"csrf_token": csrf}, files=files[:1])
    assert no_file.status_code == 400 and "facts.csv:2: file:" in no_file.text
    assert str(tmp_path) not in no_file.text and "upload-" not in no_file.text
    done = browser.post("/facts", data={"csrf_token": csrf}, files=files)
    assert done.status_code == 200 and 'id="facts-done"' in done.text
    assert "HP-HONGBANG survey closed" in done.text
    with read_session(database()) as session:
        by = set(session.scalars(select(Evidence.recorded_by)))
    assert by == {f"{ALL} (coordinator)"}
    province, token = signed_in(PROVINCE)
    refused = province.post("/facts", data={"csrf_token": token}, files=files)
    assert (
        refused.status_code == 400 and "&#39;HP-HONGBANG&#39; is not in your scope" in refused.text
    )
    own = _facts(
        tmp_path,
        [("hp-haian", "survey", "13/03/2023", "steering_committee", "Số 9/QĐ-UBND", "")],
        "own.csv",
    )  # its own unit, typed in lower case
    sheet = [("sheet", ("own.csv", own.read_bytes(), "text/csv"))]
    assert province.post("/facts", data={"csrf_token": token}, files=sheet).status_code == 200


def test_the_excel_form_goes_into_the_online_draft(users, tmp_path):
    browser, csrf = signed_in(HAIAN)
    form = browser.get("/unit/HP-HAIAN/assessment/form")
    assert form.status_code == 200
    book = load_workbook(BytesIO(form.content))
    sheet = book[SHEET]
    for i in range(39):
        sheet.cell(FIRST_ROW + i, 7, "Đỏ" if i < 5 else "Xanh")
    sheet["C6"], sheet["C7"] = "Tổ ISO quận (minh họa)", "14/03/2023"
    filled = BytesIO()
    book.save(filled)
    sent = browser.post(
        "/unit/HP-HAIAN/assessment/form",
        data={"csrf_token": csrf},
        files={"file": ("tu-danh-gia.xlsx", filled.getvalue(), "application/octet-stream")},
    )
    assert sent.status_code == 303, sent.text
    page = browser.get("/unit/HP-HAIAN/assessment?done=form")
    assert page.text.count('value="red" selected') == 5
    assert page.text.count('value="green" selected') == 34
    assert "Bản nháp" in page.text
    other, token = signed_in(DANGLAM)
    stolen = other.post(
        "/unit/HP-DANGLAM/assessment/form",
        data={"csrf_token": token},
        files={"file": ("tu-danh-gia.xlsx", filled.getvalue(), "application/octet-stream")},
    )
    assert stolen.status_code == 400 and "HP-HAIAN, not HP-DANGLAM" in stolen.text
    blank = Workbook()
    junk = BytesIO()
    blank.save(junk)
    broken = other.post(
        "/unit/HP-DANGLAM/assessment/form",
        data={"csrf_token": token},
        files={"file": ("mine.xlsx", junk.getvalue(), "application/octet-stream")},
    )
    assert broken.status_code == 400 and "mine.xlsx" in broken.text and "upload-" not in broken.text


def test_a_unit_reports_an_action_items_progress(users):
    added = rollout(
        "actions",
        "add",
        "HP-HAIAN",
        "--task",
        "Công khai thủ tục",
        "--owner",
        "Văn phòng",
        "--due",
        "2023-09-29",
        "--period",
        "2023",
    )
    assert added.exit_code == 0, added.output
    with read_session(database()) as session:
        item = session.scalar(select(ActionItem.id))
    browser, csrf = signed_in(HAIAN)
    page = browser.get("/unit/HP-HAIAN")
    assert f'id="item-{item}"' in page.text and "Công khai thủ tục" in page.text
    data = {"csrf_token": csrf, "status": "done", "note": "Đã niêm yết"}
    assert browser.post(f"/unit/HP-HAIAN/actions/{item}", data=data).status_code == 303
    with read_session(database()) as session:
        row = session.get(ActionItem, item)
        assert (row.status, row.note, str(row.done_on)) == ("done", "Đã niêm yết", "2023-03-14")
    other, token = signed_in(DANGLAM)
    assert (
        other.post(
            f"/unit/HP-DANGLAM/actions/{item}", data={**data, "csrf_token": token}
        ).status_code
        == 404
    )
    auditor, token = signed_in("audit@example.org")
    assert (
        auditor.post(
            f"/unit/HP-HAIAN/actions/{item}", data={**data, "csrf_token": token}
        ).status_code
        == 404
    )


def test_a_unit_downloads_its_own_documents_only(users):
    with read_session(database()) as session:
        mine = session.scalar(
            select(GeneratedDocument.id).where(GeneratedDocument.subject == "HP-HAIAN")
        )
        theirs = session.scalar(
            select(GeneratedDocument.id).where(GeneratedDocument.subject == "HP-HONGBANG")
        )
    assert mine and theirs
    browser, _ = signed_in(HAIAN)
    assert f"/unit/HP-HAIAN/documents/{mine}" in browser.get("/unit/HP-HAIAN").text
    got = browser.get(f"/unit/HP-HAIAN/documents/{mine}")
    assert got.status_code == 200 and got.content[:2] == b"PK"
    assert browser.get(f"/unit/HP-HAIAN/documents/{theirs}").status_code == 404
    assert browser.get("/unit/HP-HAIAN/documents/..%2F..%2Fetc").status_code in (400, 404)
    assert browser.get("/unit/HP-HAIAN/documents/abc").status_code == 400


def test_a_link_asked_for_by_e_mail_reaches_only_a_known_address(users):
    outbox = get_settings().outbox_dir
    before = set(outbox.rglob("*.eml"))
    browser = client()
    page = browser.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert browser.post("/signin", data={"email": HAIAN}).status_code == 403  # no token
    for address in (HAIAN, "nobody@example.org", HAIAN):  # the second HAIAN: throttled
        answer = browser.post("/signin", data={"csrf_token": token, "email": address})
        assert answer.status_code == 200 and 'id="link-sent"' in answer.text
    made = set(outbox.rglob("*.eml")) - before
    mails = [email.message_from_bytes(p.read_bytes()) for p in made]
    mails = [
        m
        for m in mails
        if "đăng nhập"
        in str(email.header.make_header(email.header.decode_header(m["Subject"]))).lower()
    ]
    assert len(mails) == 1 and mails[0]["To"] == HAIAN
    body = mails[0].get_payload()[0].get_payload(decode=True).decode("utf-8")
    link = re.search(r"http://127.0.0.1:8000(/signin/\S+)", body).group(1)
    fresh = client()
    fresh.get(link)
    assert fresh.post(link, data={"csrf_token": fresh.cookies["rollout_csrf"]}).status_code == 303
    with read_session(database()) as session:
        payloads = " ".join(session.scalars(select(AuditEvent.payload)))
    assert link.split("/")[-1] not in payloads


def test_a_coordinator_adds_a_user_and_lists_them(users):
    browser, csrf = signed_in(ALL)
    data = {
        "csrf_token": csrf,
        "email": "New@Example.org",
        "role": "verifier",
        "scope": "HP-DANGLAM",
    }
    assert browser.post("/users", data=data).status_code == 303
    bad = browser.post("/users", data={**data, "role": "king"})
    assert bad.status_code == 400
    rows = _sheet(browser.get("/users", params={"format": "xlsx"}))
    assert ("new@example.org", "verifier", "HP-DANGLAM") in rows
    with write_session(database()) as session:
        session.execute(
            update(Unit).where(Unit.code == "HP-DULE").values(email="ubnd@dule.example")
        )
    assert browser.post("/users/from-roster", data={"csrf_token": csrf}).status_code == 303
    rows = _sheet(browser.get("/users", params={"format": "xlsx"}))
    assert ("ubnd@dule.example", "unit", "HP-DULE") in rows
    assert not any(r[1] == "king" for r in rows[2:])
