"""The data a document is rendered from: pure functions of a unit's facts and a programme's."""

from dataclasses import dataclass, field
from datetime import date

from models.assessment.catalogue import COLOURS, Catalogue
from models.documents.offices import document_parties, offices_of
from models.documents.types import (
    Agency,
    DocumentType,
    blank_date_line,
    blank_number,
    place_name,
    short_date,
    unit_agency,
)
from models.experts.held import TrainingClassFacts
from models.kernel.calendar import WorkingCalendar, weekday_vi
from models.kernel.vocabulary import PHASES, nfc, rating_label, run_state_label

_WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Which documents are reports of a moment (dated the day they are made) rather than papers of
# the phase's start (dated the day the phase opened, so that drafting again changes nothing).
_DATED_WHEN_MADE = {"assessment_report", "results_report", "programme_report"}


@dataclass(frozen=True)
class RunFacts:
    """One phase run as a document sees it."""

    start: date
    due: date
    done: date | None
    status: str
    baseline_due: date | None = None  # the due date first planned (the results report's "Hạn")


@dataclass(frozen=True)
class ActionItemFacts:
    """One item of an action programme."""

    indicator: str
    task: str
    rating: str | None
    target: str
    owner: str
    due: date


@dataclass(frozen=True)
class UnitFacts:
    """What the documents of one unit say: its identity, phase runs, ratings and action items."""

    code: str
    name: str
    officials: int | None
    parent_name: str | None
    runs: dict[str, RunFacts]
    ratings: dict[str, str] = field(default_factory=dict)  # indicator -> colour, for `period`
    period: int | None = None
    items: tuple[ActionItemFacts, ...] = ()
    registered: dict[str, str] = field(default_factory=dict)  # type -> number, once signed
    training_class: TrainingClassFacts | None = None  # as the expert plan placed it


@dataclass(frozen=True)
class ProgrammeFacts:
    """What every document of a programme shares."""

    code: str
    title: str
    legal_basis: str
    coordinator: dict
    settings: dict  # the programme file's `documents:` section
    phase_names: dict[str, dict[str, str]]  # phase -> language -> name
    catalogue: Catalogue
    calendar: WorkingCalendar


def issue_date(doc_type: DocumentType, run: RunFacts, as_of: date) -> date:
    """The date a document carries: the phase's start, or for a report the day it is made."""
    if doc_type.key in _DATED_WHEN_MADE:
        return max(as_of, run.start)
    return run.start


def unit_document_data(
    doc_type: DocumentType, language: str, programme: ProgrammeFacts, unit: UnitFacts, as_of: date
) -> tuple[date, Agency, dict]:
    """The date, issuing agency and template data of one unit's document (without its number)."""
    run = unit.runs[doc_type.phase]
    issued = issue_date(doc_type, run, as_of)
    parties = document_parties(
        doc_type.key,
        doc_type.symbol,
        doc_type.signer,
        language,
        unit.name,
        unit.parent_name,
        _coordinating(programme),
        programme.settings.get("laws") or [],
        unit.registered.get("action_submission"),
    )
    agency = unit_agency(parties.issuer_name)
    if parties.from_office:  # a district's submission: from its office, under the committee
        agency = Agency(agency.parent or " ".join(agency.lines), ("VĂN PHÒNG HĐND VÀ UBND",), "VP")
    place = programme.settings.get("place") or place_name(parties.issuer_name)
    data = _common(doc_type, language, programme, agency, place, issued)
    signer = list(parties.signer)
    data |= {
        "unit": {
            "code": unit.code,
            "name": unit.name,
            "officials": unit.officials if unit.officials is not None else "—",
            "place_upper": place_name(unit.name).upper(),
            **offices_of(unit.name, language).as_data(),
        },
        "issuer_name": parties.issuer_name,
        "authority": parties.authority,
        "year": issued.year,
        "signer": signer if language == "vi" else _signer_en(tuple(signer)),
        "window": {"start": short_date(run.start), "due": short_date(run.due)},
        **parties.data,
    }
    data |= _specific(doc_type.key, language, programme, unit, issued)
    return issued, agency, data


def _common(
    doc_type: DocumentType,
    language: str,
    programme: ProgrammeFacts,
    agency: Agency,
    place: str,
    issued: date,
) -> dict:
    coordinator = programme.coordinator
    # A draft: the clerk writes the number and the day once it is signed and registered.
    number = blank_number(doc_type.symbol, agency.symbol) if doc_type.numbered else ""
    return {
        "agency": agency.as_data(),
        "number": number,
        "place": place,
        "date_line": blank_date_line(place, issued.year, language),
        "title": doc_type.title(language),
        "signer": list(doc_type.signer) if language == "vi" else _signer_en(doc_type.signer),
        "programme": {
            "code": programme.code,
            "title": programme.title,
            "legal_basis": programme.legal_basis,
        },
        "coordinator": {
            "agency": coordinator.get("agency", ""),
            "office": coordinator.get("office") or coordinator.get("agency", ""),
            "contact": coordinator.get("contact") or "—",
            "email": coordinator.get("email", ""),
            "phone": coordinator.get("phone") or "—",
        },
        "catalogue": {
            "edition": programme.catalogue.edition,
            "note": programme.catalogue.wording_note(language),
        },
        "indicator_count": len(programme.catalogue.codes),
    }


_SIGNER_EN = {
    "TM. ỦY BAN NHÂN DÂN": "ON BEHALF OF THE PEOPLE'S COMMITTEE",
    "KT. CHỦ TỊCH": "FOR THE CHAIR",
    "TL. CHỦ TỊCH": "BY ORDER OF THE CHAIR",
    "CHỦ TỊCH": "CHAIR",
    "PHÓ CHỦ TỊCH": "VICE CHAIR",
    "CHÁNH VĂN PHÒNG": "CHIEF OF OFFICE",
    "GIÁM ĐỐC": "DIRECTOR",
    "THỦ TRƯỞNG ĐƠN VỊ": "HEAD OF THE UNIT",
    "NGƯỜI LẬP DANH SÁCH": "PREPARED BY",
}


def _signer_en(lines: tuple[str, ...]) -> list[str]:
    return [_SIGNER_EN.get(line, line) for line in lines]


def _coordinating(programme: ProgrammeFacts) -> str:
    """The coordinating agency as recipients name it: "Sở … (Chi cục …)"."""
    office = programme.coordinator.get("office")
    agency = programme.coordinator.get("agency", "")
    return f"{agency} ({office})" if office else agency


def _specific(
    key: str, language: str, programme: ProgrammeFacts, unit: UnitFacts, issued: date
) -> dict:
    if key == "implementation_plan":  # the plan as drafted: dates only, not later progress
        rows = _phase_rows(language, programme, unit)
        return {"phases": [{k: r[k] for k in ("no", "name", "start", "due")} for r in rows]}
    if key in ("invitation", "attendance_sheet"):
        data = {"training": _training(language, programme, unit)}
        if key == "attendance_sheet":
            data["attendees"] = list(range(1, (unit.officials or 20) + 1))
        return data
    if key in ("assessment_form", "assessment_report", "action_submission", "action_decision"):
        data = _assessment(language, programme, unit)
        if key.startswith("action_"):
            data["items"] = _items(language, programme, unit)
        return data
    if key == "results_report":
        return {
            "as_of": short_date(issued),
            "phases": _phase_rows(language, programme, unit),
            **_assessment(language, programme, unit),
        }
    return {}


def _phase_rows(language: str, programme: ProgrammeFacts, unit: UnitFacts) -> list[dict]:
    rows = []
    for no, phase in enumerate(PHASES, start=1):
        run = unit.runs.get(phase)
        if run is None:
            continue
        rows.append(
            {
                "no": no,
                "name": programme.phase_names[phase][language],
                "start": short_date(run.start),
                "due": short_date(run.baseline_due or run.due),
                "done": short_date(run.done),
                "status": run_state_label(run.status, language),
            }
        )
    return rows


def class_day(training_start: date, cal: WorkingCalendar, notice_days: int = 3) -> date:
    """The day a unit's training class is held: `notice_days` working days after the training
    phase opens and its invitation is drafted, so the invitation always comes first."""
    return cal.shift(training_start, notice_days)


def class_place_and_expert(
    training: dict, unit_name: str, coordinator: dict, language: str = "vi"
) -> tuple[str, str]:
    """Where a unit's training class is held and who teaches it: the programme's `training:`
    settings, else the unit's hall and the coordinating office's experts."""
    office = coordinator.get("office") or coordinator.get("agency", "")
    if language == "vi":
        place = training.get("place") or f"Hội trường {unit_name}"
        expert = training.get("expert") or f"Chuyên gia của {office}"
    else:
        place = training.get("place") or f"The hall of {unit_name}"
        expert = training.get("expert") or f"Experts of {office}"
    return nfc(place), nfc(expert)


def _training(language: str, programme: ProgrammeFacts, unit: UnitFacts) -> dict:
    settings = programme.settings.get("training") or {}
    planned = unit.training_class
    if planned:
        day = planned.day
    else:
        day = class_day(
            unit.runs["training"].start, programme.calendar, settings.get("notice_days", 3)
        )
    hh, mm = settings.get("time", "08:00").split(":")
    if language == "vi":
        when = f"{hh} giờ {mm}, {weekday_vi(day)}, ngày {short_date(day)}"
    else:
        when = f"{hh}:{mm}, {_WEEKDAYS_EN[day.weekday()]} {short_date(day)}"
    host = planned.host if planned else unit.name
    place, expert = class_place_and_expert(settings, host, programme.coordinator, language)
    if planned and planned.trainers:
        expert = nfc((" và " if language == "vi" else " and ").join(planned.trainers))
    return {"when": when, "place": place, "expert": expert}


def _assessment(language: str, programme: ProgrammeFacts, unit: UnitFacts) -> dict:
    catalogue = programme.catalogue
    ratings = unit.ratings
    indicators = [
        {
            "code": code,
            "pillar": catalogue.pillar_of(code) if code in catalogue.indicators else "",
            "name": catalogue.indicator(code).name(language),
            "rating": rating_label(ratings.get(code), language, unrated=""),
            "note": "",
        }
        for code in catalogue.codes
    ]
    pillars = []
    for code, codes in catalogue.pillars.items():
        counts = {c: sum(ratings.get(i) == c for i in codes) for c in COLOURS}
        unrated = len(codes) - sum(counts.values())
        pillars.append(
            {
                "code": code,
                "name": catalogue.pillar(code).name(language),
                **counts,
                "unrated": unrated,
            }
        )
    totals = {c: sum(p[c] for p in pillars) for c in (*COLOURS, "unrated")}
    totals["rated"] = len(catalogue.codes) - totals["unrated"]
    return {
        "period": unit.period if unit.period is not None else "—",
        "indicators": indicators,
        "colours": {code: ratings[code] for code in catalogue.codes if code in ratings},
        "pillars": pillars,
        "totals": totals,
        "rated": bool(ratings),
    }


def default_items(
    catalogue: Catalogue, ratings: dict[str, str], due: date, owner: str, language: str = "vi"
) -> tuple[ActionItemFacts, ...]:
    """One action item per red or yellow indicator, aiming at green (the default programme)."""
    verb = "Cải thiện chỉ số" if language == "vi" else "Improve indicator"
    return tuple(
        ActionItemFacts(
            code,
            f"{verb} {code} {catalogue.indicator(code).name(language)}",
            ratings[code],
            "green",
            owner,
            due,
        )
        for code in catalogue.codes
        if ratings.get(code) in ("red", "yellow")
    )


def _items(language: str, programme: ProgrammeFacts, unit: UnitFacts) -> list[dict]:
    return [
        {
            "no": no,
            "indicator": item.indicator,
            "task": item.task,
            "rating": rating_label(item.rating, language, unrated=""),
            "target": rating_label(item.target, language),
            "owner": item.owner,
            "due": short_date(item.due),
        }
        for no, item in enumerate(unit.items, start=1)
    ]


@dataclass(frozen=True)
class ProgrammeSummary:
    """Completion per phase and per wave, for the programme's own report."""

    unit_count: int
    phases: dict[str, dict[str, int]]  # phase -> status -> count, plus "on_time"
    waves: list[dict]  # name, units, current phase, completed units


def programme_report_data(
    doc_type: DocumentType,
    language: str,
    programme: ProgrammeFacts,
    summary: ProgrammeSummary,
    province: str,
    as_of: date,
) -> tuple[date, Agency, dict]:
    """The date, issuing agency and data of the coordinator's summary report."""
    own = programme.settings.get("coordinator_agency")
    if not own:
        raise LookupError(
            "the programme file has no documents.coordinator_agency (parent, name, symbol); "
            "add it to issue the programme's summary report"
        )
    agency = Agency(own.get("parent"), (own["name"],), own["symbol"])
    place = programme.settings.get("place") or province
    data = _common(doc_type, language, programme, agency, place, as_of)
    names = programme.phase_names
    data |= {
        "province": province,
        "agency_name": nfc(own.get("name_in_text") or own["name"]),
        "unit_count": summary.unit_count,
        "as_of": short_date(as_of),
        "phases": [
            {
                "name": names[phase][language],
                **{k: summary.phases[phase].get(k, 0) for k in _SUMMARY_KEYS},
            }
            for phase in PHASES
        ],
        "waves": [
            w | {"current": names[w["current"]][language] if w["current"] in names else "—"}
            for w in summary.waves
        ],
        "recipients": (
            [
                f"UBND {province} (để báo cáo)",
                "Bộ Khoa học và Công nghệ (để báo cáo)",
                "Các đơn vị triển khai",
            ]
            if language == "vi"
            else [
                f"People's Committee of {province}",
                "Ministry of Science and Technology",
                "The units of the programme",
            ]
        ),
        "archive": f"VT, {own['symbol']}",
    }
    return as_of, agency, data


_SUMMARY_KEYS = ("done", "on_time", "open", "overdue", "planned")
