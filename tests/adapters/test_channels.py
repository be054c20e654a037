"""The bytes a message goes out as: the same as the stdlib's, however it is flattened; the file
outbox writes them whole, or says it could not."""

import io
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from email import encoders
from email.generator import BytesGenerator
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText

import pytest

from adapters.channels import FileChannel, build_message, eml_name, message_bytes
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


def _outgoing(id: int = 1, key: str = "2026-07-15/phuong-hai-an@example.vn") -> Outgoing:
    return Outgoing(
        id=id,
        key=key,
        recipient="Phường Hải An <hai-an@example.vn>",
        day=date(2026, 7, 15),
        subject="Nhắc việc: 36 hạng mục đến hạn — Kế hoạch 124/KH-UBND",
        body_text=BODY,
        body_html=f"<p>{BODY}</p>",
        created_at=datetime(2026, 7, 15, 7, 0, tzinfo=UTC),
    )


def _digest(message: Outgoing | None = None):
    message = message or _outgoing()
    sender = Sender("Văn phòng - Sở Khoa học và Công nghệ", "iso@example.vn")
    return build_message(message, Settings(), sender)


def test_the_file_outbox_names_the_files_it_could_not_write_and_writes_the_others(tmp_path):
    messages = [_outgoing(n, f"VN:unit{n}@example.vn:2026-07-15:1") for n in (1, 2, 3)]
    (tmp_path / "2026-07-15" / f".{eml_name(messages[1].key)[:-4]}.partial").mkdir(parents=True)
    with FileChannel(tmp_path) as channel:
        ids = [channel.send(m, _digest(m)) for m in messages]
        failed = channel.settle()
    assert list(failed) == [2] and isinstance(failed[2], IsADirectoryError)
    written = {p.name: p.read_bytes() for p in (tmp_path / "2026-07-15").glob("*.eml")}
    assert sorted(written) == [eml_name(messages[0].key), eml_name(messages[2].key)]
    assert message_bytes(_digest(messages[0])) == written[eml_name(messages[0].key)]
    assert len(set(ids)) == 3


def test_a_file_still_being_written_when_the_outbox_closes_fails_the_block(tmp_path):
    """What sends one message and closes (a sign-in link) learns that its file failed."""
    message = _outgoing(7, "signin:abc")
    (tmp_path / "2026-07-15" / f".{eml_name(message.key)[:-4]}.partial").mkdir(parents=True)
    with pytest.raises(IsADirectoryError), FileChannel(tmp_path) as channel:
        channel.send(message, _digest(message))


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


def test_headers_folded_once_flatten_as_the_stdlib_folds_each(monkeypatch):
    # A morning's digests share their sender and most subjects: each header is folded once per
    # line end, and every message still gets what the stdlib would give it.
    monkeypatch.setattr("adapters.channels._FOLDED", {})
    subjects = ["Nhắc việc: 3 việc quá hạn", "Nhắc việc: 4 việc quá hạn", "Nhắc " + "rất dài " * 20]
    for subject in [*subjects, *reversed(subjects)]:
        email = _digest(replace(_outgoing(), subject=subject))
        for linesep in ("\r\n", "\n"):
            assert message_bytes(email, linesep) == _stdlib(email, linesep)


def test_the_switch_interval_is_short_while_file_outboxes_are_open_and_restored_after(tmp_path):
    before = sys.getswitchinterval()
    first, second = FileChannel(tmp_path / "a"), FileChannel(tmp_path / "b")
    with first:
        with second:
            assert sys.getswitchinterval() < before
        assert sys.getswitchinterval() < before  # the other one is still writing
    assert sys.getswitchinterval() == before
