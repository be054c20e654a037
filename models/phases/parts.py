"""Spreading a sweep: the programme's provinces split into parts of about equal size, each part
swept by a flow run of its own (on any worker), its counts kept for the sweep that started it."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models.kernel.tables import Programme, SweepPart, Unit


@dataclass(frozen=True)
class Part:
    """Whole provinces swept together, and how many of their units are in a wave."""

    provinces: tuple[str, ...]
    units: int

    @property
    def label(self) -> str:
        """A short name for the part's flow run: its provinces, or the first and how many."""
        if len(self.provinces) <= 3:
            return "+".join(self.provinces)
        return f"{self.provinces[0]}+{len(self.provinces) - 1}-more"


def top_of_line(code: str, parent_of: dict[str, str | None]) -> str:
    """The top of the unit's line of parents (its province), or the unit itself."""
    seen = {code}
    while (parent := parent_of.get(code)) and parent not in seen:
        seen.add(parent)
        code = parent
    return code


def split_provinces(units_per_province: dict[str, int], parts: int) -> list[Part]:
    """At most `parts` parts of whole provinces, balanced by units: the largest province first
    onto the lightest part. The same counts always give the same parts, in province order."""
    if parts < 1:
        raise ValueError(f"parts must be at least 1, not {parts}")
    order = sorted(units_per_province, key=lambda p: (-units_per_province[p], p))
    loads: list[list] = [[0, []] for _ in range(min(parts, len(order)))]
    for province in order:
        lightest = min(range(len(loads)), key=lambda i: (loads[i][0], i))
        loads[lightest][0] += units_per_province[province]
        loads[lightest][1].append(province)
    position = {p: i for i, p in enumerate(sorted(units_per_province))}
    found = [
        Part(tuple(sorted(members, key=position.__getitem__)), load)
        for load, members in loads
        if members
    ]
    return sorted(found, key=lambda part: position[part.provinces[0]])


def _swept_units(session: Session, programme: Programme) -> list[tuple[int, str]]:
    """(id, province) of the programme's units that are in a wave, by id."""
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.parent_code, Unit.wave_id).where(
            Unit.programme_id == programme.id
        )
    ).all()
    parent_of = {r.code: r.parent_code for r in rows}
    return sorted((r.id, top_of_line(r.code, parent_of)) for r in rows if r.wave_id is not None)


def sweep_parts(session: Session, programme: Programme, parts: int) -> list[Part]:
    """The programme's provinces in at most `parts` parts of about equal size."""
    per_province: dict[str, int] = {}
    for _, province in _swept_units(session, programme):
        per_province[province] = per_province.get(province, 0) + 1
    return split_provinces(per_province, parts)


def part_batches(
    session: Session, programme: Programme, provinces: list[str], size: int
) -> list[list[int]]:
    """Ids of the units in a wave of these provinces, in batches of at most `size`."""
    wanted = set(provinces)
    ids = [unit_id for unit_id, province in _swept_units(session, programme) if province in wanted]
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def keep_part(
    session: Session,
    programme: Programme,
    key: str,
    as_of: date,
    provinces: list[str],
    counts: dict,
) -> None:
    """Keep what one part did under the key its sweep gave it (a second finish keeps the first)."""
    if session.scalars(select(SweepPart.id).where(SweepPart.key == key)).first() is None:
        session.add(
            SweepPart(
                programme_id=programme.id,
                key=key,
                as_of=as_of,
                provinces=provinces,
                counts=counts,
                finished_at=datetime.now(UTC),
            )
        )


def part_counts(session: Session, keys: list[str]) -> dict[str, dict]:
    """What the parts under these keys did, by key (a part not finished is missing)."""
    rows = session.execute(select(SweepPart.key, SweepPart.counts).where(SweepPart.key.in_(keys)))
    return dict(rows.all())
