"""Import 3,355 filled self-assessment forms and score them (part of `make bench`, issue #6)."""

import random
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench.memory import reset_peak, step_peak_text

COLOURS = ("red", "yellow", "green")


def import_forms(settings, code: str = "VN-NATIONAL") -> list[tuple[str, str]]:
    """Write one filled form per unit (setup), then time reading, storing and scoring them all."""
    from sqlalchemy import select

    from models.assessment.form import write_form
    from models.assessment.ratings import record_forms
    from models.assessment.scoring import pillar_scores, ranking
    from models.kernel.database import make_engine, read_session, write_session
    from models.kernel.lookups import get_programme
    from models.kernel.tables import IndicatorRating, Unit
    from models.phases.reconcile import programme_catalogue
    from services.assessment import read_forms

    engine = make_engine(settings.engine_url)
    folder = Path(settings.home) / "forms"
    rng = random.Random(18091)
    with read_session(engine) as session:
        programme = get_programme(session, code)
        catalogue = programme_catalogue(programme)
        units = session.execute(
            select(Unit.code, Unit.name).where(
                Unit.programme_id == programme.id, Unit.wave_id.is_not(None)
            )
        ).all()
    reset_peak()
    t = time.perf_counter()
    paths = []
    for unit, name in units:
        filled = {c: (rng.choice(COLOURS), "minh chứng", None) for c in catalogue.codes}
        path = folder / f"{unit}.xlsx"
        write_form(path, catalogue, code, unit, name, 2026, filled, "bench", date(2026, 5, 4))
        paths.append(path)
    wrote = time.perf_counter() - t
    peaks = {"written": step_peak_text()}

    reset_peak()
    t = time.perf_counter()
    forms, problems = read_forms(paths, catalogue, None)  # as `rollout assess import` reads
    assert not problems, problems[:3]
    read = time.perf_counter() - t
    t = time.perf_counter()
    with write_session(engine) as session:
        programme = get_programme(session, code)
        stored = record_forms(session, programme, forms, "bench", datetime.now(UTC))["changed"]
    store = time.perf_counter() - t
    peaks["read and stored"] = step_peak_text()
    n = len(forms)
    del forms, paths  # what a later step keeps is its own
    reset_peak()
    t = time.perf_counter()
    with read_session(engine) as session:
        by_unit: dict[str, dict[str, str]] = {}
        rows = session.execute(
            select(Unit.code, IndicatorRating.indicator, IndicatorRating.rating)
            .join(Unit, Unit.id == IndicatorRating.unit_id)
            .where(IndicatorRating.period == 2026)
        )
        for unit, indicator, rating in rows:
            by_unit.setdefault(unit, {})[indicator] = rating
    ranked = ranking(catalogue, by_unit)
    for ratings in by_unit.values():
        pillar_scores(catalogue, ratings)
    score = time.perf_counter() - t

    from adapters.reports import write_assessment_report
    from models.assessment.action_items import draft_items
    from models.assessment.summary import summarise

    t = time.perf_counter()
    with read_session(engine) as session:
        summary = summarise(session, get_programme(session, code), 2026, date(2026, 6, 1))
    summarised = time.perf_counter() - t
    t = time.perf_counter()
    report = Path(settings.home) / "reports" / f"tu-danh-gia-{code}-2026.html"
    written = write_assessment_report(summary, report)
    drawn = time.perf_counter() - t
    size = sum(path.stat().st_size for path in written) / 1e6
    peaks["scored, summarised, reported"] = step_peak_text()
    reset_peak()
    t = time.perf_counter()
    with write_session(engine) as session:
        programme = get_programme(session, code)
        drafted = sum(
            draft_items(session, programme, unit, 2026, "bench", datetime.now(UTC))["drafted"]
            for unit, _ in units
        )
    drafting = time.perf_counter() - t
    drafting_peak = step_peak_text()

    from sqlalchemy import delete, func, update

    from flows.phases import send_reminders
    from models.kernel.tables import ActionItem, OutboxBody, OutboxMessage, PhaseRun, ReminderItem

    with write_session(engine) as session:  # setup: every action_plan open, the outbox empty
        session.execute(
            update(PhaseRun)
            .where(PhaseRun.phase == "action_plan")
            .values(status="open", actual_start=PhaseRun.forecast_start)
        )
        last_due = session.scalar(select(func.max(ActionItem.due)))
        session.execute(delete(ReminderItem))
        session.execute(delete(OutboxBody))
        session.execute(delete(OutboxMessage))
    reset_peak()
    t = time.perf_counter()
    reminded = send_reminders(code, last_due)
    reminding = time.perf_counter() - t
    reminding_peak = step_peak_text()
    return [
        ("self-assessment forms written (setup)", f"{n} in {wrote:.1f} s"),
        ("  read and checked, every cell", f"{read:.1f} s, {n / read:.0f} forms/s"),
        ("  stored in one transaction", f"{store:.1f} s, {stored} ratings"),
        ("  scored: index, pillars, ranking", f"{score:.2f} s ({len(ranked)} units ranked)"),
        (
            "  import and score, all told",
            f"{read + store + score:.1f} s, {n / (read + store + score):.0f} forms/s",
        ),
        ("  summary: ranking, pillars, items", f"{summarised:.1f} s"),
        ("  HTML report, heat map and charts", f"{drawn:.1f} s, {size:.1f} MB"),
        (
            "  peak memory: forms written / read and stored / scored, summarised, reported",
            " / ".join(peaks.values()),
        ),
        ("action programmes drafted", f"{drafted} items for {n} units in {drafting:.1f} s"),
        ("  peak memory of the drafting", drafting_peak),
        (
            f"  the items' last due day ({last_due}): reminders (flow time)",
            f"{reminding:.1f} s, {reminded['new']} reminders in {reminded['messages']} digests",
        ),
        ("  peak memory of the worst day", reminding_peak),
    ]
