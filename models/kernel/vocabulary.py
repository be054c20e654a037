"""The words rollout shares: phases, phase-run states, ratings and action-item states, each an
enum with its labels in Vietnamese and English. Everything else imports them from here."""

import unicodedata
from enum import StrEnum


class Phase(StrEnum):
    """The five phases every unit goes through, in order."""

    SURVEY = "survey"
    TRAINING = "training"
    SELF_ASSESSMENT = "self_assessment"
    ACTION_PLAN = "action_plan"
    REPORTING = "reporting"


PHASES: tuple[str, ...] = tuple(p.value for p in Phase)


class RunState(StrEnum):
    """Where the engine has taken a unit's phase (what a phase run stores)."""

    PLANNED = "planned"
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"


class Status(StrEnum):
    """Where a phase run stands on a given date, as views show it."""

    NOT_STARTED = "not_started"
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"


class Rating(StrEnum):
    """An indicator's colour (ISO 18091 Annex A)."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


RATINGS: tuple[str, ...] = tuple(r.value for r in Rating)


class ItemState(StrEnum):
    """Where an action item stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


ITEM_STATES: tuple[str, ...] = tuple(s.value for s in ItemState)

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        RunState.PLANNED: "Chưa bắt đầu",
        RunState.OPEN: "Đang thực hiện",
        RunState.OVERDUE: "Quá hạn",
        RunState.DONE: "Hoàn thành",
        Rating.RED: "Đỏ",
        Rating.YELLOW: "Vàng",
        Rating.GREEN: "Xanh",
        ItemState.OPEN: "Chưa làm",
        ItemState.IN_PROGRESS: "Đang làm",
        ItemState.DONE: "Xong",
        ItemState.DROPPED: "Đã bỏ",
    },
    "en": {
        RunState.PLANNED: "Planned",
        RunState.OPEN: "Open",
        RunState.OVERDUE: "Overdue",
        RunState.DONE: "Done",
        Rating.RED: "Red",
        Rating.YELLOW: "Yellow",
        Rating.GREEN: "Green",
        ItemState.OPEN: "Not started",
        ItemState.IN_PROGRESS: "In progress",
        ItemState.DONE: "Done",
        ItemState.DROPPED: "Dropped",
    },
}
UNRATED = {"vi": "Chưa đánh giá", "en": "Not rated"}


def rating_label(rating: str | None, language: str = "vi", unrated: str | None = None) -> str:
    """A rating's word in a language ('Đỏ', 'Green'); `unrated` (default: 'Chưa đánh giá' or
    'Not rated') for None."""
    if rating is None:
        return UNRATED[language] if unrated is None else unrated
    return LABELS[language][Rating(rating)]


def run_state_label(state: str, language: str = "vi") -> str:
    """A phase run's state in a language ('Quá hạn')."""
    return LABELS[language][RunState(state)]


_STATUS_LABELS = {
    "vi": {
        Status.NOT_STARTED: "Chưa bắt đầu",
        Status.OPEN: "Đang thực hiện",
        Status.DUE_SOON: "Sắp đến hạn",
        Status.OVERDUE: "Quá hạn",
        Status.DONE: "Hoàn thành",
    },
    "en": {
        Status.NOT_STARTED: "Not started",
        Status.OPEN: "Open",
        Status.DUE_SOON: "Due soon",
        Status.OVERDUE: "Overdue",
        Status.DONE: "Done",
    },
}


def status_label(status: str, language: str = "vi") -> str:
    """Where a phase run stands, in a language ('Sắp đến hạn')."""
    return _STATUS_LABELS[language][Status(status)]


_PHASE_SHORT = {
    Phase.SURVEY: "Khảo sát",
    Phase.TRAINING: "Đào tạo",
    Phase.SELF_ASSESSMENT: "Tự đánh giá",
    Phase.ACTION_PLAN: "Hành động",
    Phase.REPORTING: "Báo cáo",
}


def phase_short_label(phase: str, language: str = "vi") -> str:
    """A phase in a word or two for narrow tables: 'Tự đánh giá' (vi), its code (en)."""
    return _PHASE_SHORT[Phase(phase)] if language == "vi" else Phase(phase).value


def item_state_label(state: str, language: str = "vi") -> str:
    """An action item's state in a language ('Đang làm')."""
    return LABELS[language][ItemState(state)]


def nfc(text: str) -> str:
    """Text in Unicode NFC, as every stored and written Vietnamese string is."""
    return unicodedata.normalize("NFC", text)
