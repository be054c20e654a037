"""Finding what a user names: a programme or a unit by its code. Codes match exactly, else
case-insensitively; when nothing matches, NotFoundError names the closest existing codes.
Every front end and service looks things up here, so the message and the exit are one."""

from difflib import get_close_matches

from sqlalchemy import func, select
from sqlmodel import Session

from models.kernel.problems import NotFoundError
from models.kernel.tables import Programme, Unit


def closest(code: str, known: list[str], n: int = 3) -> list[str]:
    """The existing codes nearest to `code` (case ignored), best first."""
    by_upper = {k.upper(): k for k in known}
    return [by_upper[m] for m in get_close_matches(code.upper(), list(by_upper), n, 0.75)]


def not_found(what: str, code: str, where: str, known: list[str]) -> NotFoundError:
    """The error for a code that names nothing, with the closest codes as a suggestion."""
    near = closest(code, known)
    hint = f"; did you mean {' or '.join(near)}?" if near else ""
    return NotFoundError(f"no {what} {code!r} in {where}{hint}")


def get_programme(session: Session, code: str | None) -> Programme:
    """The programme with `code`, or the only one stored when `code` is None."""
    if code:
        found = _by_code(session, select(Programme), Programme.code, code)
        if found is None:
            known = list(session.scalars(select(Programme.code)))
            where = f"the database (loaded: {', '.join(known) or 'none'})"
            raise not_found("programme", code, where, known)
        return found
    programmes = list(session.scalars(select(Programme).limit(2)))
    if len(programmes) != 1:
        raise NotFoundError(
            "no programme loaded yet; run `rollout init PROGRAMME.yaml`"
            if not programmes
            else "several programmes are loaded; name one with --programme CODE"
        )
    return programmes[0]


def find_unit(session: Session, programme: Programme, code: str, in_roster: bool = True) -> Unit:
    """A unit of the programme by code (by default one still in its roster), or NotFoundError."""
    scope = select(Unit).where(Unit.programme_id == programme.id)
    if in_roster:
        scope = scope.where(Unit.in_roster)
    unit = _by_code(session, scope, Unit.code, code)
    if unit is None:
        known = list(session.scalars(scope.with_only_columns(Unit.code)))
        raise not_found("unit", code, f"the roster of {programme.code}", known)
    return unit


def _by_code(session: Session, scope, column, code: str):
    """The row of `scope` whose code is `code`, else the only one equal to it ignoring case."""
    found = session.scalars(scope.where(column == code)).first()
    if found is None:
        matches = list(session.scalars(scope.where(func.upper(column) == code.upper()).limit(2)))
        found = matches[0] if len(matches) == 1 else None
    return found
