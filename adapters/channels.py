"""Delivery channels for the outbox: .eml files (default) or SMTP. No Prefect here."""

import base64
import binascii
import hashlib
import os
import re
import smtplib
import ssl
import sys
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from datetime import datetime
from email.generator import NLCRE, BytesGenerator
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr, getaddresses, parseaddr
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from config.settings import Settings
from models.reminders.delivery import Outgoing, Sender

# A base64 line (RFC 2045) of 76 characters, as email.encoders writes them, the last shorter.
_BASE64_LINES = re.compile(".{1,76}", re.DOTALL)


def build_message(message: Outgoing, settings: Settings, sender: Sender) -> Message:
    """A multipart text+HTML e-mail, UTF-8, with RFC 2047 headers any mail server accepts.

    It comes from the programme's coordinating office at the address of `mail_from`.

    Built with email.mime (compat32): the same encoding as EmailMessage at a fifth of the cost,
    which matters at 3,000 messages a morning. The outbox key fixes the Message-ID and the
    boundary, so the same message always has the same bytes and a resend can be recognised.
    The boundary is short enough for its Content-Type header to fit one line unfolded (no
    base64 body can hold it: "_" is not a base64 character).
    """
    digest = hashlib.sha256(message.key.encode("utf-8")).hexdigest()[:32]
    email = MIMEMultipart("alternative", boundary=f"=_rollout_{digest[:16]}")
    email["Subject"] = Header(message.subject, "utf-8")
    email["From"] = _from_header(sender.name, settings.mail_from)
    email["To"] = message.recipient
    if settings.mail_reply_to or sender.reply_to:
        email["Reply-To"] = settings.mail_reply_to or sender.reply_to
    email["Date"] = _date_header(message.created_at)
    email["Message-ID"] = f"<{digest}@rollout>"
    email.attach(_utf8_part(message.body_text, "plain"))
    email.attach(_utf8_part(message.body_html, "html"))
    return email


@lru_cache(maxsize=64)
def _from_header(name: str, mail_from: str) -> str:
    """The From header: the office's name (RFC 2047 when not ASCII) at the sending address."""
    _, address = parseaddr(mail_from)
    return formataddr((name, address), "utf-8")


@lru_cache(maxsize=64)
def _date_header(created_at: datetime) -> str:
    """The Date header (a sweep's messages share the moment they were written)."""
    return format_datetime(created_at)


def _utf8_part(text: str, subtype: str) -> MIMENonMultipart:
    """A UTF-8, base64 text part: the same bytes as MIMEText(text, subtype, "utf-8").

    binascii encodes the whole body in one call and a regular expression cuts the result into
    76-character lines; email.encoders calls binascii once per 57 bytes, 2 million calls on the
    worst day's 120 MB of digests."""
    data = text.encode("utf-8")
    encoded = binascii.b2a_base64(data, newline=False).decode("ascii")
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part.set_payload("\n".join(_BASE64_LINES.findall(encoded)) + "\n" if encoded else "")
    part["Content-Transfer-Encoding"] = "base64"
    return part


class _WholeBodyGenerator(BytesGenerator):
    """BytesGenerator writing a body in one call instead of two per line, and a short ASCII
    header as it is.

    The stdlib's `_write_lines` splits a body into lines and writes each line and each line
    end separately: ~800 writes for a 30 KB digest, much of the cost of flattening it. Joining
    the lines with the line end gives the same bytes (a trailing empty element stands for a
    trailing line end, as there); a body whose lines all end in \n, as every base64 body's
    do, needs no split at all: it is written as it is, or with \n replaced by the line end."""

    def _write_headers(self, msg: Message) -> None:
        # A short ASCII header is written as it is: what compat32's folding gives it too, at
        # a tenth of the cost (36,916 of the worst day's 43,628 headers). The rest are folded.
        limit = (self.policy.max_line_length or 0) - 2
        for name, value in msg.raw_items():
            if isinstance(value, str) and _fits_unfolded(name, value, limit):
                self.write(f"{name}: {value}{self._NL}")
            else:
                self._fp.write(_folded(self.policy, name, value))
        self.write(self._NL)

    def _write_lines(self, lines: str) -> None:
        if "\r" not in lines:  # a base64 body: its lines end in \n only
            self.write(lines if self._NL == "\n" else lines.replace("\n", self._NL))
        elif lines:
            self.write(self._NL.join(NLCRE.split(lines)))


# Headers as compat32 folds them, by name, value, line end and line length: a morning's digests
# share their From header and a few dozen subjects, and folding a Vietnamese header encodes it
# character by character (~0.1 ms a header, 0.3 s of the worst day's 3,356 digests). A Header
# here is only ever made with the UTF-8 charset, so its text stands for it.
_FOLDED: dict[tuple, bytes] = {}
_FOLDED_KEPT = 4096


def _folded(policy, name: str, value: str | Header) -> bytes:
    """policy.fold_binary(name, value), folded once per distinct header."""
    key = (name, type(value), str(value), policy.linesep, policy.max_line_length)
    folded = _FOLDED.get(key)
    if folded is None:
        if len(_FOLDED) >= _FOLDED_KEPT:
            _FOLDED.clear()
        folded = _FOLDED[key] = policy.fold_binary(name, value)
    return folded


def _fits_unfolded(name: str, value: str, limit: int) -> bool:
    """Whether a header fits one line as it is: ASCII, no line end, within the line limit."""
    return (
        len(name) + len(value) <= limit
        and value.isascii()
        and "\n" not in value
        and "\r" not in value
    )


def message_bytes(email: Message, linesep: str = "\n") -> bytes:
    """The message as `email.as_bytes()` gives it (or with CRLF for SMTP), in about three
    quarters of the time (measured on a 98 KB digest: 2.2 ms against 2.9 ms)."""
    out = BytesIO()
    _WholeBodyGenerator(out, mangle_from_=False).flatten(email, linesep=linesep)
    return out.getvalue()


def eml_name(key: str) -> str:
    """The file name of a message in the file outbox: its key, with only safe characters."""
    return "".join(c if c.isalnum() or c in "-_.@" else "_" for c in key) + ".eml"


def _write_whole(folder: Path, name: str, data: bytes) -> None:
    """Write a file so that a reader sees the whole of it or none.

    Plain system calls (open, write, close, rename): a writer thread waits for the GIL after
    each one, and a buffered file object makes a few more (fstat, ioctl, seek)."""
    partial = os.path.join(folder, f".{name.removesuffix('.eml')}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:  # a write may take less than all: the rest follows
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
    except BaseException:  # a disk that filled up mid-write: no half-written file stays
        with suppress(OSError):
            os.unlink(partial)
        raise
    os.replace(partial, os.path.join(folder, name))


# While a file channel is open, the interpreter hands the GIL over every 0.2 ms instead of 5 ms.
# Its writer thread needs the GIL back after each system call (open, write, rename), and with
# the delivery loop computing the next message it waited up to a switch interval each time.
# Delivering the worst day's 3,356 files on a copy of the bench home: 4.4 s at 5 ms, 4.1 s at
# 0.5 ms, 3.7 s at 0.2 ms (three runs each, the disk busy).
_SWITCH_INTERVAL = 0.0002
_handover = {"open": 0, "before": 0.0}
_handover_lock = threading.Lock()


def _quick_handover(on: bool) -> None:
    """Shorten the switch interval for the first channel opened, restore it with the last."""
    with _handover_lock:
        if on:
            _handover["open"] += 1
            if _handover["open"] == 1:
                _handover["before"] = sys.getswitchinterval()
                sys.setswitchinterval(min(_SWITCH_INTERVAL, _handover["before"]))
        else:
            _handover["open"] -= 1
            if _handover["open"] == 0:
                sys.setswitchinterval(_handover["before"])


class FileChannel:
    """Writes each message as an .eml file named by its outbox key (rewriting it is harmless).

    The files are written by two threads of the channel's own, so that building the next
    messages overlaps the disk (creating a file takes up to a millisecond on a busy disk: 3 s of
    the worst reminder day); `settle` waits for them and says which failed."""

    name = "file"
    resends_identically = True  # the same file, the same bytes: a resend is no second message

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: set[Path] = set()
        self._writer: ThreadPoolExecutor | None = None
        self._writing: list[tuple[int, Future]] = []

    def __enter__(self) -> "FileChannel":
        self.folder.mkdir(parents=True, exist_ok=True)
        self._writer = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rollout-outbox")
        _quick_handover(True)
        return self

    def __exit__(self, *exc: object) -> None:
        """Wait for the files still being written; raise the first failure among them."""
        try:
            failed = self.settle()
        finally:
            if self._writer is not None:
                self._writer.shutdown()
                self._writer = None
                _quick_handover(False)
        if failed and exc[0] is None:
            raise next(iter(failed.values()))

    def send(self, message: Outgoing, email: Message) -> str:
        """Hand the message to the writer; returns the Message-ID. The file is on disk once
        `settle` (or closing the channel) has returned without naming it."""
        folder = self.folder / f"{message.day}"
        if folder not in self.made:
            folder.mkdir(parents=True, exist_ok=True)
            self.made.add(folder)
        data = message_bytes(email)
        self._writing.append(
            (message.id, self._writer.submit(_write_whole, folder, eml_name(message.key), data))
        )
        return email["Message-ID"]

    def settle(self, still_writing: int = 0) -> dict[int, BaseException]:
        """Wait for the files handed over, all but the last `still_writing` (left to be written
        while the caller builds its next messages); the messages whose file failed."""
        cut = len(self._writing) - still_writing
        writing, self._writing = self._writing[:cut], self._writing[cut:]
        failures = {message_id: future.exception() for message_id, future in writing}
        return {message_id: exc for message_id, exc in failures.items() if exc is not None}


class SmtpChannel:
    """Sends through one SMTP connection per delivery run (STARTTLS, SSL or plain)."""

    name = "smtp"
    resends_identically = False  # a resend is a second e-mail in the recipient's inbox

    def __init__(self, settings: Settings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpChannel":
        s = self.settings
        context = ssl.create_default_context()
        if s.smtp_security == "ssl":
            self.smtp = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=s.smtp_timeout, context=context
            )
        else:
            self.smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            if s.smtp_security == "starttls":
                self.smtp.starttls(context=context)
        if s.smtp_user:
            password = s.smtp_password.get_secret_value() if s.smtp_password else ""
            _login(self.smtp, s.smtp_user, password)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except smtplib.SMTPException:
                self.smtp.close()

    def send(self, message: Outgoing, email: Message) -> str:
        """Send one message; returns its Message-ID."""
        sender = parseaddr(email["From"])[1]
        recipients = [address for _, address in getaddresses(email.get_all("To", []))]
        if (sender + "".join(recipients)).isascii():
            self.smtp.sendmail(sender, recipients, message_bytes(email, "\r\n"))
        else:  # an address outside ASCII: smtplib negotiates SMTPUTF8 for it
            self.smtp.send_message(email)
        return email["Message-ID"]

    def settle(self, still_writing: int = 0) -> dict[int, BaseException]:
        """Nothing waits: a message was sent when `send` returned."""
        return {}


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; credentials outside ASCII go as UTF-8 through AUTH PLAIN (RFC 4616), which
    smtplib's login cannot encode."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPException(
            "the server offers no AUTH PLAIN, needed for a user name or password outside ASCII"
        )
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8"))
    code, _ = smtp.docmd("AUTH", "PLAIN " + token.decode("ascii"))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, "the server refused the user name or password")


def describe_failure(exc: BaseException, settings: Settings) -> str:
    """`Type: message` of a delivery failure, never carrying the SMTP credentials."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        text = f"{type(exc).__name__}: {exc.smtp_code} the server refused the user name or password"
    secret = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
    for value in {secret, *secret.split()} - {""}:
        for form in (value, repr(value)[1:-1], base64.b64encode(value.encode()).decode()):
            text = text.replace(form, "***")
    return text[:500]


def open_channel(settings: Settings) -> FileChannel | SmtpChannel:
    """The channel the settings choose (ROLLOUT_MAIL_CHANNEL)."""
    if settings.mail_channel == "smtp":
        return SmtpChannel(settings)
    return FileChannel(settings.outbox_dir)
