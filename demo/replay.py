"""Replaying the Hải Phòng pilot, March-August 2023, on MADE-UP facts (labelled as such).

Each unit hands in what its phases need a few working days before they are due; a few units
are late, and one decision is recorded with a wrong number, reopened and corrected. Every unit
rates the 39 indicators and a verifier confirms them; two units track their action programme
item by item. Every working day: first the facts dated that day are recorded, then the daily
sweep runs.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from models.assessment.action_items import (
    ItemFields,
    add_item,
    draft_items,
    edit_item,
    find_unit,
    unit_items,
)
from models.assessment.catalogue import COLOURS
from models.assessment.ratings import period_ratings, record_ratings, verify_ratings
from models.kernel.calendar import WorkingCalendar
from models.kernel.database import write_session
from models.kernel.lookups import get_programme
from models.kernel.tables import PhaseRun, Unit
from models.phases.evidence import Recording, record, reopen
from models.phases.reconcile import programme_catalogue
from models.programme.store import programme_calendar

CODE = "HP-2023-PILOT"
COORDINATOR = "Chi cục TĐC Hải Phòng (minh họa)"
# Working days late, per unit and phase (made up): the rest hand in on time.
LATE = {
    ("HP-TIENLANG", "survey"): 4,
    ("HP-HOANGVANTHU", "training"): 3,
    ("HP-DULE", "self_assessment"): 4,
    ("HP-THUYNGUYEN", "action_plan"): 9,  # late enough to be escalated
}
REOPENED = "HP-CAUTRE"  # its survey decision is recorded with a wrong number, then corrected
ACTION_UNITS = ("HP-DANGLAM", "HP-TIENLANG")  # units whose action programme is tracked item by item
VERIFIER = "Đoàn thẩm định Sở KH&CN (minh họa)"

Action = Callable[[object, date], None]


class Replay:
    """The made-up facts of the pilot, scheduled as each unit's phases open."""

    def __init__(self, engine, home: Path):
        self.engine = engine
        self.files = home / "demo-evidence"
        self.store = home / "evidence"
        self.agenda: dict[date, list[tuple[str, str, Action]]] = defaultdict(list)
        self.seen: set[int] = set()
        self.files.mkdir(parents=True, exist_ok=True)

    def calendar(self) -> WorkingCalendar:
        """The programme's calendar."""
        with write_session(self.engine) as session:
            return programme_calendar(session, get_programme(session, CODE).id)

    def record_day(self, day: date) -> int:
        """Record the facts dated `day`, each in its own transaction; returns how many."""
        done = 0
        for _unit, _phase, action in self.agenda.pop(day, []):
            with write_session(self.engine) as session:
                action(session, day)
            done += 1
        return done

    def schedule_opened(self, cal: WorkingCalendar) -> None:
        """Plan the facts of every phase run that has opened since the last look."""
        with write_session(self.engine) as session:
            rows = session.execute(
                select(Unit.code, Unit.officials, PhaseRun)
                .join(PhaseRun, PhaseRun.unit_id == Unit.id)
                .where(PhaseRun.status.in_(("open", "overdue")))
            ).all()
        for unit, officials, run in rows:
            if run.id in self.seen:
                continue
            self.seen.add(run.id)
            late = LATE.get((unit, run.phase), 0)
            anchors = {"start": run.actual_start, "due": run.forecast_due}
            for anchor, offset, action in self._facts(unit, run.phase, officials or 20):
                when = cal.shift(anchors[anchor], offset + (late if anchor == "due" else 0))
                when = max(when, cal.shift(run.actual_start, 1))
                self.agenda[when].append((unit, run.phase, action))

    def _facts(self, unit: str, phase: str, officials: int) -> list[tuple[str, int, Action]]:
        """(anchor, working days from it, action); the anchor is the phase's start or due date."""
        if phase == "survey":
            number = "21/QĐ-UBND" if unit == REOPENED else "12/QĐ-UBND"
            facts = [
                ("due", -6, self._file(unit, phase, "survey_answers")),
                ("due", -2, self._decision(unit, phase, "steering_committee", number)),
            ]
            if unit == REOPENED:
                facts += [
                    ("due", 0, self._reopen(unit, phase, "Quyết định ghi nhầm số (21 thay vì 12)")),
                    ("due", 1, self._decision(unit, phase, "steering_committee", "12/QĐ-UBND")),
                    ("due", 1, self._file(unit, phase, "survey_answers")),
                ]
            return facts
        if phase == "training":
            return [
                ("start", 4, self._file(unit, phase, "attendance", attendees=officials // 2)),
                ("due", -1, self._file(unit, phase, "attendance", attendees=officials * 7 // 20)),
            ]
        if phase == "self_assessment":
            return [("due", -4, self._ratings(unit)), ("due", -2, self._verify(unit))]
        if phase == "action_plan":
            facts = [("due", -3, self._decision(unit, phase, "action_programme", "35/QĐ-UBND"))]
            if unit in ACTION_UNITS:
                facts += [
                    ("start", 1, self._draft_programme(unit)),
                    ("start", 12, self._progress(unit, 0, "in_progress")),
                    ("start", 20, self._progress(unit, 3, "done")),
                ]
            return facts
        return [("due", -1, self._file(unit, phase, "results_report"))]

    def _file(self, unit: str, phase: str, kind: str, attendees: int | None = None) -> Action:
        def act(session, day: date) -> None:
            path = self.files / f"{unit}-{phase}-{kind}-{day:%Y%m%d}.txt"
            path.write_text(
                f"TÀI LIỆU MINH HỌA (made up for the rollout demo)\n{unit} · {phase} · "
                f"{kind} · {day:%d/%m/%Y}\n",
                encoding="utf-8",
            )
            self._record(
                session,
                day,
                Recording(unit, phase, day, f"UBND {unit}", kind, path, attendees=attendees),
            )

        return act

    def _decision(self, unit: str, phase: str, kind: str, number: str) -> Action:
        def act(session, day: date) -> None:
            self._record(
                session,
                day,
                Recording(
                    unit,
                    phase,
                    day,
                    COORDINATOR,
                    kind,
                    decision=f"Số {number}",
                    signer="Chủ tịch UBND",
                ),
            )

        return act

    def _record(self, session, day: date, rec: Recording) -> None:
        record(session, get_programme(session, CODE), rec, day, self.store, COORDINATOR, _now())

    def _reopen(self, unit: str, phase: str, reason: str) -> Action:
        def act(session, day: date) -> None:
            reopen(
                session, get_programme(session, CODE), unit, phase, reason, day, COORDINATOR, _now()
            )

        return act

    def _ratings(self, unit: str) -> Action:
        def act(session, day: date) -> None:
            programme = get_programme(session, CODE)
            codes = programme_catalogue(programme).codes
            rng = random.Random(unit)  # made up, but the same at every run
            green = rng.uniform(0.2, 0.6)  # some units are further along than others
            colours = {c: rng.choices(COLOURS, (0.8 - green, 0.2, green))[0] for c in codes}
            record_ratings(
                session,
                programme,
                unit,
                day.year,
                colours,
                day,
                f"Tổ ISO {unit}",
                COORDINATOR,
                _now(),
            )

        return act

    def _verify(self, unit: str) -> Action:
        """The verifiers confirm every rating, and lower the first green one they doubt."""

        def act(session, day: date) -> None:
            programme = get_programme(session, CODE)
            have = period_ratings(session, find_unit(session, programme, unit).id, day.year)
            decisions: dict[str, str | None] = dict.fromkeys(have)
            doubted = next((c for c, r in sorted(have.items()) if r.rating == "green"), None)
            if doubted:
                decisions[doubted] = "yellow"
            verify_ratings(
                session, programme, unit, day.year, decisions, VERIFIER, day, COORDINATOR, _now()
            )

        return act

    def _draft_programme(self, unit: str) -> Action:
        """Draft the action programme, then edit it as a coordinator would: add, drop, reassign."""

        def act(session, day: date) -> None:
            programme = get_programme(session, CODE)
            now = _now()
            draft_items(session, programme, unit, day.year, COORDINATOR, now)
            items = unit_items(session, find_unit(session, programme, unit).id, day.year)
            task = "Xây dựng và ban hành sổ tay chất lượng của đơn vị (minh họa)"
            extra = ItemFields(task=task, owner="Văn phòng HĐND và UBND", due_days=20)
            add_item(session, programme, unit, day.year, extra, COORDINATOR, now)
            edits = [
                (items[1], ItemFields(owner="Phòng Tài nguyên và Môi trường (minh họa)")),
                (items[-1], ItemFields(status="dropped", note="Gộp vào nhiệm vụ trước (minh họa)")),
            ]
            for item, fields in edits:
                edit_item(session, programme, item.id, fields, COORDINATOR, now)

        return act

    def _progress(self, unit: str, first: int, status: str) -> Action:
        """Items moving on: from the `first` item, every third one reaches `status`."""

        def act(session, day: date) -> None:
            programme = get_programme(session, CODE)
            items = unit_items(session, find_unit(session, programme, unit).id, day.year, False)
            fields = ItemFields(status=status, done_on=day if status == "done" else None)
            for item in items[first::3]:
                edit_item(session, programme, item.id, fields, COORDINATOR, _now())

        return act


def _now() -> datetime:
    return datetime.now(UTC)
