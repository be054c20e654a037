"""Lineage: which units succeeded which, from the day a merger or split took effect. A
predecessor keeps its phase runs, evidence, ratings, documents and audit events (nothing is
copied, so nothing is duplicated); its successors' views read them through the links. A
predecessor with several successors is a partial split, flagged until a coordinator decides
which successor carries on."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models.audit.chain import Change
from models.kernel.problems import InputError, Problem
from models.kernel.tables import Programme, Unit, UnitLineage
from models.programme.roster import UnitRecord


@dataclass(frozen=True)
class Link:
    """One link of a unit's lineage as commands show it."""

    code: str
    name: str
    effective: date
    partial: bool
    carries: bool | None
    in_roster: bool


@dataclass(frozen=True)
class Lineage:
    """A unit, every unit before it and every unit after it (all generations), with dates."""

    code: str
    name: str
    predecessors: tuple[Link, ...]
    successors: tuple[Link, ...]


def store_lineage(
    session: Session, programme: Programme, units: tuple[UnitRecord, ...], source: str, now
) -> list[Change]:
    """The links a roster declares (`predecessors` of a new unit, `successor_code` of an old
    one, from `merged_on`), added once; predecessors must be units of the programme (gone from
    the roster or not). Marks partial splits; returns the audit changes."""
    known = set(session.scalars(select(Unit.code).where(Unit.programme_id == programme.id)))
    wanted: dict[tuple[str, str], date] = {}
    problems = []
    for record in units:
        for earlier in record.predecessors:
            if earlier not in known:
                problems.append(
                    Problem(
                        source,
                        None,
                        "predecessors",
                        f"{record.code}: {earlier!r} is no unit of {programme.code}",
                    )
                )
            wanted[(earlier, record.code)] = record.merged_on
        if record.successor_code:
            wanted[(record.code, record.successor_code)] = record.merged_on
    if problems:
        raise InputError(problems)
    have = {
        (link.predecessor, link.successor): link
        for link in session.scalars(
            select(UnitLineage).where(UnitLineage.programme_id == programme.id)
        )
    }
    changes: list[Change] = []
    added: dict[str, list[str]] = {}
    for (earlier, later), effective in wanted.items():
        if (earlier, later) in have:
            continue
        link = UnitLineage(
            programme_id=programme.id,
            predecessor=earlier,
            successor=later,
            effective=effective,
            created_at=now,
        )
        session.add(link)
        have[(earlier, later)] = link
        added.setdefault(later, []).append(earlier)
    successors: dict[str, list[UnitLineage]] = {}
    for link in have.values():
        successors.setdefault(link.predecessor, []).append(link)
    for links in successors.values():
        for link in links:
            link.partial = len(links) > 1
    session.flush()
    for later, earlier in sorted(added.items()):
        split = [e for e in earlier if len(successors[e]) > 1]
        payload = {
            "predecessors": earlier,
            "effective": wanted[(earlier[0], later)],
            "partial": split,
        }
        changes.append(
            Change("unit.succeeded", f"{programme.code}/{later}", payload, programme.code)
        )
    return changes


def lineage(session: Session, programme: Programme, code: str) -> Lineage:
    """Every generation before and after a unit (from any unit of the programme)."""
    units = {
        u.code: u for u in session.scalars(select(Unit).where(Unit.programme_id == programme.id))
    }
    links = list(
        session.scalars(select(UnitLineage).where(UnitLineage.programme_id == programme.id))
    )

    def walk(start: str, up: bool) -> list[Link]:
        found, frontier, seen = [], [start], {start}
        while frontier:
            nxt = []
            for current in frontier:
                for link in links:
                    here, there = (
                        (link.successor, link.predecessor)
                        if up
                        else (link.predecessor, link.successor)
                    )
                    if here == current and there not in seen:
                        seen.add(there)
                        nxt.append(there)
                        unit = units.get(there)
                        found.append(
                            Link(
                                there,
                                unit.name if unit else "",
                                link.effective,
                                link.partial,
                                link.carries,
                                bool(unit and unit.in_roster),
                            )
                        )
            frontier = nxt
        return found

    unit = units[code]
    return Lineage(code, unit.name, tuple(walk(code, True)), tuple(walk(code, False)))


def decide_split(
    session: Session, programme: Programme, predecessor: str, successor: str
) -> list[Change]:
    """A coordinator decides a partial split: `successor` carries the predecessor on, the
    others keep its history as their past only."""
    links = list(
        session.scalars(
            select(UnitLineage).where(
                UnitLineage.programme_id == programme.id, UnitLineage.predecessor == predecessor
            )
        )
    )
    if not any(link.successor == successor for link in links):
        named = ", ".join(sorted(link.successor for link in links)) or "none"
        raise InputError(
            [
                Problem(
                    "rollout units decide",
                    None,
                    "SUCCESSOR",
                    f"{successor!r} is no successor of {predecessor!r} (its successors: {named})",
                )
            ]
        )
    for link in links:
        link.carries = link.successor == successor
    payload = {
        "carries": successor,
        "others": [x.successor for x in links if x.successor != successor],
    }
    return [
        Change("unit.split_decided", f"{programme.code}/{predecessor}", payload, programme.code)
    ]


@dataclass(frozen=True)
class PastPhase:
    """A predecessor's phase as its successor's views show it: what it did, when, on what."""

    unit: str
    unit_name: str
    phase: str
    state: str  # planned, open, overdue or done (as stored)
    opened: date | None
    done: date | None
    baseline_due: date
    evidence: int  # facts recorded for it (not voided)
    ratings: int  # indicator ratings of the unit (any period)


def past_phases(session: Session, programme: Programme, codes: list[str]) -> list[PastPhase]:
    """The phases of the given units (predecessors, in or out of the roster), in code and
    phase order, each with how many facts it holds; read in place, never copied."""
    from sqlalchemy import func

    from models.kernel.tables import Evidence, IndicatorRating, PhaseRun

    if not codes:
        return []
    evidence = (
        select(Evidence.phase_run_id, func.count().label("n"))
        .where(Evidence.void.is_(False))
        .group_by(Evidence.phase_run_id)
        .subquery()
    )
    ratings = (
        select(IndicatorRating.unit_id, func.count().label("n"))
        .group_by(IndicatorRating.unit_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Unit.code,
            Unit.name,
            PhaseRun.phase,
            PhaseRun.status,
            PhaseRun.actual_start,
            PhaseRun.actual_done,
            PhaseRun.baseline_due,
            evidence.c.n,
            ratings.c.n,
        )
        .join(PhaseRun, PhaseRun.unit_id == Unit.id)
        .outerjoin(evidence, evidence.c.phase_run_id == PhaseRun.id)
        .outerjoin(ratings, ratings.c.unit_id == Unit.id)
        .where(Unit.programme_id == programme.id, Unit.code.in_(codes))
        .order_by(Unit.code, PhaseRun.seq)
    )
    return [
        PastPhase(
            c,
            name,
            phase,
            state,
            opened,
            done,
            due,
            n or 0,
            (r or 0) if phase == "self_assessment" else 0,
        )
        for c, name, phase, state, opened, done, due, n, r in rows
    ]
