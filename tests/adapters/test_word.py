"""Word templates: the shipped ones match their builder, and rendering is strict and sandboxed."""

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx.oxml.ns import qn

from adapters.word import (
    SHIPPED_TEMPLATES,
    DocumentTemplateError,
    WordTemplate,
    fill_signed,
    find_template,
)
from models.assessment.catalogue import DEFAULT_CATALOGUE, load_catalogue
from models.documents.data import ProgrammeFacts, RunFacts, UnitFacts, unit_document_data
from models.documents.types import load_document_types
from models.kernel.calendar import WorkingCalendar
from models.kernel.vocabulary import PHASES
from models.programme.file import phase_defaults
from tests.docx_checks import all_text, check_decree_30

TYPES = load_document_types()


def programme_facts() -> ProgrammeFacts:
    return ProgrammeFacts(
        code="HP-2023-PILOT",
        title="Áp dụng thí điểm TCVN ISO 18091:2020",
        legal_basis="Kế hoạch số 61/KH-UBND ngày 28/02/2023 của UBND thành phố Hải Phòng",
        coordinator={"agency": "Sở Khoa học và Công nghệ", "email": "a@b.example"},
        settings={},
        phase_names=phase_defaults()[2],
        catalogue=load_catalogue(DEFAULT_CATALOGUE),
        calendar=WorkingCalendar(),
    )


def unit_facts(**changes) -> UnitFacts:
    runs = {
        p: RunFacts(date(2023, 3, 6 + 2 * i), date(2023, 3, 24 + i), None, "open")
        for i, p in enumerate(PHASES)
    }
    values = dict(
        code="HP-DANGLAM",
        name="Ủy ban nhân dân phường Đằng Lâm",
        officials=25,
        parent_name="Ủy ban nhân dân quận Hải An",
        runs=runs,
        ratings={"1.1": "red", "4.6": "yellow"},
        period=2023,
    )
    return UnitFacts(**(values | changes))


def render(key: str, language: str = "vi", template: Path | None = None) -> bytes:
    doc_type = TYPES[key]
    _, _, data = unit_document_data(
        doc_type, language, programme_facts(), unit_facts(), date(2023, 6, 1)
    )
    path = template or find_template(key, language, None)
    return WordTemplate(path).render(data)


@pytest.mark.parametrize("key", [k for k, t in TYPES.items() if t.issuer == "unit"])
def test_every_unit_document_has_the_decree_30_parts(key, tmp_path):
    path = tmp_path / f"{key}.docx"
    path.write_bytes(render(key))
    lines = check_decree_30(path, numbered=TYPES[key].numbered)
    assert any("Đằng Lâm" in line for line in lines)


def test_a_draft_leaves_the_number_and_date_to_the_clerk_who_fills_them_once_signed(tmp_path):
    draft = tmp_path / "kh.docx"
    draft.write_bytes(render("implementation_plan"))
    lines = check_decree_30(draft)
    assert "Đằng Lâm, ngày … tháng … năm 2023" in lines
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-UBND" in lines
    assert "KẾ HOẠCH" in lines
    signed = tmp_path / "7-KH.docx"
    signed.write_bytes(fill_signed(draft.read_bytes(), "vi", "KH", "7/KH-UBND", date(2023, 2, 5)))
    lines = check_decree_30(signed, signed=True)
    # Decree 30: a zero before days 1-9 and months 1-2 only.
    assert "Đằng Lâm, ngày 05 tháng 02 năm 2023" in lines
    assert "Số: 7/KH-UBND" in lines


def test_a_signed_decision_gets_its_own_number_not_the_submission_it_cites(tmp_path):
    draft = render("action_decision")
    signed = fill_signed(draft, "vi", "QĐ", "35/QĐ-UBND", date(2023, 7, 10))
    lines = all_text(__import__("docx").Document(io.BytesIO(signed)))
    assert "Số: 35/QĐ-UBND" in lines
    caption = next(t for t in lines if t.startswith("(Kèm theo Quyết định số"))
    assert caption.startswith("(Kèm theo Quyết định số 35/QĐ-UBND ngày 10 tháng 7 năm 2023")
    # The submission's number is the district's or ward's to give, not this decision's.
    proposal = next(t for t in lines if t.startswith("Xét đề nghị"))
    assert proposal.endswith("Tờ trình số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/TTr-UBND.")


def test_decisions_name_the_authority_with_its_level_and_ground_themselves(tmp_path):
    path = tmp_path / "qd.docx"
    path.write_bytes(render("steering_decision"))
    doc = __import__("docx").Document(path)
    text = "\n".join(all_text(doc))
    assert "ỦY BAN NHÂN DÂN PHƯỜNG ĐẰNG LÂM" in text.splitlines()
    assert "Căn cứ Luật Tổ chức chính quyền địa phương" in text
    assert "Căn cứ Kế hoạch số 61/KH-UBND" in text
    # A ward has no office: its civil servant proposes, no "Chánh Văn phòng" anywhere.
    assert "Xét đề nghị của công chức Văn phòng - Thống kê." in text
    assert "Chánh Văn phòng" not in text and "Văn phòng HĐND và UBND" not in text
    assert "chịu trách nhiệm thi hành Quyết định này" in text
    articles = [p for p in doc.paragraphs if p.text.startswith("Điều ")]
    assert len(articles) == 3 and all(p.runs[0].bold for p in articles)
    signing = all_text(doc)[-12:]
    assert "- Như Điều 3;" in signing and "- Lưu: VT, VP-TK." in signing


def test_recipients_follow_the_type_and_the_annex_follows_the_signature(tmp_path):
    invitation = tmp_path / "gm.docx"
    invitation.write_bytes(render("invitation"))
    text = all_text(__import__("docx").Document(invitation))
    assert "- Như trên;" in text
    # Drafted when training opens (Wednesday 08/03), it announces a class three working days on.
    assert "Thời gian: 08 giờ 00, Thứ Hai, ngày 13/03/2023." in text
    decision = tmp_path / "qd.docx"
    decision.write_bytes(render("action_decision"))
    doc = __import__("docx").Document(decision)
    body = [el.tag.rsplit("}", 1)[1] for el in doc.element.body.iterchildren()]
    texts = [p.text for p in doc.paragraphs]
    caption = next(t for t in texts if t.startswith("(Kèm theo Quyết định số"))
    # A ward's action programme is approved by its district, on the ward's submission.
    assert caption.endswith("năm 2023 của Ủy ban nhân dân quận Hải An)")
    assert body.index("tbl", body.index("tbl") + 1) < len(body)  # signing table, then the annex
    signing_at = next(
        i for i, t in enumerate(doc.tables) if "(Chữ ký, dấu)" in t.rows[0].cells[-1].text
    )
    assert signing_at == len(doc.tables) - 2  # the annex's table comes after the signature
    header = doc.tables[-1].rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None  # repeated on every page


def test_a_district_submits_from_its_office_to_its_chair(tmp_path):
    path = tmp_path / "ttr.docx"
    facts = unit_facts(code="HP-HAIAN", name="Ủy ban nhân dân quận Hải An", parent_name=None)
    _, _, data = unit_document_data(
        TYPES["action_submission"], "vi", programme_facts(), facts, date(2023, 6, 1)
    )
    path.write_bytes(WordTemplate(find_template("action_submission", "vi", None)).render(data))
    lines = all_text(__import__("docx").Document(path))
    assert "VĂN PHÒNG HĐND VÀ UBND" in lines and "Số: \u00a0" * 1 in "\n".join(lines)
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân quận Hải An." in lines
    assert "CHÁNH VĂN PHÒNG" in lines and "- Như trên;" in lines


def test_english_counterparts_render_in_english(tmp_path):
    path = tmp_path / "kh.en.docx"
    path.write_bytes(render("implementation_plan", "en"))
    text = "\n".join(p.text for p in __import__("docx").Document(path).paragraphs)
    assert "PLAN" in text and "Under" in text


def test_shipped_templates_are_what_the_builder_makes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build", SHIPPED_TEMPLATES / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for made in build.main(tmp_path):
        shipped = SHIPPED_TEMPLATES / made.relative_to(tmp_path)
        for part in ("word/document.xml", "word/header1.xml", "word/styles.xml"):
            with zipfile.ZipFile(made) as a, zipfile.ZipFile(shipped) as b:
                assert a.read(part) == b.read(part), f"{shipped}: run `make templates`"


def edited(tmp_path: Path, old: str, new: str, key: str = "invitation") -> Path:
    """A copy of a shipped template with text in its document.xml replaced."""
    source = SHIPPED_TEMPLATES / "vi" / f"{key}.docx"
    target = tmp_path / "vi" / f"{key}.docx"
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new, 1).encode("utf-8")
            zout.writestr(info, data)
    return target


def test_a_missing_field_names_the_template_and_the_field(tmp_path):
    path = edited(tmp_path, "Giảng viên: ", "Giảng viên: {{ training.room }} ")
    with pytest.raises(DocumentTemplateError) as caught:
        render("invitation", template=path)
    message = str(caught.value)
    assert "invitation.docx" in message and "room" in message and "Giảng viên" in message


def test_a_syntax_error_names_the_file_and_paragraph(tmp_path):
    path = edited(tmp_path, "Địa điểm: ", "{% if training.place %}Địa điểm: ")
    with pytest.raises(DocumentTemplateError) as caught:
        WordTemplate(path)
    message = str(caught.value)
    assert "invitation.docx" in message and "paragraph" in message and "endif" in message


def test_a_template_reaching_for_python_internals_is_refused(tmp_path):
    path = edited(tmp_path, "Địa điểm: ", "{{ unit.name.__class__.__mro__ }}")
    with pytest.raises(DocumentTemplateError, match="sandbox"):
        render("invitation", template=path)


def test_a_programme_template_overrides_the_shipped_one_by_name(tmp_path):
    own = edited(tmp_path, "Địa điểm: ", "Nơi học: ")
    assert find_template("invitation", "vi", tmp_path) == own
    assert find_template("implementation_plan", "vi", tmp_path).is_relative_to(SHIPPED_TEMPLATES)
    with pytest.raises(DocumentTemplateError, match="no template"):
        find_template("nonexistent", "vi", tmp_path)


def test_values_are_escaped_and_the_same_data_gives_the_same_bytes():
    first, second = render("implementation_plan"), render("implementation_plan")
    assert first == second
    doc_type = TYPES["implementation_plan"]
    _, _, data = unit_document_data(
        doc_type, "vi", programme_facts(), unit_facts(name="UBND <A> & B"), date(2023, 6, 1)
    )
    data["number"] = "1/KH-UBND"
    raw = WordTemplate(find_template("implementation_plan", "vi", None)).render(data)
    from docx import Document

    assert any("UBND <A> & B" in p.text for p in Document(io.BytesIO(raw)).paragraphs)


def test_not_a_word_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.docx"
    shutil.copy(DEFAULT_CATALOGUE, bad)
    with pytest.raises(DocumentTemplateError, match="not a Word"):
        WordTemplate(bad)
