"""A unit's pages: its phases and what it hands in, its self-assessment (online or as the
Excel form), its action programme, its documents and its history."""

from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from adapters.sheets import XLSX
from models.kernel.vocabulary import PHASES
from web.forms import answers, fields, receive, upload_folder
from web.labels import WORDS
from web.pages import checked_form, language, page, signed_in, today
from web.sheets import as_workbook

router = APIRouter()
XLSX_ONLY = (".xlsx",)


@router.get("/unit/{code}")
def unit_page(code: str, request: Request, done: str = ""):
    """A unit's five phases, what each needs and what was handed in; its items and documents."""
    from models.kernel.vocabulary import ITEM_STATES
    from services.unit_work import unit_page

    person, csrf = signed_in(request)
    shown = unit_page(person=person, unit=code, as_of=today(request))
    return page(
        request,
        "unit.html.j2",
        person=person,
        csrf=csrf,
        unit=shown.view,
        done=done if done in PHASES or done in ("actions", "form") else "",
        as_of=today(request),
        actions=shown.actions,
        progress=shown.progress,
        item_states=ITEM_STATES,
        documents=shown.documents,
    )


@router.post("/unit/{code}/{phase}/evidence")
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
    """A file handed in for a phase (kept by its sha256), then the unit moves on."""
    from services.workspace import hand_in

    person = checked_form(request, csrf_token)
    given = fields(dated=dated, attendees=attendees, default_day=today(request))
    with upload_folder() as folder:
        done = hand_in(
            person=person,
            unit=code,
            phase=phase,
            as_of=today(request),
            file=receive(file, folder),
            kind=kind or None,
            on=given["on"],
            attendees=given["attendees"],
        )
    return RedirectResponse(f"/unit/{done.unit}?done={phase}", 303)


@router.post("/unit/{code}/{phase}/decision")
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
    """A decision (number, date, signer) for a phase, then the unit moves on."""
    from services.workspace import hand_in

    person = checked_form(request, csrf_token)
    given = fields(dated=dated, attendees="", default_day=today(request))
    done = hand_in(
        person=person,
        unit=code,
        phase=phase,
        as_of=today(request),
        decision=number.strip(),
        kind=kind or None,
        on=given["on"],
        signer=signer.strip() or None,
    )
    return RedirectResponse(f"/unit/{done.unit}?done={phase}", 303)


@router.get("/unit/{code}/assessment")
def assessment_page(code: str, request: Request, done: str = ""):
    """The online self-assessment: 39 indicators, the verifier's comments beside them."""
    from services.reviews import assessment_view

    person, csrf = signed_in(request)
    view = assessment_view(person=person, unit=code)
    return page(request, "assessment.html.j2", person=person, csrf=csrf, view=view, done=done[:40])


@router.post("/unit/{code}/assessment")
async def assessment_save(code: str, request: Request):
    """Save the answers as a draft, or submit them for verification."""
    from services.reviews import save_answers, submit_answers

    form = await request.form()
    person = await run_in_threadpool(checked_form, request, form.get("csrf_token"))
    given, on = answers(form), today(request)
    if form.get("action") == "submit":
        await run_in_threadpool(
            lambda: submit_answers(person=person, unit=code, answers=given, on=on)
        )
    else:
        await run_in_threadpool(lambda: save_answers(person=person, unit=code, answers=given))
    return RedirectResponse(f"/unit/{code}/assessment?done={form.get('action', 'save')}", 303)


@router.post("/unit/{code}/review")
async def review_save(code: str, request: Request):
    """The verifier confirms the ratings (changing some), or sends them back with comments."""
    from services.reviews import confirm, send_back

    form = await request.form()
    person = await run_in_threadpool(checked_form, request, form.get("csrf_token"))
    per_indicator = {
        k.removeprefix("comment-"): str(v) for k, v in form.items() if k.startswith("comment-")
    }
    on = today(request)
    if form.get("action") == "confirm":
        changes = {
            k.removeprefix("change-"): str(v)
            for k, v in form.items()
            if k.startswith("change-") and v
        }
        await run_in_threadpool(lambda: confirm(person=person, unit=code, changes=changes, on=on))
    else:
        comment = str(form.get("comment", ""))
        await run_in_threadpool(
            lambda: send_back(
                person=person, unit=code, comment=comment, per_indicator=per_indicator
            )
        )
    return RedirectResponse(f"/unit/{code}/assessment?done={form.get('action', '')}", 303)


@router.get("/unit/{code}/assessment/form")
def assessment_form(code: str, request: Request):
    """The unit's Excel form, pre-filled with what it has rated so far."""
    from services.unit_work import unit_form

    person, _ = signed_in(request)
    with upload_folder() as folder:
        path = unit_form(person=person, unit=code, folder=folder)
        content = path.read_bytes()
    return Response(
        content,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="tu-danh-gia.xlsx"'},
    )


@router.post("/unit/{code}/assessment/form")
def assessment_form_upload(
    code: str, request: Request, csrf_token: str = Form(""), file: UploadFile = File(...)
):
    """A filled Excel form read into the online assessment as a draft, every bad cell named."""
    from services.unit_work import form_answers

    person = checked_form(request, csrf_token)
    with upload_folder() as folder:
        path = receive(file, folder, XLSX_ONLY)
        form_answers(person=person, unit=code, path=path, name=file.filename or "form.xlsx")
    return RedirectResponse(f"/unit/{code}/assessment?done=form", 303)


@router.post("/unit/{code}/actions/{item}")
def action_progress(
    code: str,
    item: int,
    request: Request,
    csrf_token: str = Form(""),
    status: str = Form(""),
    note: str = Form(""),
):
    """An action item's progress reported: its status and a note."""
    from services.unit_work import update_action

    person = checked_form(request, csrf_token)
    update_action(person=person, unit=code, item=item, status=status, note=note, on=today(request))
    return RedirectResponse(f"/unit/{code}?done=actions#actions", 303)


@router.get("/unit/{code}/documents/{document}")
def document_download(code: str, document: int, request: Request):
    """One of the unit's drafted or signed documents."""
    from services.unit_work import document_file

    person, _ = signed_in(request)
    path = document_file(person=person, unit=code, document=document)
    return FileResponse(path, filename=Path(path).name)


@router.get("/unit/{code}/history")
def history_page(code: str, request: Request, format: str = ""):
    """Everything the audit trail holds about the unit and its phases, oldest first."""
    from services.monitoring import unit_history

    person, csrf = signed_in(request)
    unit, name, lines = unit_history(person=person, unit=code)
    if format == "xlsx":
        words = WORDS[language(request)]
        return as_workbook(
            f"history-{unit}",
            f"{name} ({unit}) · {words['history']}",
            ["#", words["when"], words["who"], words["action"], words["phase"], words["details"]],
            [[h.seq, h.at, h.actor, h.action, h.phase, h.details] for h in lines],
        )
    return page(
        request,
        "history.html.j2",
        person=person,
        csrf=csrf,
        unit=unit,
        unit_name=name,
        lines=lines,
    )
