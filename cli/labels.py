"""The words of the command line's tables in the configured language (ROLLOUT_LANGUAGE)."""

from datetime import date

from config.settings import get_settings
from models.kernel.vocabulary import phase_short_label, status_label

HEADINGS = {
    "vi": {
        "unit": "Đơn vị",
        "phase": "Giai đoạn",
        "status": "Trạng thái",
        "start": "Bắt đầu",
        "due": "Hạn",
        "baseline": "Hạn gốc",
        "slip": "Chậm",
        "done": "Xong",
        "units": "Số ĐV",
        "last due": "Hạn cuối",
        "number": "Số, ký hiệu",
        "date": "Ngày",
        "version": "Bản",
        "file": "Tệp",
        "type": "Loại",
        "symbol": "Ký hiệu",
        "issuer": "Cơ quan ban hành",
        "title": "Tên văn bản",
        "task": "Nhiệm vụ",
        "owner": "Phụ trách",
        "aim": "Mục tiêu",
        "to": "Gửi tới",
        "as": "Vai trò",
        "items": "Số việc",
        "late units": "ĐV chậm",
        "subject": "Tiêu đề",
        "check": "Kiểm tra",
        "found": "Kết quả",
        "index": "Chỉ số TH",
        "red": "Đỏ",
        "yel.": "Vàng",
        "gr.": "Xanh",
        "n/r": "Chưa",
        "ver.": "Đã TĐ",
        "experts": "Chuyên gia",
        "expert": "Chuyên gia",
        "skill": "Việc",
        "session": "Buổi",
        "end": "Kết thúc",
        "region": "Địa bàn",
        "need": "Cần",
        "lower bound": "Tối thiểu",
        "have": "Hiện có",
        "opened": "Mở",
        "evidence": "Minh chứng",
    },
    "en": {},
}

TITLES = {
    "vi": {
        "status": "Tình hình đến ngày {day}",
        "unit status": "{unit} · {name} · tình hình đến ngày {day}",
        "counts": "{units} đơn vị, {runs} giai đoạn: ",
        "baseline": "░ kế hoạch gốc  █ dự báo  │ {day}",
        "predecessors": "Các đơn vị tiền thân đã thực hiện",
        "items": "Nhiệm vụ của chương trình hành động đến ngày {day} (quá hạn: màu đỏ)",
        "dry run": "Nhắc việc của {code} ngày {day} (chạy thử: không gửi gì)",
        "scores": "{title}: tự đánh giá năm {period}",
        "score legend": (
            "{units} đơn vị đã đánh giá. P1-P4: điểm từng nhóm chủ đề; Chưa: chỉ số chưa đánh "
            "giá; Đã TĐ: đã thẩm định; Số việc: nhiệm vụ xong/tổng số."
        ),
    },
    "en": {
        "status": "Status as of {day}",
        "unit status": "{unit} · {name} · status as of {day}",
        "counts": "{units} units, {runs} phase runs: ",
        "baseline": "░ baseline  █ forecast  │ {day}",
        "predecessors": "What its predecessors did",
        "items": "Action items, as of {day} (late ones in red)",
        "dry run": "Reminders of {code} on {day} (dry run: nothing sent)",
        "scores": "{title}: self-assessment {period}",
        "score legend": (
            "{units} units rated. P1-P4: index of each pillar; n/r: not rated; ver.: verified; "
            "items: action items done/total."
        ),
    },
}


def language() -> str:
    """The language of the tables: vi unless ROLLOUT_LANGUAGE=en."""
    return get_settings().language


def heading(key: str) -> str:
    """A column heading ('Hạn gốc' in Vietnamese, 'baseline' in English)."""
    return HEADINGS[language()].get(key, key)


def title(key: str, **values: object) -> str:
    """A table's title or legend, with its values filled in."""
    return TITLES[language()][key].format(**values)


def status_word(status: str) -> str:
    """Where a phase run stands: 'Quá hạn' in Vietnamese, the status code in English."""
    return status_label(status) if language() == "vi" else status


def phase_word(phase: str) -> str:
    """A phase in a table: 'Tự đánh giá' in Vietnamese, the code one types in English."""
    return phase_short_label(phase, language())


def day_text(day: date | None, short: bool = False) -> str:
    """A date as every view prints it: dd/mm/yyyy (dd/mm/yy when short), blank for none."""
    if day is None:
        return ""
    return day.strftime("%d/%m/%y" if short else "%d/%m/%Y")
