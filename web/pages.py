"""What every route shares: the page templates, the signed-in person, the CSRF check, the day
the application acts as of, and the one-message page."""

from datetime import date

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from config import PROJECT_ROOT
from models.access.roles import Person, Role
from models.kernel.problems import NotFoundError
from models.kernel.vocabulary import (
    item_state_label,
    phase_short_label,
    rating_label,
    status_label,
)
from web.labels import WORDS
from web.security import SESSION_COOKIE, same_token

_PAGES = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates" / "web"),
    autoescape=True,  # every value is text, whatever a roster or form put in it
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class SignInRequired(Exception):
    """No live session: the browser goes back to sign in."""


class Refused(Exception):
    """A form without its CSRF token, or a change the role may not make."""


def today(request: Request) -> date:
    """The day the application acts as of: fixed at start (a replay, a test), else today."""
    from cli.common import today as local_today

    return request.app.state.as_of or local_today()


def language(request: Request) -> str:
    """The page's language: the visitor's choice, Vietnamese unless English was chosen."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in WORDS else "vi"


def _helpers(lang: str) -> dict:
    """What every template is given: the words and the labels in `lang`."""
    return {
        "t": WORDS[lang],
        "lang": lang,
        "phase_label": lambda p: phase_short_label(p, lang) if lang == "vi" else p,
        "status_label": lambda s: status_label(s, lang),
        "day": lambda d: d.strftime("%d/%m/%Y") if d else "",
        "rating_label": lambda r: rating_label(r, lang) if r else "—",
        "item_label": lambda s: item_state_label(s, lang),
    }


def fragment(lang: str, name: str, **data) -> Markup:
    """Part of a page rendered on its own (to be kept, then placed in pages): nothing of the
    visitor's session may go into it."""
    return Markup(_PAGES.get_template(name).render(**_helpers(lang), **data))


def page(request: Request, name: str, status: int = 200, **data) -> HTMLResponse:
    """A page rendered from its template, in the visitor's language."""
    lang = language(request)
    html = _PAGES.get_template(name).render(
        **_helpers(lang),
        person=data.pop("person", None),
        csrf=data.pop("csrf", ""),
        path=request.url.path,
        query=request.url.query,
        **data,
    )
    return HTMLResponse(html, status_code=status)


def message(request: Request, status: int, title: str, text: str, problems=()) -> HTMLResponse:
    """A page that says one thing (an error, a refusal), with the problems listed."""
    words = WORDS[language(request)]
    return page(
        request,
        "message.html.j2",
        status,
        title=words.get(title, title),
        message=words.get(text, text),
        problems=list(problems),
    )


def signed_in(request: Request) -> tuple[Person, str]:
    """The signed-in person and the session's CSRF token, or SignInRequired."""
    from services.access import current_person

    cookie = request.cookies.get(SESSION_COOKIE)
    found = current_person(cookie=cookie) if cookie else None
    if found is None:
        raise SignInRequired()
    return found


def coordinating(request: Request) -> tuple[Person, str]:
    """The signed-in person when a coordinator or an auditor (the programme's pages)."""
    person, csrf = signed_in(request)
    if person.role == Role.UNIT:
        raise NotFoundError("a unit's user has no programme pages")
    return person, csrf


def checked_form(request: Request, token: str | None) -> Person:
    """The signed-in person of a form that proves its CSRF token, else Refused."""
    person, csrf = signed_in(request)
    if not same_token(token, csrf):
        raise Refused("the form's security token is missing or wrong; reload the page")
    return person
