"""Reading generated Word files back: the parts of Decree 30/2020 a user would look for."""

import io
import re
import unicodedata
import zipfile
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

NUMBER = re.compile(r"^Số: \d+/(KH|QĐ|BC|GM|TTr)-[A-ZĐ]+$")
# A draft: the clerk writes the number once the document is signed and registered.
BLANK_NUMBER = re.compile(r"^Số: \u00a0{6}/(KH|QĐ|BC|GM|TTr)-[A-ZĐ]+$")
# Decree 30/2020: a zero before days 1-9 and months 1-2 only ("tháng 3", "tháng 02", "tháng 10").
DATE_LINE = re.compile(r"^.+, ngày \d{2} tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$")
BLANK_DATE_LINE = re.compile(r"^.+, ngày … tháng … năm \d{4}$")


def all_text(doc) -> list[str]:
    """Every paragraph's text, the tables' cells included, in order."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return lines


def check_decree_30(path: Path, numbered: bool = True, signed: bool = False) -> list[str]:
    """Open a generated .docx and assert the decree's parts; returns its lines of text. A draft
    (`signed` False) has its number and its day and month left blank for the clerk."""
    raw = path.read_bytes()
    doc = Document(io.BytesIO(raw))
    lines = all_text(doc)
    heading_left, heading_right = (c.text for c in doc.tables[0].rows[0].cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in heading_right
    assert "Độc lập - Tự do - Hạnh phúc" in heading_right
    dated = DATE_LINE if signed else BLANK_DATE_LINE
    assert any(dated.match(line) for line in heading_right.splitlines()), heading_right
    assert heading_left.startswith("ỦY BAN NHÂN DÂN") or heading_left.isupper()
    numbers = [line for line in heading_left.splitlines() if line.startswith("Số")]
    if numbered:
        pattern = NUMBER if signed else BLANK_NUMBER
        assert len(numbers) == 1 and pattern.match(numbers[0]), heading_left
    else:
        assert numbers == []
    signing = next(t for t in doc.tables if "(Chữ ký, dấu)" in t.rows[0].cells[-1].text)
    signing_left, signing_right = (c.text for c in signing.rows[0].cells)
    # The signing block never splits across pages, and the text before it keeps with it.
    assert signing.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    assert "(Chữ ký, dấu)" in signing_right and signing_right.splitlines()[0].isupper()
    if numbered:
        assert signing_left.startswith("Nơi nhận:")
        assert signing_left.splitlines()[-1].startswith("- Lưu: VT")
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and 13 <= normal.size.pt <= 14
    with zipfile.ZipFile(io.BytesIO(raw)) as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "{{" not in xml and "{%" not in xml and "%}" not in xml
    text = "\n".join(lines)
    assert unicodedata.normalize("NFC", text) == text
    return lines
