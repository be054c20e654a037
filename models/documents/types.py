"""Official documents as data: their types, issuing agencies, numbers and dates (Decree 30/2020)."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from config import CONFIG_DIR
from models.audit.chain import canonical_json
from models.kernel.calendar import format_date_vi
from models.kernel.identifiers import code_problem
from models.kernel.problems import InputError, Problem
from models.kernel.vocabulary import PHASES, nfc

DOCUMENT_TYPES_FILE = CONFIG_DIR / "documents.yaml"
LANGUAGES = ("vi", "en")

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# What a unit's name says before its place name, longest first: "Ủy ban nhân dân quận Hải An".
_COMMITTEE = "ủy ban nhân dân"
_LEVEL_WORDS = (
    "thành phố",
    "thị trấn",
    "thị xã",
    "đặc khu",
    "phường",
    "quận",
    "huyện",
    "tỉnh",
    "xã",
)


@dataclass(frozen=True)
class DocumentType:
    """One kind of document a phase produces, and how it is numbered and signed."""

    key: str
    phase: str
    symbol: str | None  # KH, QĐ, BC ... (Decree 30, Appendix III); None for unnumbered forms
    title_vi: str
    title_en: str
    issuer: str  # "unit" or "coordinator"
    signer: tuple[str, ...]
    draft_on_open: bool = True  # drafted by the sweep as units open the phase
    recorded_as: str | None = None  # the decision kind `rollout record` registers it under

    @property
    def numbered(self) -> bool:
        """Whether documents of this type carry a number and symbol."""
        return self.symbol is not None

    def title(self, language: str) -> str:
        """The type's title in a language."""
        return self.title_vi if language == "vi" else self.title_en


@lru_cache(maxsize=4)
def load_document_types(path: Path = DOCUMENT_TYPES_FILE) -> dict[str, DocumentType]:
    """The document types of config/documents.yaml, validated; InputError names each problem."""
    source = str(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    problems: list[Problem] = []
    types: dict[str, DocumentType] = {}
    for key, spec in (data.get("types") or {}).items():
        field = f"types.{key}"
        if problem := code_problem(str(key)):  # a type key becomes part of a file name
            problems.append(Problem(source, None, field, problem))
            continue
        if not isinstance(spec, dict):
            problems.append(Problem(source, None, field, "a document type is a mapping"))
            continue
        if spec.get("phase") not in PHASES:
            problems.append(Problem(source, None, f"{field}.phase", f"one of {', '.join(PHASES)}"))
        if spec.get("issuer") not in ("unit", "coordinator"):
            problems.append(Problem(source, None, f"{field}.issuer", "unit or coordinator"))
        missing = [k for k in ("title_vi", "title_en", "signer") if not spec.get(k)]
        if missing:
            problems.append(Problem(source, None, field, f"missing {', '.join(missing)}"))
            continue
        types[key] = DocumentType(
            key=key,
            phase=spec.get("phase", ""),
            symbol=spec.get("symbol"),
            title_vi=nfc(spec["title_vi"]),
            title_en=spec["title_en"],
            issuer=spec.get("issuer", ""),
            signer=tuple(nfc(line) for line in spec["signer"]),
            draft_on_open=spec.get("draft_on_open", True) is not False,
            recorded_as=spec.get("recorded_as"),
        )
    if problems:
        raise InputError(problems)
    return types


def types_of_phase(phase: str, issuer: str = "unit") -> list[DocumentType]:
    """The document types a phase drafts for each unit (or for the programme)."""
    return [t for t in load_document_types().values() if t.phase == phase and t.issuer == issuer]


def resolve_types(names: list[str] | None, phase: str | None) -> list[DocumentType]:
    """The types a command asks for by name and/or phase; an unknown name is an error."""
    known = load_document_types()
    unknown = [n for n in names or [] if n not in known]
    if unknown:
        raise InputError(
            [
                Problem(
                    "--type", None, None, f"unknown document type {n!r}; one of: {', '.join(known)}"
                )
                for n in unknown
            ]
        )
    chosen = [known[n] for n in names] if names else list(known.values())
    return [t for t in chosen if phase is None or t.phase == phase]


@dataclass(frozen=True)
class Agency:
    """An issuing agency as the top-left block shows it, and its abbreviation in symbols."""

    parent: str | None  # the governing agency, in capitals, not bold; None for a people's committee
    lines: tuple[str, ...]  # the agency's own name in capitals, bold, as broken into lines
    symbol: str  # e.g. UBND

    def as_data(self) -> dict:
        """The agency as template data."""
        return {"parent": self.parent, "lines": list(self.lines), "symbol": self.symbol}


def unit_agency(unit_name: str) -> Agency:
    """A people's committee as its documents name it: "ỦY BAN NHÂN DÂN" over "QUẬN HẢI AN"."""
    name = nfc(unit_name).strip()
    if name.lower().startswith(_COMMITTEE):
        rest = name[len(_COMMITTEE) :].strip()
        return Agency(
            None, ("ỦY BAN NHÂN DÂN", rest.upper()) if rest else ("ỦY BAN NHÂN DÂN",), "UBND"
        )
    return Agency(None, (name.upper(),), "UBND")


def level_word(unit_name: str) -> str:
    """The level a people's committee's name says: "quận", "phường", "thị trấn" ("" if none)."""
    name = nfc(unit_name).strip().lower()
    if name.startswith(_COMMITTEE):
        name = name[len(_COMMITTEE) :].strip()
    return next((w for w in _LEVEL_WORDS if name.startswith(w + " ")), "")


def place_name(unit_name: str) -> str:
    """The place a unit's documents are dated at: its own name without the level word.

    "Ủy ban nhân dân quận Hải An" -> "Hải An"; a name that is a number keeps its level word
    ("Phường 1"), as Decree 30 asks.
    """
    name = nfc(unit_name).strip()
    if name.lower().startswith(_COMMITTEE):
        name = name[len(_COMMITTEE) :].strip()
    lowered = name.lower()
    for word in _LEVEL_WORDS:
        if lowered.startswith(word + " "):
            rest = name[len(word) :].strip()
            if rest[:1].isdigit():
                return name[:1].upper() + name[1:]
            return rest
    return name


# "Số 12/QĐ-UBND", "Số: 12/QĐ-UBND" or "12/QĐ-UBND": a number, a slash, a symbol.
_NUMBER = re.compile(r"^(?:Số:?\s*)?(\d+)\s*/\s*(\S.*)$", re.IGNORECASE)
# What a clerk fills in by hand once the document is signed and registered (Decree 30,
# Appendix I): the number before the slash, the day and month of the date line.
BLANK_NUMBER = "\u00a0" * 6
BLANK_DAY = "…"


def registered_number(text: str) -> tuple[int, str] | None:
    """A number as written on a signed document, read: (12, "12/QĐ-UBND"); None if it has none."""
    match = _NUMBER.match(nfc(text).strip())
    if not match:
        return None
    return int(match.group(1)), f"{int(match.group(1))}/{match.group(2).strip()}"


def blank_number(type_symbol: str, agency_symbol: str) -> str:
    """A draft's number and symbol, the number left for the clerk: "      /KH-UBND"."""
    return f"{BLANK_NUMBER}/{type_symbol}-{agency_symbol}"


def blank_date_line(place: str, year: int, language: str) -> str:
    """A draft's place and date line, day and month left blank: "Hải An, ngày … tháng … năm
    2023" ("Hai An, … … 2023")."""
    if language == "vi":
        return f"{place}, ngày {BLANK_DAY} tháng {BLANK_DAY} năm {year}"
    return f"{place}, {BLANK_DAY} {BLANK_DAY} {year}"


_BLANK_DATE = {
    "vi": re.compile(f"ngày {BLANK_DAY} tháng {BLANK_DAY} năm \\d{{4}}"),
    "en": re.compile(f"{BLANK_DAY} {BLANK_DAY} \\d{{4}}"),
}


# What a draft's signing block holds until the document is signed by a named person.
SIGNER_BLANK = {"vi": "[Họ và tên người ký]", "en": "[Full name of the signatory]"}
NBSP = "\u00a0"


def unbroken_name(name: str) -> str:
    """A person's name that never breaks across lines: its spaces made non-breaking."""
    return NBSP.join(name.split())


def signed_text(
    text: str,
    language: str,
    type_symbol: str,
    number: str,
    signed_on: date,
    signer: str | None = None,
) -> str:
    """A draft's line as the clerk completes it once signed: its own blank number (the one of
    its type: a decision's, not the submission it cites), the date and the signer's name (kept
    on one line) filled in."""
    if signer and text.strip() == SIGNER_BLANK[language]:
        return text.replace(SIGNER_BLANK[language], unbroken_name(signer))
    own_blank = re.compile(f"{BLANK_NUMBER}/{re.escape(type_symbol)}-\\S+")
    text = own_blank.sub(number, text)
    if language == "vi":
        return _BLANK_DATE["vi"].sub(format_date_vi(signed_on), text)
    day = f"{signed_on.day:02d} {_MONTHS_EN[signed_on.month - 1]} {signed_on.year}"
    return _BLANK_DATE["en"].sub(day, text)


def date_line_vi(place: str, day: date) -> str:
    """The place and date line: "Hải Phòng, ngày 05 tháng 3 năm 2023" (Decree 30's zeros)."""
    return f"{place}, {format_date_vi(day)}"


def date_line_en(place: str, day: date) -> str:
    """The English counterpart of the place and date line: "Hai An, 05 March 2023"."""
    return f"{place}, {day.day:02d} {_MONTHS_EN[day.month - 1]} {day.year}"


def short_date(day: date | None) -> str:
    """A date in a table or sentence: 05/03/2023."""
    return day.strftime("%d/%m/%Y") if day else "—"


def data_hash(data: dict) -> str:
    """The sha256 of a document's data; the same data always hashes the same."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def file_name(doc_type: str, language: str, version: int, number: str | None) -> str:
    """A document's file name: its number first when it has one, so a folder sorts by number."""
    stem = re.sub(
        r"[^0-9A-Za-z]+", "-", unicodedata.normalize("NFKD", (number or "").replace("Đ", "D"))
    ).strip("-")
    prefix = f"{stem}_" if stem else ""
    suffix = "" if language == "vi" else f".{language}"
    return f"{prefix}{doc_type}.v{version}{suffix}.docx"


def recorded_type(phase: str, kind: str) -> DocumentType | None:
    """The unit document a recorded decision of that kind is the signed copy of, if any."""
    return next(
        (
            t
            for t in load_document_types().values()
            if t.phase == phase and t.issuer == "unit" and t.recorded_as == kind
        ),
        None,
    )
