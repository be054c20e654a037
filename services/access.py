"""People and access as the front ends ask for them: users added from the command line or the
roster, sign-in links (printed or e-mailed), browser sessions; each change audited."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from sqlalchemy import select

from config.settings import get_settings
from models.access.roles import Person
from models.access.store import (
    UserChange,
    end_session,
    find_user,
    issue_link,
    plain_utc,
    redeem_link,
    save_user,
    session_person,
    unit_users_from_roster,
)
from models.audit.chain import Change, append_changes
from models.kernel.database import read_session, write_session
from models.kernel.lookups import get_programme
from models.kernel.tables import SignInLink, WebUser
from services.resources import actor, database, read_database


@dataclass(frozen=True)
class SignedIn:
    """A browser just signed in: who, its session cookie and its CSRF token."""

    person: Person
    cookie: str
    csrf: str


def add_user(
    *, programme: str | None, email: str, role: str, scope: list[str], name: str | None = None
) -> UserChange:
    """Add a web user (or change one's role and scope)."""
    with write_session(database()) as session:
        found = get_programme(session, programme)
        return save_user(session, found, email, role, scope, name, actor(), datetime.now(UTC))


def add_unit_users(*, programme: str | None) -> list[UserChange]:
    """A unit user for every planned unit whose roster row has an e-mail and no user yet."""
    with write_session(database()) as session:
        found = get_programme(session, programme)
        return unit_users_from_roster(session, found, actor(), datetime.now(UTC))


def list_users(*, programme: str | None) -> list[UserChange]:
    """The programme's active users, by e-mail."""
    from sqlalchemy import select

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        rows = session.scalars(
            select(WebUser)
            .where(WebUser.programme_id == found.id, WebUser.active)
            .order_by(WebUser.email)
        )
        return [UserChange(r.email, r.role, tuple(r.scope), False) for r in rows]


def sign_in_link(*, programme: str | None, email: str) -> str:
    """A fresh single-use sign-in link for a user (audited, without the token)."""
    settings = get_settings()
    now = datetime.now(UTC)
    with write_session(database()) as session:
        found = get_programme(session, programme)
        user = find_user(session, found, email)
        token = issue_link(session, user, now, timedelta(minutes=settings.web_link_minutes))
        append_changes(
            session,
            [Change("user.link_issued", f"{found.code}/{user.email}", {}, found.code)],
            actor(),
            now,
        )
    return link_url(token)


def link_url(token: str) -> str:
    """The address a sign-in token opens."""
    return f"{get_settings().web_url.rstrip('/')}/signin/{quote(token)}"


def sign_in(*, token: str) -> SignedIn | None:
    """Use a sign-in token: a new browser session, or None (unknown, used or expired)."""
    settings = get_settings()
    now = datetime.now(UTC)
    with write_session(database()) as session:
        redeemed = redeem_link(session, token, now, timedelta(hours=settings.web_session_hours))
        if redeemed is None:
            return None
        user, cookie, csrf = redeemed
        found = session_person(session, cookie, now)
        person = found[0]
        append_changes(
            session,
            [Change("user.signed_in", f"{person.programme}/{user.email}", {}, person.programme)],
            person.actor,
            now,
        )
    return SignedIn(person, cookie, csrf)


def current_person(*, cookie: str) -> tuple[Person, str] | None:
    """The person and CSRF token of a browser's session cookie, or None."""
    with read_session(read_database()) as session:
        return session_person(session, cookie, datetime.now(UTC))


def sign_out(*, cookie: str) -> None:
    """End a browser's session."""
    with write_session(database()) as session:
        end_session(session, cookie, datetime.now(UTC))


def email_link(*, email: str, language: str, throttle: bool = True) -> int:
    """Send a fresh sign-in link to an address, once per programme where it is an active user,
    straight through the mail channel (a link is a secret: it never waits in the outbox);
    how many were sent. An unknown address gets nothing, and the caller says the same; with
    `throttle`, an address that had a link in the last minute gets no other."""
    import logging
    from uuid import uuid4

    from adapters.channels import build_message, open_channel
    from adapters.rendering import render_text
    from models.kernel.tables import Programme
    from models.reminders.delivery import Outgoing, Sender

    settings = get_settings()
    address = email.strip().lower()
    with read_session(read_database()) as session:
        programmes = list(
            session.scalars(
                select(Programme)
                .join(WebUser, WebUser.programme_id == Programme.id)
                .where(WebUser.email == address, WebUser.active)
            )
        )
        recent = session.scalar(  # one e-mailed link a minute per address: no mail bombing
            select(SignInLink.id)
            .join(WebUser, WebUser.id == SignInLink.user_id)
            .where(
                WebUser.email == address,
                SignInLink.created_at > plain_utc(datetime.now(UTC) - timedelta(minutes=1)),
            )
            .limit(1)
        )
    if recent is not None and throttle:
        return 0
    sent = 0
    for programme in programmes:
        link = sign_in_link(programme=programme.code, email=address)
        data = {
            "programme": programme,
            "coordinator": programme.coordinator,
            "recipient": address,
            "link": link,
            "minutes": settings.web_link_minutes,
        }
        now = datetime.now(UTC)
        message = Outgoing(
            0,
            f"signin:{uuid4().hex}",
            address,
            now.date(),
            " ".join(render_text(f"email/signin_link.{language}.subject.j2", **data).split()),
            render_text(f"email/signin_link.{language}.txt.j2", **data),
            render_text(f"email/signin_link.{language}.html.j2", **data),
            now,
        )
        try:
            with open_channel(settings) as channel:
                channel.send(
                    message, build_message(message, settings, Sender.of(programme.coordinator))
                )
            sent += 1
        except Exception as exc:  # the visitor is told the same either way; the log says why
            logging.getLogger("rollout.web").warning(
                "sign-in link to %s not sent: %s", address, type(exc).__name__
            )
    return sent
