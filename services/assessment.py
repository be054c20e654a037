"""Self-assessment as the front ends ask for it: forms out and back in, verification, scores,
one unit's change between years, and the HTML report."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from config.settings import get_settings
from models.assessment.action_items import unit_and_period
from models.assessment.summary import AssessmentSummary, rated_period, summarise, unit_comparison
from models.kernel.database import read_session, write_session
from models.kernel.identifiers import inside
from models.kernel.lookups import find_unit, get_programme
from models.kernel.problems import InputError, Problem
from models.kernel.tables import IndicatorRating
from models.phases.reconcile import programme_catalogue
from services.resources import actor, database, form_key, read_database


@dataclass(frozen=True)
class FormWritten:
    """A unit's pre-filled form: where, how many indicators, how many already rated."""

    path: Path
    indicators: int
    rated: int


@dataclass(frozen=True)
class FormsImported:
    """What importing filled forms stored."""

    forms: int
    rated: int
    changed: int
    unrated: int


@dataclass(frozen=True)
class Verified:
    """What a verifier's pass over a unit's ratings did."""

    unit: str
    period: int
    verified: int
    changed: int
    unverified: int


def write_unit_form(
    *, programme: str | None, unit: str, period: int | None, output: Path | None
) -> FormWritten:
    """Write a unit's pre-filled form: one row per indicator, a drop-down for the rating."""
    from models.assessment.form import write_form

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        row, period = unit_and_period(session, found, unit, period)
        filled = {
            r.indicator: (r.rating, r.evidence, r.note)
            for r in session.scalars(
                select(IndicatorRating).where(
                    IndicatorRating.unit_id == row.id, IndicatorRating.period == period
                )
            )
        }
        catalogue = programme_catalogue(found)
        name = f"tu-danh-gia-{found.code}-{row.code}-{period}.xlsx"
        forms = get_settings().home / "forms"
        path = output or inside(forms, forms / name, "the form")
        write_form(path, catalogue, found.code, row.code, row.name, period, filled, key=form_key())
    return FormWritten(path, len(catalogue.codes), len(filled))


def import_forms(
    *,
    programme: str | None,
    files: list[Path],
    unit: str | None = None,
    period: int | None = None,
    reading: Callable[[int, Path], None] | None = None,
) -> FormsImported:
    """Read filled forms back: every bad cell of every form is named, and nothing is imported
    if any is bad. `reading(number, path)` is told of each form as it is read."""
    from models.assessment.ratings import record_forms

    with read_session(read_database()) as session:
        catalogue = programme_catalogue(get_programme(session, programme))
    forms, problems = read_forms(files, catalogue, form_key(), reading)
    if problems:
        raise InputError(problems)
    with write_session(database()) as session:
        found = get_programme(session, programme)
        expected = find_unit(session, found, unit).code if unit else None
        totals = record_forms(session, found, forms, actor(), datetime.now(UTC), expected, period)
    return FormsImported(len(forms), **totals)


PARALLEL_FORMS = 64  # from this many forms on, they are read by a process per core


def read_forms(files: list[Path], catalogue, key: bytes | None, reading=None) -> tuple:
    """Read filled forms (CPU-bound: openpyxl parses each sheet), in file order: the forms read
    and every problem of those that are not; with many forms, one process per core reads."""
    import os
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    workers = min(os.cpu_count() or 1, 8)
    if len(files) < PARALLEL_FORMS or workers == 1:
        outcomes = (_read_one(path, catalogue, key) for path in files)
        return _collect(outcomes, files, reading)
    # spawn, not fork: the parent may hold database connections and Prefect's threads
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        chunk = max(1, len(files) // (workers * 8))
        outcomes = pool.map(
            _read_one, files, [catalogue] * len(files), [key] * len(files), chunksize=chunk
        )
        return _collect(outcomes, files, reading)


def _read_one(path: Path, catalogue, key):
    """One form, or its problems (what a worker process sends back)."""
    from models.assessment.form import read_form

    try:
        return read_form(path, catalogue, key)
    except InputError as exc:
        return exc.problems


def _collect(outcomes, files, reading) -> tuple[list, list]:
    """The forms read and the problems of the others, in file order, telling `reading`."""
    forms, problems = [], []
    for number, (path, outcome) in enumerate(zip(files, outcomes, strict=True), start=1):
        if reading:
            reading(number, path)
        if isinstance(outcome, list):
            problems.extend(outcome)
        else:
            forms.append(outcome)
    return forms, problems


def verify(
    *,
    programme: str | None,
    unit: str,
    decisions: list[str],
    verifier: str,
    every_unverified: bool,
    on: date,
    period: int | None,
) -> Verified:
    """Confirm ratings (CODE) or change them (CODE=COLOUR) as a verifier; with
    `every_unverified`, every rating not yet verified is confirmed too."""
    from models.assessment.ratings import period_ratings, verify_ratings

    with write_session(database()) as session:
        found = get_programme(session, programme)
        row, period = unit_and_period(session, found, unit, period)
        chosen: dict[str, str | None] = {}
        if every_unverified:
            have = period_ratings(session, row.id, period)
            chosen = {c: None for c, r in have.items() if r.verified_on is None}
            if not have:
                raise InputError(
                    [
                        Problem(
                            "command line", None, "--all", f"{row.code} rated nothing in {period}"
                        )
                    ]
                )
        for given in decisions:
            code, _, colour = given.partition("=")
            if code in chosen and chosen[code] is not None:
                raise InputError([Problem("command line", None, code, "named twice")])
            chosen[code] = colour.strip().lower() or None
        counts = verify_ratings(
            session, found, row.code, period, chosen, verifier, on, actor(), datetime.now(UTC)
        )
    return Verified(row.code, period, counts["verified"], counts["changed"], counts["unverified"])


def scores(*, programme: str | None, period: int | None, as_of: date) -> AssessmentSummary:
    """The programme's self-assessments of a period (default the latest rated), scored."""
    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        return summarise(session, found, rated_period(session, found, period), as_of)


def comparison(*, programme: str | None, unit: str, before: int, after: int | None) -> dict:
    """Which of a unit's indicators moved between two years, and its index in each."""
    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        after = rated_period(session, found, after)
        moved = unit_comparison(session, found, find_unit(session, found, unit), before, after)
    return {"after": after, **moved}


def write_report(
    *, programme: str | None, period: int | None, as_of: date, output: Path | None, note: str | None
) -> tuple[Path, int, int]:
    """The HTML report (ranking, heat map, a chart per pillar, action items); its path, how
    many units and how many figures beside it."""
    from adapters.reports import write_assessment_report

    summary = scores(programme=programme, period=period, as_of=as_of)
    name = f"tu-danh-gia-{summary.programme}-{summary.period}.html"
    path = output or get_settings().home / "reports" / name
    written = write_assessment_report(summary, path, note)
    return path, len(summary.units), len(written) - 1
