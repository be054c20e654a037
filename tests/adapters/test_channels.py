"""The bytes a message goes out as: the same as the stdlib's, however it is flattened."""

import io
from datetime import UTC, date, datetime
from email import encoders
from email.generator import BytesGenerator
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText

import pytest

from adapters.channels import build_message, message_bytes
from config.settings import Settings
from models.reminders.delivery import Outgoing, Sender

BODY = "Kính gửi UBND phường Hải An,\nFrom đầu tháng: nộp phiếu tự đánh giá.\n\n" * 400


def _stdlib(email, linesep: str) -> bytes:
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False).flatten(email, linesep=linesep)
    return out.getvalue()


def _encoded_by_email(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part.set_payload(text.encode("utf-8"))
    encoders.encode_base64(part)
    return part


def _digest():
    message = Outgoing(
        id=1,
        key="2026-07-15/phuong-hai-an@example.vn",
        recipient="Phường Hải An <hai-an@example.vn>",
        day=date(2026, 7, 15),
        subject="Nhắc việc: 36 hạng mục đến hạn — Kế hoạch 124/KH-UBND",
        body_text=BODY,
        body_html=f"<p>{BODY}</p>",
        created_at=datetime(2026, 7, 15, 7, 0, tzinfo=UTC),
    )
    sender = Sender("Văn phòng - Sở Khoa học và Công nghệ", "iso@example.vn")
    return build_message(message, Settings(), sender)


@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
def test_a_digest_flattens_to_the_stdlib_bytes(linesep):
    email = _digest()
    flat = message_bytes(email, linesep)
    assert flat == _stdlib(email, linesep)
    assert flat.count(b"Content-Transfer-Encoding: base64") == 2
    if linesep == "\n":
        assert flat == email.as_bytes()  # what the file outbox wrote before


@pytest.mark.parametrize("text", ["one line, no end", "two\nlines\n", "mixed\r\nends\rhere\n\n"])
def test_an_unencoded_body_keeps_its_lines_and_line_ends(text):
    email = MIMEText(text, "plain", "us-ascii")
    for linesep in ("\n", "\r\n"):
        assert message_bytes(email, linesep) == _stdlib(email, linesep)


@pytest.mark.parametrize("subtype", ["plain", "html"])
@pytest.mark.parametrize("length", [0, 1, 56, 57, 58, 114, 4000])
@pytest.mark.parametrize("end", ["", "\n"])
def test_a_text_part_is_the_stdlib_base64_part(subtype, length, end):
    text = ("Đằng Lâm, Tự Cường " * 300)[:length] + end
    ours = build_message(
        Outgoing(1, "k", "a@example.vn", date(2026, 7, 15), "s", text, text, datetime.now(UTC)),
        Settings(),
        Sender("Văn phòng", None),
    ).get_payload()
    for part in ours:
        if part.get_content_subtype() == subtype:
            assert _stdlib(part, "\n") == _stdlib(_encoded_by_email(text, subtype), "\n")
            assert _stdlib(part, "\n") == _stdlib(MIMEText(text, subtype, "utf-8"), "\n")
            assert part.get_payload(decode=True).decode("utf-8") == text


@pytest.mark.parametrize(
    "value",
    [
        "",
        " leading and trailing ",
        "two  spaces\tand a tab",
        "=?utf-8?b?xJA=?= looks encoded",
        "x" * 66,  # the longest that fits one line after "Subject: "
        "x" * 67,
        "a, b; c " * 12,
        "Đằng Lâm",
        "line\nbreak",
    ],
)
def test_a_header_flattens_as_the_stdlib_folds_it(value):
    email = MIMEText("body", "plain", "us-ascii")
    email["Subject"] = value
    email["X-A-Rather-Long-Header-Name-For-Folding"] = value
    for linesep in ("\n", "\r\n"):
        assert message_bytes(email, linesep) == _stdlib(email, linesep)
