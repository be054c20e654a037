"""The programme's pages: the units in reach, the dashboard, a wave's Gantt, the heat map,
the outbox, the audit chain's check, the verifier's list and the import of a facts sheet;
every list also as Excel (`?format=xlsx`)."""

from dataclasses import astuple, replace
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from models.access.roles import Role
from models.kernel.problems import InputError, NotFoundError, Problem
from models.kernel.vocabulary import PHASES, status_label
from services.kept_views import kept_per_head
from services.resources import acting_as
from web.forms import receive, upload_folder
from web.labels import WORDS
from web.pages import (
    checked_form,
    coordinating,
    fragment,
    language,
    page,
    signed_in,
    today,
)
from web.sheets import as_workbook

router = APIRouter()
STATUSES = ("not_started", "open", "due_soon", "overdue", "done")
SHEETS = (".csv", ".xlsx")


@router.get("/")
def home(request: Request, format: str = ""):
    """A unit's user goes to its page; others see the units they reach."""
    from services.workspace import units_in_scope

    person, csrf = signed_in(request)
    if person.role == Role.UNIT:
        return RedirectResponse(f"/unit/{person.scope[0]}", 303)
    units = units_in_scope(person=person)
    if format == "xlsx":
        words = WORDS[language(request)]
        return as_workbook(
            "units", words["units"], [words["code"], words["unit"]], [list(u) for u in units]
        )
    return page(request, "units.html.j2", person=person, csrf=csrf, units=units)


@router.get("/dashboard")
def dashboard(
    request: Request,
    parent: str = "",
    wave: str = "",
    phase: str = "",
    status: str = "",
    format: str = "",
    table: str = "",
):
    """Progress per wave and phase, the late units, the last sweep and the outbox (as Excel:
    the late units, or with `table=progress` the counts per wave and phase)."""
    from services.overview import Filters, programme_overview

    person, csrf = coordinating(request)
    filters = Filters(parent[:64], wave[:200], phase[:32], status[:20])
    view = programme_overview(person=person, as_of=today(request), filters=filters)
    if format == "xlsx" and table == "progress":
        lang = language(request)
        words = WORDS[lang]
        return as_workbook(
            "progress",
            f"{view.title} · {words['dashboard']} · {view.as_of:%d/%m/%Y}",
            [words["wave"], words["phase"], *(status_label(s, lang) for s in STATUSES)],
            [
                [w, p, *(view.counts[(w, p)][s] for s in STATUSES)]
                for w in view.waves
                for p in PHASES
                if (w, p) in view.counts
            ],
        )
    if format == "xlsx":
        words = WORDS[language(request)]
        return as_workbook(
            "late-units",
            f"{view.title} · {words['late_units']} · {view.as_of:%d/%m/%Y}",
            [
                words["code"],
                words["unit"],
                words["wave"],
                words["phase"],
                words["due"],
                words["days_late"],
            ],
            [[r.unit, r.unit_name, r.wave, r.phase, r.due, r.late_days] for r in view.late],
        )
    from services.workspace import database_url

    body = _dashboard_body(
        database_url(),
        language(request),
        view.as_of,
        view.head,
        person,
        filters,
        view.last_sweep,
        view.outbox,
    )
    return page(request, "dashboard.html.j2", person=person, csrf=csrf, view=view, body=body)


@kept_per_head(maxsize=64)
def _dashboard_body(_url, lang, as_of, _head, person, filters, _sweep, _outbox) -> Markup:
    """The dashboard's tables, rendered once per state (they hold nothing of a session)."""
    from services.overview import programme_overview

    view = programme_overview(person=person, as_of=as_of, filters=filters)
    return fragment(
        lang,
        "dashboard_body.html.j2",
        view=view,
        filters=filters,
        phases=PHASES,
        statuses=STATUSES,
        query="&".join(f"{k}={quote(v)}" for k, v in vars(filters).items() if v),
    )


@router.get("/gantt")
def gantt_page(request: Request, wave: str = "", format: str = ""):
    """A wave's Gantt: per phase and per unit, the baseline and the forecast, today."""
    from services.monitoring import waves_and_chart

    person, csrf = coordinating(request)
    waves, chart = waves_and_chart(person=person, as_of=today(request), wave=wave[:200])
    if format == "xlsx":
        words = WORDS[language(request)]
        return as_workbook(
            "gantt",
            f"{words['gantt']} · {chart.wave}",
            [
                words["unit"],
                words["phase"],
                words["status"],
                words["baseline"],
                "",
                words["forecast"],
                "",
            ],
            [[b.label, b.phase, b.status, *b.baseline_days, *b.forecast_days] for b in chart.bars],
        )
    return page(
        request,
        "gantt.html.j2",
        person=person,
        csrf=csrf,
        waves=waves,
        chart=chart,
        rows=chart.bars[:400],
    )


@router.get("/heatmap")
def heatmap_page(request: Request):
    """The heat map of the latest self-assessments, units in reach x 39 indicators."""
    person, csrf = coordinating(request)
    return page(request, "heatmap.html.j2", person=person, csrf=csrf)


@router.get("/heatmap.svg")
def heatmap_image(request: Request):
    """The heat map itself (SVG, drawn once per state of the audit chain)."""
    from services.monitoring import heatmap_svg

    person, _ = coordinating(request)
    svg = heatmap_svg(person=person, as_of=today(request), language=language(request))
    return Response(svg, media_type="image/svg+xml")


@router.get("/outbox")
def outbox_page(request: Request, state: str = "waiting", format: str = ""):
    """The messages waiting to be sent, those waiting after a failure, or those sent."""
    from services.monitoring import LISTED, OUTBOX_STATES, outbox_messages

    person, csrf = coordinating(request)
    state = state if state in OUTBOX_STATES else "waiting"
    total, messages = outbox_messages(person=person, state=state)
    words = WORDS[language(request)]
    if format == "xlsx":
        return as_workbook(
            f"outbox-{state}",
            f"{words['outbox_page']} · {words['outbox_' + state]}",
            [
                words["recipient"],
                words["dated"],
                words["subject"],
                words["state"],
                words["attempts"],
                words["error"],
                words["created"],
                words["sent"],
            ],
            [list(astuple(m)) for m in messages],  # the columns in the headings' order
        )
    return page(
        request,
        "outbox.html.j2",
        person=person,
        csrf=csrf,
        state=state,
        states=OUTBOX_STATES,
        total=total,
        messages=messages[:LISTED],
    )


@router.get("/audit")
def audit_page(request: Request):
    """What `rollout audit verify` finds: the chain's length, its head, every problem."""
    from services.monitoring import chain_check

    person, csrf = coordinating(request)
    problems, events, head = chain_check()
    return page(
        request,
        "audit.html.j2",
        person=person,
        csrf=csrf,
        problems=problems,
        events=events,
        head=head,
    )


@router.get("/reviews")
def reviews_page(request: Request, format: str = ""):
    """The assessments waiting for the verifier, within reach."""
    from services.reviews import waiting_reviews

    person, csrf = signed_in(request)
    reviews = waiting_reviews(person=person)
    if format == "xlsx":
        words = WORDS[language(request)]
        return as_workbook(
            "reviews",
            words["reviews"],
            [words["code"], words["unit"], words["period"], words["state"]],
            [list(r) for r in reviews],
        )
    return page(request, "reviews.html.j2", person=person, csrf=csrf, reviews=reviews)


@router.get("/facts")
def facts_page(request: Request):
    """The form to upload a sheet of facts (and the files it names)."""
    person, csrf = _recording(request)
    return page(request, "facts.html.j2", person=person, csrf=csrf, done=None)


@router.post("/facts")
def facts_upload(
    request: Request,
    csrf_token: str = Form(""),
    sheet: UploadFile = File(...),
    files: list[UploadFile] = File(default=[]),
):
    """A facts sheet checked whole and recorded in one go (`rollout record --from`)."""
    from services.facts import record_facts

    person = checked_form(request, csrf_token)
    _recording(request)
    with upload_folder() as folder:
        beside = folder / "files"
        beside.mkdir()
        for upload in files:
            if upload.filename:
                receive(upload, beside)
        path = receive(sheet, folder, SHEETS)
        with acting_as(person.actor):
            try:
                done = record_facts(
                    programme=person.programme,
                    path=path,
                    as_of=today(request),
                    files=beside,
                    person=person,
                )
            except InputError as exc:  # name the sheet as uploaded, not the server's folder
                raise InputError(
                    [
                        Problem(
                            p.source.replace(str(path), sheet.filename or "sheet"),
                            p.line,
                            p.field,
                            p.message,
                        )
                        for p in exc.problems
                    ]
                ) from None
    done = replace(done, source=sheet.filename or "sheet")
    return page(request, "facts.html.j2", person=person, csrf=signed_in(request)[1], done=done)


def _recording(request: Request):
    person, csrf = coordinating(request)
    if person.role != Role.COORDINATOR:
        raise NotFoundError("facts are recorded by coordinators")
    return person, csrf
