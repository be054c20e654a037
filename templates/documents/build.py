"""Build the shipped Word templates (vi/ and en/) from the Decree 30/2020 layout.

    make templates        # or: .venv/bin/python templates/documents/build.py

The .docx files are what the engine renders and what a coordinator edits. This script only
makes the shipped ones reproducible; a test checks that the committed files match it.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from layout import (  # noqa: E402
    article,
    grid,
    heading_block,
    new_document,
    paragraph,
    signing_block,
    title_block,
)

FIXED_TIME = "2020-01-01T00:00:00Z"  # the core properties do not change with each rebuild


def p(doc, text, **kw):
    """A body paragraph."""
    return paragraph(doc, text, **kw)


def heading(doc, text):
    """A bold section heading inside the content."""
    return paragraph(doc, text, bold=True, indent=True, before=6)


def bullets(doc, loop: str, text: str):
    """Paragraphs repeated by a `{%p for %}` loop."""
    paragraph(doc, f"{{%p {loop} %}}")
    paragraph(doc, text)
    paragraph(doc, "{%p endfor %}")


# Each builder writes the content between the title block and the signing block.


def implementation_plan(doc, vi):
    title_block(
        doc,
        "KẾ HOẠCH" if vi else "PLAN",
        ["Triển khai áp dụng TCVN ISO 18091:2020 tại {{ unit.name }}"]
        if vi
        else ["Implementing TCVN ISO 18091:2020 at {{ unit.name }}"],
    )
    if vi:
        p(
            doc,
            "Thực hiện {{ programme.legal_basis }}, {{ unit.name }} ban hành Kế hoạch triển "
            "khai áp dụng TCVN ISO 18091:2020 như sau:",
        )
        heading(doc, "I. MỤC ĐÍCH, YÊU CẦU")
        p(
            doc,
            "Áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 18091:2020 (ISO 9001 áp dụng "
            "cho chính quyền địa phương) để nâng cao hiệu lực, hiệu quả quản lý nhà nước và "
            "chất lượng phục vụ người dân, doanh nghiệp trên địa bàn.",
        )
        heading(doc, "II. NỘI DUNG VÀ TIẾN ĐỘ")
        p(doc, "Việc áp dụng được triển khai theo {{ '%02d' % phases|length }} giai đoạn:")
    else:
        p(
            doc,
            "Under {{ programme.legal_basis }}, {{ unit.name }} issues the following plan to "
            "apply TCVN ISO 18091:2020:",
        )
        heading(doc, "I. PURPOSE AND REQUIREMENTS")
        p(
            doc,
            "To apply a quality management system under TCVN ISO 18091:2020 (ISO 9001 in "
            "local government) to make public administration more effective and to serve "
            "residents and businesses better.",
        )
        heading(doc, "II. CONTENT AND SCHEDULE")
        p(doc, "The standard is applied in {{ phases|length }} phases:")
    grid(
        doc,
        ["TT", "Giai đoạn", "Bắt đầu", "Hoàn thành"] if vi else ["No.", "Phase", "Start", "Due"],
        ["{{ row.no }}", "{{ row.name }}", "{{ row.start }}", "{{ row.due }}"],
        "for row in phases",
        [1.3, 8.7, 2.6, 2.6],
    )
    if vi:
        heading(doc, "III. TỔ CHỨC THỰC HIỆN")
        p(
            doc,
            "Giao {{ unit.office }} làm đầu mối, phối hợp với {{ coordinator.office }} "
            "({{ coordinator.agency }}) tổ chức thực hiện; liên hệ: {{ coordinator.contact }}, "
            "{{ coordinator.phone }}, {{ coordinator.email }}./.",
        )
    else:
        heading(doc, "III. ORGANISATION")
        p(
            doc,
            "{{ unit.office }} leads, with {{ coordinator.office }} "
            "({{ coordinator.agency }}); contact: {{ coordinator.contact }}, "
            "{{ coordinator.phone }}, {{ coordinator.email }}.",
        )


def steering_decision(doc, vi):
    title_block(
        doc,
        "QUYẾT ĐỊNH" if vi else "DECISION",
        ["Thành lập Ban chỉ đạo và Tổ công tác áp dụng TCVN ISO 18091:2020"]
        if vi
        else ["Establishing the steering committee and the ISO working group"],
    )
    if vi:
        p(doc, "{{ authority }}", bold=True, align="center")
        decision_basis(doc, vi)
        p(doc, "QUYẾT ĐỊNH:", bold=True, align="center")
        article(
            doc,
            "Điều 1.",
            "Thành lập Ban chỉ đạo áp dụng TCVN ISO 18091:2020 của {{ unit.name }} do Chủ tịch "
            "Ủy ban nhân dân làm Trưởng ban, và Tổ công tác ISO (danh sách kèm theo).",
        )
        article(
            doc,
            "Điều 2.",
            "Ban chỉ đạo chỉ đạo việc khảo sát, đào tạo, tự đánh giá theo {{ indicator_count }} "
            "chỉ số, xây dựng và thực hiện Chương trình hành động, báo cáo kết quả; hoàn thành "
            "giai đoạn chuẩn bị trước ngày {{ window.due }}.",
        )
        article(
            doc,
            "Điều 3.",
            "Quyết định có hiệu lực kể từ ngày ký. {{ executors }} chịu trách nhiệm thi hành "
            "Quyết định này./.",
        )
    else:
        p(doc, "{{ authority }}", bold=True, align="center")
        decision_basis(doc, vi)
        p(doc, "DECIDES:", bold=True, align="center")
        article(
            doc,
            "Article 1.",
            "To establish the steering committee for TCVN ISO 18091:2020 of {{ unit.name }}, "
            "chaired by the Chair of the People's Committee, and the ISO working group (list "
            "attached).",
        )
        article(
            doc,
            "Article 2.",
            "The steering committee directs the survey, training, self-assessment on the "
            "{{ indicator_count }} indicators, the action programme and reporting; the "
            "preparation phase is to be completed by {{ window.due }}.",
        )
        article(
            doc,
            "Article 3.",
            "This decision takes effect on signing. {{ executors }} are responsible for "
            "implementing it.",
        )


def decision_basis(doc, vi):
    """The grounds of a decision: the laws, the programme's plan, then who proposes it."""
    bullets(doc, "for law in laws", "Căn cứ {{ law }};" if vi else "Pursuant to {{ law }};")
    p(
        doc,
        "Căn cứ {{ programme.legal_basis }};" if vi else "Pursuant to {{ programme.legal_basis }};",
    )
    p(doc, "{{ proposal }}")


def survey_form(doc, vi):
    title_block(
        doc,
        "PHIẾU KHẢO SÁT SƠ BỘ" if vi else "PRELIMINARY SURVEY FORM",
        ["Thực trạng trước khi áp dụng TCVN ISO 18091:2020"]
        if vi
        else ["The situation before applying TCVN ISO 18091:2020"],
    )
    if vi:
        p(
            doc,
            "Đơn vị: {{ unit.name }} (mã {{ unit.code }}). Số cán bộ, công chức: "
            "{{ unit.officials }}. Hạn gửi phiếu: {{ window.due }}.",
        )
        questions = [
            "Đơn vị đã áp dụng TCVN ISO 9001 cho hoạt động hành chính chưa? Từ năm nào?",
            "Các lĩnh vực, thủ tục hành chính chính mà đơn vị đang giải quyết:",
            "Những kết quả, số liệu đơn vị đang theo dõi định kỳ (theo 4 nhóm chỉ số):",
            "Khó khăn, vướng mắc dự kiến khi triển khai; đề xuất hỗ trợ:",
        ]
    else:
        p(
            doc,
            "Unit: {{ unit.name }} (code {{ unit.code }}). Officials: {{ unit.officials }}. "
            "Return by: {{ window.due }}.",
        )
        questions = [
            "Has the unit applied TCVN ISO 9001 to its administration? Since when?",
            "The main fields and administrative procedures the unit handles:",
            "The results and figures the unit tracks regularly (in the four pillars):",
            "Expected difficulties in the rollout; support requested:",
        ]
    for n, question in enumerate(questions, start=1):
        p(doc, f"{n}. {question}", bold=True, indent=False, align="left")
        p(doc, "." * 120, indent=False, align="left", size=12)


def invitation(doc, vi):
    title_block(
        doc,
        "GIẤY MỜI" if vi else "INVITATION",
        ["Dự lớp đào tạo về TCVN ISO 18091:2020"]
        if vi
        else ["To the TCVN ISO 18091:2020 training"],
    )
    if vi:
        p(doc, "Kính gửi: {{ addressee }}.", align="center", indent=False)
        p(
            doc,
            "{{ unit.name }} trân trọng kính mời các đồng chí lãnh đạo, cán bộ, công chức "
            "của đơn vị ({{ unit.officials }} người) dự lớp đào tạo về TCVN ISO 18091:2020 "
            "và hướng dẫn tự đánh giá theo 39 chỉ số.",
        )
        p(doc, "Thời gian: {{ training.when }}.")
        p(doc, "Địa điểm: {{ training.place }}.")
        p(doc, "Giảng viên: {{ training.expert }}.")
        p(doc, "Đề nghị các đồng chí dự đầy đủ và đúng giờ./.")
    else:
        p(doc, "To: {{ addressee }}.", align="center", indent=False)
        p(
            doc,
            "{{ unit.name }} is pleased to invite its leaders and officials "
            "({{ unit.officials }} people) to the training on TCVN ISO 18091:2020 and the "
            "guidance on self-assessment against the 39 indicators.",
        )
        p(doc, "Time: {{ training.when }}.")
        p(doc, "Place: {{ training.place }}.")
        p(doc, "Trainer: {{ training.expert }}.")
        p(doc, "Your full and punctual attendance is requested.")


def attendance_sheet(doc, vi):
    title_block(
        doc,
        "DANH SÁCH" if vi else "ATTENDANCE SHEET",
        ["Cán bộ, công chức {{ unit.name }} tham dự đào tạo TCVN ISO 18091:2020"]
        if vi
        else ["Officials of {{ unit.name }} at the TCVN ISO 18091:2020 training"],
    )
    p(
        doc,
        (
            "Thời gian: {{ training.when }}. Địa điểm: {{ training.place }}."
            if vi
            else "Time: {{ training.when }}. Place: {{ training.place }}."
        ),
        indent=False,
    )
    grid(
        doc,
        ["TT", "Họ và tên", "Chức vụ", "Ký tên"]
        if vi
        else ["No.", "Full name", "Position", "Signature"],
        ["{{ n }}", "", "", ""],
        "for n in attendees",
        [1.3, 6.5, 4.5, 3.2],
    )


def assessment_form(doc, vi):
    title_block(
        doc,
        "PHIẾU TỰ ĐÁNH GIÁ" if vi else "SELF-ASSESSMENT FORM",
        ["Theo 39 chỉ số của TCVN ISO 18091:2020, kỳ đánh giá năm {{ period }}"]
        if vi
        else ["On the 39 indicators of TCVN ISO 18091:2020, period {{ period }}"],
    )
    p(
        doc,
        (
            "Đơn vị: {{ unit.name }}. Mức đánh giá: Đỏ (chưa chấp nhận được), Vàng (dưới mức "
            "chấp nhận), Xanh (mức tối thiểu chấp nhận được). Bộ chỉ số: {{ catalogue.edition }}."
            if vi
            else "Unit: {{ unit.name }}. Ratings: Red (unacceptable), Yellow (below acceptable), "
            "Green (minimum acceptable). Catalogue: {{ catalogue.edition }}."
        ),
        indent=False,
    )
    grid(
        doc,
        ["Mã", "Chỉ số", "Mức", "Minh chứng, ghi chú"]
        if vi
        else ["Code", "Indicator", "Rating", "Evidence, note"],
        ["{{ row.code }}", "{{ row.name }}", "{{ row.rating }}", "{{ row.note }}"],
        "for row in indicators",
        [1.4, 7.6, 2.2, 4.3],
    )
    paragraph(doc, "{%p if catalogue.note %}")
    p(doc, "{{ catalogue.note }}", italic=True, indent=False, size=12)
    paragraph(doc, "{%p endif %}")


def assessment_report(doc, vi):
    title_block(
        doc,
        "BÁO CÁO" if vi else "REPORT",
        ["Kết quả tự đánh giá theo TCVN ISO 18091:2020, năm {{ period }}"]
        if vi
        else ["Self-assessment results under TCVN ISO 18091:2020, {{ period }}"],
    )
    if vi:
        p(
            doc,
            "Thực hiện {{ programme.legal_basis }}, {{ unit.name }} báo cáo kết quả tự đánh "
            "giá theo {{ indicator_count }} chỉ số như sau:",
        )
        paragraph(doc, "{%p if rated %}")
        p(
            doc,
            "Đã đánh giá {{ totals.rated }}/{{ indicator_count }} chỉ số: {{ totals.green }} "
            "chỉ số mức Xanh, {{ totals.yellow }} mức Vàng, {{ totals.red }} mức Đỏ.",
        )
        paragraph(doc, "{%p else %}")
        p(doc, "Đơn vị chưa ghi nhận kết quả đánh giá; các chỉ số được tổng hợp khi có kết quả.")
        paragraph(doc, "{%p endif %}")
        heads = ["Nhóm", "Tên nhóm chỉ số", "Xanh", "Vàng", "Đỏ", "Chưa"]
    else:
        p(
            doc,
            "Under {{ programme.legal_basis }}, {{ unit.name }} reports its self-assessment "
            "on {{ indicator_count }} indicators:",
        )
        paragraph(doc, "{%p if rated %}")
        p(
            doc,
            "{{ totals.rated }}/{{ indicator_count }} indicators rated: {{ totals.green }} "
            "green, {{ totals.yellow }} yellow, {{ totals.red }} red.",
        )
        paragraph(doc, "{%p else %}")
        p(doc, "No ratings have been recorded yet; the summary follows when they are.")
        paragraph(doc, "{%p endif %}")
        heads = ["Pillar", "Name", "Green", "Yellow", "Red", "Unrated"]
    grid(
        doc,
        heads,
        [
            "{{ row.code }}",
            "{{ row.name }}",
            "{{ row.green }}",
            "{{ row.yellow }}",
            "{{ row.red }}",
            "{{ row.unrated }}",
        ],
        "for row in pillars",
        [1.5, 7.0, 1.7, 1.7, 1.7, 1.9],
    )
    figure_placeholder(doc)


def figure_placeholder(doc):
    """A grey picture that each unit's report replaces with its chart per pillar."""
    from io import BytesIO

    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm
    from PIL import Image

    from adapters.figures import UNIT_FIGURE

    width, height = UNIT_FIGURE
    png = BytesIO()
    Image.new("RGB", (int(width * 10), int(height * 10)), "#d9d9d9").save(png, "PNG")
    doc.add_picture(png, width=Cm(15), height=Cm(15 * height / width))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


_ITEM_HEADS = {
    True: ["TT", "Chỉ số", "Nhiệm vụ", "Hiện tại", "Mục tiêu", "Chủ trì", "Hạn"],
    False: ["No.", "Indicator", "Task", "Now", "Target", "Owner", "Due"],
}
_ITEM_CELLS = [
    "{{ item.no }}",
    "{{ item.indicator }}",
    "{{ item.task }}",
    "{{ item.rating }}",
    "{{ item.target }}",
    "{{ item.owner }}",
    "{{ item.due }}",
]
_ITEM_WIDTHS = [1.0, 1.4, 5.4, 1.7, 1.7, 2.4, 2.2]


def action_submission(doc, vi):
    title_block(
        doc,
        "TỜ TRÌNH" if vi else "SUBMISSION",
        ["Về việc phê duyệt Chương trình hành động áp dụng TCVN ISO 18091:2020"]
        if vi
        else ["On approving the action programme for TCVN ISO 18091:2020"],
    )
    if vi:
        p(doc, "Kính gửi: {{ addressee }}.", align="center", indent=False)
        p(
            doc,
            "Thực hiện {{ programme.legal_basis }}; căn cứ kết quả tự đánh giá năm {{ period }} "
            "({{ totals.red }} chỉ số mức Đỏ, {{ totals.yellow }} chỉ số mức Vàng), "
            "{{ issuer_name }} kính trình phê duyệt Chương trình hành động áp dụng "
            "TCVN ISO 18091:2020 của {{ unit.name }} gồm {{ items | length }} nhiệm vụ sau, "
            "hoàn thành trước ngày {{ window.due }}:",
        )
        grid(doc, _ITEM_HEADS[vi], _ITEM_CELLS, "for item in items", _ITEM_WIDTHS)
        p(doc, "Kính trình xem xét, phê duyệt./.")
    else:
        p(doc, "To: {{ addressee }}.", align="center", indent=False)
        p(
            doc,
            "Under {{ programme.legal_basis }} and following the {{ period }} self-assessment "
            "({{ totals.red }} red and {{ totals.yellow }} yellow indicators), {{ issuer_name }} "
            "submits for approval the action programme of {{ unit.name }}, of "
            "{{ items | length }} tasks, to be completed by {{ window.due }}:",
        )
        grid(doc, _ITEM_HEADS[vi], _ITEM_CELLS, "for item in items", _ITEM_WIDTHS)
        p(doc, "Submitted for consideration and approval.")


def action_decision(doc, vi):
    title_block(
        doc,
        "QUYẾT ĐỊNH" if vi else "DECISION",
        ["Phê duyệt Chương trình hành động áp dụng TCVN ISO 18091:2020"]
        if vi
        else ["Approving the action programme for TCVN ISO 18091:2020"],
    )
    if vi:
        p(doc, "{{ authority }}", bold=True, align="center")
        decision_basis(doc, vi)
        p(doc, "QUYẾT ĐỊNH:", bold=True, align="center")
        article(
            doc,
            "Điều 1.",
            "Phê duyệt Chương trình hành động áp dụng TCVN ISO 18091:2020 của {{ unit.name }} "
            "năm {{ period }}, gồm {{ items | length }} nhiệm vụ (Phụ lục kèm theo).",
        )
        article(
            doc,
            "Điều 2.",
            "Các cơ quan, đơn vị được giao chủ trì thực hiện nhiệm vụ đúng hạn và báo cáo kết "
            "quả về {{ unit.office }}.",
        )
        article(
            doc,
            "Điều 3.",
            "Quyết định có hiệu lực kể từ ngày ký. {{ executors }} chịu trách nhiệm thi hành "
            "Quyết định này./.",
        )
    else:
        p(doc, "{{ authority }}", bold=True, align="center")
        decision_basis(doc, vi)
        p(doc, "DECIDES:", bold=True, align="center")
        article(
            doc,
            "Article 1.",
            "To approve the {{ period }} action programme of {{ unit.name }} for TCVN ISO "
            "18091:2020, of {{ items | length }} tasks (annex attached).",
        )
        article(
            doc,
            "Article 2.",
            "The offices in charge carry out their tasks on time and report to {{ unit.office }}.",
        )
        article(
            doc,
            "Article 3.",
            "This decision takes effect on signing. {{ executors }} are responsible for "
            "implementing it.",
        )


def action_annex(doc, vi):
    """The programme, after the signature, with its own caption (Decree 30, Appendix I)."""
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    p(doc, "PHỤ LỤC" if vi else "ANNEX", bold=True, align="center", before=0)
    p(doc, "CHƯƠNG TRÌNH HÀNH ĐỘNG" if vi else "ACTION PROGRAMME", bold=True, align="center")
    p(
        doc,
        "(Kèm theo Quyết định số {{ number }} ngày … tháng … năm {{ year }} của {{ issuer_name }})"
        if vi
        else "(Attached to Decision No. {{ number }} of … … {{ year }} of {{ issuer_name }})",
        italic=True,
        align="center",
    )
    grid(doc, _ITEM_HEADS[vi], _ITEM_CELLS, "for item in items", _ITEM_WIDTHS)


def results_report(doc, vi):
    title_block(
        doc,
        "BÁO CÁO" if vi else "REPORT",
        ["Kết quả áp dụng TCVN ISO 18091:2020 tại {{ unit.name }}"]
        if vi
        else ["Results of applying TCVN ISO 18091:2020 at {{ unit.name }}"],
    )
    p(
        doc,
        (
            "Thực hiện {{ programme.legal_basis }}, {{ unit.name }} báo cáo kết quả các giai "
            "đoạn như sau (số liệu đến {{ as_of }}):"
            if vi
            else "Under {{ programme.legal_basis }}, {{ unit.name }} reports on its phases "
            "(as of {{ as_of }}):"
        ),
    )
    grid(
        doc,
        ["Giai đoạn", "Bắt đầu", "Hạn", "Hoàn thành", "Tình trạng"]
        if vi
        else ["Phase", "Start", "Due", "Done", "Status"],
        [
            "{{ row.name }}",
            "{{ row.start }}",
            "{{ row.due }}",
            "{{ row.done }}",
            "{{ row.status }}",
        ],
        "for row in phases",
        [6.0, 2.4, 2.4, 2.4, 2.3],
    )
    p(
        doc,
        (
            "Kết quả tự đánh giá năm {{ period }}: {{ totals.green }} chỉ số mức Xanh, "
            "{{ totals.yellow }} mức Vàng, {{ totals.red }} mức Đỏ, {{ totals.unrated }} chưa "
            "đánh giá."
            if vi
            else "Self-assessment {{ period }}: {{ totals.green }} green, "
            "{{ totals.yellow }} yellow, {{ totals.red }} red, {{ totals.unrated }} unrated."
        ),
    )


def programme_report(doc, vi):
    title_block(
        doc,
        "BÁO CÁO" if vi else "REPORT",
        ["Tổng hợp kết quả triển khai {{ programme.title }}"]
        if vi
        else ["Summary of {{ programme.title }}"],
    )
    p(
        doc,
        (
            "Kính gửi: Ủy ban nhân dân {{ province }}; Bộ Khoa học và Công nghệ."
            if vi
            else "To: the People's Committee of {{ province }}; the Ministry of Science and "
            "Technology."
        ),
        align="center",
        indent=False,
    )
    p(
        doc,
        (
            "Thực hiện {{ programme.legal_basis }}, {{ agency_name }} báo cáo kết quả triển "
            "khai tại {{ unit_count }} đơn vị đến {{ as_of }}:"
            if vi
            else "Under {{ programme.legal_basis }}, {{ agency_name }} reports on the programme at "
            "{{ unit_count }} units as of {{ as_of }}:"
        ),
    )
    heading(doc, "1. Theo giai đoạn" if vi else "1. By phase")
    grid(
        doc,
        ["Giai đoạn", "Hoàn thành", "Đúng hạn", "Đang làm", "Quá hạn", "Chưa"]
        if vi
        else ["Phase", "Done", "On time", "Open", "Overdue", "Planned"],
        [
            "{{ row.name }}",
            "{{ row.done }}",
            "{{ row.on_time }}",
            "{{ row.open }}",
            "{{ row.overdue }}",
            "{{ row.planned }}",
        ],
        "for row in phases",
        [5.5, 2.0, 2.0, 2.0, 2.0, 2.0],
    )
    heading(doc, "2. Theo đợt" if vi else "2. By wave")
    grid(
        doc,
        ["Đợt", "Số đơn vị", "Giai đoạn hiện tại", "Đã hoàn thành"]
        if vi
        else ["Wave", "Units", "Current phase", "Completed"],
        ["{{ row.name }}", "{{ row.units }}", "{{ row.current }}", "{{ row.completed }}"],
        "for row in waves",
        [6.0, 2.0, 4.5, 3.0],
    )


BUILDERS = {
    "implementation_plan": (implementation_plan, True),
    "steering_decision": (steering_decision, True),
    "survey_form": (survey_form, False),
    "invitation": (invitation, True),
    "attendance_sheet": (attendance_sheet, False),
    "assessment_form": (assessment_form, False),
    "assessment_report": (assessment_report, True),
    "action_submission": (action_submission, True),
    "action_decision": (action_decision, True),
    "results_report": (results_report, True),
    "programme_report": (programme_report, True),
}


ANNEXES = {"action_decision": action_annex}


def build(name: str, language: str):
    """One template as a python-docx Document."""
    builder, numbered = BUILDERS[name]
    doc = new_document()
    doc.paragraphs[0]._p.getparent().remove(doc.paragraphs[0]._p) if doc.paragraphs else None
    heading_block(doc, language, numbered)
    builder(doc, language == "vi")
    signing_block(doc, language, with_recipients=numbered)
    if name in ANNEXES:
        ANNEXES[name](doc, language == "vi")
    from datetime import datetime

    stamp = datetime.fromisoformat(FIXED_TIME)
    doc.core_properties.created = doc.core_properties.modified = stamp
    doc.core_properties.revision = 1
    return doc


def main(out: Path = HERE) -> list[Path]:
    """Write every template in both languages under `out`/<language>/."""
    written = []
    for language in ("vi", "en"):
        (out / language).mkdir(parents=True, exist_ok=True)
        for name in BUILDERS:
            path = out / language / f"{name}.docx"
            build(name, language).save(path)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
