"""Programme files (YAML): parsing and validation, every problem named by line and field."""

import difflib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config import CONFIG_DIR
from models.assessment.catalogue import DEFAULT_CATALOGUE, Catalogue, load_catalogue
from models.kernel.calendar import WorkingCalendar
from models.kernel.identifiers import text_problem
from models.kernel.problems import InputError, Problem
from models.kernel.vocabulary import PHASES, nfc
from models.phases.planning import PhaseStep
from models.programme.roster import UnitRecord, load_roster
from models.programme.schema import PhaseIn, ProgrammeIn
from models.reminders.rules import default_policy


@dataclass(frozen=True)
class WaveSpec:
    """A validated wave."""

    name: str
    start: date
    units: tuple[str, ...]


@dataclass(frozen=True)
class ProgrammeSpec:
    """A validated programme with its roster: everything `rollout init` stores."""

    code: str
    title: str
    legal_basis: str
    coordinator: dict[str, Any]
    time_zone: str
    waves: tuple[WaveSpec, ...]
    steps: tuple[PhaseStep, ...]
    due_soon_days: int
    days_off: dict[date, str]
    working_days: dict[date, str]
    units: tuple[UnitRecord, ...]
    source_file: str
    roster_file: str
    catalogue: Catalogue
    reminders: dict[str, Any] = field(default_factory=dict)
    wave_of: dict[str, str] = field(default_factory=dict)
    documents: dict[str, Any] = field(default_factory=dict)
    assessment: dict[str, Any] = field(default_factory=dict)
    sessions: dict[str, Any] = field(default_factory=dict)

    def calendar(self) -> WorkingCalendar:
        """The programme's working-day calendar."""
        return WorkingCalendar(self.days_off, self.working_days)


def phase_defaults() -> tuple[tuple[PhaseStep, ...], int, dict[str, dict[str, str]]]:
    """The shipped phase plan (config/phases.yaml): steps, due-soon days, and phase names."""
    data = yaml.safe_load((CONFIG_DIR / "phases.yaml").read_text(encoding="utf-8"))
    steps = tuple(
        PhaseStep(
            p["code"],
            int(p["duration_days"]),
            int(p["gap_days"]),
            tuple(p.get("completion", ())),
        )
        for p in data["phases"]
    )
    if tuple(s.phase for s in steps) != PHASES:
        raise RuntimeError("config/phases.yaml must list the five phases in order")
    names = {p["code"]: {"vi": p["name_vi"], "en": p["name_en"]} for p in data["phases"]}
    return steps, int(data["due_soon_days"]), names


# -- YAML with line numbers ----------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so a bad date is a field error, not a crash."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map each path of keys and indexes in a YAML document to its 1-based line."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            out[child] = key.start_mark.line + 1
            _line_map(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*path, i), out)
    return out


def _line_of(lines: dict[tuple, int], loc: tuple) -> int | None:
    for n in range(len(loc), -1, -1):
        if tuple(loc[:n]) in lines:
            return lines[tuple(loc[:n])]
    return None


def _field_name(loc: tuple) -> str:
    name = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for a bad mapping key: the key is the field
            continue
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(document)"


@lru_cache(maxsize=1)
def _known_keys() -> tuple[str, ...]:
    """Every key a programme file may have, at any depth (for "did you mean …?")."""
    from pydantic import BaseModel

    found: set[str] = set()
    pending: list[type] = [ProgrammeIn]
    while pending:
        model = pending.pop()
        for name, info in model.model_fields.items():
            found.add(name)
            for arg in (info.annotation, *getattr(info.annotation, "__args__", ())):
                for inner in (arg, *getattr(arg, "__args__", ())):
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        pending.append(inner)
    return tuple(sorted(found))


def _message(error: dict) -> str:
    kind, given = error["type"], error.get("input")
    if kind == "extra_forbidden":
        unknown = str(error["loc"][-1]) if error.get("loc") else ""
        close = difflib.get_close_matches(unknown, _known_keys(), n=1, cutoff=0.75)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return (
            f"unknown key; {hint}check its spelling against the README's programme file reference"
        )
    if kind == "missing":
        return "required; add it"
    if kind.startswith("date"):
        return f"{given!r} is not a date; write YYYY-MM-DD, e.g. 2023-03-06"
    bounds = error.get("ctx") or {}
    if kind == "greater_than":  # every gt=0 key counts working days
        return f"{given!r} must be a whole number of working days, at least 1"
    if kind == "greater_than_equal":
        low = bounds.get("ge", 0)
        return f"{given!r} must not be negative" if low == 0 else f"{given!r}: at least {low}"
    if kind == "less_than_equal":
        return f"{given!r}: at most {bounds.get('le')}"
    if kind.startswith("int"):
        return f"{given!r} is not a whole number"
    if kind == "literal_error" and "survey" in bounds.get("expected", ""):
        return f"{given!r} is not a phase; use one of {', '.join(PHASES)}"
    if kind == "literal_error":
        return f"{given!r}: use {bounds.get('expected', 'one of the allowed values')}"
    if kind == "string_pattern_mismatch":
        return f"{given!r}: use letters, digits, '.', '_' or '-' (at most 64)"
    if kind == "value_error" and "email" in error["msg"]:
        return f"{given!r} is not an e-mail address"
    if kind == "too_short":
        return "must not be empty"
    return error["msg"].removeprefix("Value error, ")


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


MAX_PROGRAMME_BYTES = 2 * 2**20  # a programme file naming 3,355 units is about 60 KB


def _refuse_aliases(source: str, text: str) -> None:
    """Anchors and aliases (&a, *a) are refused before anything is built: nested aliases
    expand exponentially (the "billion laughs"), and a programme file never needs them."""
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            raise InputError(
                [
                    Problem(
                        source,
                        event.start_mark.line + 1,
                        None,
                        f"YAML anchors and aliases (&{anchor}, *{anchor}) are not accepted; "
                        "write the value out",
                    )
                ]
            )


def _strings(value: object, loc: tuple = ()) -> list[tuple[tuple, str]]:
    """Every text of a parsed YAML document (keys too), with where it stands."""
    found: list[tuple[tuple, str]] = []
    if isinstance(value, str):
        found.append((loc, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            found += _strings(key, loc) + _strings(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _strings(item, (*loc, i))
    return found


def _roster_problems(path: Path, roster: object) -> list[Problem]:
    """The roster's problems, listed with the programme file's when that file is wrong too."""
    if not isinstance(roster, str) or not roster or text_problem(roster):
        return []
    try:
        load_roster((path.parent / roster).resolve())
    except InputError as exc:
        return list(exc.problems)
    return []


def load_programme(path: Path) -> ProgrammeSpec:
    """Read and validate a programme file and its roster; InputError lists every problem."""
    source = str(path)
    if not path.is_file():
        raise InputError([Problem(source, None, None, "programme file not found")])
    if path.stat().st_size > MAX_PROGRAMME_BYTES:
        raise InputError(
            [Problem(source, None, None, f"over {MAX_PROGRAMME_BYTES // 1024} KB; not a programme")]
        )
    try:
        text = path.read_text(encoding="utf-8")
        _refuse_aliases(source, text)
        node = yaml.compose(text, Loader=_Loader)
        data = _nfc(yaml.load(text, Loader=_Loader))  # a SafeLoader
    except UnicodeDecodeError as exc:
        raise InputError([Problem(source, None, None, "not UTF-8; save it as UTF-8")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputError(
            [Problem(source, line, None, f"malformed YAML: {reason}; check indentation and ':'")]
        ) from exc
    if not isinstance(data, dict):
        raise InputError([Problem(source, 1, None, "a programme file is a mapping of keys")])
    lines = _line_map(node)
    unsafe = [
        Problem(source, _line_of(lines, loc), _field_name(loc), problem)
        for loc, value in _strings(data)
        if (problem := text_problem(value, multiline=True))
    ]
    if unsafe:
        raise InputError(unsafe + _roster_problems(path, data.get("roster")))
    try:
        spec_in = ProgrammeIn.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [
                Problem(source, _line_of(lines, e["loc"]), _field_name(e["loc"]), _message(e))
                for e in exc.errors()
            ]
            + _roster_problems(path, data.get("roster"))
        ) from exc

    problems: list[Problem] = []

    def bad(loc: tuple, message: str) -> None:
        problems.append(Problem(source, _line_of(lines, loc), _field_name(loc), message))

    roster_path = (path.parent / spec_in.roster).resolve()
    units: list[UnitRecord] = []
    roster_read = False
    try:
        units = load_roster(roster_path)
        roster_read = True
    except InputError as exc:
        problems.extend(exc.problems)
    if roster_read and not units:
        bad(("roster",), f"the roster {spec_in.roster} has no units, only a header; fill it in")

    days_off = {d.date: d.reason for d in spec_in.calendar.days_off}
    working = {d.date: d.reason for d in spec_in.calendar.working_days}
    for i, d in enumerate(spec_in.calendar.working_days):
        if d.date in days_off:
            bad(
                ("calendar", "working_days", i, "date"),
                f"{d.date} is also listed under days_off; keep it in one list",
            )
            working.pop(d.date, None)
    calendar = WorkingCalendar(days_off, working)

    known = {u.code for u in units}
    wave_of: dict[str, str] = {}
    names: set[str] = set()
    for w, wave in enumerate(spec_in.waves):
        if wave.name in names:
            bad(("waves", w, "name"), f"a second wave named {wave.name!r}; wave names are unique")
        names.add(wave.name)
        if not calendar.is_working_day(wave.start):
            bad(
                ("waves", w, "start"),
                f"{wave.start} is not a working day ({calendar.why_not_working(wave.start)}); "
                f"the next working day is {calendar.next_working_day(wave.start)}",
            )
        for u, code in enumerate(wave.units):
            if roster_read and code not in known:
                bad(
                    ("waves", w, "units", u),
                    f"unknown unit {code!r}; it is not in the roster {spec_in.roster}",
                )
            elif code in wave_of:
                bad(("waves", w, "units", u), f"unit {code!r} is already in wave {wave_of[code]!r}")
            else:
                wave_of[code] = wave.name

    catalogue = None
    catalogue_path = (path.parent / spec_in.catalogue) if spec_in.catalogue else DEFAULT_CATALOGUE
    try:
        catalogue = load_catalogue(catalogue_path)
    except InputError as exc:
        problems.extend(exc.problems)
    documents = spec_in.documents.model_dump(exclude_none=True)
    if catalogue is not None:
        for pillar in spec_in.assessment.pillar_weights:
            if pillar not in catalogue.pillars:
                bad(
                    ("assessment", "pillar_weights", pillar),
                    f"no pillar {pillar!r} in the catalogue; use one of "
                    f"{', '.join(catalogue.pillars)}",
                )
    for wave in spec_in.sessions.waves:
        if wave not in names:
            bad(("sessions", "waves", wave), f"no wave named {wave!r}; use one of the waves' names")
    if spec_in.documents.templates:
        folder = (path.parent / spec_in.documents.templates).resolve()
        if not folder.is_dir():
            bad(("documents", "templates"), f"no folder {folder}; create it (with vi/ and en/)")
        documents["templates"] = str(folder)
    if problems:
        raise InputError(problems)

    steps, due_soon, _ = phase_defaults()
    steps = tuple(_override(step, spec_in.phases.get(step.phase) or PhaseIn()) for step in steps)
    return ProgrammeSpec(
        code=spec_in.code,
        title=spec_in.title,
        legal_basis=spec_in.legal_basis,
        coordinator=spec_in.coordinator.model_dump(exclude_none=True),
        time_zone=spec_in.time_zone,
        waves=tuple(WaveSpec(w.name, w.start, tuple(w.units)) for w in spec_in.waves),
        steps=steps,
        due_soon_days=_first_set(spec_in.due_soon_days, due_soon),
        days_off=days_off,
        working_days=working,
        units=tuple(units),
        source_file=source,
        roster_file=str(roster_path),
        catalogue=catalogue,
        reminders=default_policy() | spec_in.reminders.model_dump(exclude_none=True),
        wave_of=wave_of,
        documents=documents,
        assessment=spec_in.assessment.model_dump(exclude_none=True),
        sessions=spec_in.sessions.model_dump(exclude_none=True),
    )


def _override(step: PhaseStep, given: PhaseIn) -> PhaseStep:
    return PhaseStep(
        step.phase,
        given.duration_days or step.duration_days,
        _first_set(given.gap_days, step.gap_days),
        tuple(given.completion) if given.completion is not None else step.completion,
    )


def _first_set(value: int | None, default: int) -> int:
    return default if value is None else value
