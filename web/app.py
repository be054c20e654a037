"""The web application (FastAPI, server-rendered Jinja pages): thin routes over the services."""

import logging
import secrets
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from config import PROJECT_ROOT
from config.settings import get_settings
from models.access.roles import Person, Role
from models.kernel.problems import InputError, NotFoundError
from models.kernel.vocabulary import PHASES, phase_short_label, rating_label, status_label
from web.labels import WORDS
from web.security import (
    HEADERS,
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    local_path,
    same_token,
    upload_name_problem,
)

log = logging.getLogger("rollout.web")
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


def create_app(as_of: date | None = None) -> FastAPI:
    """The application; `as_of` fixes the day it acts as of (a replay, a test), else today."""
    from fastapi.staticfiles import StaticFiles

    app = FastAPI(title="rollout", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    def today() -> date:
        from cli.common import today as local_today

        return as_of or local_today()

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def language(request: Request) -> str:
        chosen = request.cookies.get("lang")
        return chosen if chosen in WORDS else "vi"

    def page(request: Request, name: str, status: int = 200, **data) -> HTMLResponse:
        lang = language(request)
        html = _PAGES.get_template(name).render(
            t=WORDS[lang],
            lang=lang,
            phase_label=lambda p: phase_short_label(p, lang) if lang == "vi" else p,
            status_label=lambda s: status_label(s, lang),
            day=lambda d: d.strftime("%d/%m/%Y") if d else "",
            rating_label=lambda r: rating_label(r, lang) if r else "—",
            person=data.pop("person", None),
            csrf=data.pop("csrf", ""),
            path=request.url.path,
            **data,
        )
        return HTMLResponse(html, status_code=status)

    def signed_in(request: Request) -> tuple[Person, str]:
        from services.access import current_person

        cookie = request.cookies.get(SESSION_COOKIE)
        found = current_person(cookie=cookie) if cookie else None
        if found is None:
            raise SignInRequired()
        return found

    def checked_form(request: Request, token: str | None) -> Person:
        person, csrf = signed_in(request)
        if not same_token(token, csrf):
            raise Refused("the form's security token is missing or wrong; reload the page")
        return person

    def message(request: Request, status: int, title: str, text: str, problems=()):
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

    @app.exception_handler(SignInRequired)
    async def _sign_in_required(request: Request, _exc):
        return message(request, 401, "signin", "expired")

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused):
        return message(request, 403, "refused", str(exc))

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError):
        problems = [str(p) for p in exc.problems]
        return message(request, 400, "refused", exc.render().splitlines()[0], problems)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, _exc):
        return message(request, 404, "404", "not_found")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return message(request, exc.status_code, str(exc.status_code), "not_found")

    @app.exception_handler(Exception)
    async def _crash(request: Request, _exc: Exception):
        where = "/signin/…" if request.url.path.startswith("/signin/") else request.url.path
        log.exception("web request %s %s failed", request.method, where)  # never a token
        return message(
            request, 500, "500", "Lỗi máy chủ; đã ghi lại. / Server error; it was logged."
        )

    @app.get("/lang/{lang}")
    def switch_language(lang: str, next: str = "/"):
        response = RedirectResponse(local_path(next), 303)
        if lang in WORDS:
            response.set_cookie("lang", lang, samesite="lax", secure=get_settings().web_secure)
        return response

    @app.get("/signin/{token}")
    def signin_page(token: str, request: Request):
        csrf = secrets.token_urlsafe(24)
        response = page(request, "signin.html.j2", csrf=csrf, token=token)
        response.set_cookie(
            PRESESSION_COOKIE,
            csrf,
            httponly=True,
            samesite="strict",
            secure=get_settings().web_secure,
            max_age=3600,
        )
        return response

    @app.post("/signin/{token}")
    def signin(token: str, request: Request, csrf_token: str = Form("")):
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

    @app.post("/signout")
    def signout(request: Request, csrf_token: str = Form("")):
        from services.access import sign_out

        checked_form(request, csrf_token)
        sign_out(cookie=request.cookies[SESSION_COOKIE])
        response = RedirectResponse("/", 303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/")
    def home(request: Request):
        from services.workspace import units_in_scope

        person, csrf = signed_in(request)
        if person.role == Role.UNIT:
            return RedirectResponse(f"/unit/{person.scope[0]}", 303)
        units = units_in_scope(person=person)
        return page(request, "units.html.j2", person=person, csrf=csrf, units=units)

    @app.get("/unit/{code}")
    def unit_page(code: str, request: Request, done: str = ""):
        from services.workspace import unit_view

        person, csrf = signed_in(request)
        view = unit_view(person=person, unit=code, as_of=today())
        return page(
            request,
            "unit.html.j2",
            person=person,
            csrf=csrf,
            unit=view,
            done=done if done in PHASES else "",
            as_of=today(),
        )

    @app.post("/unit/{code}/{phase}/evidence")
    def hand_in_file(
        code: str,
        phase: str,
        request: Request,
        csrf_token: str = Form(""),
        kind: str = Form(""),
        dated: str = Form(""),
        attendees: str = Form(""),
        file: UploadFile = File(...),
    ):
        from services.workspace import hand_in

        person = checked_form(request, csrf_token)
        fields = _fields(dated=dated, attendees=attendees, default_day=today())
        folder = Path(tempfile.mkdtemp(prefix="upload-", dir=_uploads()))
        try:
            path = _receive(file, folder)
            done = hand_in(
                person=person,
                unit=code,
                phase=phase,
                as_of=today(),
                file=path,
                kind=kind or None,
                on=fields["on"],
                attendees=fields["attendees"],
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return RedirectResponse(f"/unit/{done.unit}?done={phase}", 303)

    @app.post("/unit/{code}/{phase}/decision")
    def hand_in_decision(
        code: str,
        phase: str,
        request: Request,
        csrf_token: str = Form(""),
        number: str = Form(""),
        kind: str = Form(""),
        dated: str = Form(""),
        signer: str = Form(""),
    ):
        from services.workspace import hand_in

        person = checked_form(request, csrf_token)
        fields = _fields(dated=dated, attendees="", default_day=today())
        done = hand_in(
            person=person,
            unit=code,
            phase=phase,
            as_of=today(),
            decision=number.strip(),
            kind=kind or None,
            on=fields["on"],
            signer=signer.strip() or None,
        )
        return RedirectResponse(f"/unit/{done.unit}?done={phase}", 303)

    @app.get("/unit/{code}/assessment")
    def assessment_page(code: str, request: Request, done: str = ""):
        from services.reviews import assessment_view

        person, csrf = signed_in(request)
        view = assessment_view(person=person, unit=code)
        return page(
            request, "assessment.html.j2", person=person, csrf=csrf, view=view, done=done[:40]
        )

    @app.post("/unit/{code}/assessment")
    async def assessment_save(code: str, request: Request):
        from services.reviews import save_answers, submit_answers

        form = await request.form()
        person = await run_in_threadpool(checked_form, request, form.get("csrf_token"))
        answers = _answers(form)
        if form.get("action") == "submit":
            await run_in_threadpool(
                lambda: submit_answers(person=person, unit=code, answers=answers, on=today())
            )
        else:
            await run_in_threadpool(lambda: save_answers(person=person, unit=code, answers=answers))
        return RedirectResponse(f"/unit/{code}/assessment?done={form.get('action', 'save')}", 303)

    @app.get("/reviews")
    def reviews_page(request: Request):
        from services.reviews import waiting_reviews

        person, csrf = signed_in(request)
        return page(
            request,
            "reviews.html.j2",
            person=person,
            csrf=csrf,
            reviews=waiting_reviews(person=person),
        )

    @app.post("/unit/{code}/review")
    async def review_save(code: str, request: Request):
        from services.reviews import confirm, send_back

        form = await request.form()
        person = await run_in_threadpool(checked_form, request, form.get("csrf_token"))
        per_indicator = {
            k.removeprefix("comment-"): str(v) for k, v in form.items() if k.startswith("comment-")
        }
        if form.get("action") == "confirm":
            changes = {
                k.removeprefix("change-"): str(v)
                for k, v in form.items()
                if k.startswith("change-") and v
            }
            await run_in_threadpool(
                lambda: confirm(person=person, unit=code, changes=changes, on=today())
            )
        else:
            await run_in_threadpool(
                lambda: send_back(
                    person=person,
                    unit=code,
                    comment=str(form.get("comment", "")),
                    per_indicator=per_indicator,
                )
            )
        return RedirectResponse(f"/unit/{code}/assessment?done={form.get('action', '')}", 303)

    @app.get("/dashboard")
    def dashboard(
        request: Request, parent: str = "", wave: str = "", phase: str = "", status: str = ""
    ):
        from services.overview import Filters, programme_overview

        person, csrf = signed_in(request)
        if person.role == Role.UNIT:
            raise NotFoundError("a unit's user has no dashboard")
        filters = Filters(parent[:64], wave[:200], phase[:32], status[:20])
        view = programme_overview(person=person, as_of=today(), filters=filters)
        return page(
            request,
            "dashboard.html.j2",
            person=person,
            csrf=csrf,
            view=view,
            filters=filters,
            phases=PHASES,
            statuses=("not_started", "open", "due_soon", "overdue", "done"),
        )

    @app.get("/favicon.ico")
    def favicon():
        return Response(status_code=204)

    return app


def _answers(form) -> dict:
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


def _uploads() -> Path:
    folder = get_settings().home / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _receive(upload: UploadFile, folder: Path) -> Path:
    """Keep an upload under its own name in `folder`, refusing a bad name or one too big
    before anything is recorded."""
    from models.kernel.problems import Problem

    why = upload_name_problem(upload.filename)
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


def _fields(*, dated: str, attendees: str, default_day: date) -> dict:
    """A form's date (dd/mm/yyyy or yyyy-mm-dd, default the day acted as of) and count."""
    from models.kernel.problems import Problem

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
