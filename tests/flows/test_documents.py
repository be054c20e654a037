"""Documents through the flows and `rollout docs`: drafted as phases open, versioned, and
registered under the number and date the clerk gives them once signed."""

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from config.settings import get_settings
from models.documents.types import load_document_types
from models.kernel.database import make_engine
from models.kernel.tables import AuditEvent, GeneratedDocument
from tests.adapters.test_word import edited
from tests.cli.test_commands import rollout
from tests.cli.test_records import SWEPT
from tests.concurrent_writers import draft_reports_concurrently
from tests.docx_checks import check_decree_30

pytestmark = pytest.mark.usefixtures("prefect_harness")


def registry(**where) -> list[GeneratedDocument]:
    with Session(make_engine(get_settings().engine_url)) as session:
        query = select(GeneratedDocument).order_by(GeneratedDocument.id)
        for key, value in where.items():
            query = query.where(getattr(GeneratedDocument, key) == value)
        return list(session.scalars(query))


def listed(*args) -> list[dict]:
    result = rollout("docs", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def opened(home, programme_dir, prepared_home):
    """The pilot loaded, with the survey opened for wave 1 on 06/03/2023 by the daily sweep
    (once per session, copied)."""
    prepared_home("pilot-swept-2023-03-06", SWEPT)
    return programme_dir


def test_the_sweep_drafts_the_survey_documents_of_units_that_open_it(opened):
    docs = registry(phase="survey")
    assert len(docs) == 6 * 3  # wave 1: six units, three survey documents each
    assert {d.doc_type for d in docs} == {"implementation_plan", "steering_decision", "survey_form"}
    for doc in docs:
        # A draft: no number yet, the day and month left for the clerk (Decree 30, Appendix I).
        assert doc.number is None and doc.number_symbol is None
        numbered = doc.doc_type != "survey_form"
        lines = check_decree_30(get_settings().documents_dir / doc.path, numbered)
        assert doc.issued_on == date(2023, 3, 6)
        assert any(re.search(r"ngày … tháng … năm 2023$", line) for line in lines)
    plan = next(d for d in docs if d.subject == "HP-HAIAN" and d.doc_type == "implementation_plan")
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-UBND" in check_decree_30(
        get_settings().documents_dir / plan.path
    )
    # the next day's sweep opens nothing new, so it drafts nothing
    assert rollout("sweep", "--as-of", "2023-03-07").exit_code == 0
    assert len(registry(phase="survey")) == 18


def register(unit: str, doc_type: str, *args: str):
    """`rollout docs register UNIT TYPE --number … --on …` and any further options."""
    return rollout("docs", "register", unit, doc_type, *args)


def test_the_signed_decision_is_registered_under_its_number_and_stays_so(opened):
    decision = ("record", "HP-HAIAN", "survey", "--decision", "Số 12/QĐ-UBND", "--on")
    signer = ("--signer", "Nguyễn  Văn An")
    result = rollout(*decision, "09/03/2023", *signer, "--as-of", "2023-03-10")
    assert result.exit_code == 0, result.output
    assert "Registered the signed document as Số 12/QĐ-UBND" in result.output
    (signed,) = [d for d in registry(subject="HP-HAIAN", doc_type="steering_decision") if d.number]
    assert (signed.number_symbol, signed.issued_on, signed.version) == (
        "12/QĐ-UBND",
        date(2023, 3, 9),
        2,
    )
    lines = check_decree_30(get_settings().documents_dir / signed.path, signed=True)
    assert "Số: 12/QĐ-UBND" in lines
    assert "Hải An, ngày 09 tháng 3 năm 2023" in lines
    assert "Điều 3." in "\n".join(lines)  # the body is the draft that was signed
    # The signer's name under the signature, on one line (non-breaking spaces).
    assert "Nguyễn\u00a0Văn\u00a0An" in lines and "[Họ và tên người ký]" not in lines
    # Drafting again never turns the signed decision into a second, renumbered one.
    again = rollout("docs", "generate", "--unit", "HP-HAIAN", "--phase", "survey")
    assert again.exit_code == 0, again.output
    newest = listed("--unit", "HP-HAIAN", "--type", "steering_decision")
    assert [(d["version"], d["number"]) for d in newest] == [(2, "12/QĐ-UBND")]
    # A number whose symbol is not the type's is refused; so is a number for a form.
    taken = register(
        "HP-HAIAN", "implementation_plan", "--number", "Số 12/QĐ-UBND", "--on", "2023-03-09"
    )
    assert taken.exit_code == 2 and "numbered …/KH-…" in taken.output
    plan = register(
        "HP-HAIAN", "implementation_plan", "--number", "Số 5/KH-UBND", "--on", "2023-03-08"
    )
    assert plan.exit_code == 0, plan.output
    (kh,) = [d for d in listed("--unit", "HP-HAIAN", "--type", "implementation_plan")]
    assert (kh["number"], kh["issued_on"]) == ("5/KH-UBND", "2023-03-08")
    form = register("HP-HAIAN", "survey_form", "--number", "Số 6/KH-UBND", "--on", "2023-03-08")
    assert form.exit_code == 2 and "form" in form.output
    future = register(
        "HP-HAIAN",
        "implementation_plan",
        "--number",
        "Số 5/KH-UBND",
        "--on",
        "2023-03-20",
        "--as-of",
        "2023-03-10",
    )
    assert future.exit_code == 2 and "after 10/03/2023" in future.output
    huge = register(
        "HP-HAIAN",
        "implementation_plan",
        "--number",
        "Số 99999999999999999999/KH-UBND",
        "--on",
        "2023-03-08",
    )
    assert huge.exit_code == 2 and "is not a register number" in huge.output
    # The committee gave 12/QĐ-UBND to its steering decision: not a second time that year.
    assert (
        rollout("docs", "generate", "--unit", "HP-HAIAN", "--type", "action_decision").exit_code
        == 0
    )
    twice = register(
        "HP-HAIAN", "action_decision", "--number", "Số 12/QĐ-UBND", "--on", "2023-06-01"
    )
    assert twice.exit_code == 2 and "already registered for HP-HAIAN's steering_decision" in (
        " ".join(twice.output.split())
    )
    with Session(make_engine(get_settings().engine_url)) as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "document.registered")
        ).all()
    assert len(actions) == 2
    # A draft deleted from disk: said plainly, with the command that drafts it again.
    drafts = registry(subject="HP-HONGBANG", doc_type="implementation_plan")
    (draft,) = [d for d in drafts if d.language == "vi"]
    (get_settings().documents_dir / draft.path).unlink()
    gone = register(
        "HP-HONGBANG", "implementation_plan", "--number", "Số 7/KH-UBND", "--on", "2023-03-09"
    )
    assert gone.exit_code == 2
    assert "is missing; draft it again (`rollout docs generate --unit HP-HONGBANG --type " in (
        " ".join(gone.output.split())
    )
    assert "Traceback" not in gone.output
    escape = rollout(*decision, "09/03/2023", "--signer", "An\x1b[2J", "--as-of", "2023-03-10")
    assert escape.exit_code == 2 and "--signer" in escape.output
    assert "control character" in escape.output


def test_generating_again_returns_the_same_documents(opened):
    before = {(d.subject, d.doc_type): d.version for d in registry()}
    result = rollout("docs", "generate", "--phase", "survey", "--as-of", "2023-03-08")
    assert result.exit_code == 0, result.output
    assert "0 new, 18 unchanged" not in result.output  # wave 2 units get drafts too
    again = rollout("docs", "generate", "--phase", "survey", "--as-of", "2023-03-08")
    assert "0 new, 36 unchanged" in again.output
    after = {(d.subject, d.doc_type): d.version for d in registry()}
    assert all(after[key] == version for key, version in before.items())


def test_changed_data_makes_a_new_version_that_names_the_one_it_replaces(opened, programme_dir):
    roster = programme_dir[1]
    text = roster.read_text(encoding="utf-8")
    roster.write_text(
        text.replace("Ủy ban nhân dân quận Hải An", "Ủy ban nhân dân quận Hải An mới"),
        encoding="utf-8",
    )
    assert rollout("init", str(programme_dir[0]), "--as-of", "2023-03-07").exit_code == 0
    result = rollout("docs", "generate", "--unit", "HP-HAIAN", "--phase", "survey")
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output or "3 new" in result.output
    versions = listed("--unit", "HP-HAIAN", "--type", "implementation_plan", "--all")
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["replaces"] == 1
    assert versions[0]["number"] == versions[1]["number"] == ""  # drafts, both
    lines = check_decree_30(get_settings().documents_dir / versions[1]["path"])
    assert any("Hải An mới" in line for line in lines)
    assert (get_settings().documents_dir / versions[0]["path"]).is_file()  # kept, not replaced
    with Session(make_engine(get_settings().engine_url)) as session:
        actions = session.scalars(
            select(AuditEvent.payload).where(AuditEvent.action == "document.generated")
        ).all()
    assert sum('"replaces"' in p for p in actions) >= 2


def test_every_phase_and_the_programme_report_in_both_languages(opened, tmp_path):
    result = rollout("docs", "generate", "--unit", "HP-DANGLAM", "--html")
    assert result.exit_code == 0, result.output
    # Nine, not ten: the self-assessment report waits until there is something to report.
    assert "9 new" in result.output and "9 previews" in result.output
    english = rollout("docs", "generate", "--unit", "HP-DANGLAM", "--lang", "en")
    assert english.exit_code == 0, english.output
    vi = {d["type"]: d for d in listed("--unit", "HP-DANGLAM") if d["language"] == "vi"}
    en = {d["type"]: d for d in listed("--unit", "HP-DANGLAM") if d["language"] == "en"}
    assert set(vi) == set(en) and len(vi) == 9 and "assessment_report" not in vi
    numbered = {t.key for t in load_document_types().values() if t.numbered}
    for doc in vi.values():
        check_decree_30(get_settings().documents_dir / doc["path"], doc["type"] in numbered)
        preview = (get_settings().documents_dir / doc["path"]).with_suffix(".html")
        assert "Đằng Lâm" in preview.read_text(encoding="utf-8")
    report = rollout("docs", "generate", "--type", "programme_report", "--as-of", "2023-03-27")
    assert report.exit_code == 0, report.output
    (doc,) = listed("--unit", "HP-2023-PILOT")
    assert doc["number"] == ""
    lines = check_decree_30(get_settings().documents_dir / doc["path"])
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in "\n".join(lines)
    assert "Sở Khoa học và Công nghệ báo cáo" in "\n".join(lines)  # a proper name, as written
    assert "Hải Phòng, ngày … tháng … năm 2023" in lines


def own_invitation(programme: Path, tmp_path: Path, place: str) -> Path:
    """The programme given a folder of its own templates, whose invitation has `place` where
    the shipped one has "Địa điểm: ", and loaded again; that folder."""
    own = tmp_path / "programme" / "mau"
    edited(own, "Địa điểm: ", place)
    text = programme.read_text(encoding="utf-8")
    programme.write_text(
        text.replace("  # templates: my-templates", "  templates: mau"), encoding="utf-8"
    )
    assert rollout("init", str(programme), "--as-of", "2023-03-06").exit_code == 0
    return own


def test_bad_requests_say_what_is_wrong_and_register_nothing(opened, tmp_path):
    before = len(registry())
    unknown = rollout("docs", "generate", "--type", "memo")
    assert unknown.exit_code == 2 and "unknown document type 'memo'" in unknown.output
    (programme, _) = opened
    own = own_invitation(programme, tmp_path, "{% if training.place %}Địa điểm: ")
    broken = rollout("docs", "generate", "--type", "invitation")
    assert broken.exit_code == 2
    assert "invitation.docx" in broken.output and "paragraph" in broken.output
    assert "Nothing was drafted or registered" in broken.output
    edited(own, "Địa điểm: ", "{{ unit.name.__init__.__globals__ }}")
    refused = rollout("docs", "generate", "--type", "invitation")
    assert refused.exit_code == 2 and "sandbox" in refused.output
    edited(own, "Địa điểm: ", "{{ training.room }}")
    missing = rollout("docs", "generate", "--type", "invitation", "--unit", "HP-HAIAN")
    assert missing.exit_code == 2 and "room" in missing.output
    assert len(registry()) == before
    assert not list(get_settings().documents_dir.rglob("*invitation*"))


def test_a_failure_after_some_files_are_written_leaves_no_file_and_no_row(opened, tmp_path):
    (programme, _) = opened
    documents = get_settings().documents_dir
    before = len(registry())
    # Written beside their final paths while the next document renders: a later unit's failure
    # must take the files of the earlier ones away again.
    text = programme.read_text(encoding="utf-8")
    own_invitation(
        programme, tmp_path, "{% if unit.code == 'HP-THUYNGUYEN' %}{{ training.room }}{% endif %}"
    )
    broken = rollout("docs", "generate", "--type", "invitation")
    assert broken.exit_code == 2 and "room" in broken.output, broken.output
    assert "Traceback" not in broken.output
    assert len(registry()) == before
    assert not list(documents.rglob("*invitation*"))  # neither final nor half-written files
    # A unit's folder that cannot be made (a file stands in its way): nothing kept either.
    programme.write_text(text, encoding="utf-8")
    assert rollout("init", str(programme), "--as-of", "2023-03-06").exit_code == 0
    blocker = documents / "HP-2023-PILOT" / "HP-THUYNGUYEN"
    shutil.rmtree(blocker, ignore_errors=True)
    blocker.write_text("not a folder", encoding="utf-8")
    failed = rollout("docs", "generate", "--type", "invitation")
    assert failed.exit_code != 0 and "Traceback" not in failed.output
    assert "HP-THUYNGUYEN" in failed.output
    assert len(registry()) == before
    assert not list(documents.rglob("*invitation*"))


def test_pdf_without_libreoffice_is_a_clear_message(opened, monkeypatch):
    monkeypatch.setenv("ROLLOUT_SOFFICE", "/nonexistent/soffice")
    get_settings.cache_clear()
    result = rollout("docs", "generate", "--phase", "survey", "--pdf")
    assert result.exit_code == 4
    assert "LibreOffice" in result.output and "apt install" in result.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_beside_each_word_file(opened):
    result = rollout("docs", "generate", "--unit", "HP-HAIAN", "--phase", "survey", "--pdf")
    assert result.exit_code == 0, result.output
    for doc in listed("--unit", "HP-HAIAN"):
        pdf = (get_settings().documents_dir / doc["path"]).with_suffix(".pdf")
        assert pdf.read_bytes().startswith(b"%PDF")


def test_two_generations_at_once_leave_no_gap_and_no_duplicate(opened):
    """Report versions drafted by two writers at once: versions 1..n, each made once."""
    engine = make_engine(get_settings().engine_url)
    days = [date(2023, 4, d) for d in range(3, 15) if date(2023, 4, d).weekday() < 5]
    assert draft_reports_concurrently(engine, days) == []
    versions = sorted(d.version for d in registry(doc_type="programme_report"))
    assert versions == list(range(1, len(days) + 1))
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(GeneratedDocument)) == 18 + len(days)
