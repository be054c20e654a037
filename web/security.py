"""What every response carries and every form must prove: security headers, the session
cookie, CSRF tokens compared in constant time, and upload names that stay names."""

import hmac
from pathlib import PurePosixPath, PureWindowsPath

SESSION_COOKIE = "rollout_session"
PRESESSION_COOKIE = "rollout_csrf"  # the CSRF token of the sign-in form, before any session
ALLOWED_SUFFIXES = (
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".odt",
    ".ods",
    ".jpg",
    ".jpeg",
    ".png",
)
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # a sign-in link's token never leaves in a Referer
    "Cache-Control": "no-store",
}


def same_token(given: str | None, expected: str | None) -> bool:
    """Whether a form's CSRF token is the session's (constant time)."""
    return bool(given and expected) and hmac.compare_digest(given, expected)


def upload_name_problem(name: str | None, suffixes: tuple[str, ...] | None = None) -> str | None:
    """Why an uploaded file's name cannot be kept, or None: a name only (no folder, no '..'),
    no control characters, one of the allowed types (`suffixes`, default evidence's)."""
    suffixes = suffixes or ALLOWED_SUFFIXES
    if not name or not name.strip():
        return "the file has no name"
    if (
        PurePosixPath(name).name != name
        or PureWindowsPath(name).name != name
        or name in (".", "..")
        or any(ord(c) < 32 for c in name)
    ):
        return f"{name[:80]!r} holds a folder or control characters: give the file's name only"
    if len(name) > 200:
        return "the file's name is longer than 200 characters"
    if not name.lower().endswith(suffixes):
        return f"only {', '.join(suffixes)} files are accepted here"
    return None


def local_path(target: str) -> str:
    """`target` when it is a path of this application ('/unit/X?done=survey'), else '/': a
    redirect never leads to another site ('//evil.example', 'https://…', '/\\evil')."""
    local = target.startswith("/") and not target.startswith(("//", "/\\"))
    if local and len(target) < 500 and not any(ord(c) < 32 for c in target):
        return target
    return "/"
