"""Programmes as the front ends ask for them: load and plan (Prefect flows), status, the
outbox's backlog, the calendar export, and what a programme is called and where it runs."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from config.settings import get_settings
from models.kernel.database import make_engine, migrate, read_session
from models.kernel.lookups import get_programme
from models.phases.status import StatusRow, status_rows
from models.phases.sweeps import last_sweep
from models.reminders.delivery import Backlog, backlog
from services.flow_runs import in_flow_settings
from services.resources import read_database


@dataclass(frozen=True)
class ProgrammeRef:
    """A loaded programme: its code, title, time zone and document language."""

    code: str
    title: str
    time_zone: str
    language: str


@dataclass(frozen=True)
class PlanCounts:
    """What planning did to a programme's units."""

    planned: int = 0
    replanned: int = 0
    rebaselined: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class LoadResult:
    """What loading a programme file stored, then what planning its units did."""

    programme: str
    added: int
    updated: int
    removed: int
    plan: PlanCounts


def find_programme(*, programme: str | None) -> ProgrammeRef:
    """The programme named (or the only one loaded); NotFoundError with the closest codes."""
    from models.programme.settings import programme_settings  # pydantic models: not for status

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        return ProgrammeRef(
            found.code,
            found.title,
            found.time_zone,
            programme_settings(found).documents.language,
        )


def load_programme(*, programme_file: Path, as_of: date) -> LoadResult:
    """Load (or reload) a programme file and its roster, then plan every unit (a flow run)."""
    from flows.plan import init_programme

    with in_flow_settings():
        result = init_programme(str(programme_file.resolve()), as_of)
    stored = result["stored"]
    return LoadResult(
        stored["programme"],
        stored["added"],
        stored["updated"],
        stored["removed"],
        PlanCounts(**result["planned"]),
    )


def plan_programme(*, programme: str, as_of: date, rebaseline: bool = False) -> PlanCounts:
    """Plan (or replan) a loaded programme's units (a flow run)."""
    from flows.plan import plan_programme as plan_flow

    with in_flow_settings():
        return PlanCounts(**plan_flow(programme, as_of, rebaseline=rebaseline))


def phase_status(*, as_of: date, programme: str | None, unit: str | None) -> list[StatusRow]:
    """Every phase run of a programme (or one unit of it) with its status on `as_of`."""
    with read_session(read_database()) as session:
        return status_rows(session, as_of, programme, unit)


def swept_through(*, programme: str | None) -> date | None:
    """The date the programme's last sweep brought it up to (None before the first sweep)."""
    with read_session(read_database()) as session:
        sweep = last_sweep(session, get_programme(session, programme).id)
        return sweep.as_of if sweep else None


def delivery_backlog(*, programme: str | None) -> Backlog:
    """What waits in the programme's outbox, and the last delivery error."""
    with read_session(read_database()) as session:
        return backlog(session, get_programme(session, programme).id)


def export_calendar(
    *, as_of: date, programme: str | None, unit: str | None, output: Path | None
) -> tuple[Path, int]:
    """Write an .ics file of phase deadlines (alarmed on the reminder days) and training
    classes; its path and how many deadlines."""
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from adapters.ics import Deadline, TrainingClass, deadlines_calendar
    from models.audit.chain import revisions_per_unit
    from models.documents.data import class_day, class_place_and_expert
    from models.experts.held import training_classes
    from models.programme.file import phase_defaults
    from models.programme.settings import programme_settings
    from models.programme.store import programme_calendar
    from models.reminders.outbox import programme_policy
    from models.reminders.rules import reminder_days

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        rows = status_rows(session, as_of, found.code, unit)
        cal = programme_calendar(session, found.id)
        policy = programme_policy(found)
        revisions = revisions_per_unit(session, found.code)
        training = programme_settings(found).documents.training
        zone = ZoneInfo(found.time_zone)
        planned = training_classes(session, found.id)
    _, _, names = phase_defaults()
    deadlines = [
        Deadline(r, tuple(reminder_days(policy, r.due, cal)), revisions.get(r.unit, 0))
        for r in rows
    ]
    at = time.fromisoformat(training.time)
    classes = []
    for r in (r for r in rows if r.phase == "training"):
        held = planned.get(r.unit)
        day = held.day if held else class_day(r.start, cal, training.notice_days)
        start = datetime.combine(day, at, zone)
        place, expert = class_place_and_expert(
            training.model_dump(), held.host if held else r.unit_name, found.coordinator
        )
        if held and held.trainers:
            expert = " và ".join(held.trainers)
        classes.append(
            TrainingClass(
                r.unit,
                r.unit_name,
                start,
                start + timedelta(hours=training.hours),
                place,
                expert,
                revisions.get(r.unit, 0),
            )
        )
    who = rows[0].unit if unit and rows else "all"  # the stored code, never the text typed
    path = output or get_settings().home / "calendar" / f"{found.code}-{who}.ics"
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).replace(microsecond=0)
    path.write_bytes(deadlines_calendar(deadlines, classes, names, found.code, stamp))
    return path, len(rows)


def migrate_database() -> str:
    """Bring the schema up to date; the database's URL."""
    url = get_settings().engine_url
    migrate(make_engine(url))  # the one writer here: migrating is what it is for
    return url
