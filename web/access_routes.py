"""Signing in and out, the language switch, asking for a link by e-mail, and the
coordinator's page of users."""

import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from config.settings import get_settings
from models.access.roles import Role
from models.kernel.problems import NotFoundError
from services.resources import acting_as
from web.labels import WORDS
from web.pages import Refused, checked_form, coordinating, language, message, page
from web.security import PRESESSION_COOKIE, SESSION_COOKIE, local_path, same_token
from web.sheets import as_workbook

router = APIRouter()


def _with_presession(response, csrf: str):
    """A page whose form must come back with `csrf` (no session exists yet)."""
    response.set_cookie(
        PRESESSION_COOKIE,
        csrf,
        httponly=True,
        samesite="strict",
        secure=get_settings().web_secure,
        max_age=3600,
    )
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, next: str = "/"):
    """Switch the pages' language and go back to the page asked from."""
    response = RedirectResponse(local_path(next), 303)
    if lang in WORDS:
        response.set_cookie("lang", lang, samesite="lax", secure=get_settings().web_secure)
    return response


@router.get("/signin")
def ask_for_link_page(request: Request):
    """The form that e-mails a sign-in link to a known address."""
    csrf = secrets.token_urlsafe(24)
    return _with_presession(page(request, "ask_link.html.j2", csrf=csrf, sent=False), csrf)


@router.post("/signin")
def ask_for_link(request: Request, csrf_token: str = Form(""), email: str = Form("")):
    """E-mail a link if the address is a user's; the answer is the same either way."""
    from services.access import email_link

    if not same_token(csrf_token, request.cookies.get(PRESESSION_COOKIE)):
        raise Refused("the form's security token is missing or wrong; reload the page")
    if 3 <= len(email) <= 254 and "@" in email:
        email_link(email=email, language=language(request))
    return page(request, "ask_link.html.j2", csrf="", sent=True)


@router.get("/signin/{token}")
def signin_page(token: str, request: Request):
    """The page a sign-in link opens: one button, so a mail scanner's visit uses nothing."""
    csrf = secrets.token_urlsafe(24)
    return _with_presession(page(request, "signin.html.j2", csrf=csrf, token=token), csrf)


@router.post("/signin/{token}")
def signin(token: str, request: Request, csrf_token: str = Form("")):
    """Use the link: a session cookie, or a refusal if the link is used or expired."""
    from services.access import sign_in

    if not same_token(csrf_token, request.cookies.get(PRESESSION_COOKIE)):
        raise Refused("the form's security token is missing or wrong; open the link again")
    signed = sign_in(token=token)
    if signed is None:
        return message(request, 403, "signin", "link_bad")
    settings = get_settings()
    response = RedirectResponse("/", 303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.cookie,
        httponly=True,
        samesite="lax",
        secure=settings.web_secure,
        max_age=int(settings.web_session_hours * 3600),
    )
    response.delete_cookie(PRESESSION_COOKIE)
    return response


@router.post("/signout")
def signout(request: Request, csrf_token: str = Form("")):
    """End the session."""
    from services.access import sign_out

    checked_form(request, csrf_token)
    sign_out(cookie=request.cookies[SESSION_COOKIE])
    response = RedirectResponse("/", 303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _coordinator(request: Request):
    person, csrf = coordinating(request)
    if person.role != Role.COORDINATOR or person.scope:
        raise NotFoundError("users are managed by the programme's coordinators")
    return person, csrf


@router.get("/users")
def users_page(request: Request, format: str = "", done: str = ""):
    """The programme's users (programme-wide coordinators), with a form to add one."""
    from services.access import list_users

    person, csrf = _coordinator(request)
    users = list_users(programme=person.programme)
    if format == "xlsx":
        words = WORDS[language(request)]
        return as_workbook(
            "users",
            words["users"],
            [words["email"], words["role"], words["scope"]],
            [[u.email, u.role, " ".join(u.scope)] for u in users],
        )
    return page(
        request,
        "users.html.j2",
        person=person,
        csrf=csrf,
        users=users,
        roles=[r.value for r in Role],
        done=done[:254],
    )


@router.post("/users")
def add_user_form(
    request: Request,
    csrf_token: str = Form(""),
    email: str = Form(""),
    role: str = Form(""),
    scope: str = Form(""),
    name: str = Form(""),
):
    """Add or change a user (the rules of `rollout users add`)."""
    from services.access import add_user

    person = checked_form(request, csrf_token)
    _coordinator(request)
    codes = [c for c in scope.replace(",", " ").split() if c][:200]
    with acting_as(person.actor):
        added = add_user(
            programme=person.programme,
            email=email[:254],
            role=role[:16],
            scope=codes,
            name=name.strip()[:200] or None,
        )
    return RedirectResponse(f"/users?done={added.email}", 303)


@router.post("/users/from-roster")
def unit_users_from_roster(request: Request, csrf_token: str = Form("")):
    """A unit user for every planned unit whose roster row has an e-mail (`users from-roster`)."""
    from services.access import add_unit_users

    person = checked_form(request, csrf_token)
    _coordinator(request)
    with acting_as(person.actor):
        added = add_unit_users(programme=person.programme)
    return RedirectResponse(f"/users?done={len(added)}", 303)


@router.post("/users/link")
def send_link(request: Request, csrf_token: str = Form(""), email: str = Form("")):
    """E-mail a fresh sign-in link to one of the programme's users."""
    from services.access import email_link

    checked_form(request, csrf_token)
    _coordinator(request)
    email_link(email=email[:254], language=language(request), throttle=False)
    return RedirectResponse(f"/users?done={email[:254]}", 303)
