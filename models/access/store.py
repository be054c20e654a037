"""Web users, sign-in links and sessions in the database; tokens are kept only as sha256."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlmodel import Session

from models.access.roles import Person, Role, scope_problem
from models.audit.chain import Change, append_changes
from models.kernel.identifiers import text_problem
from models.kernel.lookups import find_unit
from models.kernel.problems import InputError, NotFoundError, Problem
from models.kernel.tables import Programme, SignInLink, Unit, WebSession, WebUser


def plain_utc(moment: datetime) -> datetime:
    """`moment` in UTC, as the tables store it (SQLite and PostgreSQL alike)."""
    return moment.astimezone(UTC)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its sha256, so a copy of the database signs no one in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normal_email(value: str, source: str = "users", field: str = "EMAIL") -> str:
    """The address in lower case, or InputError naming what is wrong with it."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InputError([Problem(source, None, field, f"{value[:80]!r}: {exc}")]) from None


@dataclass(frozen=True)
class UserChange:
    """A user as added or updated: e-mail, role, scope, and whether it was new."""

    email: str
    role: str
    scope: tuple[str, ...]
    added: bool


def save_user(
    session: Session,
    programme: Programme,
    email: str,
    role: str,
    scope: list[str],
    name: str | None,
    actor: str,
    now: datetime,
) -> UserChange:
    """Add a user, or change the role and scope of one with that e-mail; audited."""
    address = normal_email(email)
    problems = []
    why = scope_problem(role, scope)
    if why:
        problems.append(Problem("users", None, "--role", why))
    if name and text_problem(name):
        problems.append(Problem("users", None, "--name", text_problem(name)))
    codes = []
    for code in scope:
        try:
            codes.append(find_unit(session, programme, code).code)
        except NotFoundError as exc:
            problems.append(Problem("users", None, "--unit/--province", str(exc)))
    if problems:
        raise InputError(problems)
    row = session.scalar(
        select(WebUser).where(WebUser.programme_id == programme.id, WebUser.email == address)
    )
    added = row is None
    if added:
        row = WebUser(
            programme_id=programme.id,
            email=address,
            role=role,
            scope=codes,
            created_by=actor,
            created_at=now,
        )
    row.role, row.scope, row.active = role, codes, True
    row.name = name or row.name
    session.add(row)
    payload = {"email": address, "role": role, "scope": codes}
    action = "user.added" if added else "user.updated"
    append_changes(
        session,
        [Change(action, f"{programme.code}/{address}", payload, programme.code)],
        actor,
        now,
    )
    return UserChange(address, role, tuple(codes), added)


def unit_users_from_roster(
    session: Session, programme: Programme, actor: str, now: datetime
) -> list[UserChange]:
    """A unit user for every planned unit of the roster that has an e-mail and no user yet."""
    have = set(session.scalars(select(WebUser.email).where(WebUser.programme_id == programme.id)))
    units = session.execute(
        select(Unit.code, Unit.email, Unit.name).where(
            Unit.programme_id == programme.id,
            Unit.in_roster,
            Unit.wave_id.is_not(None),
            Unit.email.is_not(None),
        )
    )
    made = []
    for code, email, name in units:
        if email and email.lower() not in have:
            made.append(save_user(session, programme, email, Role.UNIT, [code], name, actor, now))
            have.add(email.lower())
    return made


def find_user(session: Session, programme: Programme, email: str) -> WebUser:
    """The active user with that e-mail, or NotFoundError."""
    row = session.scalar(
        select(WebUser).where(
            WebUser.programme_id == programme.id,
            WebUser.email == email.strip().lower(),
            WebUser.active,
        )
    )
    if row is None:
        raise NotFoundError(
            f"no user {email!r} in {programme.code}; add one with `rollout users add`"
        )
    return row


def issue_link(session: Session, user: WebUser, now: datetime, lifetime: timedelta) -> str:
    """A fresh single-use sign-in token for `user`, valid for `lifetime` (only its hash is kept)."""
    token, now = secrets.token_urlsafe(32), plain_utc(now)
    session.add(
        SignInLink(
            user_id=user.id,
            token_sha256=token_hash(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


def redeem_link(
    session: Session, token: str, now: datetime, lifetime: timedelta
) -> tuple[WebUser, str, str] | None:
    """Use a sign-in token once: (user, session cookie, CSRF token), or None when the token is
    unknown, used or expired, or its user is no longer active."""
    now = plain_utc(now)
    link = session.scalar(select(SignInLink).where(SignInLink.token_sha256 == token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    used = session.execute(  # one redeemer wins even when two requests race
        update(SignInLink)
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=now)
    )
    user = session.get(WebUser, link.user_id)
    if used.rowcount != 1 or user is None or not user.active:
        return None
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            user_id=user.id,
            token_sha256=token_hash(cookie),
            csrf=csrf,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return user, cookie, csrf


def session_person(session: Session, cookie: str, now: datetime) -> tuple[Person, str] | None:
    """The person and CSRF token of a live browser session, or None."""
    now = plain_utc(now)
    row = session.execute(
        select(WebSession, WebUser, Programme.code)
        .join(WebUser, WebUser.id == WebSession.user_id)
        .join(Programme, Programme.id == WebUser.programme_id)
        .where(WebSession.token_sha256 == token_hash(cookie))
    ).first()
    if row is None:
        return None
    web_session, user, programme = row
    if web_session.ended_at is not None or web_session.expires_at <= now or not user.active:
        return None
    person = Person(
        user.id, programme, user.email, user.name, Role(user.role), tuple(user.scope or ())
    )
    return person, web_session.csrf


def end_session(session: Session, cookie: str, now: datetime) -> None:
    """Sign a browser out: its session can no longer be used."""
    session.execute(
        update(WebSession)
        .where(WebSession.token_sha256 == token_hash(cookie), WebSession.ended_at.is_(None))
        .values(ended_at=plain_utc(now))
    )
