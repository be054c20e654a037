"""The programme file's keys as pydantic models: types, ranges and unknown keys checked."""

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from models.kernel.vocabulary import PHASES
from models.phases.completion import parse_requirements

PhaseCode = Literal[PHASES]  # the vocabulary's five phases, as pydantic checks a key


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class CoordinatorIn(_Strict):
    agency: str = Field(min_length=1)
    office: str | None = None
    contact: str | None = None
    email: EmailStr  # reminders to units without an address, and escalations, go here
    phone: str | None = None


class WaveIn(_Strict):
    name: str = Field(min_length=1)
    start: date
    units: list[str] = Field(min_length=1)

    @field_validator("units", mode="before")
    @classmethod
    def _codes_as_written(cls, value):
        """A code YAML read as a number (11413, 00004) is refused: it may have lost zeros."""
        if isinstance(value, list):
            for code in value:
                if isinstance(code, int | float) and not isinstance(code, bool):
                    raise ValueError(
                        f"{code} was read as a number; write official codes in quotes "
                        "('11413', '00004'), or a leading zero is lost"
                    )
        return value


class PhaseIn(_Strict):
    duration_days: int | None = Field(default=None, gt=0)
    gap_days: int | None = Field(default=None, ge=0)
    completion: list[dict] | None = None

    @field_validator("completion")
    @classmethod
    def _valid_criteria(cls, value: list[dict] | None) -> list[dict] | None:
        if value is not None:
            parse_requirements(value)
        return value


class RemindersIn(_Strict):
    before_due: list[Annotated[int, Field(gt=0)]] | None = None
    on_due: bool | None = None
    overdue_every: int | None = Field(default=None, gt=0)
    escalate_after: int | None = Field(default=None, gt=0)
    language: Literal["vi", "en"] | None = None


class DayIn(_Strict):
    date: date
    reason: str = Field(min_length=1)


class CalendarIn(_Strict):
    days_off: list[DayIn] = []
    working_days: list[DayIn] = []


class AgencyIn(_Strict):
    parent: str | None = None  # the governing agency, e.g. ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG
    name: str = Field(min_length=1)  # e.g. SỞ KHOA HỌC VÀ CÔNG NGHỆ
    name_in_text: str | None = None  # in sentences, e.g. Sở Khoa học và Công nghệ
    symbol: str = Field(pattern=r"^[^\s/-]{1,16}$")  # its abbreviation in numbers, e.g. SKHCN


class TrainingIn(_Strict):
    place: str | None = None  # default: the unit's hall
    expert: str | None = None  # default: experts of the coordinating office
    time: str = Field(default="08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    hours: float = Field(default=4, gt=0, le=10)  # how long the class lasts that day
    # Working days from the invitation (drafted when training opens) to the class.
    notice_days: int = Field(default=3, ge=1, le=15)


# The laws a decision cites before the programme's own plan (programme file: documents.laws).
DEFAULT_LAWS = (
    "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
    "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền "
    "địa phương ngày 22 tháng 11 năm 2019",
)


class DocumentsIn(_Strict):
    templates: str | None = None  # a folder with vi/ and en/ templates that override by name
    language: Literal["vi", "en"] = "vi"
    place: str | None = None  # the place in every date line; default: each unit's own name
    coordinator_agency: AgencyIn | None = None  # issues the programme's summary report
    training: TrainingIn = TrainingIn()
    draft_on_open: bool = True  # a phase flow drafts the phase's documents when a unit opens it
    # The laws a decision cites before the programme's own legal basis ("Căn cứ …;").
    laws: list[str] = list(DEFAULT_LAWS)


class AssessmentIn(_Strict):
    require_verification: bool = False  # self_assessment completes once a verifier confirms
    points: dict[Literal["red", "yellow", "green"], Annotated[float, Field(ge=0)]] = {}
    pillar_weights: dict[str, Annotated[float, Field(ge=0)]] = {}  # pillar code -> weight
    item_owner: str | None = None  # the responsible office of drafted action items
    item_due_days: int = Field(default=30, gt=0)  # working days from action_plan's opening
    item_target: Literal["yellow", "green"] = "green"  # the rating a drafted item aims at


class SessionRulesIn(_Strict):
    class_size: int | None = Field(default=None, ge=1, le=100)
    training_days: int | None = Field(default=None, ge=1, le=5)
    trainers: int | None = Field(default=None, ge=1, le=2)
    guidance_days: int | None = Field(default=None, ge=1, le=5)
    verification_days: int | None = Field(default=None, ge=1, le=5)
    group_by: Literal["parent", "province"] | None = None


class SessionsIn(SessionRulesIn):
    """Experts' sessions (defaults: config/phases.yaml), and per wave by its name."""

    waves: dict[str, SessionRulesIn] = {}


class ProgrammeIn(_Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    title: str = Field(min_length=1)
    legal_basis: str = Field(min_length=1)
    coordinator: CoordinatorIn
    time_zone: str = "Asia/Ho_Chi_Minh"
    roster: str = Field(min_length=1)
    catalogue: str | None = None
    waves: list[WaveIn] = Field(min_length=1)
    phases: dict[PhaseCode, PhaseIn] = {}
    due_soon_days: int | None = Field(default=None, ge=0)
    reminders: RemindersIn = RemindersIn()
    calendar: CalendarIn = CalendarIn()
    documents: DocumentsIn = DocumentsIn()
    assessment: AssessmentIn = AssessmentIn()
    sessions: SessionsIn = SessionsIn()

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}; e.g. Asia/Ho_Chi_Minh") from exc
        return value
