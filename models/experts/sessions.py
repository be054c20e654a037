"""The sessions experts deliver, made from the plan: training classes of units of the same
parent (or province), a guidance visit and a verification at each unit in its
self-assessment. Durations and class sizes come from config/phases.yaml (`sessions:`), the
programme file's `sessions:` and, per wave, its `sessions.waves`."""

from dataclasses import dataclass, replace
from datetime import date
from functools import cache

import yaml

from config import CONFIG_DIR
from models.experts.scheduling import Session
from models.kernel.calendar import WorkingCalendar

RULE_KEYS = (
    "class_size",
    "training_days",
    "trainers",
    "guidance_days",
    "verification_days",
    "group_by",
)


@dataclass(frozen=True)
class SessionRules:
    """How a wave's sessions are cut: class size and days, trainers per class, the days of a
    guidance visit and of a verification, and whether classes group units by parent unit or
    by province."""

    class_size: int
    training_days: int
    trainers: int
    guidance_days: int
    verification_days: int
    group_by: str


@cache
def default_rules() -> SessionRules:
    """The shipped defaults (config/phases.yaml, `sessions:`)."""
    data = yaml.safe_load((CONFIG_DIR / "phases.yaml").read_text(encoding="utf-8"))
    return SessionRules(**{k: data["sessions"][k] for k in RULE_KEYS})


def wave_rules(settings: dict | None, wave: str) -> SessionRules:
    """The rules for `wave`: the defaults, then the programme's `sessions:`, then the wave's."""
    settings = settings or {}
    rules = replace(default_rules(), **{k: v for k, v in settings.items() if k in RULE_KEYS})
    return replace(rules, **(settings.get("waves") or {}).get(wave, {}))


@dataclass(frozen=True)
class UnitWindows:
    """What the sessions of one unit hang on: its wave, its parent and province, and the days
    its training and self-assessment run (from when they opened, else as forecast)."""

    code: str
    wave: str
    parent: str
    province: str
    training: tuple[date, date]
    self_assessment: tuple[date, date]


def build_sessions(
    units: list[UnitWindows],
    settings: dict | None,
    cal: WorkingCalendar,
    notice_days: int,
) -> list[Session]:
    """Every session of the units: classes first (in wave, group and code order), then each
    unit's guidance and verification. A class is held no sooner than `notice_days` working
    days after training opens (its invitation goes out first) and should end by the training's
    due date; guidance and verification fit in the self-assessment, verification after
    guidance, from halfway through the phase, and by someone else."""
    sessions: list[Session] = []
    groups: dict[tuple[str, str, str], list[UnitWindows]] = {}
    waves = list(dict.fromkeys(u.wave for u in units))
    for unit in units:
        rules = wave_rules(settings, unit.wave)
        key = unit.parent if rules.group_by == "parent" else unit.province
        groups.setdefault((unit.wave, key, unit.province), []).append(unit)
    for (wave, group, province), members in groups.items():
        rules = wave_rules(settings, wave)
        members = sorted(members, key=lambda u: u.code)
        for n, first in enumerate(range(0, len(members), rules.class_size), start=1):
            cls = members[first : first + rules.class_size]
            earliest = max(cal.shift(u.training[0], notice_days) for u in cls)
            target = max(
                earliest, min(_last_start(u.training[1], rules.training_days, cal) for u in cls)
            )
            sessions.append(
                Session(
                    f"training:{waves.index(wave) + 1}:{group}:{n}",
                    "training",
                    group,
                    tuple(u.code for u in cls),
                    rules.training_days,
                    earliest,
                    target,
                    experts=rules.trainers,
                    within=frozenset({province}) - {group},
                    phase="training",
                )
            )
    for unit in sorted(units, key=lambda u: (waves.index(u.wave), u.code)):
        rules = wave_rules(settings, unit.wave)
        opens, due = unit.self_assessment
        verify_by = _last_start(due, rules.verification_days, cal)
        guide_by = _last_start(cal.shift(verify_by, -1), rules.guidance_days, cal)
        places = {"region": unit.parent, "within": frozenset({unit.province}) - {unit.parent}}
        guidance = f"guidance:{unit.code}"
        sessions.append(
            Session(
                guidance,
                "guidance",
                units=(unit.code,),
                days=rules.guidance_days,
                earliest=opens,
                target=max(opens, guide_by),
                phase="self_assessment",
                **places,
            )
        )
        # Verification checks the ratings: not before half the phase has gone by.
        halfway = cal.shift(
            opens, max(rules.guidance_days, cal.working_days_between(opens, due) // 2)
        )
        sessions.append(
            Session(
                f"verification:{unit.code}",
                "verification",
                units=(unit.code,),
                days=rules.verification_days,
                earliest=halfway,
                target=max(halfway, verify_by),
                after=guidance,
                not_with=guidance,
                phase="self_assessment",
                **places,
            )
        )
    return sessions


def _last_start(due: date, days: int, cal: WorkingCalendar) -> date:
    """The last day a session of `days` working days can start and still end by `due`."""
    return cal.shift(due, -(days - 1)) if days > 1 else due
