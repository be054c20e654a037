"""What the web's forms hand over, read and checked: the online assessment's answers, an
uploaded file kept under its own name in a folder of its own, a date and a head count."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from fastapi import UploadFile

from config.settings import get_settings
from models.kernel.problems import InputError, Problem
from web.security import upload_name_problem


def answers(form) -> dict:
    """The online assessment's answers from its form fields (rating-, note-, evidence-CODE)."""
    from models.assessment.review import Answer

    codes = {k.removeprefix("rating-") for k in form if k.startswith("rating-")}
    return {
        code: Answer(
            str(form.get(f"rating-{code}", "")).strip(),
            str(form.get(f"note-{code}", "")).strip(),
            str(form.get(f"evidence-{code}", "")).strip(),
        )
        for code in codes
    }


@contextmanager
def upload_folder() -> Iterator[Path]:
    """A folder of its own for one request's uploads, removed when the request is done."""
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=_uploads()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _uploads() -> Path:
    folder = get_settings().home / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def receive(upload: UploadFile, folder: Path, suffixes: tuple[str, ...] | None = None) -> Path:
    """Keep an upload under its own name in `folder`, refusing a bad name, another type than
    `suffixes` (default: evidence's) or one too big, before anything is recorded."""
    why = upload_name_problem(upload.filename, suffixes)
    if why:
        raise InputError([Problem("upload", None, "file", why)])
    limit = int(get_settings().evidence_max_mb * 2**20)
    path, size = folder / upload.filename, 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise InputError(
                    [
                        Problem(
                            "upload",
                            None,
                            "file",
                            f"larger than {get_settings().evidence_max_mb:g} MB",
                        )
                    ]
                )
            out.write(chunk)
    return path


def fields(*, dated: str, attendees: str, default_day: date) -> dict:
    """A form's date (dd/mm/yyyy or yyyy-mm-dd, default the day acted as of) and count."""
    problems, on, count = [], default_day, None
    if dated.strip():
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                on = datetime.strptime(dated.strip(), pattern).date()
                break
            except ValueError:
                continue
        else:
            problems.append(Problem("form", None, "dated", f"{dated[:20]!r}: write dd/mm/yyyy"))
    if attendees.strip():
        if attendees.strip().isdigit() and 0 < int(attendees) < 100_000:
            count = int(attendees)
        else:
            problems.append(Problem("form", None, "attendees", "a whole number of people"))
    if problems:
        raise InputError(problems)
    return {"on": on, "attendees": count}
