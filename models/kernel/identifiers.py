"""What outside text may be: codes that become file names match one strict pattern, names hold
no control characters, cells have a size limit, and output paths stay under their root."""

import re
from pathlib import Path

from models.kernel.problems import InputError, Problem

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
CODE_RULE = "letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")
MAX_CELL = 2000  # characters in one roster or form cell: a unit name is under 100


def code_problem(value: str) -> str | None:
    """Why `value` cannot be a code (of a unit, programme, document type), or None."""
    if CODE.fullmatch(value):
        return None
    return f"{value[:80]!r} is not a code: use {CODE_RULE}"


def text_problem(value: str, multiline: bool = False) -> str | None:
    """Why `value` cannot be stored as a name or note (control characters, size), or None."""
    if len(value) > MAX_CELL:
        return f"{len(value):,} characters; at most {MAX_CELL:,}"
    found = (_CONTROL if multiline else _CONTROL_OR_BREAK).search(value)
    if found:
        return f"holds the control character {found.group()!r}; remove it"
    return None


def inside(root: Path, path: Path, what: str = "the output") -> Path:
    """`path` resolved, if it stays under `root`; else InputError (nothing is written)."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise InputError(
            [Problem(str(path), None, None, f"{what} would be written outside {root}; refused")]
        )
    return resolved
