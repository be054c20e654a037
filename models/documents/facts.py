"""Reading what documents say from the database: units, phase runs, ratings, the summary."""

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models.assessment.action_items import ItemDefaults
from models.audit.report import audit_rows, on_time_rates
from models.documents.data import (
    ActionItemFacts,
    ProgrammeFacts,
    ProgrammeSummary,
    RunFacts,
    UnitFacts,
    default_items,
)
from models.documents.types import place_name
from models.experts.held import training_classes
from models.kernel.tables import (
    ActionItem,
    GeneratedDocument,
    IndicatorRating,
    PhaseRun,
    Programme,
    Unit,
)
from models.kernel.vocabulary import PHASES, Status
from models.phases.reconcile import programme_catalogue
from models.phases.status import status_rows
from models.programme.file import phase_defaults
from models.programme.settings import programme_settings
from models.programme.store import programme_calendar

DEFAULT_ITEM_OWNER = {"en": "Office of the People's Committee"}  # Vietnamese: ItemDefaults


def programme_facts(session: Session, programme: Programme) -> ProgrammeFacts:
    """What every document of the programme shares."""
    _, _, names = phase_defaults()
    return ProgrammeFacts(
        code=programme.code,
        title=programme.title,
        legal_basis=programme.legal_basis,
        coordinator=programme.coordinator,
        settings=programme_settings(programme).documents.model_dump(),
        phase_names=names,
        catalogue=programme_catalogue(programme),
        calendar=programme_calendar(session, programme.id),
    )


def unit_facts(
    session: Session, programme: Programme, unit_ids: list[int], language: str = "vi"
) -> dict[int, UnitFacts]:
    """The facts of each unit that has a plan, by unit id."""
    units = {  # plain columns, as the runs below: a sweep reads thousands of them
        u.id: u
        for u in session.execute(
            select(Unit.id, Unit.code, Unit.name, Unit.officials, Unit.parent_code).where(
                Unit.id.in_(unit_ids)
            )
        )
    }
    parents = {
        code: name
        for code, name in session.execute(
            select(Unit.code, Unit.name).where(
                Unit.programme_id == programme.id,
                Unit.code.in_({u.parent_code for u in units.values() if u.parent_code}),
            )
        )
    }
    runs: dict[int, dict[str, RunFacts]] = defaultdict(dict)
    for run in session.execute(
        select(
            PhaseRun.unit_id,
            PhaseRun.phase,
            PhaseRun.actual_start,
            PhaseRun.forecast_start,
            PhaseRun.forecast_due,
            PhaseRun.actual_done,
            PhaseRun.status,
            PhaseRun.baseline_due,
        ).where(PhaseRun.unit_id.in_(unit_ids))
    ):
        runs[run.unit_id][run.phase] = RunFacts(
            run.actual_start or run.forecast_start,
            run.forecast_due,
            run.actual_done,
            run.status,
            run.baseline_due,
        )
    classes = training_classes(session, programme.id)
    periods = {
        uid: r["self_assessment"].start.year for uid, r in runs.items() if "self_assessment" in r
    }
    ratings: dict[int, dict[str, str]] = defaultdict(dict)
    rows = session.execute(
        select(
            IndicatorRating.unit_id,
            IndicatorRating.period,
            IndicatorRating.indicator,
            IndicatorRating.rating,
            IndicatorRating.verified_rating,
        ).where(IndicatorRating.unit_id.in_(unit_ids))
    )
    for unit_id, period, indicator, rating, verified in rows:
        if periods.get(unit_id) == period:
            ratings[unit_id][indicator] = verified or rating  # the verifier's, where there is one
    catalogue = programme_catalogue(programme)
    stored = _stored_items(session, unit_ids, periods)
    registered: dict[int, dict[str, str]] = defaultdict(dict)
    for unit_id, doc_type, number in session.execute(
        select(
            GeneratedDocument.unit_id, GeneratedDocument.doc_type, GeneratedDocument.number_symbol
        )
        .where(
            GeneratedDocument.unit_id.in_(unit_ids),
            GeneratedDocument.number_symbol.is_not(None),
        )
        .order_by(GeneratedDocument.version)
    ):
        registered[unit_id][doc_type] = number  # the newest registration wins
    owner = ItemDefaults.of(programme).owner if language == "vi" else DEFAULT_ITEM_OWNER["en"]
    facts = {}
    for unit_id, unit in units.items():
        if unit_id not in runs or len(runs[unit_id]) < len(PHASES):
            continue
        own = runs[unit_id]
        items = stored.get(unit_id) or default_items(
            catalogue, ratings[unit_id], own["action_plan"].due, owner, language
        )
        facts[unit_id] = UnitFacts(
            code=unit.code,
            name=unit.name,
            officials=unit.officials,
            parent_name=parents.get(unit.parent_code),
            runs=own,
            ratings=dict(ratings[unit_id]),
            period=periods.get(unit_id),
            items=items,
            registered=dict(registered[unit_id]),
            training_class=classes.get(unit.code),
        )
    return facts


def _stored_items(
    session: Session, unit_ids: list[int], periods: dict[int, int]
) -> dict[int, tuple[ActionItemFacts, ...]]:
    """The action items a coordinator drafted or edited (not dropped), for each unit's period."""
    found: dict[int, list[ActionItemFacts]] = defaultdict(list)
    query = (
        select(  # plain columns: ~26 items a unit, 87,098 nationally
            ActionItem.unit_id,
            ActionItem.period,
            ActionItem.indicator,
            ActionItem.task,
            ActionItem.rating,
            ActionItem.target,
            ActionItem.owner,
            ActionItem.due,
        )
        .where(ActionItem.unit_id.in_(unit_ids), ActionItem.status != "dropped")
        .order_by(ActionItem.id)
    )
    for i in session.execute(query):
        if periods.get(i.unit_id) == i.period:
            found[i.unit_id].append(
                ActionItemFacts(i.indicator or "", i.task, i.rating, i.target, i.owner, i.due)
            )
    return {k: tuple(v) for k, v in found.items()}


def programme_summary(session: Session, programme: Programme, as_of: date) -> ProgrammeSummary:
    """Completion per phase (with on-time counts) and per wave, as of a date."""
    rows = status_rows(session, as_of, programme.code)
    phases: dict[str, dict[str, int]] = {p: defaultdict(int) for p in PHASES}
    for row in rows:
        phases[row.phase][_SUMMARY_KEY.get(row.status, row.status)] += 1
    by_phase, _ = on_time_rates(audit_rows(session, as_of, programme.code))
    for tally in by_phase:
        phases[tally.group]["on_time"] = tally.on_time
    waves: dict[str, dict] = {}
    per_unit: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for row in rows:
        per_unit[(row.wave, row.unit)][row.phase] = row.status
    for (wave, _), statuses in per_unit.items():
        w = waves.setdefault(wave, {"name": wave, "units": 0, "completed": 0, "phase_index": -1})
        w["units"] += 1
        w["completed"] += all(s == "done" for s in statuses.values())
        reached = max(
            (PHASES.index(p) for p, s in statuses.items() if s != Status.NOT_STARTED), default=-1
        )
        w["phase_index"] = max(w["phase_index"], reached)
    summary_waves = [
        {
            "name": w["name"],
            "units": w["units"],
            "completed": w["completed"],
            "current": PHASES[w["phase_index"]] if w["phase_index"] >= 0 else "",
        }
        for w in waves.values()
    ]
    return ProgrammeSummary(len(per_unit), {p: dict(c) for p, c in phases.items()}, summary_waves)


# The summary report counts a phase due soon as open, and one not started as still planned.
_SUMMARY_KEY = {Status.DUE_SOON: "open", Status.NOT_STARTED: "planned"}


def province_of(session: Session, programme: Programme) -> str:
    """The place name of the programme's province (the unit at the top of its roster)."""
    name = session.scalars(
        select(Unit.name)
        .where(Unit.programme_id == programme.id, Unit.level == "province")
        .order_by(Unit.id)
    ).first()
    return place_name(name) if name else programme.coordinator.get("agency", "")
