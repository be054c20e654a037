"""Completion criteria of a phase, as data, and the date on which recorded facts first meet them."""

import math
from dataclasses import dataclass
from datetime import date

KINDS = ("evidence", "decision", "attendance_share", "indicators_rated")
ATTENDANCE = "attendance"


@dataclass(frozen=True)
class Requirement:
    """One thing a phase needs before it is done, e.g. a decision of kind steering_committee."""

    kind: str
    value: str | float | bool

    def describe(self) -> str:
        """What is expected, for messages and reminders."""
        if self.kind == "evidence":
            return f"a file of kind {self.value}"
        if self.kind == "decision":
            return f"a decision of kind {self.value} (number and date)"
        if self.kind == "attendance_share":
            return f"attendance of at least {float(self.value):.0%} of the unit's officials"
        return "a rating for every indicator of the catalogue"

    def describe_vi(self) -> str:
        """What is expected, in Vietnamese, for reminders."""
        vi = {
            "survey_answers": "phiếu trả lời khảo sát",
            "steering_committee": "quyết định thành lập Ban chỉ đạo và Tổ công tác ISO",
            "action_programme": "quyết định phê duyệt chương trình hành động",
            "results_report": "báo cáo kết quả thực hiện",
        }
        if self.kind == "evidence":
            return f"Nộp {vi.get(str(self.value), str(self.value))}"
        if self.kind == "decision":
            return f"Ban hành {vi.get(str(self.value), str(self.value))} (số, ngày)"
        if self.kind == "attendance_share":
            return f"Danh sách điểm danh đào tạo đạt ít nhất {float(self.value):.0%} số cán bộ"
        return "Tự đánh giá đủ tất cả các chỉ số của bộ tiêu chí"


@dataclass(frozen=True)
class Fact:
    """Something recorded for a phase run, as of the date it happened."""

    on: date
    type: str  # "evidence", "decision" or "rating"
    kind: str  # the evidence or decision kind; the indicator code for a rating
    quantity: int | None = None  # attendees, for attendance


def parse_requirements(items: list) -> list[Requirement]:
    """Requirements from config data; ValueError says what is wrong and what would be right."""
    if not isinstance(items, list):
        raise ValueError("completion must be a list of requirements")
    found = []
    for item in items:
        if not isinstance(item, dict) or len(item) != 1:
            raise ValueError(f"each requirement is one 'kind: value' pair, one of {KINDS}")
        ((kind, value),) = item.items()
        if kind not in KINDS:
            raise ValueError(f"unknown requirement {kind!r}; use one of {', '.join(KINDS)}")
        if kind in ("evidence", "decision") and not (isinstance(value, str) and value.strip()):
            raise ValueError(f"{kind} needs a kind name, e.g. {kind}: steering_committee")
        if kind == "attendance_share" and not (
            isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 1
        ):
            raise ValueError(f"attendance_share is a share between 0 and 1, not {value!r}")
        if kind == "indicators_rated" and value is not True:
            raise ValueError("indicators_rated takes the value true")
        found.append(Requirement(kind, value))
    return found


def evidence_kinds(requirements: list[Requirement]) -> set[str]:
    """The kinds of file a phase expects (attendance included), besides the free kind 'other'."""
    kinds = {str(r.value) for r in requirements if r.kind == "evidence"}
    if any(r.kind == "attendance_share" for r in requirements):
        kinds.add(ATTENDANCE)
    return kinds | {"other"}


def decision_kinds(requirements: list[Requirement]) -> set[str]:
    """The kinds of decision a phase expects, besides the free kind 'other'."""
    return {str(r.value) for r in requirements if r.kind == "decision"} | {"other"}


def unmet(
    requirements: list[Requirement], facts: list[Fact], officials: int | None, catalogue: int
) -> list[str]:
    """What is still missing, given all of `facts`; an empty list means the phase is done."""
    missing = []
    for r in requirements:
        if r.kind in ("evidence", "decision"):
            if not any(f.type == r.kind and f.kind == r.value for f in facts):
                missing.append(r.describe())
        elif r.kind == "attendance_share":
            attendance = [f for f in facts if f.type == "evidence" and f.kind == ATTENDANCE]
            attendees = sum(f.quantity or 0 for f in attendance)
            needed = math.ceil(float(r.value) * officials) if officials else 1
            if not attendance or attendees < needed:
                missing.append(f"{r.describe()} ({attendees} of {needed} so far)")
        elif len({f.kind for f in facts if f.type == "rating"}) < catalogue:
            rated = len({f.kind for f in facts if f.type == "rating"})
            missing.append(f"{r.describe()} ({rated} of {catalogue} rated)")
    return missing


def completion_date(
    requirements: list[Requirement], facts: list[Fact], officials: int | None, catalogue: int
) -> date | None:
    """The first date on which the facts recorded up to it meet every requirement, or None."""
    if not requirements:
        return None  # a phase without criteria is closed by hand, never by itself
    dated = sorted(facts, key=lambda f: f.on)
    for i, fact in enumerate(dated):
        if i + 1 < len(dated) and dated[i + 1].on == fact.on:
            continue  # take every fact of a day together
        if not unmet(requirements, dated[: i + 1], officials, catalogue):
            return fact.on
    return None


def attendance_progress(attendees: int, officials: int | None, share: float) -> str:
    """How far recorded attendance is from what completes training, in a sentence: "25 of 42
    officials is 60 %, below the 80 % needed (34)"."""
    if not officials:
        return f"{attendees} attended (the roster gives no number of officials to compare with)"
    needed = math.ceil(share * officials)
    said = f"{attendees} of {officials} officials is {round(100 * attendees / officials)} %"
    if attendees >= needed:
        return f"{said}, reaching the {round(100 * share)} % needed"
    return f"{said}, below the {round(100 * share)} % needed ({needed})"
