"""Experts as the front ends ask for them: load the file, plan the sessions (a Prefect flow),
list who delivers what when, how many experts a date needs, and each expert's calendar."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from config.settings import get_settings
from models.experts.experts import load_experts
from models.experts.store import planned_sessions, store_experts
from models.kernel.database import read_session, write_session
from models.kernel.lookups import get_programme
from services.flow_runs import in_flow_settings
from services.resources import actor, database, read_database


@dataclass(frozen=True)
class ExpertsLoaded:
    """What loading an experts file changed."""

    programme: str
    experts: int
    added: int
    updated: int
    unchanged: int
    removed: int


@dataclass(frozen=True, slots=True)
class SessionLine:
    """One expert in one session: what, where, for which units, from when to when."""

    expert: str
    expert_name: str
    skill: str
    session: str
    phase: str
    region: str
    units: tuple[str, ...]
    start: date
    end: date
    planned_on: date  # the as-of date of the plan that last placed it

    def as_dict(self) -> dict:
        """The line with ISO dates and the units as a list, for JSON and CSV."""
        return {
            "expert": self.expert,
            "expert_name": self.expert_name,
            "skill": self.skill,
            "session": self.session,
            "phase": self.phase,
            "region": self.region,
            "units": list(self.units),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "planned_on": self.planned_on.isoformat(),
        }


def load_experts_file(*, programme: str | None, path: Path) -> ExpertsLoaded:
    """Validate an experts file whole (InputError lists every problem, nothing is stored),
    then make the programme's experts those of the file, audited."""
    experts = load_experts(path)
    with write_session(database()) as session:
        found = get_programme(session, programme)
        counts = store_experts(session, found, experts, actor(), datetime.now(UTC))
        return ExpertsLoaded(found.code, len(experts), **counts)


def plan_experts(
    *,
    programme: str,
    as_of: date,
    fresh: bool = False,
    without: str | None = None,
    withdraw_from: date | None = None,
) -> dict:
    """Place the sessions not yet held (a flow run, a task per province); the plan's figures."""
    from flows.experts import plan_experts as plan_flow

    if without:  # fail before Prefect starts when the expert is unknown
        from models.experts.store import find_expert

        with read_session(read_database()) as session:
            find_expert(session, get_programme(session, programme), without)
    with in_flow_settings():
        return plan_flow(programme, as_of, fresh, without, withdraw_from)


def session_lines(*, programme: str | None, expert: str | None = None) -> list[SessionLine]:
    """Who delivers which session when, one line per expert and session, by first day."""
    from models.experts.store import expert_names

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        rows = planned_sessions(session, found, expert)
        names = expert_names(session, found)
    wanted = {expert.casefold()} if expert else None
    return [
        SessionLine(
            code,
            names.get(code, ""),
            row.skill,
            row.key,
            row.phase,
            row.region,
            tuple(row.units),
            row.start,
            row.end,
            row.planned_on,
        )
        for row in rows
        for code in row.experts
        if wanted is None or code.casefold() in wanted
    ]


def export_expert_calendars(
    *, programme: str | None, expert: str | None, output: Path | None
) -> list[Path]:
    """One .ics file per expert with their sessions; the files written."""
    from adapters.ics import expert_calendar

    lines = session_lines(programme=programme, expert=expert)
    code = find_code(programme)
    folder = output or get_settings().home / "calendar" / "experts"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).replace(microsecond=0)
    paths = []
    for who in dict.fromkeys(line.expert for line in lines):
        mine = [line for line in lines if line.expert == who]
        path = folder / f"{code}-{who}.ics"
        path.write_bytes(expert_calendar(mine, code, stamp))
        paths.append(path)
    return paths


def find_code(programme: str | None) -> str:
    """The stored code of the named (or only) programme."""
    with read_session(read_database()) as session:
        return get_programme(session, programme).code


def experts_needed(*, programme: str | None, by: date, as_of: date) -> list:
    """Per skill, the fewest experts to hold every session not yet begun by `by` (Need rows)."""
    from models.experts.experts import SKILLS
    from models.experts.need import experts_needed as needed
    from models.experts.planner import programme_sessions
    from models.experts.replan import split_kept
    from models.experts.store import previous_assignments, programme_experts

    with read_session(read_database()) as session:
        found = get_programme(session, programme)
        sessions, cal, until = programme_sessions(session, found, as_of)
        experts = programme_experts(session, found, until)
        held = previous_assignments(session, found)
    begun = {k: a for k, a in held.items() if a.start < as_of}
    to_hold = split_kept(sessions, begun, experts, as_of, cal).to_place
    return needed(list(to_hold), experts, SKILLS, cal, by)
