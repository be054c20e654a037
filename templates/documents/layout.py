"""The Decree 30/2020 page and blocks that every shipped Word template is built from.

Used by build.py only; the engine itself reads the .docx files it produced, which a coordinator
may edit in Word or LibreOffice like any document.
"""

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from models.documents.types import SIGNER_BLANK

FONT = "Times New Roman"
BODY_PT = 14
# Decree 30/2020, Appendix I: A4 portrait; top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_CM = (210 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10

WORDS = {
    "vi": {
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "number": "Số: ",
        "recipients": "Nơi nhận:",
        "archive": "- Lưu: ",
        "seal": "(Chữ ký, dấu)",
        "signer_name": SIGNER_BLANK["vi"],
    },
    "en": {
        "nation": "SOCIALIST REPUBLIC OF VIET NAM",
        "motto": "Independence - Freedom - Happiness",
        "number": "No.: ",
        "recipients": "Recipients:",
        "archive": "- Archived: ",
        "seal": "(Signature and seal)",
        "signer_name": SIGNER_BLANK["en"],
    },
}


def new_document():
    """An empty A4 document with the decree's margins, font and page numbers."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    for name in ("Normal", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(BODY_PT)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after, normal.line_spacing = Pt(3), Pt(3), 1.1
    _page_numbers(section)
    core = doc.core_properties
    core.author, core.title, core.comments = "rollout", "", ""
    return doc


def _page_numbers(section) -> None:
    """Page numbers centred in the top margin, none on the first page (Decree 30)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(13)


def paragraph(
    container,
    text="",
    *,
    bold=False,
    italic=False,
    size=BODY_PT,
    align="justify",
    indent=True,
    rule=None,
    before=None,
    after=None,
):
    """A paragraph of one run; `rule` draws the decree's short line under it (cm each side)."""
    p = container.add_paragraph()
    p.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = p.paragraph_format
    if indent and align == "justify":
        fmt.first_line_indent = Cm(1)
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if text:
        run = p.add_run(keep_whole(text))
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    if rule is not None:
        fmt.left_indent = fmt.right_indent = Cm(rule)
        _bottom_border(p)
    return p


STANDARD = "TCVN ISO 18091:2020"


def keep_whole(text: str) -> str:
    """The standard's name never broken across lines: non-breaking spaces inside it."""
    return text.replace(STANDARD, STANDARD.replace(" ", "\u00a0"))


def article(container, label: str, text: str):
    """An article of a decision: "Điều 1." in bold, then its text (Decree 30, Appendix I)."""
    p = paragraph(container, "")
    lead = p.add_run(label + " ")
    lead.bold, lead.font.size = True, Pt(BODY_PT)
    body = p.add_run(keep_whole(text))
    body.font.size = Pt(BODY_PT)
    return p


def keep_with_next(p) -> None:
    """Keep a paragraph on the page of the one after it (the signing block after the text)."""
    p.paragraph_format.keep_with_next = True


def _row_flag(row, name: str) -> None:
    """Set a table-row property: w:cantSplit (never split across pages) or w:tblHeader
    (repeat as the heading row on every page)."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement(f"w:{name}")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _bottom_border(p) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)


def _cell(table, row, col, width_cm):
    table.columns[col].width = Cm(width_cm)
    cell = table.cell(row, col)
    cell.width = Cm(width_cm)
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cell


def _plain_table(doc, rows, cols):
    table = doc.add_table(rows=rows, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    return table


def heading_block(doc, language: str, numbered: bool) -> None:
    """The issuing agency, number and symbol (left); title, motto, place and date (right)."""
    words = WORDS[language]
    table = _plain_table(doc, 1, 2)
    left, right = _cell(table, 0, 0, 6.0), _cell(table, 0, 1, TEXT_WIDTH_CM - 6.0)
    paragraph(left, "{%p if agency.parent %}", align="center")
    paragraph(left, "{{ agency.parent }}", size=13, align="center", before=0, after=0)
    paragraph(left, "{%p endif %}", align="center")
    paragraph(left, "{%p for line in agency.lines %}", align="center")
    paragraph(left, "{{ line }}", bold=True, size=13, align="center", before=0, after=0)
    paragraph(left, "{%p endfor %}", align="center")
    paragraph(left, "", size=6, align="center", rule=2.0, before=0, after=6)
    if numbered:
        paragraph(left, words["number"] + "{{ number }}", size=13, align="center")
    paragraph(right, words["nation"], bold=True, size=12, align="center", before=0, after=0)
    paragraph(
        right, words["motto"], bold=True, size=13, align="center", rule=2.2, before=0, after=6
    )
    paragraph(right, "{{ date_line }}", italic=True, size=13, align="center")


def title_block(doc, type_title: str, summary_lines: list[str]) -> None:
    """The type in capitals, the summary under it, and the short rule (Decree 30, Art. 8)."""
    paragraph(doc, type_title, bold=True, size=14, align="center", before=18, after=0)
    for line in summary_lines:
        paragraph(doc, line, bold=True, size=14, align="center", before=0, after=0)
    paragraph(doc, "", size=6, align="center", rule=6.0, before=0, after=12)


def signing_block(doc, language: str, with_recipients: bool) -> None:
    """Recipients ("Nơi nhận", ending "Lưu: VT") on the left; the signing authority on the right."""
    words = WORDS[language]
    if doc.paragraphs:
        keep_with_next(doc.paragraphs[-1])
    table = _plain_table(doc, 1, 2)
    _row_flag(table.rows[0], "cantSplit")  # the signing block never splits across pages
    left, right = _cell(table, 0, 0, 8.0), _cell(table, 0, 1, TEXT_WIDTH_CM - 8.0)
    if with_recipients:
        paragraph(
            left,
            words["recipients"],
            bold=True,
            italic=True,
            size=12,
            align="left",
            before=12,
            after=0,
        )
        paragraph(left, "{%p for recipient in recipients %}", align="left")
        paragraph(left, "- {{ recipient }};", size=11, align="left", before=0, after=0)
        paragraph(left, "{%p endfor %}", align="left")
        paragraph(
            left, words["archive"] + "{{ archive }}.", size=11, align="left", before=0, after=0
        )
    else:
        paragraph(left, "", align="left")
    paragraph(right, "{%p for line in signer %}", align="center")
    paragraph(right, "{{ line }}", bold=True, size=13, align="center", before=0, after=0)
    paragraph(right, "{%p endfor %}", align="center")
    paragraph(right, words["seal"], italic=True, size=12, align="center", before=24, after=48)
    paragraph(right, words["signer_name"], bold=True, size=13, align="center")


def grid(doc, headings: list[str], cells: list[str], loop: str, widths: list[float]) -> None:
    """A bordered table: a heading row, then one row per item of a `{%tr for %}` loop."""
    table = doc.add_table(rows=4, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for col, (head, cell, width) in enumerate(zip(headings, cells, widths, strict=True)):
        table.columns[col].width = Cm(width)
        for row in range(4):
            table.cell(row, col).width = Cm(width)
        _fill(table.cell(0, col), head, bold=True, align="center")
        _fill(table.cell(2, col), cell, align="left" if col else "center")
    _row_flag(table.rows[0], "tblHeader")  # the heading row repeats on every page
    for row in table.rows:
        _row_flag(row, "cantSplit")
    _fill(table.cell(1, 0), f"{{%tr {loop} %}}")
    _fill(table.cell(3, 0), "{%tr endfor %}")
    paragraph(doc, "", size=6)


def _fill(cell, text: str, bold=False, align="left") -> None:
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if align == "center" else WD_ALIGN_PARAGRAPH.LEFT
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(2)
    run = p.add_run(keep_whole(text))
    run.bold, run.font.size = bold, Pt(12)
